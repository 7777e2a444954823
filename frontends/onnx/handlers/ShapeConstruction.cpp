//===- ShapeConstruction.cpp - ONNX ops that build shapes -> dlg ----------===//
//
// ConstantOfShape, Expand, Tile, Pad, Split, ... need their shape arguments
// at import time (they determine the output shape) and decompose into
// constants, reshapes, slices, concats and broadcasting dlg.where.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/TensorImport.h"
#include "frontends/onnx/handlers/Composer.h"
#include "frontends/onnx/handlers/IndexingBuilders.h"
#include "frontends/onnx/handlers/RuntimeSlicing.h"

#include "onnx/onnx_pb.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

using namespace builders;

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

/// Rejects a shape argument with a negative dim or too many elements.
LogicalResult verifyShapeArgument(NodeContext &ctx, ArrayRef<int64_t> shape) {
  for (int64_t dim : shape)
    if (dim < 0)
      return ctx.emitError() << "shape has negative dimension " << dim,
             failure();
  if (!dlg::checkedNumElements(shape))
    return ctx.emitError() << "shape has more than " << dlg::kMaxNumElements
                           << " elements",
           failure();
  return success();
}

LogicalResult constantOfShape(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  // A run-time shape must be the declared one; a check says when it is not.
  bool runtimeShape = !ctx.constantInts(0);
  FailureOr<SmallVector<int64_t>> shape =
      runtimeShape ? ctx.requireDeclaredShape(0, 0, "shape")
                   : ctx.requireConstantInts(0, "shape");
  if (failed(shape))
    return failure();
  if (runtimeShape) {
    RankedTensorType shapeType = typeOf(ctx.input(0));
    if (shapeType.getRank() != 1 ||
        shapeType.getDimSize(0) != int64_t(shape->size()))
      return ctx.emitError()
                 << "'shape' has type " << shapeType
                 << " but the declared output has rank " << shape->size(),
             failure();
    Composer c(ctx);
    SmallVector<SmallVector<int64_t>> allowed;
    for (int64_t dim : *shape)
      allowed.push_back({dim});
    c.check(c.valuesIn(c.intsInput(0), allowed),
            "the run-time 'shape' is not the declared output shape " +
                formatDims(*shape));
    if (c.failedBefore)
      return failure();
  }
  if (failed(verifyShapeArgument(ctx, *shape)))
    return failure();
  Attribute element = FloatAttr::get(ctx.builder.getF32Type(), 0.0);
  if (const ::onnx::TensorProto *attr = ctx.tensorAttr("value")) {
    ::onnx::TensorProto tensor = *attr;
    FailureOr<ElementsAttr> value = importTensor(
        ctx.builder.getContext(), ctx.loc, tensor, /*baseDir=*/"", nullptr);
    if (failed(value))
      return failure();
    auto dense = dyn_cast<DenseElementsAttr>(*value);
    if (!dense || dense.getNumElements() != 1)
      return ctx.emitError() << "expects a one-element 'value' tensor",
             failure();
    element = *dense.value_begin<Attribute>();
    ctx.setResultUnsigned(0, isUnsignedDataType(tensor.data_type()));
  }
  Type elementType = cast<TypedAttr>(element).getType();
  auto type = RankedTensorType::get(*shape, elementType);
  Value result = dlg::ConstantOp::create(ctx.builder, ctx.loc,
                                         DenseElementsAttr::get(type, element));
  // Shape computations build tensors of ones or zeros with this op.
  int64_t count = *dlg::checkedNumElements(*shape);
  if (elementType.isInteger(64) && shape->size() == 1 && count <= 4096)
    ctx.recordInts(result, SmallVector<int64_t>(
                               count, cast<IntegerAttr>(element).getInt()));
  results.push_back(result);
  return success();
}

LogicalResult size(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  results.push_back(
      intConstant(ctx, {typeOf(ctx.input(0)).getNumElements()}, {}));
  return success();
}

