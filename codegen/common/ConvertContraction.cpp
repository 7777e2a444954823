//===- ConvertContraction.cpp - matmul, gemm and conv -> linalg -----------===//
//
// Contractions become one linalg.generic each, with broadcasting, transposes
// and convolution windows expressed in the indexing maps. The iteration order
// puts a unit-stride output dimension innermost so the inner loop vectorizes.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/LoweringUtils.h"
#include "codegen/common/SoftFloat.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dlc {
namespace {

/// Whether products of `elementType` accumulate in f32.
bool accumulatesWider(Type elementType) {
  return elementType.isBF16() || elementType.isF16();
}

/// The f32 tensor `wide` rounded to `elementType` (bf16 or f16).
Value roundTensor(OpBuilder &b, Location loc, Value wide, Type elementType) {
  auto type = cast<RankedTensorType>(wide.getType());
  return buildElementwise(
      b, loc, type.clone(elementType), {wide},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // (f32 -> bf16 without compiler-rt; see SoftFloat.h.)
        return elementType.isBF16()
                   ? truncToBF16(nested, nestedLoc, args[0])
                   : Value(arith::TruncFOp::create(nested, nestedLoc,
                                                   elementType, args[0]));
      });
}

/// How the operands of an 8-bit integer product extend to its i32 sums.
struct IntegerOperands {
  bool lhsUnsigned = false, rhsUnsigned = false;
};

/// acc += lhs * rhs over a generic with the given maps and iterators. f16
/// and bf16 products accumulate in f32, as onnxruntime and tensor cores
/// compute them (sums of thousands of terms in bf16 would lose most of their
/// digits), and are rounded once at the end unless `wideResult` (the caller
/// then gets the f32 sums). With `integer`, 8-bit operands are extended
/// to i32 sums.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       AffineMap lhsMap, AffineMap rhsMap, AffineMap outMap,
                       ArrayRef<utils::IteratorType> iterators,
                       ArrayRef<int64_t> outShape, Type elementType,
                       bool wideResult = false,
                       std::optional<IntegerOperands> integer = std::nullopt) {
  bool widen = accumulatesWider(elementType);
  Type accType = integer ? b.getI32Type()
                 : widen ? b.getF32Type()
                         : elementType;
  auto extend = [&](OpBuilder &nested, Location nestedLoc, Value x,
                    bool isUnsigned) -> Value {
    if (isUnsigned)
      return arith::ExtUIOp::create(nested, nestedLoc, accType, x);
    return arith::ExtSIOp::create(nested, nestedLoc, accType, x);
  };
  Value acc =
      filledTensor(b, loc, outShape, scalarConstant(b, loc, accType, 0),
                   dynamicSizesFromMaps(b, loc, outShape, outMap, {lhs, rhs},
                                        {lhsMap, rhsMap}));
  auto generic = linalg::GenericOp::create(
      b, loc, acc.getType(), ValueRange{lhs, rhs}, acc,
      ArrayRef<AffineMap>{lhsMap, rhsMap, outMap}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value x = args[0], y = args[1];
        if (integer) {
          x = extend(nested, nestedLoc, x, integer->lhsUnsigned);
          y = extend(nested, nestedLoc, y, integer->rhsUnsigned);
        } else if (widen) {
          x = arith::ExtFOp::create(nested, nestedLoc, accType, x);
          y = arith::ExtFOp::create(nested, nestedLoc, accType, y);
        }
        Value product = createMul(nested, nestedLoc, x, y);
        linalg::YieldOp::create(nested, nestedLoc,
                                createAdd(nested, nestedLoc, args[2], product));
      });
  Value result = generic.getResult(0);
  if (integer || !widen || wideResult)
    return result;
  return roundTensor(b, loc, result, elementType);
}

