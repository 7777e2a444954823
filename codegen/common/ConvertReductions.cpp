//===- ConvertReductions.cpp - dlg reductions ops -> linalg -------------===//
//
// Min/prod reductions, arg-reductions, hardmax, cumulative scans and top-k.
// Arg-reductions are linalg.generic reductions with two results (value and
// position). Scans and top-k are scf.for loops over tensors: upstream linalg
// has neither a scan nor a sort.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;

namespace dlc {
namespace {

template <typename OpTy> SmallVector<bool> reducedDims(OpTy op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  SmallVector<bool> reduced(type.getRank(), false);
  for (int64_t axis : op.getAxes())
    reduced[*dlg::normalizeAxis(axis, type.getRank())] = true;
  return reduced;
}

/// Combiners take (element, accumulator).
Value minCombiner(OpBuilder &b, Location loc, ValueRange args) {
  if (isa<FloatType>(args[0].getType()))
    return arith::MinimumFOp::create(b, loc, args[1], args[0]);
  if (args[0].getType().isInteger(1))
    return arith::AndIOp::create(b, loc, args[1], args[0]);
  return arith::MinSIOp::create(b, loc, args[1], args[0]);
}

Value mulCombiner(OpBuilder &b, Location loc, ValueRange args) {
  if (args[0].getType().isInteger(1))
    return arith::AndIOp::create(b, loc, args[1], args[0]);
  return createMul(b, loc, args[1], args[0]);
}

Value addCombiner(OpBuilder &b, Location loc, ValueRange args) {
  if (args[0].getType().isInteger(1))
    return arith::XOrIOp::create(b, loc, args[1], args[0]);
  return createAdd(b, loc, args[1], args[0]);
}

/// The highest value of `type`: +inf, the signed maximum, or true for i1.
Value highestValue(OpBuilder &b, Location loc, Type type) {
  if (type.isInteger(1))
    return arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return scalarConstant(b, loc, type, std::numeric_limits<double>::infinity());
}

struct ReduceMinPattern : OpConversionPattern<dlg::ReduceMinOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ReduceMinOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = getElementTypeOrSelf(op.getType());
    // Unsigned integers start from all ones (the unsigned maximum).
    if (op.getIsUnsigned() && isa<IntegerType>(elementType) &&
        !elementType.isInteger(1)) {
      Value highest = arith::ConstantOp::create(
          rewriter, op.getLoc(),
          rewriter.getIntegerAttr(
              elementType,
              APInt::getAllOnes(elementType.getIntOrFloatBitWidth())));
      rewriter.replaceOp(
          op, buildReduction(
                  rewriter, op.getLoc(), adaptor.getInput(), reducedDims(op),
                  op.getKeepdims(), highest,
                  [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                    return arith::MinUIOp::create(b, loc, args[1], args[0]);
                  }));
      return success();
    }
    rewriter.replaceOp(
        op, buildReduction(rewriter, op.getLoc(), adaptor.getInput(),
                           reducedDims(op), op.getKeepdims(),
                           highestValue(rewriter, op.getLoc(), elementType),
                           minCombiner));
    return success();
  }
};

struct ReduceProdPattern : OpConversionPattern<dlg::ReduceProdOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ReduceProdOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = getElementTypeOrSelf(op.getType());
    Value one = elementType.isInteger(1)
                    ? Value(arith::ConstantOp::create(
                          rewriter, op.getLoc(), rewriter.getBoolAttr(true)))
                    : scalarConstant(rewriter, op.getLoc(), elementType, 1);
    rewriter.replaceOp(op, buildReduction(rewriter, op.getLoc(),
                                          adaptor.getInput(), reducedDims(op),
                                          op.getKeepdims(), one, mulCombiner));
    return success();
  }
};