LogicalResult eyeLike(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  RankedTensorType type = typeOf(ctx.input(0));
  if (type.getRank() != 2)
    return ctx.emitError() << "expects a 2-D input but got rank "
                           << type.getRank(),
           failure();
  Type elementType = type.getElementType();
  if (ctx.attribute("dtype")) {
    int64_t dtype = ctx.intAttr("dtype", 0);
    elementType = convertElementType(ctx.builder.getContext(), dtype);
    if (!elementType)
      return ctx.emitError()
                 << "dtype " << dataTypeName(dtype) << " is not supported",
             failure();
  }
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  int64_t k = ctx.intAttr("k", 0);
  SmallVector<double> values(rows * cols, 0.0);
  for (int64_t i = 0; i < rows; ++i)
    if (i + k >= 0 && i + k < cols)
      values[i * cols + i + k] = 1.0;
  results.push_back(constantOf(ctx, {rows, cols}, elementType, values));
  return success();
}

/// Range with start, limit or delta known only at run time: the length is
/// the declared one, the values start + i * delta are computed when the model
/// runs (in f64 for floats, like numpy's arange, and i64 for integers), and
/// a check fails the run unless max(ceil((limit - start) / delta), 0) is
/// that length.
LogicalResult runtimeRange(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  size_t arg = 0;
  while (arg < 2 &&
         (constantDoubles(ctx.input(arg)) || ctx.knownIntsOf(ctx.input(arg))))
    ++arg;
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, arg,
                               arg == 0   ? "start"
                               : arg == 1 ? "limit"
                                          : "delta");
  if (failed(declared))
    return failure();
  if (declared->size() != 1)
    return ctx.emitError() << "the declared output has rank "
                           << declared->size() << " but Range gives rank 1",
           failure();
  for (size_t i = 0; i < 3; ++i)
    if (typeOf(ctx.input(i)).getNumElements() != 1)
      return ctx.emitError()
                 << "expects input " << i << " to be a scalar but it has type "
                 << ctx.input(i).getType(),
             failure();
  int64_t count = (*declared)[0];
  Type elementType = typeOf(ctx.input(0)).getElementType();
  if (!isa<FloatType, IntegerType>(elementType) || elementType.isInteger(1) ||
      ctx.inputIsUnsigned(0))
    return ctx.emitError() << "element type " << elementType
                           << " is not supported",
           failure();
  OpBuilder &b = ctx.builder;
  Type computeType =
      isa<FloatType>(elementType) ? Type(b.getF64Type()) : b.getI64Type();
  Composer c(ctx);
  auto scalarInput = [&](size_t i) {
    return c.cast(c.reshape(ctx.input(i), {}), computeType);
  };
  Value start = scalarInput(0), limit = scalarInput(1), delta = scalarInput(2);
  SmallVector<double> iota;
  for (int64_t i = 0; i < count; ++i)
    iota.push_back(double(i));
  Value steps = constantOf(ctx, {count}, computeType, iota);
  Value values = c.cast(
      c.create<dlg::AddOp>({start, c.create<dlg::MulOp>({steps, delta})}),
      elementType);
  // The length, with the spec's formula in f64.
  Type f64 = b.getF64Type();
  Value startF = c.cast(start, f64), limitF = c.cast(limit, f64),
        deltaF = c.cast(delta, f64), zero = c.scalar(f64, 0);
  c.check(c.create<dlg::BitwiseNotOp>({c.create<dlg::EqualOp>({deltaF, zero})}),
          "the run-time 'delta' is 0");
  Value quotient =
      c.create<dlg::DivOp>({c.create<dlg::SubOp>({limitF, startF}), deltaF});
  Value length =
      c.create<dlg::MaxOp>({c.create<dlg::CeilOp>({quotient}), zero});
  c.check(c.create<dlg::EqualOp>({length, c.scalar(f64, double(count))}),
          "the run-time start, limit and delta do not give the declared "
          "length " +
              Twine(count));
  return c.finish({values}, results);
}