/// numpy.matmul with the iteration order (batch..., m, k, n), of floats
/// or integers (dlg.matmul) or of 8-bit integers with i32 sums
/// (dlg.matmul_integer).
template <typename OpTy>
struct MatMulPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = this->getContext();
    Location loc = op.getLoc();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    bool lhsVector = lhsType.getRank() == 1, rhsVector = rhsType.getRank() == 1;
    int64_t batchRank =
        outType.getRank() - (lhsVector ? 0 : 1) - (rhsVector ? 0 : 1);
    // Loop dims: batch..., m, k, n. A vector operand has no m (lhs) or n
    // (rhs) dimension: every loop dim must index some operand.
    int64_t numDims = batchRank;
    int64_t mDim = lhsVector ? -1 : numDims++;
    int64_t kDim = numDims++;
    int64_t nDim = rhsVector ? -1 : numDims++;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
    SmallVector<int64_t> batchShape(outType.getShape().take_front(batchRank));

    auto operandBatch = [&](RankedTensorType type, int64_t matrixRank) {
      SmallVector<AffineExpr> exprs;
      ArrayRef<int64_t> shape = type.getShape().drop_back(matrixRank);
      int64_t offset = batchRank - shape.size();
      for (auto [i, size] : llvm::enumerate(shape))
        exprs.push_back(size == 1 && batchShape[offset + i] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : dim(offset + i));
      return exprs;
    };
    SmallVector<AffineExpr> lhsExprs = operandBatch(lhsType, lhsVector ? 1 : 2);
    if (!lhsVector)
      lhsExprs.push_back(dim(mDim));
    lhsExprs.push_back(dim(kDim));
    SmallVector<AffineExpr> rhsExprs = operandBatch(rhsType, rhsVector ? 1 : 2);
    rhsExprs.push_back(dim(kDim));
    if (!rhsVector)
      rhsExprs.push_back(dim(nDim));
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < batchRank; ++d)
      outExprs.push_back(dim(d));
    if (!lhsVector)
      outExprs.push_back(dim(mDim));
    if (!rhsVector)
      outExprs.push_back(dim(nDim));

    SmallVector<utils::IteratorType> iterators(numDims,
                                               utils::IteratorType::parallel);
    iterators[kDim] = utils::IteratorType::reduction;
    std::optional<IntegerOperands> integer;
    if constexpr (std::is_same_v<OpTy, dlg::MatMulIntegerOp>)
      integer = IntegerOperands{op.getLhsUnsigned(), op.getRhsUnsigned()};
    Value result = buildContraction(
        rewriter, loc, adaptor.getLhs(), adaptor.getRhs(),
        AffineMap::get(numDims, 0, lhsExprs, ctx),
        AffineMap::get(numDims, 0, rhsExprs, ctx),
        AffineMap::get(numDims, 0, outExprs, ctx), iterators,
        outType.getShape(), outType.getElementType(), false, integer);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// alpha * op(A) op(B) + beta * C: a contraction plus an elementwise epilogue.
struct GemmPattern : OpConversionPattern<dlg::GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = getContext();
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    AffineExpr m = getAffineDimExpr(0, ctx), k = getAffineDimExpr(1, ctx),
               n = getAffineDimExpr(2, ctx);
    AffineMap aMap = AffineMap::get(3, 0,
                                    op.getTransA() ? ArrayRef<AffineExpr>{k, m}
                                                   : ArrayRef<AffineExpr>{m, k},
                                    ctx);
    AffineMap bMap = AffineMap::get(3, 0,
                                    op.getTransB() ? ArrayRef<AffineExpr>{n, k}
                                                   : ArrayRef<AffineExpr>{k, n},
                                    ctx);
    AffineMap outMap = AffineMap::get(3, 0, {m, n}, ctx);
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::reduction,
        utils::IteratorType::parallel};
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = adaptor.getC();
    bool scaled = alpha != 1.0 || (c && beta != 0.0);
    // bf16/f16: alpha * AB + beta * C in f32, rounded once.
    bool wide = scaled && accumulatesWider(elementType);
    Type computeType = wide ? rewriter.getF32Type() : elementType;
    Value result = buildContraction(rewriter, loc, adaptor.getA(),
                                    adaptor.getB(), aMap, bMap, outMap,
                                    iterators, outType.getShape(), elementType,
                                    wide);
    if (scaled) {
      SmallVector<Value> operands = {result};
      if (c && beta != 0.0)
        operands.push_back(c);
      result = buildElementwise(
          rewriter, loc, outType.clone(computeType), operands,
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value value = args[0];
            if (alpha != 1.0)
              value = arith::MulFOp::create(
                  b, l, value, scalarConstant(b, l, computeType, alpha));
            if (args.size() == 1)
              return value;
            Value addend = args[1];
            if (addend.getType() != computeType)
              addend = arith::ExtFOp::create(b, l, computeType, addend);
            if (beta != 1.0)
              addend = arith::MulFOp::create(
                  b, l, addend, scalarConstant(b, l, computeType, beta));
            return Value(arith::AddFOp::create(b, l, value, addend));
          });
      if (wide)
        result = roundTensor(rewriter, loc, result, elementType);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Grouped N-D convolution. Loop dims: n, g, f, out[0..s-1), c, k[0..s),
