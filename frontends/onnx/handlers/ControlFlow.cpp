//===- ControlFlow.cpp - ONNX sequences, Loop, Scan, If, training ops -----===//
//
// dlc compiles static graphs, so control flow is resolved at import time:
// sequences inside the graph are lists of tensors, Loop and Scan are unrolled
// (their trip counts must be known), and If imports the taken branch (or
// both, selected with dlg.where).
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/ImportContext.h"
#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// A rank-0 constant of `elementType` holding `value`.
Value scalarConstant(NodeContext &ctx, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    element = FloatAttr::get(floatType, value);
  else
    element = IntegerAttr::get(elementType, static_cast<int64_t>(value));
  Value result = dlg::ConstantOp::create(ctx.builder, ctx.loc,
                                         DenseElementsAttr::get(type, element));
  if (isa<IntegerType>(elementType))
    ctx.recordInts(result, {static_cast<int64_t>(value)});
  return result;
}

/// Elements [index, index + size) of `value` along `axis`.
FailureOr<Value> sliceAxis(NodeContext &ctx, Value value, int64_t axis,
                           int64_t index, int64_t size) {
  RankedTensorType type = typeOf(value);
  SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
  SmallVector<int64_t> sizes(type.getShape());
  starts[axis] = index;
  sizes[axis] = size;
  OpBuilder &b = ctx.builder;
  return ctx.create<dlg::SliceOp>(
      {value}, {ctx.named("starts", b.getDenseI64ArrayAttr(starts)),
                ctx.named("sizes", b.getDenseI64ArrayAttr(sizes)),
                ctx.named("steps", b.getDenseI64ArrayAttr(steps))});
}

template <typename OpTy>
FailureOr<Value> withAxis(NodeContext &ctx, Value value, int64_t axis) {
  return ctx.create<OpTy>(
      {value}, {ctx.named("axes", ctx.builder.getDenseI64ArrayAttr({axis}))});
}

/// Element `index` of `value` along `axis`, with that axis removed.
FailureOr<Value> elementAt(NodeContext &ctx, Value value, int64_t axis,
                           int64_t index) {
  FailureOr<Value> slice = sliceAxis(ctx, value, axis, index, 1);
  if (failed(slice))
    return failure();
  return withAxis<dlg::SqueezeOp>(ctx, *slice, axis);
}

/// The tensors of `values` stacked along a new axis `axis`.
FailureOr<Value> stack(NodeContext &ctx, ArrayRef<Value> values, int64_t axis) {
  SmallVector<Value> parts;
  for (Value value : values) {
    FailureOr<Value> part = withAxis<dlg::UnsqueezeOp>(ctx, value, axis);
    if (failed(part))
      return failure();
    parts.push_back(*part);
  }
  if (parts.size() == 1)
    return parts[0];
  return ctx.create<dlg::ConcatOp>(
      parts, {ctx.named("axis", ctx.builder.getI64IntegerAttr(axis))});
}

/// Normalizes `axis` into [0, rank), or fails with a diagnostic.
FailureOr<int64_t> normalizedAxis(NodeContext &ctx, int64_t axis, int64_t rank,
                                  StringRef what) {
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "'" << what << "' = " << axis
                           << " is out of range for rank " << rank,
           failure();
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Sequences
//===----------------------------------------------------------------------===//

FailureOr<const Sequence *> requireSequence(NodeContext &ctx, size_t i) {
  if (const Sequence *sequence = ctx.sequenceInput(i))
    return sequence;
  return ctx.emitError() << "expects input " << i << " to be a sequence",
         failure();
}

/// The position input `i` (a scalar known at import time) normalized into
/// [0, size) or, when `end` is set, [0, size]; `fallback` when absent.
FailureOr<int64_t> position(NodeContext &ctx, size_t i, int64_t size, bool end,
                            int64_t fallback) {
  if (!ctx.input(i))
    return fallback;
  FailureOr<SmallVector<int64_t>> values =
      ctx.requireConstantInts(i, "position");
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return ctx.emitError() << "expects a scalar position, got "
                           << values->size() << " values",
           failure();
  int64_t pos = (*values)[0];
  int64_t limit = end ? size : size - 1;
  if (pos < -size || pos > limit)
    return ctx.emitError() << "position " << pos
                           << " is out of range for a sequence of " << size
                           << " tensors",
           failure();
  return pos < 0 ? pos + size : pos;
}

LogicalResult sequenceEmpty(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  ctx.setSequenceResult(0, {});
  results.push_back(nullptr);
  return success();
}

LogicalResult sequenceConstruct(NodeContext &ctx,
                                SmallVectorImpl<Value> &results) {
  if (ctx.numInputs() == 0 || failed(ctx.requireInputs(ctx.numInputs())))
    return ctx.emitError() << "expects at least one tensor", failure();
  Sequence sequence;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (getElementTypeOrSelf(ctx.input(i).getType()) !=
        getElementTypeOrSelf(ctx.input(0).getType()))
      return ctx.emitError()
                 << "input " << i << " has another element type than input 0",
             failure();
    sequence.push_back(ctx.input(i));
  }
  ctx.setSequenceResult(0, std::move(sequence));
  results.push_back(nullptr);
  return success();
}

