//===- NeuralNet.cpp - ONNX matmul, conv, pooling, norms -> dlg -----------===//

#include "frontends/onnx/ImportContext.h"
#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// LpPool's and GlobalLpPool's p: an INT since opset 2, a FLOAT before
/// (whole numbers only).
FailureOr<int64_t> lpNorm(NodeContext &ctx) {
  if (ctx.opset >= 2)
    return ctx.intAttr("p", 2);
  float value = ctx.floatAttr("p", 2.0f);
  if (!std::isfinite(value) || value < 1 || value > 1024 ||
      value != std::floor(value))
    return ctx.emitError() << "p = " << value
                           << " is not supported (only whole p in [1, 1024])",
           failure();
  return static_cast<int64_t>(value);
}

LogicalResult matmul(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  return pushResult(ctx.create<dlg::MatMulOp>({ctx.input(0), ctx.input(1)}),
                    results);
}

LogicalResult gemm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  SmallVector<Value> operands = ctx.presentInputs(3);
  OpBuilder &b = ctx.builder;
  return pushResult(
      ctx.create<dlg::GemmOp>(
          operands,
          {ctx.named("alpha", b.getF32FloatAttr(ctx.floatAttr("alpha", 1))),
           ctx.named("beta", b.getF32FloatAttr(ctx.floatAttr("beta", 1))),
           ctx.named("trans_a", b.getBoolAttr(ctx.intAttr("transA", 0))),
           ctx.named("trans_b", b.getBoolAttr(ctx.intAttr("transB", 0)))}),
      results);
}

/// Window attributes shared by Conv and the pooling ops, with auto_pad
/// resolved into explicit pads.
struct Window {
  SmallVector<int64_t> kernel, strides, pads, dilations;
};

FailureOr<Window> readWindow(NodeContext &ctx, ArrayRef<int64_t> kernel) {
  auto inputType = dyn_cast<RankedTensorType>(ctx.input(0).getType());
  if (!inputType || inputType.getRank() < 3)
    return ctx.emitError() << "expects an input of rank >= 3", failure();
  size_t spatial = inputType.getRank() - 2;
  Window window;
  window.kernel.assign(kernel.begin(), kernel.end());
  window.strides = ctx.intsAttr("strides");
  window.dilations = ctx.intsAttr("dilations");
  window.pads = ctx.intsAttr("pads");
  if (window.strides.empty())
    window.strides.assign(spatial, 1);
  if (window.dilations.empty())
    window.dilations.assign(spatial, 1);
  if (window.pads.empty())
    window.pads.assign(2 * spatial, 0);
  if (window.kernel.size() != spatial || window.strides.size() != spatial ||
      window.dilations.size() != spatial || window.pads.size() != 2 * spatial)
    return ctx.emitError() << "kernel_shape, strides, dilations and pads must "
                              "have one value per spatial dimension ("
                           << spatial << "; pads twice that)",
           failure();
  for (size_t i = 0; i < spatial; ++i)
    if (window.strides[i] < 1 || window.dilations[i] < 1 ||
        window.kernel[i] < 1)
      return ctx.emitError() << "expects positive kernel_shape, strides and "
                                "dilations",
             failure();
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    window.pads.assign(2 * spatial, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < spatial; ++i) {
      int64_t in = inputType.getDimSize(i + 2), s = window.strides[i];
      int64_t out = (in + s - 1) / s;
      int64_t span = (window.kernel[i] - 1) * window.dilations[i] + 1;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
      int64_t small = total / 2, large = total - small;
      window.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      window.pads[i + spatial] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return ctx.emitError() << "unsupported auto_pad '" << autoPad << "'",
           failure();
  }
  return window;
}