LogicalResult range(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  // Start, limit and delta known at import time (constants, or integers
  // computed from shapes).
  auto known = [&](size_t i) -> std::optional<SmallVector<double>> {
    if (std::optional<SmallVector<double>> values =
            constantDoubles(ctx.input(i)))
      return values;
    if (std::optional<SmallVector<int64_t>> ints = ctx.constantInts(i))
      return SmallVector<double>(ints->begin(), ints->end());
    return std::nullopt;
  };
  std::optional<SmallVector<double>> start = known(0), limit = known(1),
                                     delta = known(2);
  if (!start || !limit || !delta)
    return runtimeRange(ctx, results);
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1)
    return ctx.emitError() << "expects start, limit and delta to be scalars",
           failure();
  double first = (*start)[0], step = (*delta)[0];
  if (step == 0)
    return ctx.emitError() << "delta is 0", failure();
  double count = std::max(std::ceil(((*limit)[0] - first) / step), 0.0);
  if (count > double(dlg::kMaxNumElements))
    return ctx.emitError() << "the range has more than " << dlg::kMaxNumElements
                           << " elements",
           failure();
  Type elementType = typeOf(ctx.input(0)).getElementType();
  SmallVector<double> values;
  SmallVector<int64_t> ints;
  for (int64_t i = 0; i < int64_t(count); ++i) {
    values.push_back(first + double(i) * step);
    ints.push_back(int64_t(values.back()));
  }
  Value result = constantOf(ctx, {int64_t(count)}, elementType, values);
  if (elementType.isInteger(64))
    ctx.recordInts(result, ints);
  results.push_back(result);
  return success();
}

//===----------------------------------------------------------------------===//
// Expand, Tile, Split, Pad, CenterCropPad
//===----------------------------------------------------------------------===//

/// Expand whose `shape` is only known at run time: the declared shape, with
/// a check that every run-time entry broadcasts to it.
LogicalResult runtimeExpand(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "shape");
  if (failed(declared))
    return failure();
  ArrayRef<int64_t> inShape = typeOf(ctx.input(0)).getShape();
  RankedTensorType shapeType = typeOf(ctx.input(1));
  int64_t count = shapeType.getNumElements();
  int64_t rank = std::max<int64_t>(count, inShape.size());
  if (shapeType.getRank() != 1 || (int64_t)declared->size() != rank)
    return ctx.emitError() << "'shape' has type " << shapeType
                           << " but the declared output shape is "
                           << formatDims(*declared),
           failure();
  // Aligned from the right; a missing dimension counts as 1.
  SmallVector<SmallVector<int64_t>> allowed;
  for (int64_t j = 0; j < rank; ++j) {
    int64_t inIndex = j - (rank - (int64_t)inShape.size());
    int64_t in = inIndex >= 0 ? inShape[inIndex] : 1, out = (*declared)[j];
    // Leading input dims that `shape` does not cover are kept as they are.
    if ((in != 1 && in != out) || (j < rank - count && in != out))
      return ctx.emitError()
                 << "the declared output shape " << formatDims(*declared)
                 << " is not a broadcast of the input shape "
                 << formatDims(inShape),
             failure();
    if (j >= rank - count)
      allowed.push_back(in == 1 ? SmallVector<int64_t>{out}
                                : SmallVector<int64_t>{1, in});
  }
  Composer c(ctx);
  c.check(c.valuesIn(c.intsInput(1), allowed),
          "the run-time 'shape' does not broadcast the input to the declared "
          "shape " +
              formatDims(*declared));
  if (c.failedBefore)
    return failure();
  return pushResult(broadcastTo(ctx, ctx.input(0), *declared), results);
}

LogicalResult expand(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  if (!ctx.constantInts(1))
    return runtimeExpand(ctx, results);
  FailureOr<SmallVector<int64_t>> shape = ctx.requireConstantInts(1, "shape");
  if (failed(shape))
    return failure();
  if (failed(verifyShapeArgument(ctx, *shape)))
    return failure();
  return pushResult(broadcastTo(ctx, ctx.input(0), *shape), results);
}