LogicalResult sequenceInsert(NodeContext &ctx,
                             SmallVectorImpl<Value> &results) {
  FailureOr<const Sequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  if (!ctx.input(1))
    return ctx.emitError() << "expects a tensor as input 1", failure();
  Sequence result = **sequence;
  int64_t size = result.size();
  FailureOr<int64_t> pos = position(ctx, 2, size, /*end=*/true, size);
  if (failed(pos))
    return failure();
  if (!result.empty() && getElementTypeOrSelf(result[0].getType()) !=
                             getElementTypeOrSelf(ctx.input(1).getType()))
    return ctx.emitError()
               << "the tensor's element type differs from the sequence's",
           failure();
  result.insert(result.begin() + *pos, ctx.input(1));
  ctx.setSequenceResult(0, std::move(result));
  results.push_back(nullptr);
  return success();
}

LogicalResult sequenceErase(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FailureOr<const Sequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  Sequence result = **sequence;
  int64_t size = result.size();
  if (size == 0)
    return ctx.emitError() << "cannot erase from an empty sequence", failure();
  FailureOr<int64_t> pos = position(ctx, 1, size, /*end=*/false, size - 1);
  if (failed(pos))
    return failure();
  result.erase(result.begin() + *pos);
  ctx.setSequenceResult(0, std::move(result));
  results.push_back(nullptr);
  return success();
}

LogicalResult sequenceAt(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FailureOr<const Sequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  if (!ctx.input(1))
    return ctx.emitError() << "expects a tensor as input 1", failure();
  int64_t size = (*sequence)->size();
  FailureOr<int64_t> pos = position(ctx, 1, size, /*end=*/false, 0);
  if (failed(pos))
    return failure();
  Value element = (**sequence)[*pos];
  ctx.setResultUnsigned(0, ctx.isUnsigned(element));
  results.push_back(element);
  return success();
}

LogicalResult sequenceLength(NodeContext &ctx,
                             SmallVectorImpl<Value> &results) {
  FailureOr<const Sequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  results.push_back(scalarConstant(ctx, ctx.builder.getI64Type(),
                                   static_cast<double>((*sequence)->size())));
  ctx.setResultUnsigned(0, false);
  return success();
}

LogicalResult splitToSequence(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value input = ctx.input(0);
  RankedTensorType type = typeOf(input);
  FailureOr<int64_t> axis =
      normalizedAxis(ctx, ctx.intAttr("axis", 0), type.getRank(), "axis");
  if (failed(axis))
    return failure();
  int64_t dim = type.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  bool squeeze = false;
  if (!ctx.input(1)) {
    // No split: one tensor per index, the axis kept unless keepdims = 0.
    sizes.assign(dim, 1);
    squeeze = ctx.intAttr("keepdims", 1) == 0;
  } else {
    FailureOr<SmallVector<int64_t>> split = ctx.requireConstantInts(1, "split");
    if (failed(split))
      return failure();
    if (typeOf(ctx.input(1)).getRank() == 0) {
      int64_t chunk = (*split)[0];
      if (chunk <= 0)
        return ctx.emitError() << "split = " << chunk << " must be positive",
               failure();
      for (int64_t start = 0; start < dim; start += chunk)
        sizes.push_back(std::min(chunk, dim - start));
    } else {
      int64_t total = 0;
      for (int64_t size : *split) {
        if (size < 0)
          return ctx.emitError()
                     << "split sizes must not be negative, got " << size,
                 failure();
        total += size;
      }
      if (total != dim)
        return ctx.emitError() << "split sizes sum to " << total
                               << " but the axis has " << dim << " elements",
               failure();
      sizes = *split;
    }
  }
  Sequence sequence;
  int64_t start = 0;
  for (int64_t size : sizes) {
    FailureOr<Value> part = squeeze ? elementAt(ctx, input, *axis, start)
                                    : sliceAxis(ctx, input, *axis, start, size);
    if (failed(part))
      return failure();
    sequence.push_back(*part);
    start += size;
  }
  ctx.setSequenceResult(0, std::move(sequence));
  results.push_back(nullptr);
  return success();
}

