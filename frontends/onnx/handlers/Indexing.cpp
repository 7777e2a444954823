//===- Indexing.cpp - ONNX indexing ops -> dlg ----------------------------===//
//
// Ops whose indices are run-time tensors map to the gather/scatter ops of
// DlgIndexingOps.td, or compute their indices with integer dlg arithmetic
// (Trilu, OneHot, ReverseSequence). Shape construction ops live in
// ShapeConstruction.cpp, Einsum in Einsum.cpp.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"
#include "frontends/onnx/handlers/IndexingBuilders.h"
#include "frontends/onnx/handlers/RuntimeSlicing.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

using namespace builders;

//===----------------------------------------------------------------------===//
// Index computations: Trilu, OneHot, Compress, ReverseSequence
//===----------------------------------------------------------------------===//

/// Keeps x[..., i, j] where j - i >= k (upper) or j - i <= k (lower), else 0.
/// k may be a run-time scalar.
LogicalResult trilu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value input = ctx.input(0);
  RankedTensorType type = typeOf(input);
  if (type.getRank() < 2)
    return ctx.emitError() << "expects rank >= 2 but got " << type.getRank(),
           failure();
  bool upper = ctx.intAttr("upper", 1);
  int64_t rows = type.getDimSize(type.getRank() - 2),
          cols = type.getDimSize(type.getRank() - 1);
  Type i64 = ctx.builder.getI64Type();
  SmallVector<double> diagonal;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      diagonal.push_back(double(j - i));
  Value offset = constantOf(ctx, {rows, cols}, i64, diagonal);
  Value k = splat(ctx, {}, i64, 0);
  if (Value value = ctx.input(1)) {
    if (typeOf(value).getNumElements() != 1)
      return ctx.emitError() << "expects a scalar k", failure();
    FailureOr<Value> scalar = reshapeTo(ctx, value, {});
    if (failed(scalar))
      return failure();
    FailureOr<Value> cast = ctx.castTo(*scalar, i64);
    if (failed(cast))
      return failure();
    k = *cast;
  }
  // upper: j - i - k + 1 >= 1; lower: k - (j - i) + 1 >= 1.
  Value one = splat(ctx, {}, i64, 1);
  FailureOr<Value> margin = upper ? binary<dlg::SubOp>(ctx, offset, k)
                                  : binary<dlg::SubOp>(ctx, k, offset);
  FailureOr<Value> keep =
      toBool(ctx, positive(ctx, binary<dlg::AddOp>(ctx, margin, one)));
  if (failed(keep))
    return failure();
  Value zero = splat(ctx, {}, type.getElementType(), 0);
  FailureOr<Value> result = ctx.create<dlg::WhereOp>({*keep, input, zero});
  if (succeeded(result))
    result = broadcastTo(ctx, *result, type.getShape());
  return pushResult(result, results);
}

