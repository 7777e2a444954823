//===- ConvertNormalization.cpp - pooling, norms, softmax, reductions -----===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dlc {
namespace {

/// Reduction combiners: args are (element, accumulator). Plain functions, so
/// the non-owning ScalarBuilder references never dangle.
Value addCombiner(OpBuilder &b, Location loc, ValueRange args) {
  return createAdd(b, loc, args[1], args[0]);
}

Value maxCombiner(OpBuilder &b, Location loc, ValueRange args) {
  return createMax(b, loc, args[1], args[0]);
}

/// Sliding-window reduction over the spatial dims of NC... data, padded with
/// `padValue`. Loop dims: n, c, out..., window...
Value buildPooling(OpBuilder &b, Location loc, Value input,
                   RankedTensorType outType, ArrayRef<int64_t> kernel,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                   ArrayRef<int64_t> dilations, Value padValue, Value init,
                   ScalarBuilder combine) {
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t spatial = inType.getRank() - 2;
  // With ceil_mode the last windows may reach past the end padding: pad more.
  SmallVector<int64_t> allPads(pads);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t needed = (outType.getDimSize(i + 2) - 1) * strides[i] +
                     dilations[i] * (kernel[i] - 1) + 1;
    int64_t have = inType.getDimSize(i + 2) + pads[i] + pads[i + spatial];
    allPads[i + spatial] += std::max<int64_t>(0, needed - have);
  }
  Value padded = padSpatial(b, loc, input, allPads, padValue);
  int64_t numDims = 2 + 2 * spatial;
  auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> inExprs = {dim(0), dim(1)}, windowExprs,
                          outExprs = {dim(0), dim(1)};
  SmallVector<utils::IteratorType> iterators(numDims,
                                             utils::IteratorType::parallel);
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(dim(2 + i) * strides[i] +
                      dim(2 + spatial + i) * dilations[i]);
    windowExprs.push_back(dim(2 + spatial + i));
    outExprs.push_back(dim(2 + i));
    iterators[2 + spatial + i] = utils::IteratorType::reduction;
  }
  // The window operand only carries the window's extent, as in linalg.pooling.
  Value window = emptyTensor(b, loc, kernel, outType.getElementType());
  AffineMap inMap = AffineMap::get(numDims, 0, inExprs, ctx);
  AffineMap outMap = AffineMap::get(numDims, 0, outExprs, ctx);
  Value acc = filledTensor(b, loc, outType.getShape(), init,
                           dynamicSizesFromMaps(b, loc, outType.getShape(),
                                                outMap, padded, inMap));
  auto generic = linalg::GenericOp::create(
      b, loc, outType, ValueRange{padded, window}, acc,
      ArrayRef<AffineMap>{inMap, AffineMap::get(numDims, 0, windowExprs, ctx),
                          outMap},
      iterators, [&](OpBuilder &nested, Location l, ValueRange args) {
        linalg::YieldOp::create(nested, l,
                                combine(nested, l, {args[0], args[2]}));
      });
  return generic.getResult(0);
}

struct MaxPoolPattern : OpConversionPattern<dlg::MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    if (op.getIsUnsigned() && isa<IntegerType>(elementType)) {
      Value zero = scalarConstant(rewriter, op.getLoc(), elementType, 0);
      auto maxU = [](OpBuilder &b, Location loc, ValueRange args) -> Value {
        return arith::MaxUIOp::create(b, loc, args[1], args[0]);
      };
      rewriter.replaceOp(
          op, buildPooling(rewriter, op.getLoc(), adaptor.getInput(), type,
                           op.getKernelShape(), op.getStrides(), op.getPads(),
                           op.getDilations(), zero, zero, maxU));
      return success();
    }
    Value lowest = lowestValue(rewriter, op.getLoc(), elementType);
    rewriter.replaceOp(
        op, buildPooling(rewriter, op.getLoc(), adaptor.getInput(), type,
                         op.getKernelShape(), op.getStrides(), op.getPads(),
                         op.getDilations(), lowest, lowest, maxCombiner));
    return success();
  }
};