LogicalResult concatFromSequence(NodeContext &ctx,
                                 SmallVectorImpl<Value> &results) {
  FailureOr<const Sequence *> sequence = requireSequence(ctx, 0);
  if (failed(sequence))
    return failure();
  if ((*sequence)->empty())
    return ctx.emitError() << "cannot concatenate an empty sequence", failure();
  if (!ctx.attribute("axis"))
    return ctx.emitError() << "expects an axis attribute", failure();
  int64_t rank = typeOf((**sequence)[0]).getRank();
  bool newAxis = ctx.intAttr("new_axis", 0) != 0;
  FailureOr<int64_t> axis = normalizedAxis(ctx, ctx.intAttr("axis", 0),
                                           rank + (newAxis ? 1 : 0), "axis");
  if (failed(axis))
    return failure();
  if (newAxis)
    return pushResult(stack(ctx, **sequence, *axis), results);
  if ((*sequence)->size() == 1) {
    results.push_back((**sequence)[0]);
    ctx.setResultUnsigned(0, ctx.isUnsigned((**sequence)[0]));
    return success();
  }
  return pushResult(
      ctx.create<dlg::ConcatOp>(
          **sequence,
          {ctx.named("axis", ctx.builder.getI64IntegerAttr(*axis))}),
      results);
}

//===----------------------------------------------------------------------===//
// If, Loop, Scan
//===----------------------------------------------------------------------===//

const ::onnx::GraphProto *requireGraph(NodeContext &ctx, StringRef name) {
  const ::onnx::GraphProto *graph = ctx.graphAttr(name);
  if (!graph && !ctx.hadAttributeTypeError())
    ctx.emitError() << "expects a graph attribute '" << name << "'";
  return graph;
}

/// Pushes subgraph outputs as node results (tensors or sequences).
void pushGraphValues(NodeContext &ctx, ArrayRef<GraphValue> values,
                     SmallVectorImpl<Value> &results) {
  for (const GraphValue &value : values) {
    size_t index = results.size();
    if (value.sequence) {
      ctx.setSequenceResult(index, *value.sequence);
      results.push_back(nullptr);
    } else {
      ctx.setResultUnsigned(index, ctx.isUnsigned(value.tensor));
      results.push_back(value.tensor);
    }
  }
}

/// The boolean value of a condition known at import time.
std::optional<bool> knownCondition(NodeContext &ctx, Value cond) {
  std::optional<SmallVector<int64_t>> values = ctx.knownIntsOf(cond);
  if (!values || values->size() != 1)
    return std::nullopt;
  return (*values)[0] != 0;
}

/// Imports `graph` at the end of the current block; the run-time checks it
/// creates also hold when `skipped` (a rank-0 i1) is true.
LogicalResult importGuarded(NodeContext &ctx, const ::onnx::GraphProto &graph,
                            Value skipped,
                            SmallVectorImpl<GraphValue> &outputs) {
  Block *block = ctx.builder.getInsertionBlock();
  Operation *last = block->empty() ? nullptr : &block->back();
  if (failed(ctx.importSubgraph(graph, {}, outputs)))
    return failure();
  auto begin = last ? std::next(last->getIterator()) : block->begin();
  SmallVector<dlg::CheckOp> checks;
  for (Operation &op : llvm::make_range(begin, block->end()))
    if (auto check = dyn_cast<dlg::CheckOp>(op))
      checks.push_back(check);
  OpBuilder::InsertionGuard guard(ctx.builder);
  for (dlg::CheckOp check : checks) {
    ctx.builder.setInsertionPoint(check);
    FailureOr<Value> holds =
        ctx.create<dlg::BitwiseOrOp>({check.getCondition(), skipped});
    if (failed(holds))
      return failure();
    check.getConditionMutable().assign(*holds);
  }
  return success();
}

LogicalResult ifOp(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  const ::onnx::GraphProto *thenGraph = requireGraph(ctx, "then_branch");
  const ::onnx::GraphProto *elseGraph = requireGraph(ctx, "else_branch");
  if (!thenGraph || !elseGraph)
    return failure();
  Value cond = ctx.input(0);
  if (typeOf(cond).getNumElements() != 1)
    return ctx.emitError() << "expects a single-element condition, got "
                           << typeOf(cond),
           failure();
  if (std::optional<bool> known = knownCondition(ctx, cond)) {
    SmallVector<GraphValue> outputs;
    if (failed(
            ctx.importSubgraph(*known ? *thenGraph : *elseGraph, {}, outputs)))
      return failure();
    pushGraphValues(ctx, outputs, results);
    return success();
  }
  // Both branches are computed and the results selected. Their only side
  // effects are run-time checks, which must not fail in the branch not
  // taken.
  FailureOr<Value> scalarCond = ctx.create<dlg::ReshapeOp>(
      {cond}, {ctx.named("shape", ctx.builder.getDenseI64ArrayAttr({}))});
  if (failed(scalarCond))
    return failure();
  FailureOr<Value> notCond = ctx.create<dlg::BitwiseNotOp>({*scalarCond});
  if (failed(notCond))
    return failure();
  SmallVector<GraphValue> thenOutputs, elseOutputs;
  if (failed(importGuarded(ctx, *thenGraph, *notCond, thenOutputs)) ||
      failed(importGuarded(ctx, *elseGraph, *scalarCond, elseOutputs)))
    return failure();
  if (thenOutputs.size() != elseOutputs.size())
    return ctx.emitError() << "the branches have " << thenOutputs.size()
                           << " and " << elseOutputs.size() << " outputs",
           failure();
  for (auto [i, thenValue, elseValue] :
       llvm::enumerate(thenOutputs, elseOutputs)) {
    if (thenValue.sequence || elseValue.sequence)
      return ctx.emitError()
                 << "output " << i
                 << " is a sequence and the condition is not known at "
                    "compile time",
             failure();
    if (thenValue.tensor.getType() != elseValue.tensor.getType())
      return ctx.emitError()
                 << "output " << i << " has type " << thenValue.tensor.getType()
                 << " in the then branch but " << elseValue.tensor.getType()
                 << " in the else branch, and the condition is not known at "
                    "compile time",
             failure();
    FailureOr<Value> selected = ctx.create<dlg::WhereOp>(
        {*scalarCond, thenValue.tensor, elseValue.tensor});
    if (failed(selected))
      return failure();
    ctx.setResultUnsigned(i, ctx.isUnsigned(thenValue.tensor));
    results.push_back(*selected);
  }
  return success();
}