/// [d0, d1] tiled [r0, r1]: reshape to [1, d0, 1, d1], broadcast to
/// [r0, d0, r1, d1], reshape to [r0 * d0, r1 * d1].
LogicalResult tile(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  ArrayRef<int64_t> shape = typeOf(ctx.input(0)).getShape();
  FailureOr<SmallVector<int64_t>> repeats = failure();
  if (ctx.constantInts(1)) {
    repeats = ctx.requireConstantInts(1, "repeats");
  } else {
    // Run-time repeats: declared / input per dimension, checked.
    FailureOr<SmallVector<int64_t>> declared =
        ctx.requireDeclaredShape(0, 1, "repeats");
    if (failed(declared))
      return failure();
    if (declared->size() != shape.size() ||
        typeOf(ctx.input(1)).getNumElements() != (int64_t)shape.size())
      return ctx.emitError()
                 << "expects " << shape.size()
                 << " repeats and a declared output of rank " << shape.size(),
             failure();
    SmallVector<SmallVector<int64_t>> allowed;
    SmallVector<int64_t> values;
    for (auto [dim, out] : llvm::zip(shape, *declared)) {
      if (dim == 0 ? out != 0 : out % dim != 0)
        return ctx.emitError()
                   << "the declared output shape " << formatDims(*declared)
                   << " is not a tiling of the input shape "
                   << formatDims(shape),
               failure();
      // Any repeat of an empty dimension stays empty.
      values.push_back(dim == 0 ? 0 : out / dim);
      allowed.push_back(dim == 0 ? SmallVector<int64_t>{}
                                 : SmallVector<int64_t>{out / dim});
    }
    Composer c(ctx);
    c.check(c.valuesIn(c.intsInput(1), allowed),
            "the run-time 'repeats' do not tile the input to the declared "
            "shape " +
                formatDims(*declared));
    if (c.failedBefore)
      return failure();
    repeats = values;
  }
  if (failed(repeats))
    return failure();
  if (repeats->size() != shape.size())
    return ctx.emitError() << "expects " << shape.size() << " repeats but got "
                           << repeats->size(),
           failure();
  SmallVector<int64_t> split, broadcast, tiled;
  for (auto [dim, repeat] : llvm::zip(shape, *repeats)) {
    if (repeat < 0)
      return ctx.emitError() << "repeat " << repeat << " is negative",
             failure();
    int64_t product;
    if (llvm::MulOverflow(dim, repeat, product))
      return ctx.emitError() << "tiled shape overflows", failure();
    split.append({1, dim});
    broadcast.append({repeat, dim});
    tiled.push_back(product);
  }
  if (!dlg::checkedNumElements(broadcast))
    return ctx.emitError() << "tiled shape has more than "
                           << dlg::kMaxNumElements << " elements",
           failure();
  FailureOr<Value> value = reshapeTo(ctx, ctx.input(0), split);
  if (succeeded(value))
    value = broadcastTo(ctx, *value, broadcast);
  if (succeeded(value))
    value = reshapeTo(ctx, *value, tiled);
  return pushResult(value, results);
}

