//===- CausalConvWithState.cpp - ONNX CausalConvWithState -> dlg ----------===//
//
// The past state (zeros when absent) is concatenated in front of the input
// and a depthwise dlg.conv without padding runs over it; the present state
// is the last k - 1 positions of that padded input. Follows
// onnx/reference/ops/op_causal_conv_with_state.py.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/DlgEmitter.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

LogicalResult causalConvWithState(NodeContext &ctx,
                                  SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value input = ctx.input(0), weight = ctx.input(1);
  Value bias = ctx.input(2), past = ctx.input(3);
  std::string activation = ctx.stringAttr("activation", "none");
  if (activation != "none" && activation != "silu" && activation != "swish")
    return ctx.emitError() << "attribute 'activation' = '" << activation
                           << "' is not supported (none, silu, swish)",
           failure();
  Type type = DlgEmitter::elementOf(input);
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects a float input but got " << type,
           failure();
  ArrayRef<int64_t> inShape = DlgEmitter::shapeOf(input);
  ArrayRef<int64_t> wShape = DlgEmitter::shapeOf(weight);
  if (inShape.size() != 3)
    return ctx.emitError() << "expects input of rank 3 (batch, channels, "
                              "length) but got rank "
                           << inShape.size(),
           failure();
  int64_t batch = inShape[0], channels = inShape[1];
  if (wShape.size() != 3 || wShape[0] != channels || wShape[1] != 1 ||
      wShape[2] < 1)
    return ctx.emitError() << "expects weight of shape [" << channels
                           << ", 1, k] with k >= 1 but got "
                           << DlgEmitter::typeOf(weight),
           failure();
  int64_t k = wShape[2];
  if (bias && DlgEmitter::shapeOf(bias) != ArrayRef<int64_t>{channels})
    return ctx.emitError() << "expects bias of shape [" << channels
                           << "] but got " << DlgEmitter::typeOf(bias),
           failure();
  SmallVector<int64_t> stateShape = {batch, channels, k - 1};
  if (past && DlgEmitter::shapeOf(past) != ArrayRef<int64_t>(stateShape))
    return ctx.emitError() << "expects past_state of shape [" << batch << ", "
                           << channels << ", " << k - 1 << "] but got "
                           << DlgEmitter::typeOf(past),
           failure();

  DlgEmitter e(ctx);
  Value padded = input;
  if (k > 1)
    padded = e.concat(
        {past ? e.cast(past, type) : e.constant(type, stateShape, {0.0}),
         input},
        2);
  // The convolution runs in f32 and is rounded to the input type once, as
  // the reference computes conv_out.
  Type f32 = e.b.getF32Type();
  SmallVector<Value> operands = {e.cast(padded, f32), e.cast(weight, f32)};
  if (bias)
    operands.push_back(e.cast(bias, f32));
  Value conv = e.op<dlg::ConvOp>(
      operands, {e.named("strides", e.b.getDenseI64ArrayAttr({1})),
                 e.named("pads", e.b.getDenseI64ArrayAttr({0, 0})),
                 e.named("dilations", e.b.getDenseI64ArrayAttr({1})),
                 e.named("group", e.b.getI64IntegerAttr(channels))});
  Value output = e.cast(conv, type);
  if (activation != "none") {
    Value wide = e.cast(output, f32);
    output = e.cast(e.mul(wide, e.sigmoid(wide)), type);
  }
  Value present =
      e.sliceAxis(padded, 2, DlgEmitter::shapeOf(padded)[2] - (k - 1), k - 1);
  if (!output || !present)
    return failure();
  results.push_back(output);
  results.push_back(present);
  return success();
}

} // namespace

void registerCausalConvWithStateHandlers(OpRegistry &registry) {
  registry.add("", "CausalConvWithState", {27}, causalConvWithState);
}

} // namespace dlc::onnx