/// out[s-1]; the last output spatial dim is innermost and unit-stride.
struct ConvPattern : OpConversionPattern<dlg::ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = getContext();
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    int64_t spatial = inType.getRank() - 2, group = op.getGroup();
    int64_t channels = inType.getDimSize(1) / group;
    int64_t filters = wType.getDimSize(0) / group;

    Value input = padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(),
                             scalarConstant(rewriter, loc, elementType, 0));
    auto paddedType = cast<RankedTensorType>(input.getType());
    // [N, C, ...] -> [N, G, C/G, ...]; [F, C/G, ...] -> [G, F/G, C/G, ...].
    SmallVector<int64_t> inShape = {paddedType.getDimSize(0), group, channels};
    llvm::append_range(inShape, paddedType.getShape().drop_front(2));
    SmallVector<int64_t> wShape = {group, filters, channels};
    llvm::append_range(wShape, wType.getShape().drop_front(2));
    SmallVector<int64_t> groupedOut = {outType.getDimSize(0), group, filters};
    llvm::append_range(groupedOut, outType.getShape().drop_front(2));
    // Only the batch dim may be dynamic (see ConvertDlgToLinalg).
    SmallVector<Value> batch = dynamicDimSizes(rewriter, loc, input);
    if (spatial == 2 && group > 1 && channels == 1 && filters == 1 &&
        elementType.isF32()) {
      // Depthwise: the named op, which targets may hand to a kernel.
      Value filter = reshapeTensor(
          rewriter, loc, adaptor.getWeight(),
          {wType.getDimSize(0), wType.getDimSize(2), wType.getDimSize(3)});
      Value acc =
          filledTensor(rewriter, loc, outType.getShape(),
                       scalarConstant(rewriter, loc, elementType, 0), batch);
      Value result = linalg::DepthwiseConv2DNchwChwOp::create(
                         rewriter, loc, TypeRange{acc.getType()},
                         ValueRange{input, filter}, ValueRange{acc},
                         rewriter.getI64VectorAttr(op.getStrides()),
                         rewriter.getI64VectorAttr(op.getDilations()))
                         .getResult(0);
      rewriter.replaceOp(
          op, addBias(rewriter, loc, result, adaptor.getBias(), outType));
      return success();
    }
    if (spatial == 2 && group == 1 &&
        (elementType.isF32() || accumulatesWider(elementType))) {
      Value result =
          conv2d(rewriter, loc, op, input, adaptor.getWeight(), outType, batch);
      rewriter.replaceOp(
          op, addBias(rewriter, loc, result, adaptor.getBias(), outType));
      return success();
    }
    input = reshapeTensor(rewriter, loc, input, inShape, batch);
    Value weight = reshapeTensor(rewriter, loc, adaptor.getWeight(), wShape);

    // Dim numbering of the iteration space.
    int64_t nDim = 0, gDim = 1, fDim = 2;
    auto outDim = [&](int64_t i) {
      return i < spatial - 1 ? 3 + i : 3 + 2 * spatial;
    };
    int64_t cDim = 2 + spatial;
    auto kDim = [&](int64_t i) { return 3 + spatial + i; };
    int64_t numDims = 4 + 2 * spatial;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };

    SmallVector<AffineExpr> inExprs = {dim(nDim), dim(gDim), dim(cDim)};
    SmallVector<AffineExpr> wExprs = {dim(gDim), dim(fDim), dim(cDim)};
    SmallVector<AffineExpr> outExprs = {dim(nDim), dim(gDim), dim(fDim)};
    SmallVector<utils::IteratorType> iterators(numDims,
                                               utils::IteratorType::parallel);
    iterators[cDim] = utils::IteratorType::reduction;
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(dim(outDim(i)) * op.getStrides()[i] +
                        dim(kDim(i)) * op.getDilations()[i]);
      wExprs.push_back(dim(kDim(i)));
      outExprs.push_back(dim(outDim(i)));
      iterators[kDim(i)] = utils::IteratorType::reduction;
    }
    Value result = buildContraction(rewriter, loc, input, weight,
                                    AffineMap::get(numDims, 0, inExprs, ctx),
                                    AffineMap::get(numDims, 0, wExprs, ctx),
                                    AffineMap::get(numDims, 0, outExprs, ctx),
                                    iterators, groupedOut, elementType);
    result = reshapeTensor(rewriter, loc, result, outType.getShape(), batch);
    rewriter.replaceOp(
        op, addBias(rewriter, loc, result, adaptor.getBias(), outType));
    return success();
  }