LogicalResult split(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value input = ctx.input(0);
  int64_t rank = typeOf(input).getRank();
  std::optional<int64_t> axis =
      dlg::normalizeAxis(ctx.intAttr("axis", 0), rank);
  if (!axis)
    return ctx.emitError() << "axis " << ctx.intAttr("axis", 0)
                           << " is out of range for rank " << rank,
           failure();
  int64_t dim = typeOf(input).getDimSize(*axis);
  int64_t outputs = ctx.node.output_size();
  SmallVector<int64_t> sizes;
  if (ctx.opset < 13 && ctx.attribute("split")) {
    sizes = ctx.intsAttr("split");
  } else if (ctx.opset >= 13 && ctx.input(1) && !ctx.constantInts(1)) {
    // Run-time sizes: the declared outputs give them; checked.
    for (int64_t i = 0; i < outputs; ++i) {
      FailureOr<SmallVector<int64_t>> declared =
          ctx.requireDeclaredShape(i, 1, "split");
      if (failed(declared))
        return failure();
      if (declared->size() != (size_t)rank)
        return ctx.emitError() << "output " << i << " is declared with shape "
                               << formatDims(*declared) << " for rank " << rank,
               failure();
      sizes.push_back((*declared)[*axis]);
    }
    if (typeOf(ctx.input(1)).getNumElements() != outputs)
      return ctx.emitError() << "expects " << outputs << " split sizes but got "
                             << typeOf(ctx.input(1)).getNumElements(),
             failure();
    Composer c(ctx);
    c.check(c.allOf(c.create<dlg::EqualOp>({c.intsInput(1), c.ints(sizes)})),
            "the run-time 'split' differs from the declared output sizes " +
                formatDims(sizes));
    if (c.failedBefore)
      return failure();
  } else if (ctx.opset >= 13 && ctx.input(1)) {
    FailureOr<SmallVector<int64_t>> values =
        ctx.requireConstantInts(1, "split");
    if (failed(values))
      return failure();
    sizes = *values;
  } else if (ctx.opset >= 18 && ctx.attribute("num_outputs")) {
    // Chunks of ceil(dim / n); the last one may be smaller.
    int64_t parts = ctx.intAttr("num_outputs", 0);
    if (parts < 1 || parts != outputs)
      return ctx.emitError() << "num_outputs " << parts << " but the node has "
                             << outputs << " outputs",
             failure();
    int64_t chunk = llvm::divideCeil(dim, parts);
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::clamp<int64_t>(dim - i * chunk, 0, chunk));
  } else {
    if (outputs < 1 || dim % outputs)
      return ctx.emitError() << "cannot split dimension " << dim << " into "
                             << outputs << " equal parts",
             failure();
    sizes.assign(outputs, dim / outputs);
  }
  if ((int64_t)sizes.size() != outputs)
    return ctx.emitError() << "expects " << outputs << " split sizes but got "
                           << sizes.size(),
           failure();
  int64_t offset = 0;
  std::optional<SmallVector<int64_t>> known = ctx.constantInts(0);
  for (int64_t size : sizes) {
    if (size < 0 || offset + size > dim)
      return ctx.emitError()
                 << "split sizes do not add up to dimension " << dim,
             failure();
    FailureOr<Value> part = sliceAxis(ctx, input, *axis, offset, size);
    if (failed(part))
      return failure();
    if (known && rank == 1)
      ctx.recordInts(*part, ArrayRef<int64_t>(*known).slice(offset, size));
    results.push_back(*part);
    offset += size;
  }
  if (offset != dim)
    return ctx.emitError() << "split sizes add up to " << offset
                           << " but the dimension is " << dim,
           failure();
  return success();
}