/// Loops are unrolled; this bounds the IR a loop can produce.
constexpr int64_t kMaxUnrolledIterations = 1 << 16;

LogicalResult loop(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  const ::onnx::GraphProto *body = requireGraph(ctx, "body");
  if (!body)
    return failure();
  size_t numCarried = ctx.numInputs() < 2 ? 0 : ctx.numInputs() - 2;
  if (static_cast<size_t>(body->input_size()) != numCarried + 2 ||
      static_cast<size_t>(body->output_size()) < numCarried + 1)
    return ctx.emitError() << "the body has " << body->input_size()
                           << " inputs and " << body->output_size()
                           << " outputs for " << numCarried
                           << " loop-carried values",
           failure();
  size_t numScan = body->output_size() - 1 - numCarried;
  std::optional<int64_t> tripCount;
  Value runtimeTripCount, runtimeCond;
  if (ctx.input(0)) {
    if (std::optional<SmallVector<int64_t>> values = ctx.constantInts(0))
      tripCount = (*values)[0];
    else
      runtimeTripCount = ctx.input(0);
  }
  bool cond = true;
  if (ctx.input(1)) {
    if (std::optional<bool> known = knownCondition(ctx, ctx.input(1)))
      cond = *known;
    else
      runtimeCond = ctx.input(1);
  }
  // With a run-time M or cond, the declared lengths of the scan outputs fix
  // the iteration count; the run checks that M and cond give it.
  std::optional<int64_t> declaredCount;
  if (runtimeTripCount || runtimeCond) {
    StringRef what = runtimeTripCount ? "M (trip count)" : "cond";
    size_t arg = runtimeTripCount ? 0 : 1;
    if (numScan == 0)
      return ctx.emitError() << "expects '" << what << "' (input " << arg
                             << ") to be a constant known at compile time: "
                                "the loop has no scan output whose declared "
                                "shape fixes the iteration count",
             failure();
    for (size_t k = 0; k < numScan; ++k) {
      FailureOr<SmallVector<int64_t>> shape =
          ctx.requireDeclaredShape(numCarried + k, arg, what);
      if (failed(shape))
        return failure();
      if (shape->empty() || (*shape)[0] <= 0 ||
          (declaredCount && *declaredCount != (*shape)[0]))
        return ctx.emitError() << "the declared scan outputs do not give one "
                                  "positive iteration count",
               failure();
      declaredCount = (*shape)[0];
    }
    if (runtimeTripCount)
      tripCount = *declaredCount;
  }
  SmallVector<GraphValue> carried;
  for (size_t i = 0; i < numCarried; ++i) {
    if (const Sequence *sequence = ctx.sequenceInput(i + 2))
      carried.push_back({Value(), *sequence});
    else if (Value value = ctx.input(i + 2))
      carried.push_back({value, std::nullopt});
    else
      return ctx.emitError() << "loop-carried input " << i + 2 << " is missing",
             failure();
  }
  SmallVector<SmallVector<Value>> scans(numScan);
  Type i1 = ctx.builder.getI1Type();
  for (int64_t iter = 0; cond && (!tripCount || iter < *tripCount); ++iter) {
    if (iter >= kMaxUnrolledIterations)
      return ctx.emitError()
                 << "the loop runs more than " << kMaxUnrolledIterations
                 << " iterations, too many to unroll",
             failure();
    SmallVector<GraphValue> inputs = {
        {scalarConstant(ctx, ctx.builder.getI64Type(), iter), std::nullopt},
        {scalarConstant(ctx, i1, 1), std::nullopt}};
    llvm::append_range(inputs, carried);
    SmallVector<GraphValue> outputs;
    if (failed(ctx.importSubgraph(*body, inputs, outputs)))
      return failure();
    std::optional<bool> next = outputs[0].sequence
                                   ? std::nullopt
                                   : knownCondition(ctx, outputs[0].tensor);
    if (!next)
      return ctx.emitError()
                 << "the body's condition output in iteration " << iter
                 << " is not a constant known at compile time",
             failure();
    cond = *next;
    carried.assign(outputs.begin() + 1, outputs.begin() + 1 + numCarried);
    for (size_t k = 0; k < numScan; ++k) {
      const GraphValue &value = outputs[1 + numCarried + k];
      if (value.sequence)
        return ctx.emitError() << "scan output " << k
                               << " is a sequence, which is not supported",
               failure();
      scans[k].push_back(value.tensor);
    }
  }
  if (declaredCount) {
    int64_t iterations = scans[0].size();
    if (iterations != *declaredCount)
      return ctx.emitError()
                 << "the loop runs " << iterations
                 << " iterations but its scan outputs are declared with "
                 << *declaredCount,
             failure();
    Composer c(ctx);
    if (runtimeCond)
      c.check(c.create<dlg::EqualOp>(
                  {c.reshape(c.cast(runtimeCond, ctx.builder.getI64Type()), {}),
                   c.ints({1}, SmallVector<int64_t>{})}),
              "cond must be true: the declared scan outputs have " +
                  llvm::Twine(iterations) + " iterations");
    if (runtimeTripCount) {
      // The body's condition ends the loop, or M does.
      Value m =
          c.reshape(c.cast(runtimeTripCount, ctx.builder.getI64Type()), {});
      Value expected = c.ints({iterations}, SmallVector<int64_t>{});
      c.check(cond ? c.create<dlg::EqualOp>({m, expected})
                   : c.create<dlg::GreaterEqualOp>({m, expected}),
              "M (trip count) must give the " + llvm::Twine(iterations) +
                  " iterations of the declared scan outputs");
    }
    SmallVector<Value> none;
    if (failed(c.finish({}, none)))
      return failure();
  }
  pushGraphValues(ctx, carried, results);
  for (auto [k, values] : llvm::enumerate(scans)) {
    if (values.empty())
      return ctx.emitError() << "the loop runs no iteration, so the shape of "
                                "scan output "
                             << k << " is unknown",
             failure();
    size_t index = results.size();
    if (failed(pushResult(stack(ctx, values, 0), results)))
      return failure();
    ctx.setResultUnsigned(index, ctx.isUnsigned(values[0]));
  }
  return success();
}