LogicalResult conv(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  auto weightType = cast<RankedTensorType>(ctx.input(1).getType());
  SmallVector<int64_t> kernel = ctx.intsAttr("kernel_shape");
  if (kernel.empty())
    kernel.assign(weightType.getShape().begin() +
                      std::min<int64_t>(2, weightType.getRank()),
                  weightType.getShape().end());
  FailureOr<Window> window = readWindow(ctx, kernel);
  if (failed(window))
    return failure();
  SmallVector<Value> operands = ctx.presentInputs(3);
  OpBuilder &b = ctx.builder;
  return pushResult(
      ctx.create<dlg::ConvOp>(
          operands,
          {ctx.named("strides", b.getDenseI64ArrayAttr(window->strides)),
           ctx.named("pads", b.getDenseI64ArrayAttr(window->pads)),
           ctx.named("dilations", b.getDenseI64ArrayAttr(window->dilations)),
           ctx.named("group", b.getI64IntegerAttr(ctx.intAttr("group", 1)))}),
      results);
}

/// MaxPool, AveragePool and LpPool. MaxPool's optional second output, the
/// flat index of each maximum, is dlg.max_pool_indices.
template <typename OpTy> Handler pool() {
  return [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(1)))
      return failure();
    SmallVector<int64_t> kernel = ctx.intsAttr("kernel_shape");
    if (kernel.empty())
      return ctx.emitError() << "expects a kernel_shape attribute", failure();
    FailureOr<Window> window = readWindow(ctx, kernel);
    if (failed(window))
      return failure();
    OpBuilder &b = ctx.builder;
    SmallVector<NamedAttribute> attrs = {
        ctx.named("kernel_shape", b.getDenseI64ArrayAttr(window->kernel)),
        ctx.named("strides", b.getDenseI64ArrayAttr(window->strides)),
        ctx.named("pads", b.getDenseI64ArrayAttr(window->pads)),
        ctx.named("dilations", b.getDenseI64ArrayAttr(window->dilations)),
        ctx.named("ceil_mode", b.getBoolAttr(ctx.intAttr("ceil_mode", 0)))};
    if constexpr (std::is_same_v<OpTy, dlg::AvgPoolOp>)
      attrs.push_back(
          ctx.named("count_include_pad",
                    b.getBoolAttr(ctx.intAttr("count_include_pad", 0))));
    if constexpr (std::is_same_v<OpTy, dlg::LpPoolOp>) {
      // LpPool-1 has a float p.
      FailureOr<int64_t> p = lpNorm(ctx);
      if (failed(p))
        return failure();
      attrs.push_back(ctx.named("p", b.getI64IntegerAttr(*p)));
    }
    // Max pooling compares, so it needs the sign of integer inputs.
    SmallVector<NamedAttribute> poolAttrs = attrs;
    if constexpr (std::is_same_v<OpTy, dlg::MaxPoolOp>)
      poolAttrs = ctx.withSign(ctx.input(0), attrs);
    if (failed(
            pushResult(ctx.create<OpTy>({ctx.input(0)}, poolAttrs), results)))
      return failure();
    if constexpr (std::is_same_v<OpTy, dlg::MaxPoolOp>) {
      int64_t storageOrder = ctx.intAttr("storage_order", 0);
      if (storageOrder != 0 && storageOrder != 1)
        return ctx.emitError()
                   << "storage_order = " << storageOrder << " is not supported",
               failure();
      if (ctx.node.output_size() > 1 && !ctx.node.output(1).empty()) {
        attrs.push_back(
            ctx.named("column_major", b.getBoolAttr(storageOrder == 1)));
        return pushResult(
            ctx.create<dlg::MaxPoolIndicesOp>({ctx.input(0)}, attrs), results);
      }
    }
    return success();
  };
}

/// GlobalMaxPool and GlobalLpPool: the window is the whole spatial extent.
LogicalResult globalMaxPool(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  int64_t rank = cast<RankedTensorType>(ctx.input(0).getType()).getRank();
  if (rank < 3)
    return ctx.emitError() << "expects an input of rank >= 3 but got " << rank,
           failure();
  OpBuilder &b = ctx.builder;
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  return pushResult(
      ctx.create<dlg::ReduceMaxOp>(
          {ctx.input(0)},
          ctx.withSign(ctx.input(0),
                       {ctx.named("axes", b.getDenseI64ArrayAttr(axes)),
                        ctx.named("keepdims", b.getBoolAttr(true))})),
      results);
}