/// Whether `x` beats the current best `best`: strictly (the first position
/// wins ties) unless `orEqual` (the last position wins).
Value beats(OpBuilder &b, Location loc, Value x, Value best, bool largest,
            bool orEqual, bool isUnsigned) {
  if (isa<FloatType>(x.getType())) {
    arith::CmpFPredicate pred =
        largest
            ? (orEqual ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
            : (orEqual ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
    return arith::CmpFOp::create(b, loc, pred, x, best);
  }
  // i1 compares as unsigned (true > false); wider integers are signed
  // unless `isUnsigned`.
  bool isBool = x.getType().isInteger(1) || isUnsigned;
  arith::CmpIPredicate pred;
  if (largest)
    pred =
        orEqual
            ? (isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge)
            : (isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt);
  else
    pred =
        orEqual
            ? (isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
            : (isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
  return arith::CmpIOp::create(b, loc, pred, x, best);
}

/// Reduces `axis` of `input` to the best element and its i64 position
/// (kept as a size-1 dim when keepDims). Positions where the optional i1
/// `mask` is set are skipped. The position accumulator starts at -1, which
/// marks "nothing taken yet", so no sentinel value is needed.
std::pair<Value, Value> buildArgReduction(OpBuilder &b, Location loc,
                                          Value input, Value mask, int64_t axis,
                                          bool keepDims, bool largest,
                                          bool lastIndex,
                                          bool isUnsigned = false) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == axis ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (d != axis) {
      shape.push_back(type.getDimSize(d));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    } else if (keepDims) {
      shape.push_back(1);
      outExprs.push_back(getAffineConstantExpr(0, ctx));
    }
  }
  Type i64 = b.getI64Type();
  Value values = filledTensor(b, loc, shape,
                              scalarConstant(b, loc, type.getElementType(), 0));
  Value positions =
      filledTensor(b, loc, shape, scalarConstant(b, loc, i64, -1));
  SmallVector<Value> inputs = {input};
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps = {identity};
  if (mask) {
    inputs.push_back(mask);
    maps.push_back(identity);
  }
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  maps.append({outMap, outMap});
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{values.getType(), positions.getType()}, inputs,
      ValueRange{values, positions}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0];
        Value best = args[args.size() - 2], bestPos = args.back();
        Value pos = arith::IndexCastOp::create(
            nb, l, i64, linalg::IndexOp::create(nb, l, axis));
        Value none = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::slt, bestPos,
            arith::ConstantOp::create(nb, l, nb.getI64IntegerAttr(0)));
        Value take = arith::OrIOp::create(
            nb, l, none, beats(nb, l, x, best, largest, lastIndex, isUnsigned));
        if (mask) {
          Value free = arith::XOrIOp::create(
              nb, l, args[1],
              arith::ConstantOp::create(nb, l, nb.getBoolAttr(true)));
          take = arith::AndIOp::create(nb, l, take, free);
        }
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, take, x, best),
                       arith::SelectOp::create(nb, l, take, pos, bestPos)});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

template <typename OpTy, bool Largest>
struct ArgReducePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), type.getRank());
    rewriter.replaceOp(
        op, buildArgReduction(rewriter, op.getLoc(), adaptor.getInput(),
                              Value(), axis, op.getKeepdims(), Largest,
                              op.getSelectLastIndex(), op.getIsUnsigned())
                .second);
    return success();
  }
};

/// A generic over `type` whose body sees the position along `axis` (i64) and
/// the elements of `operands` (broadcast to `type`).
Value buildWithPosition(
    OpBuilder &b, Location loc, RankedTensorType type, ValueRange operands,
    int64_t axis,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)> body) {
  return buildElementwise(
      b, loc, type, operands, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value pos = arith::IndexCastOp::create(
            nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, axis));
        return body(nb, l, pos, args);
      });
}

struct HardmaxPattern : OpConversionPattern<dlg::HardmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::HardmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), type.getRank());
    if (type.getDimSize(axis) == 0) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    Value best = buildArgReduction(rewriter, loc, adaptor.getInput(), Value(),
                                   axis, /*keepDims=*/true, /*largest=*/true,
                                   /*lastIndex=*/false)
                     .second;
    Type elementType = type.getElementType();
    rewriter.replaceOp(
        op, buildWithPosition(
                rewriter, loc, type, {best}, axis,
                [&](OpBuilder &b, Location l, Value pos, ValueRange args) {
                  Value hit = arith::CmpIOp::create(
                      b, l, arith::CmpIPredicate::eq, pos, args[0]);
                  return Value(arith::SelectOp::create(
                      b, l, hit, scalarConstant(b, l, elementType, 1),
                      scalarConstant(b, l, elementType, 0)));
                }));
    return success();
  }
};