/// Runs a Scan body over `scanInputs` (opset 9 semantics); appends the final
/// states and the scan outputs to `results`.
LogicalResult runScan(NodeContext &ctx, const ::onnx::GraphProto &body,
                      ArrayRef<Value> states, ArrayRef<Value> scanInputs,
                      ArrayRef<int64_t> inputAxes,
                      ArrayRef<int64_t> inputDirections,
                      ArrayRef<int64_t> outputAxes,
                      ArrayRef<int64_t> outputDirections,
                      SmallVectorImpl<Value> &results) {
  size_t numStates = states.size();
  if (static_cast<size_t>(body.input_size()) != numStates + scanInputs.size() ||
      static_cast<size_t>(body.output_size()) < numStates)
    return ctx.emitError() << "the body has " << body.input_size()
                           << " inputs and " << body.output_size()
                           << " outputs for " << numStates << " states and "
                           << scanInputs.size() << " scan inputs",
           failure();
  size_t numOutputs = body.output_size() - numStates;
  SmallVector<int64_t> axes;
  int64_t length = -1;
  for (auto [j, input] : llvm::enumerate(scanInputs)) {
    int64_t rank = typeOf(input).getRank();
    FailureOr<int64_t> axis = normalizedAxis(
        ctx, j < inputAxes.size() ? inputAxes[j] : 0, rank, "scan_input_axes");
    if (failed(axis))
      return failure();
    axes.push_back(*axis);
    int64_t dim = typeOf(input).getDimSize(*axis);
    if (length >= 0 && dim != length)
      return ctx.emitError() << "scan input " << j << " has " << dim
                             << " iterations but scan input 0 has " << length,
             failure();
    length = dim;
  }
  if (length < 0)
    return ctx.emitError() << "expects at least one scan input", failure();
  if (length == 0)
    return ctx.emitError() << "the scan inputs are empty, so the shapes of "
                              "the scan outputs are unknown",
           failure();
  SmallVector<Value> current(states);
  SmallVector<SmallVector<Value>> outputs(numOutputs);
  for (int64_t t = 0; t < length; ++t) {
    SmallVector<GraphValue> inputs;
    for (Value state : current)
      inputs.push_back({state, std::nullopt});
    for (auto [j, input] : llvm::enumerate(scanInputs)) {
      bool reverse = j < inputDirections.size() && inputDirections[j] != 0;
      FailureOr<Value> element =
          elementAt(ctx, input, axes[j], reverse ? length - 1 - t : t);
      if (failed(element))
        return failure();
      inputs.push_back({*element, std::nullopt});
    }
    SmallVector<GraphValue> bodyOutputs;
    if (failed(ctx.importSubgraph(body, inputs, bodyOutputs)))
      return failure();
    for (auto [i, value] : llvm::enumerate(bodyOutputs)) {
      if (value.sequence)
        return ctx.emitError() << "body output " << i
                               << " is a sequence, which is not supported",
               failure();
      if (i < numStates)
        current[i] = value.tensor;
      else
        outputs[i - numStates].push_back(value.tensor);
    }
  }
  llvm::append_range(results, current);
  for (auto [k, values] : llvm::enumerate(outputs)) {
    if (k < outputDirections.size() && outputDirections[k] != 0)
      std::reverse(values.begin(), values.end());
    int64_t rank = typeOf(values[0]).getRank() + 1;
    FailureOr<int64_t> axis =
        normalizedAxis(ctx, k < outputAxes.size() ? outputAxes[k] : 0, rank,
                       "scan_output_axes");
    if (failed(axis))
      return failure();
    FailureOr<Value> stacked = stack(ctx, values, *axis);
    if (failed(stacked))
      return failure();
    results.push_back(*stacked);
  }
  return success();
}