/// Pads (or, for negative amounts, crops) one axis. `fill` is the 0-d
/// padding value for constant mode.
FailureOr<Value> padAxis(NodeContext &ctx, Value input, int64_t axis,
                         int64_t begin, int64_t end, StringRef mode,
                         Value fill) {
  int64_t dim = typeOf(input).getDimSize(axis);
  if (begin < 0 || end < 0) {
    int64_t cropBegin = std::max<int64_t>(-begin, 0);
    int64_t cropEnd = std::max<int64_t>(-end, 0);
    if (cropBegin + cropEnd > dim)
      return ctx.emitError() << "negative pads " << begin << ", " << end
                             << " remove more than dimension " << dim,
             failure();
    FailureOr<Value> cropped =
        sliceAxis(ctx, input, axis, cropBegin, dim - cropBegin - cropEnd);
    if (failed(cropped))
      return failure();
    input = *cropped;
    dim -= cropBegin + cropEnd;
    begin = std::max<int64_t>(begin, 0);
    end = std::max<int64_t>(end, 0);
  }
  if (begin == 0 && end == 0)
    return input;
  SmallVector<int64_t> shape(typeOf(input).getShape());
  auto piece = [&](int64_t amount, bool atBegin) -> FailureOr<Value> {
    SmallVector<int64_t> pieceShape(shape);
    pieceShape[axis] = amount;
    if (mode == "constant")
      return broadcastTo(ctx, fill, pieceShape);
    if (dim == 0)
      return ctx.emitError() << "cannot pad the empty dimension " << axis
                             << " in " << mode << " mode",
             failure();
    if (mode == "edge") {
      FailureOr<Value> edge =
          sliceAxis(ctx, input, axis, atBegin ? 0 : dim - 1, 1);
      if (failed(edge))
        return failure();
      return broadcastTo(ctx, *edge, pieceShape);
    }
    if (mode == "reflect") {
      if (amount > dim - 1)
        return ctx.emitError() << "reflect pad " << amount
                               << " exceeds dimension " << dim << " - 1",
               failure();
      // Mirrors around the edge element without repeating it.
      return sliceAxis(ctx, input, axis, atBegin ? amount : dim - 2, amount,
                       -1);
    }
    // wrap
    if (amount > dim)
      return ctx.emitError()
                 << "wrap pad " << amount << " exceeds dimension " << dim,
             failure();
    return sliceAxis(ctx, input, axis, atBegin ? dim - amount : 0, amount);
  };
  SmallVector<Value> parts;
  if (begin) {
    FailureOr<Value> part = piece(begin, true);
    if (failed(part))
      return failure();
    parts.push_back(*part);
  }
  parts.push_back(input);
  if (end) {
    FailureOr<Value> part = piece(end, false);
    if (failed(part))
      return failure();
    parts.push_back(*part);
  }
  return concatAxis(ctx, parts, axis);
}

/// Pads every axis in `axes` by pads[i] before and pads[i + n] after.
FailureOr<Value> padAxes(NodeContext &ctx, Value input, ArrayRef<int64_t> pads,
                         ArrayRef<int64_t> axes, StringRef mode, Value fill) {
  int64_t rank = typeOf(input).getRank();
  if (pads.size() != 2 * axes.size())
    return ctx.emitError() << "expects " << 2 * axes.size() << " pads but got "
                           << pads.size(),
           failure();
  SmallVector<bool> seen(rank, false);
  for (auto [i, rawAxis] : llvm::enumerate(axes)) {
    std::optional<int64_t> axis = dlg::normalizeAxis(rawAxis, rank);
    if (!axis || seen[*axis])
      return ctx.emitError()
                 << "axis " << rawAxis
                 << " is out of range or repeated for rank " << rank,
             failure();
    seen[*axis] = true;
    FailureOr<Value> padded =
        padAxis(ctx, input, *axis, pads[i], pads[i + axes.size()], mode, fill);
    if (failed(padded))
      return failure();
    input = *padded;
  }
  return input;
}