LogicalResult globalLpPool(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  auto type = cast<RankedTensorType>(ctx.input(0).getType());
  if (type.getRank() < 3)
    return ctx.emitError() << "expects an input of rank >= 3 but got "
                           << type.getRank(),
           failure();
  FailureOr<int64_t> p = lpNorm(ctx);
  if (failed(p))
    return failure();
  size_t spatial = type.getRank() - 2;
  OpBuilder &b = ctx.builder;
  SmallVector<int64_t> ones(spatial, 1);
  return pushResult(
      ctx.create<dlg::LpPoolOp>(
          {ctx.input(0)},
          {ctx.named("kernel_shape",
                     b.getDenseI64ArrayAttr(type.getShape().drop_front(2))),
           ctx.named("strides", b.getDenseI64ArrayAttr(ones)),
           ctx.named("pads",
                     b.getDenseI64ArrayAttr(SmallVector<int64_t>(2 * spatial))),
           ctx.named("dilations", b.getDenseI64ArrayAttr(ones)),
           ctx.named("ceil_mode", b.getBoolAttr(false)),
           ctx.named("p", b.getI64IntegerAttr(*p))}),
      results);
}

LogicalResult globalAveragePool(NodeContext &ctx,
                                SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  return pushResult(ctx.create<dlg::GlobalAvgPoolOp>({ctx.input(0)}), results);
}

/// BatchNormalization-14/15 with training_mode = 1: normalizes with the
/// batch statistics (population variance over every axis but 1) and also
/// returns the running statistics updated with `momentum`, as the reference.
LogicalResult batchNormTraining(NodeContext &ctx,
                                SmallVectorImpl<Value> &results) {
  Value x = ctx.input(0);
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (rank < 2)
    return ctx.emitError() << "expects an input of rank >= 2, got rank "
                           << rank,
           failure();
  Type elementType = type.getElementType();
  if (!isa<FloatType>(elementType))
    return ctx.emitError() << "expects a float input, got " << elementType,
           failure();
  int64_t channels = type.getDimSize(1);
  SmallVector<int64_t> axes = {0};
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  double momentum = ctx.floatAttr("momentum", 0.9f);

  Composer c(ctx);
  // f16/bf16 inputs are normalized in f32 (as numpy's mean/var accumulate),
  // rounded once to the input type.
  Type statType = elementType.getIntOrFloatBitWidth() < 32
                      ? ctx.builder.getF32Type()
                      : elementType;
  Value xs = c.cast(x, statType);
  Value mean = c.reduce<dlg::ReduceMeanOp>(xs, axes);
  Value diff = c.create<dlg::SubOp>({xs, mean});
  Value var =
      c.reduce<dlg::ReduceMeanOp>(c.create<dlg::MulOp>({diff, diff}), axes);
  Value statMean = c.reshape(mean, {channels});
  Value statVar = c.reshape(var, {channels});
  Value y =
      c.cast(c.create<dlg::BatchNormOp>(
                 {xs, c.cast(ctx.input(1), statType),
                  c.cast(ctx.input(2), statType), statMean, statVar},
                 {ctx.named("epsilon", ctx.builder.getF32FloatAttr(
                                           ctx.floatAttr("epsilon", 1e-5f)))}),
             elementType);
  Value batchMean = c.cast(statMean, elementType);
  Value batchVar = c.cast(statVar, elementType);
  // running = input * momentum + batch * (1 - momentum), in the type of the
  // input statistics (T2 in BatchNormalization-15), with the batch statistics
  // rounded to the input type first, as the reference.
  auto update = [&](Value running, Value batch) {
    Type type = getElementTypeOrSelf(running.getType());
    Value kept = c.create<dlg::MulOp>({running, c.scalar(type, momentum)});
    Value added = c.create<dlg::MulOp>(
        {c.cast(batch, type), c.scalar(type, 1.0 - momentum)});
    return c.create<dlg::AddOp>({kept, added});
  };
  Value runningMean = update(ctx.input(3), batchMean);
  Value runningVar = update(ctx.input(4), batchVar);
  return c.finish({y, runningMean, runningVar}, results);
}