private:
  static Value addBias(OpBuilder &b, Location loc, Value result, Value bias,
                       RankedTensorType outType) {
    if (!bias)
      return result;
    // Bias [F] broadcasts along dim 1: view it as [F, 1, ..., 1].
    SmallVector<int64_t> biasShape(outType.getRank() - 1, 1);
    biasShape[0] = outType.getDimSize(1);
    Value shaped = reshapeTensor(b, loc, bias, biasShape);
    return buildElementwise(b, loc, outType, {result, shaped},
                            [](OpBuilder &nested, Location l, ValueRange args) {
                              return createAdd(nested, l, args[0], args[1]);
                            });
  }

  /// 2-D, ungrouped f32, bf16 or f16 convolution of the padded input. A 1x1
  /// kernel with unit strides is a matrix product over channels; anything
  /// else is the named NCHW op, which targets may rewrite (the CPU one as
  /// im2col + GEMM, CUDA as an implicit GEMM on tensor cores). bf16 and f16
  /// sum in f32 and round once, like matrix products.
  static Value conv2d(OpBuilder &b, Location loc, dlg::ConvOp op, Value input,
                      Value weight, RankedTensorType outType,
                      ValueRange batch) {
    MLIRContext *ctx = b.getContext();
    auto wType = cast<RankedTensorType>(weight.getType());
    Type elementType = outType.getElementType();
    bool pointwise =
        wType.getDimSize(2) == 1 && wType.getDimSize(3) == 1 &&
        llvm::all_of(op.getStrides(), [](int64_t s) { return s == 1; }) &&
        cast<RankedTensorType>(input.getType()).getDimSize(2) ==
            outType.getDimSize(2) &&
        cast<RankedTensorType>(input.getType()).getDimSize(3) ==
            outType.getDimSize(3);
    Value zero = scalarConstant(b, loc, elementType, 0);
    if (pointwise) {
      // Loop dims n, f, h, w, c: out[n,f,h,w] += in[n,c,h,w] * w[f,c].
      Value matrix = reshapeTensor(b, loc, weight,
                                   {wType.getDimSize(0), wType.getDimSize(1)});
      auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
      SmallVector<utils::IteratorType> iterators(4,
                                                 utils::IteratorType::parallel);
      iterators.push_back(utils::IteratorType::reduction);
      // The filter first: the product is then filter x input, row-major in
      // all three operands (a GEMM with the output's layout).
      return buildContraction(
          b, loc, matrix, input, AffineMap::get(5, 0, {dim(1), dim(4)}, ctx),
          AffineMap::get(5, 0, {dim(0), dim(4), dim(2), dim(3)}, ctx),
          AffineMap::get(5, 0, {dim(0), dim(1), dim(2), dim(3)}, ctx),
          iterators, outType.getShape(), elementType);
    }
    bool widen = accumulatesWider(elementType);
    if (widen)
      zero = scalarConstant(b, loc, b.getF32Type(), 0);
    Value acc = filledTensor(b, loc, outType.getShape(), zero, batch);
    auto conv = linalg::Conv2DNchwFchwOp::create(
        b, loc, TypeRange{acc.getType()}, ValueRange{input, weight},
        ValueRange{acc}, b.getI64VectorAttr(op.getStrides()),
        b.getI64VectorAttr(op.getDilations()));
    if (widen)
      return roundTensor(b, loc, conv.getResult(0), elementType);
    return conv.getResult(0);
  }
};

} // namespace

void populateContractionLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulPattern<dlg::MatMulOp>, MatMulPattern<dlg::MatMulIntegerOp>,
               GemmPattern, ConvPattern>(patterns.getContext());
}

} // namespace dlc
