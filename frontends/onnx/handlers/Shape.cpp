//===- Shape.cpp - ONNX shape, layout and indexing ops -> dlg -------------===//
//
// Shape arguments (Reshape's shape, Slice's starts, ...) must be known at
// compile time. Small integer tensors are tracked through Shape, Gather,
// Concat, (Un)Squeeze and Slice so that exported shape computations fold.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/ImportContext.h"
#include "frontends/onnx/TensorImport.h"
#include "frontends/onnx/handlers/Composer.h"
#include "frontends/onnx/handlers/DynamicReshape.h"
#include "frontends/onnx/handlers/RuntimeSlicing.h"

#include "onnx/onnx_pb.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Materializes a known i64 vector as a constant and records its values.
Value intConstant(NodeContext &ctx, ArrayRef<int64_t> values,
                  ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, ctx.builder.getI64Type());
  Value value = dlg::ConstantOp::create(
      ctx.builder, ctx.loc, DenseIntElementsAttr::get(type, values));
  ctx.recordInts(value, values);
  return value;
}

LogicalResult constant(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  OpBuilder &b = ctx.builder;
  if (const ::onnx::TensorProto *attr = ctx.tensorAttr("value")) {
    ::onnx::TensorProto tensor = *attr;
    SmallVector<int64_t> ints;
    FailureOr<ElementsAttr> value =
        importTensor(b.getContext(), ctx.loc, tensor, /*baseDir=*/"", &ints);
    if (failed(value))
      return failure();
    Value result = dlg::ConstantOp::create(b, ctx.loc, *value);
    if (!ints.empty() || value->getNumElements() == 0)
      ctx.recordInts(result, ints);
    ctx.setResultUnsigned(0, isUnsignedDataType(tensor.data_type()));
    results.push_back(result);
    return success();
  }
  if (ctx.attribute("value_float")) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    results.push_back(dlg::ConstantOp::create(
        b, ctx.loc,
        DenseElementsAttr::get(type, ctx.floatAttr("value_float", 0))));
    return success();
  }
  if (ctx.attribute("value_floats")) {
    SmallVector<float> values = ctx.floatsAttr("value_floats");
    auto type = RankedTensorType::get({(int64_t)values.size()}, b.getF32Type());
    results.push_back(dlg::ConstantOp::create(
        b, ctx.loc, DenseElementsAttr::get(type, ArrayRef<float>(values))));
    return success();
  }
  if (ctx.attribute("value_int")) {
    results.push_back(intConstant(ctx, {ctx.intAttr("value_int", 0)}, {}));
    return success();
  }
  if (ctx.attribute("value_ints")) {
    SmallVector<int64_t> values = ctx.intsAttr("value_ints");
    results.push_back(intConstant(ctx, values, {(int64_t)values.size()}));
    return success();
  }
  if (ctx.hadAttributeTypeError())
    return failure();
  return ctx.emitError() << "expects a value, value_float(s) or value_int(s) "
                            "attribute (sparse and string constants are not "
                            "supported)",
         failure();
}

LogicalResult shape(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  ArrayRef<int64_t> dims = typeOf(ctx.input(0)).getShape();
  int64_t rank = dims.size();
  int64_t start = ctx.intAttr("start", 0), end = ctx.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  ArrayRef<int64_t> slice =
      end > start ? dims.slice(start, end - start) : ArrayRef<int64_t>();
  if (llvm::any_of(slice, ShapedType::isDynamic))
    return pushResult(
        runtimeShapeOf(ctx, ctx.input(0), start, std::max(start, end)),
        results);
  results.push_back(intConstant(ctx, slice, {(int64_t)slice.size()}));
  return success();
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return text;
}