LogicalResult batchNorm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(5)))
    return failure();
  if (ctx.opset >= 14 && ctx.intAttr("training_mode", 0) != 0)
    return batchNormTraining(ctx, results);
  // Before opset 9, `spatial = 0` kept one statistic per element; `is_test`
  // is ignored (inference semantics, as onnxruntime).
  if (ctx.opset < 9 && ctx.intAttr("spatial", 1) != 1)
    return ctx.emitError() << "spatial = " << ctx.intAttr("spatial", 1)
                           << " is not supported (only 1)",
           failure();
  // BatchNormalization-15 lets scale, bias, mean and variance have their own
  // float type; dlg wants the input's.
  SmallVector<Value> operands = {ctx.input(0)};
  Type elementType = getElementTypeOrSelf(ctx.input(0).getType());
  for (size_t i = 1; i < 5; ++i) {
    FailureOr<Value> param = ctx.castTo(ctx.input(i), elementType);
    if (failed(param))
      return failure();
    operands.push_back(*param);
  }
  return pushResult(
      ctx.create<dlg::BatchNormOp>(
          operands,
          {ctx.named("epsilon", ctx.builder.getF32FloatAttr(
                                    ctx.floatAttr("epsilon", 1e-5f)))}),
      results);
}

/// Softmax-13 normalizes one axis (default -1). Earlier versions flatten the
/// input to 2-D at `axis` (default 1) and normalize the second dimension.
LogicalResult softmax(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  OpBuilder &b = ctx.builder;
  Value input = ctx.input(0);
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  bool flattens = ctx.opset < 13;
  int64_t axis = ctx.intAttr("axis", flattens ? 1 : -1);
  std::optional<int64_t> normalized = dlg::normalizeAxis(axis, rank);
  if (!normalized)
    return ctx.emitError() << "axis " << axis << " is out of range [" << -rank
                           << ", " << rank - 1 << "]",
           failure();
  if (!flattens || *normalized == rank - 1)
    return pushResult(
        ctx.create<dlg::SoftmaxOp>(
            {input}, {ctx.named("axis", b.getI64IntegerAttr(*normalized))}),
        results);
  FailureOr<Value> flat = ctx.create<dlg::FlattenOp>(
      {input}, {ctx.named("axis", b.getI64IntegerAttr(*normalized))});
  if (failed(flat))
    return failure();
  FailureOr<Value> soft = ctx.create<dlg::SoftmaxOp>(
      {*flat}, {ctx.named("axis", b.getI64IntegerAttr(1))});
  if (failed(soft))
    return failure();
  return pushResult(
      ctx.create<dlg::ReshapeOp>(
          {*soft},
          {ctx.named("shape", b.getDenseI64ArrayAttr(type.getShape()))}),
      results);
}

} // namespace

void registerNeuralNetHandlers(OpRegistry &registry) {
  registry.add("", "MatMul", {1, 9, 13}, matmul);
  // Gemm-1/6's `broadcast` attribute is subsumed by numpy broadcasting of C.
  registry.add("", "Gemm", {1, 6, 7, 9, 11, 13}, gemm);
  registry.add("", "Conv", {1, 11, 22}, conv);
  registry.add("", "MaxPool", {1, 8, 10, 11, 12, 22}, pool<dlg::MaxPoolOp>());
  registry.add("", "AveragePool", {1, 7, 10, 11, 19, 22},
               pool<dlg::AvgPoolOp>());
  registry.add("", "LpPool", {1, 2, 11, 18, 22}, pool<dlg::LpPoolOp>());
  registry.add("", "GlobalMaxPool", {1, 22}, globalMaxPool);
  registry.add("", "GlobalLpPool", {1, 2, 22}, globalLpPool);
  registry.add("", "GlobalAveragePool", {1, 22}, globalAveragePool);
  registry.add("", "BatchNormalization", {1, 6, 7, 9, 14, 15}, batchNorm);
  registry.add("", "Softmax", {1, 11, 13}, softmax);
}

} // namespace dlc::onnx
