//===- ConvertIndexing.cpp - dlg gather/scatter ops -> linalg, scf, tensor ===//
//
// Gathers are linalg.generic ops over the result that read `data` with
// tensor.extract at run-time coordinates. Scatters apply their updates in
// order (duplicates must combine or overwrite deterministically), so they
// are one scf.for over the updates that threads the result tensor through
// tensor.extract / tensor.insert.
//
// Indices follow ONNX: negative values count from the end of their
// dimension. Values still out of range are clamped into it, so a bad index
// never reads or writes outside the tensor.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace dlc {
namespace {

/// Converts an integer index element to `index`, wraps a negative value once
/// by `size` and clamps the result into [0, size - 1].
Value normalizeIndex(OpBuilder &b, Location loc, Value element, int64_t size) {
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), element);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::AddIOp::create(
      b, loc, index, arith::ConstantIndexOp::create(b, loc, size));
  index = arith::SelectOp::create(b, loc, negative, wrapped, index);
  index = arith::MaxSIOp::create(b, loc, index, zero);
  return arith::MinSIOp::create(
      b, loc, index,
      arith::ConstantIndexOp::create(b, loc, std::max<int64_t>(size - 1, 0)));
}

/// The row-major coordinates of the linear position `linear` in `shape`.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> shape) {
  SmallVector<Value> coords(shape.size());
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    Value size = arith::ConstantIndexOp::create(b, loc, shape[d]);
    coords[d] = d == 0 ? linear : arith::RemUIOp::create(b, loc, linear, size);
    if (d > 0)
      linear = arith::DivUIOp::create(b, loc, linear, size);
  }
  return coords;
}

/// Combines an existing element with an update per the ONNX reduction.
Value combine(OpBuilder &b, Location loc, StringRef reduction, Value old,
              Value update) {
  if (reduction == "add")
    return createAdd(b, loc, old, update);
  if (reduction == "mul")
    return createMul(b, loc, old, update);
  if (reduction == "max")
    return createMax(b, loc, old, update);
  if (reduction == "min") {
    if (isa<FloatType>(old.getType()))
      return arith::MinimumFOp::create(b, loc, old, update);
    if (old.getType().isInteger(1)) // true is -1 as a signed i1
      return arith::AndIOp::create(b, loc, old, update);
    return arith::MinSIOp::create(b, loc, old, update);
  }
  return update;
}

/// Runs `body(b, loc, position, result)` for positions [0, count), threading
/// `init` through as the scatter result.
Value buildScatterLoop(
    OpBuilder &b, Location loc, int64_t count, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  Value lower = arith::ConstantIndexOp::create(b, loc, 0);
  Value upper = arith::ConstantIndexOp::create(b, loc, count);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, lower, upper, step, ValueRange{init},
      [&](OpBuilder &nested, Location l, Value iv, ValueRange iterArgs) {
        scf::YieldOp::create(nested, l, body(nested, l, iv, iterArgs[0]));
      });
  return loop.getResult(0);
}

struct GatherElementsPattern : OpConversionPattern<dlg::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    int64_t rank = type.getRank();
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), rank);
    Value data = adaptor.getData();
    Value init =
        emptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, adaptor.getIndices(), init,
        ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(
                d == axis
                    ? normalizeIndex(b, l, args[0], dataType.getDimSize(axis))
                    : linalg::IndexOp::create(b, l, d).getResult());
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// out[b..., i..., s...] = data[b..., indices[b..., i..., :], s...].
struct GatherNDPattern : OpConversionPattern<dlg::GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t batchDims = op.getBatchDims();
    int64_t prefix = indicesType.getRank() - 1;
    int64_t k = indicesType.getShape().back();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    Value init =
        emptyTensor(rewriter, loc, type.getShape(), type.getElementType());
    SmallVector<utils::IteratorType> iterators(type.getRank(),
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, init,
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(type.getRank())},
        iterators, [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> outer, coords;
          for (int64_t d = 0; d < prefix; ++d)
            outer.push_back(linalg::IndexOp::create(b, l, d));
          for (int64_t d = 0; d < batchDims; ++d)
            coords.push_back(outer[d]);
          for (int64_t j = 0; j < k; ++j) {
            SmallVector<Value> at(outer);
            at.push_back(arith::ConstantIndexOp::create(b, l, j));
            Value element = tensor::ExtractOp::create(b, l, indices, at);
            coords.push_back(normalizeIndex(
                b, l, element, dataType.getDimSize(batchDims + j)));
          }
          for (int64_t d = prefix; d < type.getRank(); ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct ScatterElementsPattern : OpConversionPattern<dlg::ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto updatesType = cast<RankedTensorType>(op.getUpdates().getType());
    int64_t axis = *dlg::normalizeAxis(op.getAxis(), type.getRank());
    Value indices = adaptor.getIndices(), updates = adaptor.getUpdates();
    StringRef reduction = op.getReduction();
    Value result = buildScatterLoop(
        rewriter, op.getLoc(), updatesType.getNumElements(), adaptor.getData(),
        [&](OpBuilder &b, Location l, Value position, Value current) {
          SmallVector<Value> at =
              delinearize(b, l, position, updatesType.getShape());
          SmallVector<Value> coords(at);
          coords[axis] =
              normalizeIndex(b, l, tensor::ExtractOp::create(b, l, indices, at),
                             type.getDimSize(axis));
          Value update = tensor::ExtractOp::create(b, l, updates, at);
          if (reduction != "none")
            update = combine(b, l, reduction,
                             tensor::ExtractOp::create(b, l, current, coords),
                             update);
          return tensor::InsertOp::create(b, l, update, current, coords)
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// One loop over (tuple, slice element) pairs of `updates`.
struct ScatterNDPattern : OpConversionPattern<dlg::ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(dlg::ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto updatesType = cast<RankedTensorType>(op.getUpdates().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t prefix = indicesType.getRank() - 1;
    int64_t k = indicesType.getShape().back();
    Value indices = adaptor.getIndices(), updates = adaptor.getUpdates();
    StringRef reduction = op.getReduction();
    Value result = buildScatterLoop(
        rewriter, op.getLoc(), updatesType.getNumElements(), adaptor.getData(),
        [&](OpBuilder &b, Location l, Value position, Value current) {
          SmallVector<Value> at =
              delinearize(b, l, position, updatesType.getShape());
          SmallVector<Value> coords;
          for (int64_t j = 0; j < k; ++j) {
            SmallVector<Value> tuple(at.begin(), at.begin() + prefix);
            tuple.push_back(arith::ConstantIndexOp::create(b, l, j));
            coords.push_back(normalizeIndex(
                b, l, tensor::ExtractOp::create(b, l, indices, tuple),
                type.getDimSize(j)));
          }
          coords.append(at.begin() + prefix, at.end());
          Value update = tensor::ExtractOp::create(b, l, updates, at);
          if (reduction != "none")
            update = combine(b, l, reduction,
                             tensor::ExtractOp::create(b, l, current, coords),
                             update);
          return tensor::InsertOp::create(b, l, update, current, coords)
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateIndexingLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherElementsPattern, GatherNDPattern, ScatterElementsPattern,
               ScatterNDPattern>(patterns.getContext());
}

} // namespace dlc