LogicalResult scan(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  const ::onnx::GraphProto *body = requireGraph(ctx, "body");
  if (!body)
    return failure();
  int64_t numScanInputs = ctx.intAttr("num_scan_inputs", -1);
  // Opset 8 has a leading sequence_lens input and a batch axis 0.
  size_t first = ctx.opset < 9 ? 1 : 0;
  if (numScanInputs < 1 || ctx.numInputs() < first + numScanInputs)
    return ctx.emitError() << "num_scan_inputs = " << numScanInputs
                           << " does not fit " << ctx.numInputs() << " inputs",
           failure();
  size_t numStates = ctx.numInputs() - first - numScanInputs;
  SmallVector<Value> states, scanInputs;
  for (size_t i = first; i < ctx.numInputs(); ++i) {
    if (!ctx.input(i))
      return ctx.emitError() << "input " << i << " is missing", failure();
    (i < first + numStates ? states : scanInputs).push_back(ctx.input(i));
  }
  if (ctx.opset >= 9) {
    if (failed(runScan(ctx, *body, states, scanInputs,
                       ctx.intsAttr("scan_input_axes"),
                       ctx.intsAttr("scan_input_directions"),
                       ctx.intsAttr("scan_output_axes"),
                       ctx.intsAttr("scan_output_directions"), results)))
      return failure();
  } else {
    if (ctx.input(0))
      return ctx.emitError() << "input 'sequence_lens' is not supported",
             failure();
    // Scan each batch entry on its own and stack the results.
    int64_t batch = typeOf(ctx.input(first)).getDimSize(0);
    SmallVector<SmallVector<Value>> perBatch;
    for (int64_t b = 0; b < batch; ++b) {
      SmallVector<Value> batchStates, batchInputs;
      for (Value value : llvm::concat<Value>(states, scanInputs)) {
        if (typeOf(value).getRank() == 0 ||
            typeOf(value).getDimSize(0) != batch)
          return ctx.emitError() << "every input needs the batch dimension "
                                 << batch << " first, got " << value.getType(),
                 failure();
        FailureOr<Value> element = elementAt(ctx, value, 0, b);
        if (failed(element))
          return failure();
        (batchStates.size() < states.size() ? batchStates : batchInputs)
            .push_back(*element);
      }
      SmallVector<Value> batchResults;
      if (failed(runScan(ctx, *body, batchStates, batchInputs, {},
                         ctx.intsAttr("directions"), {}, {}, batchResults)))
        return failure();
      perBatch.push_back(batchResults);
    }
    for (size_t i = 0; i < perBatch[0].size(); ++i) {
      SmallVector<Value> values;
      for (const SmallVector<Value> &batchResults : perBatch)
        values.push_back(batchResults[i]);
      FailureOr<Value> stacked = stack(ctx, values, 0);
      if (failed(stacked))
        return failure();
      results.push_back(*stacked);
    }
  }
  for (size_t i = 0; i < results.size(); ++i)
    ctx.setResultUnsigned(i, ctx.isUnsigned(results[i]));
  return success();
}

//===----------------------------------------------------------------------===//
// ai.onnx.preview.training
//===----------------------------------------------------------------------===//

/// Elementwise arithmetic on values, for the optimizer update rules.
struct Arith {
  NodeContext &ctx;
  Type elementType;
  bool failed = false;