struct AvgPoolPattern : OpConversionPattern<dlg::AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    Value zero = scalarConstant(rewriter, loc, elementType, 0);
    Value sum = buildPooling(rewriter, loc, adaptor.getInput(), type,
                             op.getKernelShape(), op.getStrides(), op.getPads(),
                             op.getDilations(), zero, zero, addCombiner);
    // The divisor counts, per window, the elements that are not padding
    // (or, with count_include_pad, not the extra padding of ceil_mode):
    // pooling a tensor of ones where those elements are 1 counts them.
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    int64_t spatial = inType.getRank() - 2;
    SmallVector<int64_t> onesShape(inType.getShape());
    onesShape[0] = onesShape[1] = 1;
    SmallVector<int64_t> pads(op.getPads());
    if (op.getCountIncludePad()) {
      for (int64_t i = 0; i < spatial; ++i)
        onesShape[i + 2] += pads[i] + pads[i + spatial];
      std::fill(pads.begin(), pads.end(), 0);
    }
    SmallVector<int64_t> countShape(type.getShape());
    countShape[0] = countShape[1] = 1;
    Value ones = filledTensor(rewriter, loc, onesShape,
                              scalarConstant(rewriter, loc, elementType, 1));
    Value divisor = buildPooling(
        rewriter, loc, ones, RankedTensorType::get(countShape, elementType),
        op.getKernelShape(), op.getStrides(), pads, op.getDilations(), zero,
        zero, addCombiner);
    rewriter.replaceOp(
        op, buildElementwise(rewriter, loc, type, {sum, divisor},
                             [](OpBuilder &b, Location l, ValueRange args) {
                               return arith::DivFOp::create(b, l, args[0],
                                                            args[1]);
                             }));
    return success();
  }
};

/// (sum over the window of |x|^p)^(1/p); padding contributes 0.
struct LpPoolPattern : OpConversionPattern<dlg::LpPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::LpPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    int64_t p = op.getP();
    Value zero = scalarConstant(rewriter, loc, elementType, 0);
    Value sum = buildPooling(
        rewriter, loc, adaptor.getInput(), type, op.getKernelShape(),
        op.getStrides(), op.getPads(), op.getDilations(), zero, zero,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0];
          Value term = p == 1   ? Value(math::AbsFOp::create(b, l, x))
                       : p == 2 ? Value(arith::MulFOp::create(b, l, x, x))
                                : Value(math::PowFOp::create(
                                      b, l, math::AbsFOp::create(b, l, x),
                                      scalarConstant(b, l, elementType, p)));
          return Value(arith::AddFOp::create(b, l, args[1], term));
        });
    if (p != 1)
      sum = buildElementwise(
          rewriter, loc, type, {sum},
          [&](OpBuilder &b, Location l, ValueRange args) {
            if (p == 2)
              return Value(math::SqrtOp::create(b, l, args[0]));
            return Value(math::PowFOp::create(
                b, l, args[0], scalarConstant(b, l, elementType, 1.0 / p)));
          });
    rewriter.replaceOp(op, sum);
    return success();
  }
};