/// where(iota != normalized index, off, on) with iota along the new axis.
LogicalResult oneHot(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value values = ctx.input(2);
  if (typeOf(values).getNumElements() != 2)
    return ctx.emitError() << "expects two values (off, on)", failure();
  Type i64 = ctx.builder.getI64Type();
  FailureOr<Value> indices = ctx.castTo(ctx.input(0), i64);
  if (failed(indices))
    return failure();
  int64_t rank = typeOf(*indices).getRank() + 1;
  std::optional<int64_t> axis =
      dlg::normalizeAxis(ctx.intAttr("axis", -1), rank);
  if (!axis)
    return ctx.emitError() << "axis " << ctx.intAttr("axis", -1)
                           << " is out of range for rank " << rank,
           failure();
  int64_t depth;
  if (std::optional<SmallVector<double>> depthValues =
          constantDoubles(ctx.input(1))) {
    if (depthValues->size() != 1)
      return ctx.emitError() << "expects a scalar 'depth'", failure();
    depth = int64_t((*depthValues)[0]);
  } else {
    // Run-time depth: the declared size of the new axis, checked.
    FailureOr<SmallVector<int64_t>> declared =
        ctx.requireDeclaredShape(0, 1, "depth");
    if (failed(declared))
      return failure();
    SmallVector<int64_t> expected(typeOf(*indices).getShape());
    if ((int64_t)declared->size() == rank)
      expected.insert(expected.begin() + *axis, (*declared)[*axis]);
    if ((int64_t)declared->size() != rank ||
        ArrayRef<int64_t>(expected) != ArrayRef<int64_t>(*declared) ||
        typeOf(ctx.input(1)).getNumElements() != 1)
      return ctx.emitError()
                 << "the declared output shape " << formatDims(*declared)
                 << " does not add one axis to the indices",
             failure();
    depth = (*declared)[*axis];
    Composer c(ctx);
    Value given = c.reshape(c.intsInput(1), {});
    c.check(c.create<dlg::EqualOp>(
                {given, c.ints({depth}, SmallVector<int64_t>{})}),
            "the run-time 'depth' differs from the declared depth " +
                llvm::Twine(depth));
    if (c.failedBefore)
      return failure();
  }
  if (depth < 1 || depth > dlg::kMaxNumElements)
    return ctx.emitError() << "depth " << depth << " is out of range",
           failure();
  // Negative indices count from the end: index + depth * (index < 0).
  Value zero = splat(ctx, {}, i64, 0);
  FailureOr<Value> isNegative =
      positive(ctx, binary<dlg::SubOp>(ctx, zero, *indices));
  FailureOr<Value> normalized = binary<dlg::AddOp>(
      ctx, *indices,
      binary<dlg::MulOp>(ctx, isNegative, splat(ctx, {}, i64, depth)));
  if (failed(normalized))
    return failure();
  normalized = ctx.create<dlg::UnsqueezeOp>(
      {*normalized},
      {ctx.named("axes", ctx.builder.getDenseI64ArrayAttr({*axis}))});
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[*axis] = depth;
  SmallVector<double> iota;
  for (int64_t i = 0; i < depth; ++i)
    iota.push_back(double(i));
  FailureOr<Value> differs =
      toBool(ctx, binary<dlg::SubOp>(ctx, constantOf(ctx, iotaShape, i64, iota),
                                     normalized));
  FailureOr<Value> flat = reshapeTo(ctx, values, {2});
  if (failed(differs) || failed(flat))
    return failure();
  FailureOr<Value> off = sliceAxis(ctx, *flat, 0, 0, 1);
  FailureOr<Value> on = sliceAxis(ctx, *flat, 0, 1, 1);
  if (failed(off) || failed(on))
    return failure();
  off = reshapeTo(ctx, *off, {});
  on = reshapeTo(ctx, *on, {});
  if (failed(off) || failed(on))
    return failure();
  return pushResult(ctx.create<dlg::WhereOp>({*differs, *off, *on}), results);
}

LogicalResult compress(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value input = ctx.input(0);
  int64_t axis = 0;
  if (ctx.attribute("axis")) {
    int64_t rank = typeOf(input).getRank();
    std::optional<int64_t> normalized =
        dlg::normalizeAxis(ctx.intAttr("axis", 0), rank);
    if (!normalized)
      return ctx.emitError() << "axis " << ctx.intAttr("axis", 0)
                             << " is out of range for rank " << rank,
             failure();
    axis = *normalized;
  } else {
    FailureOr<Value> flat =
        reshapeTo(ctx, input, {typeOf(input).getNumElements()});
    if (failed(flat))
      return failure();
    input = *flat;
  }
  if (!ctx.constantInts(1))
    return runtimeCompress(ctx, input, axis, results);
  FailureOr<SmallVector<int64_t>> condition =
      ctx.requireConstantInts(1, "condition (it determines the output shape)");
  if (failed(condition))
    return failure();
  int64_t dim = typeOf(input).getDimSize(axis);
  if ((int64_t)condition->size() > dim)
    return ctx.emitError() << "condition has " << condition->size()
                           << " entries but the axis has " << dim,
           failure();
  SmallVector<int64_t> selected;
  for (auto [i, keep] : llvm::enumerate(*condition))
    if (keep)
      selected.push_back(i);
  Value indices = intConstant(ctx, selected, {(int64_t)selected.size()});
  return pushResult(
      ctx.create<dlg::GatherOp>(
          {input, indices},
          {ctx.named("axis", ctx.builder.getI64IntegerAttr(axis))}),
      results);
}