/// Reshape whose `shape` is only known at run time: the declared result
/// shape, checked against the run-time value.
LogicalResult runtimeReshape(NodeContext &ctx,
                             SmallVectorImpl<Value> &results) {
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "shape");
  if (failed(declared))
    return failure();
  auto inType = typeOf(ctx.input(0));
  auto shapeType = typeOf(ctx.input(1));
  if (shapeType.getRank() != 1 ||
      shapeType.getDimSize(0) != static_cast<int64_t>(declared->size()))
    return ctx.emitError() << "'shape' has type " << shapeType
                           << " but the declared output shape is "
                           << formatShape(*declared),
           failure();
  if (RankedTensorType::get(*declared, inType.getElementType())
          .getNumElements() != inType.getNumElements())
    return ctx.emitError() << "the declared output shape "
                           << formatShape(*declared) << " does not hold the "
                           << inType.getNumElements() << " input elements",
           failure();
  bool allowZero = ctx.intAttr("allowzero", 0);
  SmallVector<SmallVector<int64_t>> allowed;
  for (auto [i, dim] : llvm::enumerate(*declared)) {
    SmallVector<int64_t> values = {dim, -1};
    if (!allowZero && i < inType.getShape().size() &&
        inType.getDimSize(i) == dim && dim != 0)
      values.push_back(0);
    allowed.push_back(values);
  }
  Composer c(ctx);
  Value shape = c.intsInput(1);
  c.check(c.valuesIn(shape, allowed),
          "the run-time 'shape' does not give the declared shape " +
              formatShape(*declared));
  c.check(c.create<dlg::LessEqualOp>(
              {c.countEqual(shape, -1), c.ints({1}, SmallVector<int64_t>{})}),
          "the run-time 'shape' has more than one -1");
  return c.finish({c.reshape(ctx.input(0), *declared)}, results);
}

/// Reshape whose input has dynamic dims, or whose run-time shape has no
/// declared result: the shape is resolved when the model runs.
LogicalResult reshapeAtRunTime(NodeContext &ctx,
                               SmallVectorImpl<Value> &results) {
  auto shapeType = typeOf(ctx.input(1));
  if (shapeType.getRank() != 1 || shapeType.isDynamicDim(0))
    return ctx.emitError() << "expects a 'shape' of one static dim but got "
                           << shapeType,
           failure();
  SmallVector<int64_t> dims(shapeType.getDimSize(0), ShapedType::kDynamic);
  if (std::optional<SmallVector<int64_t>> declared = ctx.declaredShape(0);
      declared && declared->size() == dims.size())
    dims = *declared;
  if (std::optional<SmallVector<int64_t>> requested = ctx.constantInts(1)) {
    // Entries known at compile time: positive sizes, and 0 copying a dim.
    ArrayRef<int64_t> inShape = typeOf(ctx.input(0)).getShape();
    bool allowZero = ctx.intAttr("allowzero", 0);
    for (auto [i, dim] : llvm::enumerate(*requested)) {
      if (dim < -1)
        return ctx.emitError() << "shape entry " << i << " is " << dim,
               failure();
      if (dim > 0 || (dim == 0 && allowZero))
        dims[i] = dim;
      else if (dim == 0 && i < inShape.size())
        dims[i] = inShape[i];
    }
  }
  Composer c(ctx);
  Value shape = c.intsInput(1);
  if (c.failedBefore)
    return failure();
  return dynamicReshape(ctx, shape, dims, results);
}