/// The flat input index of the first largest element of each max pooling
/// window. The input coordinates are recomputed from the loop indices, so
/// padding (which lies outside [0, size)) can never win.
struct MaxPoolIndicesPattern : OpConversionPattern<dlg::MaxPoolIndicesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::MaxPoolIndicesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = inType.getElementType();
    int64_t spatial = inType.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads(), dilations = op.getDilations();
    SmallVector<int64_t> allPads(pads);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t needed = (outType.getDimSize(i + 2) - 1) * strides[i] +
                       dilations[i] * (kernel[i] - 1) + 1;
      int64_t have = inType.getDimSize(i + 2) + pads[i] + pads[i + spatial];
      allPads[i + spatial] += std::max<int64_t>(0, needed - have);
    }
    Value lowest = lowestValue(rewriter, loc, elementType);
    Value padded =
        padSpatial(rewriter, loc, adaptor.getInput(), allPads, lowest);
    int64_t numDims = 2 + 2 * spatial;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
    SmallVector<AffineExpr> inExprs = {dim(0), dim(1)}, windowExprs,
                            outExprs = {dim(0), dim(1)};
    SmallVector<utils::IteratorType> iterators(numDims,
                                               utils::IteratorType::parallel);
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(dim(2 + i) * strides[i] +
                        dim(2 + spatial + i) * dilations[i]);
      windowExprs.push_back(dim(2 + spatial + i));
      outExprs.push_back(dim(2 + i));
      iterators[2 + spatial + i] = utils::IteratorType::reduction;
    }
    // Strides of the flat index per input dimension.
    SmallVector<int64_t> flatStrides(inType.getRank(), 1);
    for (int64_t d = inType.getRank() - 2; d >= 0; --d)
      flatStrides[d] = flatStrides[d + 1] * inType.getDimSize(d + 1);
    if (op.getColumnMajor()) {
      int64_t stride = 1;
      for (int64_t i = 0; i < spatial; ++i) {
        flatStrides[2 + i] = stride;
        stride *= inType.getDimSize(2 + i);
      }
    }
    Type i64 = rewriter.getI64Type();
    Value window = emptyTensor(rewriter, loc, kernel, elementType);
    Value values = filledTensor(rewriter, loc, outType.getShape(), lowest);
    Value indices = filledTensor(rewriter, loc, outType.getShape(),
                                 scalarConstant(rewriter, loc, i64, -1));
    AffineMap outMap = AffineMap::get(numDims, 0, outExprs, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{values.getType(), indices.getType()},
        ValueRange{padded, window}, ValueRange{values, indices},
        ArrayRef<AffineMap>{AffineMap::get(numDims, 0, inExprs, ctx),
                            AffineMap::get(numDims, 0, windowExprs, ctx),
                            outMap, outMap},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          auto index = [&](int64_t d) {
            return Value(arith::IndexCastOp::create(
                b, l, i64, linalg::IndexOp::create(b, l, d)));
          };
          auto constant = [&](int64_t v) {
            return Value(
                arith::ConstantOp::create(b, l, b.getI64IntegerAttr(v)));
          };
          Value flat = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(b, l, index(0), constant(flatStrides[0])),
              arith::MulIOp::create(b, l, index(1), constant(flatStrides[1])));
          Value inside = arith::ConstantOp::create(b, l, b.getBoolAttr(true));
          for (int64_t i = 0; i < spatial; ++i) {
            // coordinate = out * stride + window * dilation - pad_begin
            Value coord = arith::SubIOp::create(
                b, l,
                arith::AddIOp::create(
                    b, l,
                    arith::MulIOp::create(b, l, index(2 + i),
                                          constant(strides[i])),
                    arith::MulIOp::create(b, l, index(2 + spatial + i),
                                          constant(dilations[i]))),
                constant(pads[i]));
            Value low = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                              coord, constant(0));
            Value high =
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, coord,
                                      constant(inType.getDimSize(2 + i)));
            inside = arith::AndIOp::create(
                b, l, inside, arith::AndIOp::create(b, l, low, high));
            flat = arith::AddIOp::create(
                b, l, flat,
                arith::MulIOp::create(b, l, coord,
                                      constant(flatStrides[2 + i])));
          }
          Value x = args[0], best = args[2], bestIndex = args[3];
          Value none = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                             bestIndex, constant(0));
          Value greater =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, best);
          Value take = arith::AndIOp::create(
              b, l, inside, arith::OrIOp::create(b, l, none, greater));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, take, x, best),
                         arith::SelectOp::create(b, l, take, flat, bestIndex)});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

/// Sum over `reduced` dims divided by their element count, keeping dims.
/// Integer sums divide unsigned when `isUnsigned`.
Value buildMean(OpBuilder &b, Location loc, Value input, ArrayRef<bool> reduced,
                bool keepDims, bool isUnsigned = false) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elementType = type.getElementType();
  int64_t count = 1;
  SmallVector<Value> dynamicCounts;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!reduced[d])
      continue;
    if (type.isDynamicDim(d))
      dynamicCounts.push_back(tensor::DimOp::create(b, loc, input, d));
    else
      count *= type.getDimSize(d);
  }
  // An empty integer mean is 0 rather than a division by zero.
  if (count == 0 && !isa<FloatType>(elementType))
    count = 1;
  Value sum =
      buildReduction(b, loc, input, reduced, keepDims,
                     scalarConstant(b, loc, elementType, 0), addCombiner);
  auto sumType = cast<RankedTensorType>(sum.getType());
  Value divisor = scalarConstant(b, loc, elementType, count);
  if (!dynamicCounts.empty()) {
    // The element count of dynamic dims is only known at run time.
    Value total = arith::ConstantIndexOp::create(b, loc, count);
    for (Value size : dynamicCounts)
      total = arith::MulIOp::create(b, loc, total, size);
    if (!isa<FloatType>(elementType))
      total = arith::MaxUIOp::create(
          b, loc, total, arith::ConstantIndexOp::create(b, loc, 1));
    Value wide = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), total);
    if (isa<FloatType>(elementType))
      divisor = arith::UIToFPOp::create(b, loc, elementType, wide);
    else if (elementType.isInteger(64))
      divisor = wide;
    else
      divisor = arith::TruncIOp::create(b, loc, elementType, wide);
  }
  return buildElementwise(
      b, loc, sumType, {sum}, [&](OpBuilder &nb, Location l, ValueRange args) {
        if (isa<FloatType>(elementType))
          return Value(arith::DivFOp::create(nb, l, args[0], divisor));
        if (isUnsigned)
          return Value(arith::DivUIOp::create(nb, l, args[0], divisor));
        return Value(arith::DivSIOp::create(nb, l, args[0], divisor));
      });
}