/// Offsets/sizes/strides of the size-1 slice at `pos` along `axis`.
struct AxisSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

AxisSlice axisSlice(OpBuilder &b, ArrayRef<int64_t> shape, int64_t axis,
                    OpFoldResult pos) {
  AxisSlice slice;
  for (auto [d, dim] : llvm::enumerate(shape)) {
    bool isAxis = static_cast<int64_t>(d) == axis;
    slice.offsets.push_back(isAxis ? pos : b.getIndexAttr(0));
    slice.sizes.push_back(b.getIndexAttr(isAxis ? 1 : dim));
    slice.strides.push_back(b.getIndexAttr(1));
  }
  return slice;
}

/// The permutation that moves `axis` last, or an empty one when the dims
/// after `axis` are all 1. Scans and top-k slice at a loop-dependent position
/// along `axis`; with `axis` innermost that offset needs no multiplication,
/// which keeps the strided-metadata expansion free of affine.apply ops.
SmallVector<int64_t> axisLastPermutation(ArrayRef<int64_t> shape,
                                         int64_t axis) {
  if (llvm::all_of(shape.drop_front(axis + 1),
                   [](int64_t d) { return d == 1; }))
    return {};
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  return perm;
}

/// `input` transposed by `perm` (result dim i is input dim perm[i]), or by
/// its inverse; `input` itself for an empty `perm`.
Value permute(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> perm,
              bool inverse) {
  if (perm.empty())
    return input;
  SmallVector<int64_t> order(perm);
  if (inverse)
    for (auto [i, p] : llvm::enumerate(perm))
      order[p] = i;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : order)
    shape.push_back(type.getDimSize(p));
  Value init = emptyTensor(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, input, init, order)->getResult(0);
}

/// acc op= x elementwise, written into `acc` (same shapes).
Value combineInPlace(OpBuilder &b, Location loc, Value x, Value acc,
                     bool isProduct) {
  auto type = cast<RankedTensorType>(acc.getType());
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, x, acc, ArrayRef<AffineMap>{identity, identity},
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l,
                                       isProduct ? mulCombiner(nb, l, args)
                                                 : addCombiner(nb, l, args));
             })
      .getResult(0);
}

template <typename OpTy, bool IsProduct>
struct ScanPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto opType = cast<RankedTensorType>(op.getType());
    Type elementType = opType.getElementType();
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), opType.getRank());
    SmallVector<int64_t> perm = axisLastPermutation(opType.getShape(), axis);
    Value input = permute(rewriter, loc, adaptor.getInput(), perm, false);
    auto type = cast<RankedTensorType>(input.getType());
    if (!perm.empty())
      axis = type.getRank() - 1;
    int64_t length = type.getDimSize(axis);
    SmallVector<int64_t> sliceShape(type.getShape());
    sliceShape[axis] = 1;
    auto sliceType = RankedTensorType::get(sliceShape, elementType);
    Value identity =
        elementType.isInteger(1)
            ? Value(arith::ConstantOp::create(rewriter, loc,
                                              rewriter.getBoolAttr(IsProduct)))
            : scalarConstant(rewriter, loc, elementType, IsProduct ? 1 : 0);
    Value acc = filledTensor(rewriter, loc, sliceShape, identity);
    Value out = emptyTensor(rewriter, loc, type.getShape(), elementType);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, length);
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, upper, step, ValueRange{acc, out},
        [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
          Value pos = iv;
          if (reverse)
            pos = arith::SubIOp::create(
                b, l, arith::ConstantIndexOp::create(b, l, length - 1), iv);
          AxisSlice slice = axisSlice(b, type.getShape(), axis, pos);
          Value x = tensor::ExtractSliceOp::create(b, l, sliceType, input,
                                                   slice.offsets, slice.sizes,
                                                   slice.strides);
          // The running value is updated in place (outs = the iter_arg), so
          // bufferization keeps one buffer across iterations; the exclusive
          // scan stores it before the update.
          Value out = iterArgs[1];
          if (exclusive)
            out = tensor::InsertSliceOp::create(b, l, iterArgs[0], out,
                                                slice.offsets, slice.sizes,
                                                slice.strides);
          Value next = combineInPlace(b, l, x, iterArgs[0], IsProduct);
          if (!exclusive)
            out = tensor::InsertSliceOp::create(b, l, next, out, slice.offsets,
                                                slice.sizes, slice.strides);
          Value updated = out;
          scf::YieldOp::create(b, l, ValueRange{next, updated});
        });
    rewriter.replaceOp(
        op, permute(rewriter, loc, loop.getResult(1), perm, /*inverse=*/true));
    return success();
  }
};