LogicalResult reshape(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  if (!typeOf(ctx.input(0)).hasStaticShape())
    return reshapeAtRunTime(ctx, results);
  if (!ctx.constantInts(1)) {
    if (!ctx.declaredShape(0))
      return reshapeAtRunTime(ctx, results);
    return runtimeReshape(ctx, results);
  }
  FailureOr<SmallVector<int64_t>> requested =
      ctx.requireConstantInts(1, "shape");
  if (failed(requested))
    return failure();
  ArrayRef<int64_t> inShape = typeOf(ctx.input(0)).getShape();
  bool allowZero = ctx.intAttr("allowzero", 0);
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, dim] : llvm::enumerate(*requested)) {
    if (dim == 0 && !allowZero) {
      if (i >= inShape.size())
        return ctx.emitError()
                   << "shape entry " << i
                   << " is 0 (copy) but the input has rank " << inShape.size(),
               failure();
      dim = inShape[i];
    }
    if (dim == -1) {
      if (inferred >= 0)
        return ctx.emitError() << "shape has more than one -1", failure();
      inferred = i;
    } else if (dim < 0) {
      return ctx.emitError() << "shape entry " << i << " is " << dim, failure();
    } else {
      if (llvm::MulOverflow(known, dim, known) || known > dlg::kMaxNumElements)
        return ctx.emitError() << "shape has more than " << dlg::kMaxNumElements
                               << " elements",
               failure();
    }
    shape.push_back(dim);
  }
  int64_t total = typeOf(ctx.input(0)).getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return ctx.emitError() << "cannot infer the -1 in the shape: " << total
                             << " elements do not divide by " << known,
             failure();
    shape[inferred] = total / known;
  }
  FailureOr<Value> result = ctx.create<dlg::ReshapeOp>(
      {ctx.input(0)},
      {ctx.named("shape", ctx.builder.getDenseI64ArrayAttr(shape))});
  if (succeeded(result))
    if (std::optional<SmallVector<int64_t>> values = ctx.constantInts(0))
      ctx.recordInts(*result, *values);
  return pushResult(result, results);
}

LogicalResult flatten(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  return pushResult(
      ctx.create<dlg::FlattenOp>(
          {ctx.input(0)}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(
                                                 ctx.intAttr("axis", 1)))}),
      results);
}

/// Squeeze or Unsqueeze whose `axes` are only known at run time: the data
/// is only reshaped to the declared shape; the run-time axes must be one of
/// the axis sets that turn the input shape into it.
LogicalResult runtimeSqueezeLike(NodeContext &ctx,
                                 SmallVectorImpl<Value> &results,
                                 bool squeeze) {
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "axes");
  if (failed(declared))
    return failure();
  ArrayRef<int64_t> inShape = typeOf(ctx.input(0)).getShape();
  ArrayRef<int64_t> big = squeeze ? inShape : ArrayRef<int64_t>(*declared);
  ArrayRef<int64_t> small = squeeze ? ArrayRef<int64_t>(*declared) : inShape;
  int64_t count = typeOf(ctx.input(1)).getNumElements();
  SmallVector<SmallVector<bool>> sets = unitAxisSets(big, small);
  if (sets.empty() || (int64_t)(big.size() - small.size()) != count)
    return ctx.emitError() << "no " << count << " axes turn the input shape "
                           << formatShape(inShape)
                           << " into the declared output shape "
                           << formatShape(*declared)
                           << " (or too many candidates)",
           failure();
  Composer c(ctx);
  int64_t rank = big.size();
  Value mask = c.axisMask(c.normalizeAxes(c.intsInput(1), rank), rank);
  Value matches;
  for (const SmallVector<bool> &set : sets) {
    Value equal = c.maskEquals(mask, set);
    matches = matches ? c.create<dlg::BitwiseOrOp>({matches, equal}) : equal;
  }
  // With `count` axes, matching a set of `count` dims also rules out
  // repeated and out-of-range axes.
  c.check(matches, "the run-time axes do not turn the input shape " +
                       formatShape(inShape) + " into the declared shape " +
                       formatShape(*declared));
  Value result = c.reshape(ctx.input(0), *declared);
  if (succeeded(c.finish({result}, results))) {
    if (std::optional<SmallVector<int64_t>> values = ctx.constantInts(0))
      ctx.recordInts(result, *values);
    return success();
  }
  return failure();
}