struct GlobalAvgPoolPattern : OpConversionPattern<dlg::GlobalAvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::GlobalAvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<bool> reduced(type.getRank(), true);
    reduced[0] = reduced[1] = false;
    rewriter.replaceOp(op, buildMean(rewriter, op.getLoc(), adaptor.getInput(),
                                     reduced, /*keepDims=*/true));
    return success();
  }
};

template <typename OpTy> SmallVector<bool> reducedDims(OpTy op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  SmallVector<bool> reduced(type.getRank(), false);
  for (int64_t axis : op.getAxes())
    reduced[*dlg::normalizeAxis(axis, type.getRank())] = true;
  return reduced;
}

struct ReduceSumPattern : OpConversionPattern<dlg::ReduceSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ReduceSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = getElementTypeOrSelf(op.getType());
    rewriter.replaceOp(
        op,
        buildReduction(rewriter, op.getLoc(), adaptor.getInput(),
                       reducedDims(op), op.getKeepdims(),
                       scalarConstant(rewriter, op.getLoc(), elementType, 0),
                       addCombiner));
    return success();
  }
};

struct ReduceMaxPattern : OpConversionPattern<dlg::ReduceMaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ReduceMaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = getElementTypeOrSelf(op.getType());
    // Unsigned integers start from 0 and compare unsigned.
    if (op.getIsUnsigned() && isa<IntegerType>(elementType)) {
      rewriter.replaceOp(
          op, buildReduction(
                  rewriter, op.getLoc(), adaptor.getInput(), reducedDims(op),
                  op.getKeepdims(),
                  scalarConstant(rewriter, op.getLoc(), elementType, 0),
                  [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                    return arith::MaxUIOp::create(b, loc, args[1], args[0]);
                  }));
      return success();
    }
    rewriter.replaceOp(
        op, buildReduction(rewriter, op.getLoc(), adaptor.getInput(),
                           reducedDims(op), op.getKeepdims(),
                           lowestValue(rewriter, op.getLoc(), elementType),
                           maxCombiner));
    return success();
  }
};

struct ReduceMeanPattern : OpConversionPattern<dlg::ReduceMeanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ReduceMeanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildMean(rewriter, op.getLoc(), adaptor.getInput(),
                                     reducedDims(op), op.getKeepdims(),
                                     op.getIsUnsigned()));
    return success();
  }
};

struct SoftmaxPattern : OpConversionPattern<dlg::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<bool> reduced(type.getRank(), false);
    reduced[*dlg::normalizeAxis(op.getAxis(), type.getRank())] = true;
    Value input = adaptor.getInput();
    Value max = buildReduction(
        rewriter, loc, input, reduced, /*keepDims=*/true,
        lowestValue(rewriter, loc, type.getElementType()), maxCombiner);
    Value exp = buildElementwise(
        rewriter, loc, type, {input, max},
        [](OpBuilder &b, Location l, ValueRange args) {
          return math::ExpOp::create(
              b, l, arith::SubFOp::create(b, l, args[0], args[1]));
        });
    Value sum = buildReduction(
        rewriter, loc, exp, reduced, /*keepDims=*/true,
        scalarConstant(rewriter, loc, type.getElementType(), 0), addCombiner);
    rewriter.replaceOp(
        op, buildElementwise(rewriter, loc, type, {exp, sum},
                             [](OpBuilder &b, Location l, ValueRange args) {
                               return arith::DivFOp::create(b, l, args[0],
                                                            args[1]);
                             }));
    return success();
  }
};