  Value constant(double value) {
    return scalarConstant(ctx, elementType, value);
  }
  template <typename OpTy> Value op(ValueRange operands) {
    if (failed)
      return nullptr;
    FailureOr<Value> result = ctx.create<OpTy>(operands);
    if (mlir::failed(result)) {
      failed = true;
      return nullptr;
    }
    return *result;
  }
  Value add(Value a, Value b) { return op<dlg::AddOp>({a, b}); }
  Value sub(Value a, Value b) { return op<dlg::SubOp>({a, b}); }
  Value mul(Value a, Value b) { return op<dlg::MulOp>({a, b}); }
  Value div(Value a, Value b) { return op<dlg::DivOp>({a, b}); }
  Value mul(double a, Value b) { return mul(constant(a), b); }
  Value sqrt(Value a) { return op<dlg::SqrtOp>({a}); }
};

/// Shared checks; returns the number of optimized tensors.
FailureOr<size_t> optimizerInputs(NodeContext &ctx, size_t perTensor) {
  size_t n = ctx.numInputs() < 2 ? 0 : (ctx.numInputs() - 2) / perTensor;
  if (n == 0 || ctx.numInputs() != 2 + n * perTensor)
    return ctx.emitError() << "expects R, T and " << perTensor
                           << " tensors per optimized tensor, got "
                           << ctx.numInputs() << " inputs",
           failure();
  if (failed(ctx.requireInputs(ctx.numInputs())))
    return failure();
  if (!isa<FloatType>(getElementTypeOrSelf(ctx.input(0).getType())))
    return ctx.emitError() << "expects a floating-point R", failure();
  return n;
}

/// 1.0 where T > 0 and 0.0 where T <= 0 (T is an integer scalar), as i1.
Value positive(Arith &a, Value t, Type floatType) {
  FailureOr<Value> tFloat = a.ctx.castTo(t, floatType);
  if (failed(tFloat)) {
    a.failed = true;
    return nullptr;
  }
  Value clamped = a.op<dlg::MinOp>(
      {a.op<dlg::MaxOp>({*tFloat, scalarConstant(a.ctx, floatType, 0)}),
       scalarConstant(a.ctx, floatType, 1)});
  if (a.failed)
    return nullptr;
  FailureOr<Value> cond = a.ctx.castTo(clamped, a.ctx.builder.getI1Type());
  if (failed(cond)) {
    a.failed = true;
    return nullptr;
  }
  return *cond;
}

Value castedTo(Arith &a, Value value, Type type) {
  FailureOr<Value> result = a.ctx.castTo(value, type);
  if (failed(result)) {
    a.failed = true;
    return nullptr;
  }
  return *result;
}

LogicalResult adagrad(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FailureOr<size_t> n = optimizerInputs(ctx, 3);
  if (failed(n))
    return failure();
  double decay = ctx.floatAttr("decay_factor", 0);
  double epsilon = ctx.floatAttr("epsilon", 1e-6f);
  double norm = ctx.floatAttr("norm_coefficient", 0);
  SmallVector<Value> xs, hs;
  for (size_t i = 0; i < *n; ++i) {
    Value x = ctx.input(2 + i), g = ctx.input(2 + *n + i),
          h = ctx.input(2 + 2 * *n + i);
    Arith a{ctx, getElementTypeOrSelf(x.getType())};
    Value r = castedTo(a, ctx.input(0), a.elementType);
    Value t = castedTo(a, ctx.input(1), a.elementType);
    if (a.failed)
      return failure();
    // r = R / (1 + T * decay_factor)
    r = a.div(r, a.add(a.constant(1), a.mul(decay, t)));
    Value gReg = a.add(a.mul(norm, x), g);
    Value hNew = a.add(h, a.mul(gReg, gReg));
    Value hSqrt = a.add(a.sqrt(hNew), a.constant(epsilon));
    Value xNew = a.sub(x, a.div(a.mul(r, gReg), hSqrt));
    if (a.failed)
      return failure();
    xs.push_back(xNew);
    hs.push_back(hNew);
  }
  llvm::append_range(results, xs);
  llvm::append_range(results, hs);
  return success();
}