LogicalResult pad(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value input = ctx.input(0);
  Type elementType = typeOf(input).getElementType();
  int64_t rank = typeOf(input).getRank();
  std::string mode = ctx.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap")
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported",
           failure();
  SmallVector<int64_t> pads, axes;
  Value fill;
  if (ctx.opset < 11) {
    pads =
        ctx.attribute("pads") ? ctx.intsAttr("pads") : ctx.intsAttr("paddings");
    fill = splat(ctx, {}, elementType, ctx.floatAttr("value", 0.0f));
  } else {
    if (failed(ctx.requireInputs(2)))
      return failure();
    bool runtime =
        !ctx.constantInts(1) || (ctx.input(3) && !ctx.constantInts(3));
    if (!runtime) {
      FailureOr<SmallVector<int64_t>> values =
          ctx.requireConstantInts(1, "pads");
      if (failed(values))
        return failure();
      pads = *values;
    }
    if (Value value = ctx.input(2)) {
      if (typeOf(value).getNumElements() != 1)
        return ctx.emitError() << "expects a one-element constant_value",
               failure();
      FailureOr<Value> scalar = reshapeTo(ctx, value, {});
      if (failed(scalar))
        return failure();
      fill = *scalar;
    } else {
      fill = splat(ctx, {}, elementType, 0.0);
    }
    if (runtime)
      return runtimePad(ctx, input, mode, fill, results);
    if (ctx.input(3)) {
      FailureOr<SmallVector<int64_t>> values =
          ctx.requireConstantInts(3, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  }
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  return pushResult(padAxes(ctx, input, pads, axes, mode, fill), results);
}

/// Crops (centered, extra element at the end) or zero-pads (extra element at
/// the end) each listed axis to the requested size.
LogicalResult centerCropPad(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value input = ctx.input(0);
  int64_t rank = typeOf(input).getRank();
  SmallVector<int64_t> axes = ctx.intsAttr("axes");
  if (!ctx.attribute("axes"))
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  FailureOr<SmallVector<int64_t>> shape = failure();
  if (ctx.constantInts(1)) {
    shape = ctx.requireConstantInts(1, "shape");
  } else {
    // Run-time shape: the declared output sizes of the listed axes, checked.
    FailureOr<SmallVector<int64_t>> declared =
        ctx.requireDeclaredShape(0, 1, "shape");
    if (failed(declared))
      return failure();
    if ((int64_t)declared->size() != rank)
      return ctx.emitError()
                 << "the declared output shape " << formatDims(*declared)
                 << " has rank " << declared->size()
                 << " but the input has rank " << rank,
             failure();
    SmallVector<int64_t> values;
    for (int64_t rawAxis : axes) {
      std::optional<int64_t> axis = dlg::normalizeAxis(rawAxis, rank);
      if (!axis)
        return ctx.emitError() << "axis " << rawAxis
                               << " is out of range for rank " << rank,
               failure();
      values.push_back((*declared)[*axis]);
    }
    if (typeOf(ctx.input(1)).getNumElements() != (int64_t)values.size())
      return ctx.emitError()
                 << "expects " << values.size() << " shape values but got "
                 << typeOf(ctx.input(1)).getNumElements(),
             failure();
    Composer c(ctx);
    c.check(c.allOf(c.create<dlg::EqualOp>({c.intsInput(1), c.ints(values)})),
            "the run-time 'shape' differs from the declared sizes " +
                formatDims(values));
    if (c.failedBefore)
      return failure();
    shape = values;
  }
  if (failed(shape))
    return failure();
  if (axes.size() != shape->size())
    return ctx.emitError() << "expects " << axes.size()
                           << " shape values but got " << shape->size(),
           failure();
  SmallVector<int64_t> pads(2 * axes.size(), 0);
  for (auto [i, rawAxis] : llvm::enumerate(axes)) {
    std::optional<int64_t> axis = dlg::normalizeAxis(rawAxis, rank);
    if (!axis)
      return ctx.emitError()
                 << "axis " << rawAxis << " is out of range for rank " << rank,
             failure();
    int64_t dim = typeOf(input).getDimSize(*axis), target = (*shape)[i];
    if (target < 0)
      return ctx.emitError() << "shape value " << target << " is negative",
             failure();
    int64_t diff = target - dim;
    // Both pad and crop put the odd element at the end.
    int64_t begin = diff >= 0 ? diff / 2 : -((-diff) / 2);
    pads[i] = begin;
    pads[i + axes.size()] = diff - begin;
  }
  Value zero = splat(ctx, {}, typeOf(input).getElementType(), 0.0);
  return pushResult(padAxes(ctx, input, pads, axes, "constant", zero), results);
}

//===----------------------------------------------------------------------===//
// DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

FailureOr<Value> reshapeTransposeReshape(NodeContext &ctx, Value input,
                                         ArrayRef<int64_t> split,
                                         ArrayRef<int64_t> perm,
                                         ArrayRef<int64_t> result) {
  FailureOr<Value> value = reshapeTo(ctx, input, split);
  if (succeeded(value))
    value = transposeBy(ctx, *value, perm);
  if (succeeded(value))
    value = reshapeTo(ctx, *value, result);
  return value;
}

LogicalResult depthToSpace(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  RankedTensorType type = typeOf(ctx.input(0));
  int64_t b = ctx.intAttr("blocksize", 0);
  std::string mode = ctx.stringAttr("mode", "DCR");
  if (type.getRank() != 4 || b < 1 || type.getDimSize(1) % (b * b))
    return ctx.emitError() << "expects a 4-D input whose channels divide by "
                              "blocksize^2 (blocksize "
                           << b << ", type " << type << ")",
           failure();
  if (mode != "DCR" && mode != "CRD")
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported",
           failure();
  int64_t n = type.getDimSize(0), c = type.getDimSize(1) / (b * b),
          h = type.getDimSize(2), w = type.getDimSize(3);
  SmallVector<int64_t> out = {n, c, h * b, w * b};
  FailureOr<Value> result =
      mode == "DCR"
          ? reshapeTransposeReshape(ctx, ctx.input(0), {n, b, b, c, h, w},
                                    {0, 3, 4, 1, 5, 2}, out)
          : reshapeTransposeReshape(ctx, ctx.input(0), {n, c, b, b, h, w},
                                    {0, 1, 4, 2, 5, 3}, out);
  return pushResult(result, results);
}

LogicalResult spaceToDepth(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  RankedTensorType type = typeOf(ctx.input(0));
  int64_t b = ctx.intAttr("blocksize", 0);
  if (type.getRank() != 4 || b < 1 || type.getDimSize(2) % b ||
      type.getDimSize(3) % b)
    return ctx.emitError() << "expects a 4-D input whose height and width "
                              "divide by blocksize "
                           << b << " but got " << type,
           failure();
  // The mode attribute exists from opset 28 on; DCR before.
  std::string mode = ctx.stringAttr("mode", "DCR");
  if (mode != "DCR" && mode != "CRD")
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported",
           failure();
  int64_t n = type.getDimSize(0), c = type.getDimSize(1),
          h = type.getDimSize(2) / b, w = type.getDimSize(3) / b;
  SmallVector<int64_t> perm = mode == "DCR"
                                  ? SmallVector<int64_t>{0, 3, 5, 1, 2, 4}
                                  : SmallVector<int64_t>{0, 1, 3, 5, 2, 4};
  return pushResult(reshapeTransposeReshape(ctx, ctx.input(0),
                                            {n, c, h, b, w, b}, perm,
                                            {n, c * b * b, h, w}),
                    results);
}

} // namespace

void registerShapeConstructionHandlers(OpRegistry &registry) {
  registry.add("", "ConstantOfShape", {9, 20, 21, 23, 24, 25}, constantOfShape);
  registry.add("", "Size", {1, 13, 19, 21, 23, 24, 25}, size);
  registry.add("", "EyeLike", {9, 22}, eyeLike);
  registry.add("", "Range", {11, 27}, range);
  registry.add("", "Expand", {8, 13}, expand);
  registry.add("", "Tile", {6, 13}, tile);
  registry.add("", "Split", {1, 2, 11, 13, 18}, split);
  registry.add("", "Pad", {1, 2, 11, 13, 18, 19, 21, 23, 24, 25}, pad);
  registry.add("", "CenterCropPad", {18}, centerCropPad);
  registry.add("", "DepthToSpace", {1, 11, 13, 28}, depthToSpace);
  registry.add("", "SpaceToDepth", {1, 13, 28}, spaceToDepth);
}

} // namespace dlc::onnx
