//===- ConvTranspose.cpp - ONNX ConvTranspose -> dlg.conv -----------------===//
//
// A transposed convolution is a convolution of the input with zeros inserted
// between its elements (stride - 1 per gap), padded by (k - 1) * d - pad, with
// the kernel flipped spatially and its channel roles swapped per group.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/DlgEmitter.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

int64_t floorDiv2(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

/// Inserts `stride - 1` zeros after every element of dimension `axis`
/// (trailing ones included): length n becomes n * stride.
Value dilate(DlgEmitter &e, Value x, int64_t axis, int64_t stride) {
  if (!x || stride == 1)
    return x;
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  SmallVector<int64_t> expanded(shape.begin(), shape.begin() + axis + 1);
  expanded.push_back(1);
  expanded.append(shape.begin() + axis + 1, shape.end());
  SmallVector<int64_t> zerosShape(expanded);
  zerosShape[axis + 1] = stride - 1;
  Value zeros =
      e.constant(DlgEmitter::elementOf(x), zerosShape,
                 SmallVector<double>(*dlg::checkedNumElements(zerosShape), 0));
  Value interleaved = e.concat({e.reshape(x, expanded), zeros}, axis + 1);
  SmallVector<int64_t> result(shape);
  result[axis] *= stride;
  return e.reshape(interleaved, result);
}

} // namespace