LogicalResult adam(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FailureOr<size_t> n = optimizerInputs(ctx, 4);
  if (failed(n))
    return failure();
  double alpha = ctx.floatAttr("alpha", 0.9f);
  double beta = ctx.floatAttr("beta", 0.999f);
  double epsilon = ctx.floatAttr("epsilon", 1e-6f);
  double norm = ctx.floatAttr("norm_coefficient", 0);
  double normPost = ctx.floatAttr("norm_coefficient_post", 0);
  SmallVector<Value> xs, vs, hs;
  for (size_t i = 0; i < *n; ++i) {
    Value x = ctx.input(2 + i), g = ctx.input(2 + *n + i),
          v = ctx.input(2 + 2 * *n + i), h = ctx.input(2 + 3 * *n + i);
    Arith a{ctx, getElementTypeOrSelf(x.getType())};
    Value r = castedTo(a, ctx.input(0), a.elementType);
    Value t = castedTo(a, ctx.input(1), a.elementType);
    Value tPositive = positive(a, ctx.input(1), a.elementType);
    if (a.failed)
      return failure();
    Value gReg = a.add(a.mul(norm, x), g);
    Value vNew = a.add(a.mul(alpha, v), a.mul(1 - alpha, gReg));
    Value hNew = a.add(a.mul(beta, h), a.mul(1 - beta, a.mul(gReg, gReg)));
    Value hSqrt = a.add(a.sqrt(hNew), a.constant(epsilon));
    // Bias correction only after the first step (T > 0); where() keeps the
    // 0/0 of T = 0 out of the result.
    Value betaT = a.op<dlg::PowOp>({a.constant(beta), t});
    Value alphaT = a.op<dlg::PowOp>({a.constant(alpha), t});
    Value corrected = a.div(a.mul(r, a.sqrt(a.sub(a.constant(1), betaT))),
                            a.sub(a.constant(1), alphaT));
    Value rAdjusted = a.op<dlg::WhereOp>({tPositive, corrected, r});
    Value xNew = a.sub(x, a.mul(rAdjusted, a.div(vNew, hSqrt)));
    Value xFinal = a.mul(1 - normPost, xNew);
    if (a.failed)
      return failure();
    xs.push_back(xFinal);
    vs.push_back(vNew);
    hs.push_back(hNew);
  }
  llvm::append_range(results, xs);
  llvm::append_range(results, vs);
  llvm::append_range(results, hs);
  return success();
}

LogicalResult momentum(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FailureOr<size_t> n = optimizerInputs(ctx, 3);
  if (failed(n))
    return failure();
  if (!ctx.attribute("alpha") || !ctx.attribute("beta") ||
      !ctx.attribute("mode") || !ctx.attribute("norm_coefficient"))
    return ctx.emitError() << "expects the attributes alpha, beta, mode and "
                              "norm_coefficient",
           failure();
  double alpha = ctx.floatAttr("alpha", 0);
  double beta = ctx.floatAttr("beta", 0);
  double norm = ctx.floatAttr("norm_coefficient", 0);
  std::string mode = ctx.stringAttr("mode", "standard");
  if (mode != "standard" && mode != "nesterov")
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported",
           failure();
  SmallVector<Value> xs, vs;
  for (size_t i = 0; i < *n; ++i) {
    Value x = ctx.input(2 + i), g = ctx.input(2 + *n + i),
          v = ctx.input(2 + 2 * *n + i);
    Arith a{ctx, getElementTypeOrSelf(x.getType())};
    Value r = castedTo(a, ctx.input(0), a.elementType);
    Value tPositive = positive(a, ctx.input(1), a.elementType);
    if (a.failed)
      return failure();
    Value gReg = a.add(a.mul(norm, x), g);
    // The gradient's coefficient is 1 in the first step (T = 0).
    Value betaAdjusted =
        a.op<dlg::WhereOp>({tPositive, a.constant(beta), a.constant(1)});
    Value vNew = a.add(a.mul(alpha, v), a.mul(betaAdjusted, gReg));
    Value step = mode == "standard" ? vNew : a.add(gReg, a.mul(alpha, vNew));
    Value xNew = a.sub(x, a.mul(r, step));
    if (a.failed)
      return failure();
    xs.push_back(xNew);
    vs.push_back(vNew);
  }
  llvm::append_range(results, xs);
  llvm::append_range(results, vs);
  return success();
}

} // namespace

void registerControlFlowHandlers(OpRegistry &registry) {
  registry.add("", "SequenceEmpty", {11}, sequenceEmpty);
  registry.add("", "SequenceConstruct", {11}, sequenceConstruct);
  registry.add("", "SequenceInsert", {11}, sequenceInsert);
  registry.add("", "SequenceErase", {11}, sequenceErase);
  registry.add("", "SequenceAt", {11}, sequenceAt);
  registry.add("", "SequenceLength", {11}, sequenceLength);
  registry.add("", "SplitToSequence", {11, 24}, splitToSequence);
  registry.add("", "ConcatFromSequence", {11}, concatFromSequence);
  registry.add("", "If", {1, 11, 13, 16, 19, 21, 23, 24, 25}, ifOp);
  registry.add("", "Loop", {1, 11, 13, 16, 19, 21, 23, 24, 25}, loop);
  registry.add("", "Scan", {8, 9, 11, 16, 19, 21, 23, 24, 25}, scan);
  StringRef training = "ai.onnx.preview.training";
  registry.add(training, "Adagrad", {1}, adagrad);
  registry.add(training, "Adam", {1}, adam);
  registry.add(training, "Momentum", {1}, momentum);
}

} // namespace dlc::onnx