/// Squeeze and Unsqueeze: `axes` is an attribute before opset 13, an input
/// from 13 on.
template <typename OpTy> Handler squeezeLike() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(1)))
      return failure();
    SmallVector<int64_t> axes;
    if (ctx.opset < 13) {
      axes = ctx.intsAttr("axes");
    } else if (ctx.input(1) && typeOf(ctx.input(1)).getNumElements() == 0) {
      // No axes: Squeeze drops every unit dimension.
    } else if (ctx.input(1) && !ctx.constantInts(1)) {
      return runtimeSqueezeLike(ctx, results,
                                std::is_same_v<OpTy, dlg::SqueezeOp>);
    } else if (ctx.input(1)) {
      FailureOr<SmallVector<int64_t>> values =
          ctx.requireConstantInts(1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
    if (axes.empty() && !typeOf(ctx.input(0)).hasStaticShape())
      return ctx.emitError() << "without 'axes' the squeezed dims depend on "
                                "the dynamic dims of "
                             << typeOf(ctx.input(0))
                             << "; give the model's inputs static sizes "
                                "with --input-shape",
             failure();
    FailureOr<Value> result = ctx.create<OpTy>(
        {ctx.input(0)},
        {ctx.named("axes", ctx.builder.getDenseI64ArrayAttr(axes))});
    if (succeeded(result))
      if (std::optional<SmallVector<int64_t>> values = ctx.constantInts(0))
        ctx.recordInts(*result, *values);
    return pushResult(result, results);
  };
}

LogicalResult transpose(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  SmallVector<int64_t> perm = ctx.intsAttr("perm");
  if (ctx.hadAttributeTypeError())
    return failure();
  if (!ctx.attribute("perm"))
    for (int64_t d = typeOf(ctx.input(0)).getRank() - 1; d >= 0; --d)
      perm.push_back(d);
  return pushResult(
      ctx.create<dlg::TransposeOp>(
          {ctx.input(0)},
          {ctx.named("perm", ctx.builder.getDenseI64ArrayAttr(perm))}),
      results);
}

LogicalResult concat(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (ctx.numInputs() == 0 || failed(ctx.requireInputs(ctx.numInputs())))
    return ctx.emitError() << "expects at least one input", failure();
  if (!ctx.attribute("axis"))
    return ctx.emitError() << "expects an axis attribute", failure();
  SmallVector<Value> inputs;
  SmallVector<int64_t> known;
  bool allKnown = true;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    inputs.push_back(ctx.input(i));
    std::optional<SmallVector<int64_t>> values = ctx.constantInts(i);
    allKnown &= values.has_value();
    if (values)
      llvm::append_range(known, *values);
  }
  FailureOr<Value> result = ctx.create<dlg::ConcatOp>(
      inputs, {ctx.named("axis", ctx.builder.getI64IntegerAttr(
                                     ctx.intAttr("axis", 0)))});
  if (succeeded(result) && allKnown && typeOf(*result).getRank() == 1)
    ctx.recordInts(*result, known);
  return pushResult(result, results);
}