/// y = scale * (x - mean) / sqrt(var + eps) + bias, folded into one
/// multiply-add per element with per-channel coefficients.
struct BatchNormPattern : OpConversionPattern<dlg::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    auto paramType = cast<RankedTensorType>(op.getScale().getType());
    double epsilon = op.getEpsilon().convertToDouble();
    Value coefficient = buildElementwise(
        rewriter, loc, paramType, {adaptor.getScale(), adaptor.getVariance()},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value stddev = math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(
                  b, l, args[1], scalarConstant(b, l, elementType, epsilon)));
          return arith::DivFOp::create(b, l, args[0], stddev);
        });
    Value offset = buildElementwise(
        rewriter, loc, paramType,
        {adaptor.getBias(), adaptor.getMean(), coefficient},
        [](OpBuilder &b, Location l, ValueRange args) {
          return arith::SubFOp::create(
              b, l, args[0], arith::MulFOp::create(b, l, args[1], args[2]));
        });
    SmallVector<int64_t> channelShape(type.getRank() - 1, 1);
    channelShape[0] = paramType.getDimSize(0);
    coefficient = reshapeTensor(rewriter, loc, coefficient, channelShape);
    offset = reshapeTensor(rewriter, loc, offset, channelShape);
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, type, {adaptor.getInput(), coefficient, offset},
                [](OpBuilder &b, Location l, ValueRange args) {
                  return arith::AddFOp::create(
                      b, l, arith::MulFOp::create(b, l, args[0], args[1]),
                      args[2]);
                }));
    return success();
  }
};

struct LayerNormPattern : OpConversionPattern<dlg::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    // ONNX computes the statistics in f32 (stash_type = 1) for narrower
    // floats: f16 sums of squares overflow, bf16 ones lose all precision.
    Type elementType = resultType.getElementType();
    if (elementType.getIntOrFloatBitWidth() < 32)
      elementType = rewriter.getF32Type();
    auto type = RankedTensorType::get(resultType.getShape(), elementType);
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), type.getRank());
    SmallVector<bool> reduced(type.getRank(), false);
    for (int64_t d = axis; d < type.getRank(); ++d)
      reduced[d] = true;
    Value input = convertElementType(rewriter, loc, adaptor.getInput(),
                                     elementType);
    Value mean = buildMean(rewriter, loc, input, reduced, /*keepDims=*/true);
    Value centered =
        buildElementwise(rewriter, loc, type, {input, mean},
                         [](OpBuilder &b, Location l, ValueRange args) {
                           return arith::SubFOp::create(b, l, args[0], args[1]);
                         });
    Value squared =
        buildElementwise(rewriter, loc, type, {centered},
                         [](OpBuilder &b, Location l, ValueRange args) {
                           return arith::MulFOp::create(b, l, args[0], args[0]);
                         });
    Value variance =
        buildMean(rewriter, loc, squared, reduced, /*keepDims=*/true);
    double epsilon = op.getEpsilon().convertToDouble();
    SmallVector<Value> operands = {
        centered, variance,
        convertElementType(rewriter, loc, adaptor.getScale(), elementType)};
    if (adaptor.getBias())
      operands.push_back(
          convertElementType(rewriter, loc, adaptor.getBias(), elementType));
    Value result = buildElementwise(
        rewriter, loc, type, operands,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value invStd = math::RsqrtOp::create(
              b, l,
              arith::AddFOp::create(
                  b, l, args[1], scalarConstant(b, l, elementType, epsilon)));
          Value value = arith::MulFOp::create(
              b, l, arith::MulFOp::create(b, l, args[0], invStd), args[2]);
          if (args.size() == 4)
            value = arith::AddFOp::create(b, l, value, args[3]);
          return value;
        });
    rewriter.replaceOp(op, convertElementType(rewriter, loc, result,
                                              resultType.getElementType()));
    return success();
  }
};

} // namespace

void populateNormalizationLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolPattern, AvgPoolPattern, GlobalAvgPoolPattern,
               ReduceSumPattern, ReduceMaxPattern, ReduceMeanPattern,
               SoftmaxPattern, BatchNormPattern, LayerNormPattern,
               LpPoolPattern, MaxPoolIndicesPattern>(patterns.getContext());
}

} // namespace dlc