/// Selection top-k: k rounds of a masked arg-reduction, each marking the
/// position it took. O(k * n) per slice, which suits the small k of models.
struct TopKPattern : OpConversionPattern<dlg::TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), inputType.getRank());
    SmallVector<int64_t> perm = axisLastPermutation(inputType.getShape(), axis);
    Value input = permute(rewriter, loc, adaptor.getInput(), perm, false);
    auto type = cast<RankedTensorType>(input.getType());
    if (!perm.empty())
      axis = type.getRank() - 1;
    SmallVector<int64_t> resultShape(type.getShape());
    resultShape[axis] = op.getK();
    auto valuesType = RankedTensorType::get(resultShape, type.getElementType());
    auto indicesType =
        RankedTensorType::get(resultShape, rewriter.getI64Type());
    bool largest = op.getLargest();
    auto maskType =
        RankedTensorType::get(type.getShape(), rewriter.getI1Type());
    Value mask = filledTensor(
        rewriter, loc, type.getShape(),
        arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(false)));
    Value values = emptyTensor(rewriter, loc, valuesType.getShape(),
                               valuesType.getElementType());
    Value indices = emptyTensor(rewriter, loc, indicesType.getShape(),
                                indicesType.getElementType());
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, op.getK());
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, upper, step, ValueRange{mask, values, indices},
        [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
          auto [best, pos] =
              buildArgReduction(b, l, input, iterArgs[0], axis,
                                /*keepDims=*/true, largest,
                                /*lastIndex=*/false, op.getIsUnsigned());
          // Marks the taken positions in place, as for the scans.
          AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
          SmallVector<utils::IteratorType> iterators(
              type.getRank(), utils::IteratorType::parallel);
          Value marked =
              linalg::GenericOp::create(
                  b, l, maskType, pos, iterArgs[0],
                  ArrayRef<AffineMap>{
                      broadcastMap(
                          b.getContext(),
                          cast<RankedTensorType>(pos.getType()).getShape(),
                          type.getShape()),
                      identity},
                  iterators,
                  [&](OpBuilder &nb, Location nl, ValueRange args) {
                    Value p = arith::IndexCastOp::create(
                        nb, nl, nb.getI64Type(),
                        linalg::IndexOp::create(nb, nl, axis));
                    Value hit = arith::CmpIOp::create(
                        nb, nl, arith::CmpIPredicate::eq, p, args[0]);
                    linalg::YieldOp::create(
                        nb, nl,
                        Value(arith::OrIOp::create(nb, nl, args[1], hit)));
                  })
                  .getResult(0);
          AxisSlice slice = axisSlice(b, valuesType.getShape(), axis, iv);
          Value newValues = tensor::InsertSliceOp::create(
              b, l, best, iterArgs[1], slice.offsets, slice.sizes,
              slice.strides);
          Value newIndices = tensor::InsertSliceOp::create(
              b, l, pos, iterArgs[2], slice.offsets, slice.sizes,
              slice.strides);
          scf::YieldOp::create(b, l, ValueRange{marked, newValues, newIndices});
        });
    rewriter.replaceOp(
        op, ValueRange{permute(rewriter, loc, loop.getResult(1), perm, true),
                       permute(rewriter, loc, loop.getResult(2), perm, true)});
    return success();
  }
};

} // namespace

void populateReductionLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceMinPattern, ReduceProdPattern,
               ArgReducePattern<dlg::ArgMaxOp, true>,
               ArgReducePattern<dlg::ArgMinOp, false>, HardmaxPattern,
               ScanPattern<dlg::CumSumOp, false>,
               ScanPattern<dlg::CumProdOp, true>, TopKPattern>(
      patterns.getContext());
}

} // namespace dlc