/// Normalizes ONNX slice parameters (negative indices, clamping) into a
/// start, size and step per dimension.
LogicalResult slice(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.intsAttr("starts");
    ends = ctx.intsAttr("ends");
    axes = ctx.intsAttr("axes");
  } else {
    if (failed(ctx.requireInputs(3)))
      return failure();
    for (size_t i = 1; i <= 4; ++i)
      if (ctx.input(i) && !ctx.constantInts(i))
        return runtimeSlice(ctx, results);
    auto read = [&](size_t i, StringRef name,
                    SmallVector<int64_t> &out) -> LogicalResult {
      if (!ctx.input(i))
        return success();
      FailureOr<SmallVector<int64_t>> values = ctx.requireConstantInts(i, name);
      if (failed(values))
        return failure();
      out = *values;
      return success();
    };
    if (failed(read(1, "starts", starts)) || failed(read(2, "ends", ends)) ||
        failed(read(3, "axes", axes)) || failed(read(4, "steps", steps)))
      return failure();
  }
  ArrayRef<int64_t> shape = typeOf(ctx.input(0)).getShape();
  int64_t rank = shape.size();
  if (axes.empty())
    for (int64_t d = 0; d < (int64_t)starts.size(); ++d)
      axes.push_back(d);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return ctx.emitError() << "starts, ends, axes and steps differ in length",
           failure();
  SmallVector<int64_t> outStarts(rank, 0), sizes(shape), outSteps(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    std::optional<int64_t> axis = dlg::normalizeAxis(axes[i], rank);
    if (!axis || seen[*axis])
      return ctx.emitError()
                 << "axis " << axes[i]
                 << " is out of range or repeated for rank " << rank,
             failure();
    seen[*axis] = true;
    int64_t dim = shape[*axis], step = steps[i];
    if (step == 0)
      return ctx.emitError() << "step 0 on axis " << axes[i], failure();
    // ONNX: negative indices count from the end; starts clamp to [0, dim]
    // ([0, dim - 1] for negative steps) and ends to [0, dim] ([-1, dim - 1]).
    // A step beyond the dimension takes at most one element either way, so
    // clamping it keeps the size arithmetic from overflowing.
    step = std::clamp<int64_t>(step, -std::max<int64_t>(dim, 1),
                               std::max<int64_t>(dim, 1));
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start = std::max<int64_t>(start, -dim - 1) + dim;
    if (end < 0)
      end = std::max<int64_t>(end, -dim - 1) + dim;
    int64_t size;
    if (dim == 0) {
      size = 0;
    } else if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end - 1) / -step + 1 : 0;
    }
    outStarts[*axis] = size ? start : 0;
    sizes[*axis] = size;
    outSteps[*axis] = step;
  }
  OpBuilder &b = ctx.builder;
  FailureOr<Value> result = ctx.create<dlg::SliceOp>(
      {ctx.input(0)}, {ctx.named("starts", b.getDenseI64ArrayAttr(outStarts)),
                       ctx.named("sizes", b.getDenseI64ArrayAttr(sizes)),
                       ctx.named("steps", b.getDenseI64ArrayAttr(outSteps))});
  if (succeeded(result) && rank == 1)
    if (std::optional<SmallVector<int64_t>> values = ctx.constantInts(0)) {
      SmallVector<int64_t> sliced;
      for (int64_t i = 0; i < sizes[0]; ++i)
        sliced.push_back((*values)[outStarts[0] + i * outSteps[0]]);
      ctx.recordInts(*result, sliced);
    }
  return pushResult(result, results);
}

LogicalResult gather(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  int64_t axis = ctx.intAttr("axis", 0);
  FailureOr<Value> result = ctx.create<dlg::GatherOp>(
      {ctx.input(0), ctx.input(1)},
      {ctx.named("axis", ctx.builder.getI64IntegerAttr(axis))});
  std::optional<SmallVector<int64_t>> data = ctx.constantInts(0);
  std::optional<SmallVector<int64_t>> indices = ctx.constantInts(1);
  if (succeeded(result) && data && indices &&
      typeOf(ctx.input(0)).getRank() == 1) {
    SmallVector<int64_t> gathered;
    int64_t size = data->size();
    for (int64_t index : *indices) {
      if (index < -size || index >= size)
        return ctx.emitError()
                   << "index " << index << " is out of range for size " << size,
               failure();
      gathered.push_back((*data)[index < 0 ? index + size : index]);
    }
    ctx.recordInts(*result, gathered);
  }
  return pushResult(result, results);
}

} // namespace

void registerShapeHandlers(OpRegistry &registry) {
  registry.add("", "Constant", {1, 9, 11, 12, 13, 19, 21, 23, 24, 25},
               constant);
  registry.add("", "Shape", {1, 13, 15, 19, 21, 23, 24, 25}, shape);
  registry.add("", "Reshape", {5, 13, 14, 19, 21, 23, 24, 25}, reshape);
  registry.add("", "Flatten", {1, 9, 11, 13, 21, 23, 24, 25}, flatten);
  registry.add("", "Squeeze", {1, 11, 13, 21, 23, 24, 25},
               squeezeLike<dlg::SqueezeOp>());
  registry.add("", "Unsqueeze", {1, 11, 13, 21, 23, 24, 25},
               squeezeLike<dlg::UnsqueezeOp>());
  registry.add("", "Transpose", {1, 13, 21, 23, 24, 25}, transpose);
  registry.add("", "Concat", {4, 11, 13}, concat);
  registry.add("", "Slice", {1, 10, 11, 13}, slice);
  registry.add("", "Gather", {1, 11, 13}, gather);
}

} // namespace dlc::onnx