LogicalResult convTranspose(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  DlgEmitter e(ctx);
  Value x = ctx.input(0), w = ctx.input(1), bias = ctx.input(2);
  auto xType = DlgEmitter::typeOf(x);
  auto wType = DlgEmitter::typeOf(w);
  if (!isa<FloatType>(xType.getElementType()))
    return ctx.emitError() << "expects a float input", failure();
  int64_t rank = xType.getRank();
  if (rank < 3 || wType.getRank() != rank)
    return ctx.emitError() << "expects input and weight of the same rank >= 3",
           failure();
  size_t spatial = rank - 2;
  int64_t group = ctx.intAttr("group", 1);
  int64_t inChannels = xType.getDimSize(1);
  if (group < 1 || inChannels % group != 0 || wType.getDimSize(0) != inChannels)
    return ctx.emitError() << "expects weight dim 0 (" << wType.getDimSize(0)
                           << ") to equal the input channels (" << inChannels
                           << "), a multiple of group " << group,
           failure();
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  SmallVector<int64_t> kernelAttr = ctx.intsAttr("kernel_shape");
  if (!kernelAttr.empty() && ArrayRef<int64_t>(kernelAttr) != kernel)
    return ctx.emitError() << "kernel_shape does not match the weight",
           failure();
  auto orDefault = [&](StringRef name, size_t size, int64_t value) {
    SmallVector<int64_t> values = ctx.intsAttr(name);
    if (values.empty())
      values.assign(size, value);
    return values;
  };
  SmallVector<int64_t> strides = orDefault("strides", spatial, 1);
  SmallVector<int64_t> dilations = orDefault("dilations", spatial, 1);
  SmallVector<int64_t> outputPadding = orDefault("output_padding", spatial, 0);
  SmallVector<int64_t> pads = orDefault("pads", 2 * spatial, 0);
  SmallVector<int64_t> outputShape = ctx.intsAttr("output_shape");
  if (outputShape.size() == spatial + 2)
    outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
  if (strides.size() != spatial || dilations.size() != spatial ||
      outputPadding.size() != spatial || pads.size() != 2 * spatial ||
      (!outputShape.empty() && outputShape.size() != spatial))
    return ctx.emitError() << "strides, dilations, output_padding, "
                              "output_shape and pads must have one value per "
                              "spatial dimension ("
                           << spatial << "; pads twice that)",
           failure();
  for (size_t i = 0; i < spatial; ++i)
    if (strides[i] < 1 || dilations[i] < 1)
      return ctx.emitError() << "expects positive strides and dilations",
             failure();
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return ctx.emitError() << "attribute 'auto_pad' = '" << autoPad
                           << "' is not supported",
           failure();
  if (autoPad == "VALID")
    pads.assign(2 * spatial, 0);
  if (same && outputShape.empty())
    for (size_t i = 0; i < spatial; ++i)
      outputShape.push_back(xType.getDimSize(i + 2) * strides[i]);
  if (!outputShape.empty()) {
    for (size_t i = 0; i < spatial; ++i) {
      int64_t span = (kernel[i] - 1) * dilations[i] + 1;
      int64_t total = strides[i] * (xType.getDimSize(i + 2) - 1) +
                      outputPadding[i] + span - outputShape[i];
      int64_t begin =
          autoPad == "SAME_UPPER" ? floorDiv2(total) : total - floorDiv2(total);
      pads[i] = begin;
      pads[i + spatial] = total - begin;
    }
  }

  // The input with zeros inserted, cropped or padded so that a stride-1
  // convolution with the flipped kernel yields exactly the output.
  Value input = x;
  SmallVector<int64_t> convPads(2 * spatial);
  for (size_t i = 0; i < spatial; ++i) {
    int64_t axis = i + 2, in = xType.getDimSize(axis);
    int64_t reach = (kernel[i] - 1) * dilations[i];
    int64_t full = strides[i] * (in - 1) + reach + 1;
    int64_t out = full + outputPadding[i] - pads[i] - pads[i + spatial];
    if (out <= 0)
      return ctx.emitError() << "output size " << out << " of spatial dim " << i
                             << " is not positive",
             failure();
    input = dilate(e, input, axis, strides[i]);
    int64_t length = in * strides[i];
    int64_t before = reach - pads[i];
    int64_t after = out + reach - length - before;
    int64_t cropBefore = std::max<int64_t>(0, -before);
    int64_t cropAfter = std::max<int64_t>(0, -after);
    if (length - cropBefore - cropAfter <= 0)
      return ctx.emitError() << "pads crop all of spatial dim " << i, failure();
    input =
        e.sliceAxis(input, axis, cropBefore, length - cropBefore - cropAfter);
    convPads[i] = std::max<int64_t>(0, before);
    convPads[i + spatial] = std::max<int64_t>(0, after);
  }

  // [Cin, Cout/g, k...] -> flipped [Cout, Cin/g, k...].
  int64_t outPerGroup = wType.getDimSize(1), inPerGroup = inChannels / group;
  SmallVector<int64_t> starts(rank, 0), sizes(wType.getShape()), steps(rank, 1);
  for (size_t i = 0; i < spatial; ++i) {
    starts[i + 2] = kernel[i] - 1;
    steps[i + 2] = -1;
  }
  Value flipped = e.slice(w, starts, sizes, steps);
  SmallVector<int64_t> grouped = {group, inPerGroup, outPerGroup};
  grouped.append(kernel.begin(), kernel.end());
  SmallVector<int64_t> perm = {0, 2, 1};
  for (int64_t d = 3; d < rank + 1; ++d)
    perm.push_back(d);
  SmallVector<int64_t> weightShape = {group * outPerGroup, inPerGroup};
  weightShape.append(kernel.begin(), kernel.end());
  Value weight =
      e.reshape(e.transpose(e.reshape(flipped, grouped), perm), weightShape);

  SmallVector<Value> operands = {input, weight};
  if (bias)
    operands.push_back(bias);
  Value result = e.op<dlg::ConvOp>(
      operands, {e.named("strides", e.b.getDenseI64ArrayAttr(
                                        SmallVector<int64_t>(spatial, 1))),
                 e.named("pads", e.b.getDenseI64ArrayAttr(convPads)),
                 e.named("dilations", e.b.getDenseI64ArrayAttr(dilations)),
                 e.named("group", e.b.getI64IntegerAttr(group))});
  if (!result)
    return failure();
  results.push_back(result);
  return success();
}

} // namespace dlc::onnx
