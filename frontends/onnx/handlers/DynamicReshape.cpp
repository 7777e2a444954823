//===- DynamicReshape.cpp - Shape and Reshape of dynamic dims -------------===//

#include "frontends/onnx/handlers/DynamicReshape.h"

#include "frontends/onnx/handlers/Composer.h"
#include "frontends/onnx/handlers/RuntimeSlicing.h"

using namespace mlir;

namespace dlc::onnx {

namespace {
RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// The rank-1 i64 vector of `pieces` (each a rank-1 i64 tensor).
Value concatPieces(Composer &c, NodeContext &ctx, ArrayRef<Value> pieces) {
  if (pieces.empty())
    return c.ints({});
  if (pieces.size() == 1)
    return pieces.front();
  return c.create<dlg::ConcatOp>(
      pieces, {ctx.named("axis", ctx.builder.getI64IntegerAttr(0))});
}

/// Dim `d` of `input` as a rank-1 i64 tensor of one element.
Value dimPiece(Composer &c, NodeContext &ctx, Value input, int64_t d) {
  RankedTensorType type = typeOf(input);
  if (!type.isDynamicDim(d))
    return c.ints({type.getDimSize(d)});
  Value dim = c.create<dlg::DimOp>(
      {input}, {ctx.named("dim", ctx.builder.getI64IntegerAttr(d))});
  return c.reshape(dim, {1});
}
} // namespace

FailureOr<Value> runtimeShapeOf(NodeContext &ctx, Value input, int64_t start,
                                int64_t end) {
  Composer c(ctx);
  SmallVector<Value> pieces;
  for (int64_t d = start; d < end; ++d)
    pieces.push_back(dimPiece(c, ctx, input, d));
  Value shape = concatPieces(c, ctx, pieces);
  if (c.failedBefore || !shape)
    return failure();
  return shape;
}

LogicalResult dynamicReshape(NodeContext &ctx, Value shape,
                             ArrayRef<int64_t> resultDims,
                             SmallVectorImpl<Value> &results) {
  Value input = ctx.input(0);
  RankedTensorType inType = typeOf(input);
  int64_t rank = resultDims.size();
  bool allowZero = ctx.intAttr("allowzero", 0);
  Composer c(ctx);
  auto scalar = [&](int64_t v) { return c.ints({v}, SmallVector<int64_t>{}); };
  // Entry i of a 0 (copy) reads input dim i; past the input rank it stays 0
  // and the element count check below rejects it.
  SmallVector<Value> pieces;
  for (int64_t d = 0; d < rank; ++d)
    pieces.push_back(d < inType.getRank() ? dimPiece(c, ctx, input, d)
                                          : c.ints({0}));
  Value copied = concatPieces(c, ctx, pieces);
  Value inputDims =
      concatPieces(c, ctx,
                   llvm::to_vector(llvm::map_range(
                       llvm::seq<int64_t>(0, inType.getRank()),
                       [&](int64_t d) { return dimPiece(c, ctx, input, d); })));
  Value count = inType.getRank() == 0
                    ? scalar(1)
                    : c.reduce<dlg::ReduceProdOp>(inputDims, {0}, false);
  if (!allowZero)
    shape = c.create<dlg::WhereOp>(
        {c.create<dlg::EqualOp>({shape, scalar(0)}), copied, shape});
  Value inferMask = c.create<dlg::EqualOp>({shape, scalar(-1)});
  Value known = c.reduce<dlg::ReduceProdOp>(
      c.create<dlg::WhereOp>({inferMask, scalar(1), shape}), {0}, false);
  // x / 0 is 0 in dlg, so an empty known part infers 0 and fails the check.
  Value inferred = c.create<dlg::DivOp>({count, known});
  Value resolved = c.create<dlg::WhereOp>({inferMask, inferred, shape});
  // A failed check fails the run, but the reshape still runs first: it then
  // gets a shape of zeros, so it never views more memory than the input has.
  Value allOk = scalar(1);
  auto require = [&](Value condition, const Twine &what) {
    c.check(condition, what);
    allOk = c.create<dlg::MulOp>(
        {allOk, c.cast(condition, ctx.builder.getI64Type())});
  };
  require(c.create<dlg::LessEqualOp>({c.countEqual(shape, -1), scalar(1)}),
          "the 'shape' has more than one -1");
  require(c.allOf(c.create<dlg::GreaterEqualOp>({resolved, scalar(0)})),
          "the 'shape' has a negative entry other than one -1");
  Value product = c.reduce<dlg::ReduceProdOp>(resolved, {0}, false);
  require(c.create<dlg::EqualOp>({product, count}),
          "the 'shape' does not hold the input's elements at run time");
  for (auto [d, size] : llvm::enumerate(resultDims))
    if (!ShapedType::isDynamic(size))
      require(c.create<dlg::EqualOp>({c.element(resolved, d), scalar(size)}),
              "dim " + std::to_string(d) + " of the result is not " +
                  std::to_string(size) + " at run time");
  resolved = c.create<dlg::MulOp>({resolved, allOk});
  if (c.failedBefore)
    return failure();
  auto type = RankedTensorType::get(resultDims, inType.getElementType());
  // A static result reshapes with dlg.reshape, whose lowering copies at
  // most the elements the input has.
  if (type.hasStaticShape())
    return c.finish({c.reshape(input, resultDims)}, results);
  results.push_back(dlg::DynamicReshapeOp::create(ctx.builder, ctx.loc, type,
                                                  input, resolved));
  return success();
}

} // namespace dlc::onnx