/// Gathers along the time axis at t < len[b] ? len[b] - 1 - t : t.
LogicalResult reverseSequence(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value input = ctx.input(0);
  RankedTensorType type = typeOf(input);
  int64_t rank = type.getRank();
  int64_t batchAxis = ctx.intAttr("batch_axis", 1);
  int64_t timeAxis = ctx.intAttr("time_axis", 0);
  if (rank < 2 || !llvm::is_contained({0, 1}, batchAxis) ||
      !llvm::is_contained({0, 1}, timeAxis) || batchAxis == timeAxis)
    return ctx.emitError() << "expects rank >= 2 and batch_axis, time_axis "
                              "one of {0, 1} each (got "
                           << batchAxis << ", " << timeAxis << ")",
           failure();
  int64_t batch = type.getDimSize(batchAxis), time = type.getDimSize(timeAxis);
  if (typeOf(ctx.input(1)).getNumElements() != batch)
    return ctx.emitError() << "expects " << batch << " sequence lengths",
           failure();
  Type i64 = ctx.builder.getI64Type();
  SmallVector<int64_t> lensShape(rank, 1), timeShape(rank, 1);
  lensShape[batchAxis] = batch;
  timeShape[timeAxis] = time;
  FailureOr<Value> lens = ctx.castTo(ctx.input(1), i64);
  if (failed(lens))
    return failure();
  lens = reshapeTo(ctx, *lens, lensShape);
  if (failed(lens))
    return failure();
  SmallVector<double> steps;
  for (int64_t t = 0; t < time; ++t)
    steps.push_back(double(t));
  Value t = constantOf(ctx, timeShape, i64, steps);
  Value one = splat(ctx, {}, i64, 1);
  FailureOr<Value> reversed =
      binary<dlg::SubOp>(ctx, binary<dlg::SubOp>(ctx, *lens, one), t);
  // inside = 1 when reversed >= 0, i.e. t < len.
  FailureOr<Value> inside =
      positive(ctx, binary<dlg::AddOp>(ctx, reversed, one));
  FailureOr<Value> index = binary<dlg::AddOp>(
      ctx, t,
      binary<dlg::MulOp>(ctx, inside, binary<dlg::SubOp>(ctx, reversed, t)));
  if (failed(index))
    return failure();
  index = broadcastTo(ctx, *index, type.getShape());
  if (failed(index))
    return failure();
  return pushResult(
      ctx.create<dlg::GatherElementsOp>(
          {input, *index},
          {ctx.named("axis", ctx.builder.getI64IntegerAttr(timeAxis))}),
      results);
}

//===----------------------------------------------------------------------===//
// Gather and scatter
//===----------------------------------------------------------------------===//

LogicalResult gatherElements(NodeContext &ctx,
                             SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  return pushResult(ctx.create<dlg::GatherElementsOp>(
                        {ctx.input(0), ctx.input(1)},
                        {ctx.named("axis", ctx.builder.getI64IntegerAttr(
                                               ctx.intAttr("axis", 0)))}),
                    results);
}

LogicalResult gatherND(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  return pushResult(
      ctx.create<dlg::GatherNDOp>(
          {ctx.input(0), ctx.input(1)},
          {ctx.named("batch_dims", ctx.builder.getI64IntegerAttr(
                                       ctx.intAttr("batch_dims", 0)))}),
      results);
}

FailureOr<std::string> reductionAttr(NodeContext &ctx) {
  std::string reduction = ctx.stringAttr("reduction", "none");
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return ctx.emitError() << "attribute 'reduction' = '" << reduction
                           << "' is not supported",
           failure();
  return reduction;
}

LogicalResult scatterElements(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  FailureOr<std::string> reduction = reductionAttr(ctx);
  if (failed(reduction))
    return failure();
  return pushResult(
      ctx.create<dlg::ScatterElementsOp>(
          {ctx.input(0), ctx.input(1), ctx.input(2)},
          {ctx.named("axis",
                     ctx.builder.getI64IntegerAttr(ctx.intAttr("axis", 0))),
           ctx.named("reduction", ctx.builder.getStringAttr(*reduction))}),
      results);
}

LogicalResult scatterND(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  FailureOr<std::string> reduction = reductionAttr(ctx);
  if (failed(reduction))
    return failure();
  return pushResult(
      ctx.create<dlg::ScatterNDOp>(
          {ctx.input(0), ctx.input(1), ctx.input(2)},
          {ctx.named("reduction", ctx.builder.getStringAttr(*reduction))}),
      results);
}

} // namespace

void registerIndexingHandlers(OpRegistry &registry) {
  registerShapeConstructionHandlers(registry);
  registry.add("", "Trilu", {14}, trilu);
  registry.add("", "OneHot", {9, 11, 28}, oneHot);
  registry.add("", "Compress", {9, 11, 28}, compress);
  registry.add("", "NonZero", {9, 13}, nonZero);
  registry.add("", "ReverseSequence", {10, 28}, reverseSequence);
  registry.add("", "GatherElements", {11, 13}, gatherElements);
  registry.add("", "GatherND", {11, 12, 13}, gatherND);
  registry.add("", "Scatter", {9, 11}, scatterElements);
  registry.add("", "ScatterElements", {11, 13, 16, 18}, scatterElements);
  registry.add("", "ScatterND", {11, 13, 16, 18}, scatterND);
  registry.add("", "Einsum", {12, 28}, importEinsum);
}

} // namespace dlc::onnx
