//===- LinearAttention.cpp - ONNX LinearAttention -> dlg ------------------===//
//
// The recurrence of onnx/reference/ops/op_linear_attention.py unrolled over
// the (static) sequence length: per step, the [B, H_kv, d_k, d_v] state is
// decayed, delta-corrected, updated with k (x) v and read by the queries of
// its group, all in f32. Query heads h = kv * group + g read kv head kv, so
// the queries of one step reshape to [B, H_kv, group, d_k] and one matmul
// per step serves every group (the reference's np.repeat).
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/DlgEmitter.h"

#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

LogicalResult linearAttention(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value query = ctx.input(0), key = ctx.input(1), value = ctx.input(2);
  Value past = ctx.input(3), decay = ctx.input(4), beta = ctx.input(5);
  std::string rule = ctx.stringAttr("update_rule", "gated_delta");
  if (rule != "linear" && rule != "gated" && rule != "delta" &&
      rule != "gated_delta")
    return ctx.emitError() << "attribute 'update_rule' = '" << rule
                           << "' is not supported (linear, gated, delta, "
                              "gated_delta)",
           failure();
  bool gating = rule == "gated" || rule == "gated_delta";
  bool delta = rule == "delta" || rule == "gated_delta";
  if (gating != bool(decay))
    return ctx.emitError() << "update_rule '" << rule
                           << (gating ? "' requires" : "' forbids")
                           << " the decay input",
           failure();
  if (delta != bool(beta))
    return ctx.emitError() << "update_rule '" << rule
                           << (delta ? "' requires" : "' forbids")
                           << " the beta input",
           failure();
  int64_t qHeads = ctx.intAttr("q_num_heads", 0);
  int64_t kvHeads = ctx.intAttr("kv_num_heads", 0);
  if (qHeads <= 0 || kvHeads <= 0 || qHeads % kvHeads != 0)
    return ctx.emitError() << "expects q_num_heads (" << qHeads
                           << ") to be a positive multiple of kv_num_heads ("
                           << kvHeads << ")",
           failure();
  Type type = DlgEmitter::elementOf(query);
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects float inputs but got " << type,
           failure();
  for (Value v : {query, key, value, decay, beta})
    if (v && DlgEmitter::shapeOf(v).size() != 3)
      return ctx.emitError() << "expects inputs of rank 3 (B, T, heads * dim) "
                                "but got "
                             << DlgEmitter::typeOf(v),
             failure();
  ArrayRef<int64_t> qShape = DlgEmitter::shapeOf(query);
  int64_t b = qShape[0], t = qShape[1];
  int64_t group = qHeads / kvHeads;
  if (qShape[2] % qHeads != 0)
    return ctx.emitError() << "query dim " << qShape[2]
                           << " is not a multiple of q_num_heads " << qHeads,
           failure();
  int64_t dk = qShape[2] / qHeads;
  ArrayRef<int64_t> vShape = DlgEmitter::shapeOf(value);
  if (vShape[2] % kvHeads != 0)
    return ctx.emitError() << "value dim " << vShape[2]
                           << " is not a multiple of kv_num_heads " << kvHeads,
           failure();
  int64_t dv = vShape[2] / kvHeads;
  auto expectShape = [&](Value v, StringRef name,
                         ArrayRef<int64_t> lasts) -> LogicalResult {
    ArrayRef<int64_t> s = DlgEmitter::shapeOf(v);
    if (s[0] == b && s[1] == t && llvm::is_contained(lasts, s[2]))
      return success();
    auto diag = ctx.emitError() << "expects " << name << " of shape [" << b
                                << ", " << t << ", ";
    llvm::interleave(lasts, diag, " or ");
    diag << "] but got " << DlgEmitter::typeOf(v);
    return failure();
  };
  if (failed(expectShape(key, "key", {kvHeads * dk})) ||
      failed(expectShape(value, "value", {kvHeads * dv})) ||
      (decay && failed(expectShape(decay, "decay", {kvHeads, kvHeads * dk}))) ||
      (beta && failed(expectShape(beta, "beta", {kvHeads, 1}))))
    return failure();
  SmallVector<int64_t> stateShape = {b, kvHeads, dk, dv};
  if (past && DlgEmitter::shapeOf(past) != ArrayRef<int64_t>(stateShape))
    return ctx.emitError() << "expects past_state of shape [" << b << ", "
                           << kvHeads << ", " << dk << ", " << dv
                           << "] but got " << DlgEmitter::typeOf(past),
           failure();
  double scale = ctx.floatAttr("scale", 0.0);
  if (scale == 0.0)
    scale = 1.0 / std::sqrt(double(dk));

  DlgEmitter e(ctx);
  Type f32 = e.b.getF32Type();
  Value q = e.cast(query, f32), k = e.cast(key, f32), v = e.cast(value, f32);
  Value decayExp = decay ? e.op<dlg::ExpOp>({e.cast(decay, f32)}) : Value();
  Value betaF = beta ? e.cast(beta, f32) : Value();
  Value state = past ? e.cast(past, f32) : e.constant(f32, stateShape, {0.0});
  Value scaleValue = e.scalar(f32, scale);
  // Step i of a [B, T, n] input, reshaped to `shape`.
  auto step = [&](Value x, int64_t i, ArrayRef<int64_t> shape) {
    return e.reshape(e.sliceAxis(x, 1, i, 1), shape);
  };
  SmallVector<Value> outputs;
  for (int64_t i = 0; i < t; ++i) {
    Value kCol = step(k, i, {b, kvHeads, dk, 1});
    Value vRow = step(v, i, {b, kvHeads, 1, dv});
    if (gating) {
      int64_t per = DlgEmitter::shapeOf(decay)[2] / kvHeads;
      state = e.mul(state, step(decayExp, i, {b, kvHeads, per, 1}));
    }
    if (delta) {
      // v <- beta * (v - k^T S).
      Value retrieved = e.matmul(step(k, i, {b, kvHeads, 1, dk}), state);
      int64_t betaHeads = DlgEmitter::shapeOf(beta)[2];
      vRow =
          e.mul(step(betaF, i, {b, betaHeads, 1, 1}), e.sub(vRow, retrieved));
    }
    state = e.add(state, e.mul(kCol, vRow));
    Value read = e.matmul(step(q, i, {b, kvHeads, group, dk}), state);
    outputs.push_back(e.reshape(e.mul(read, scaleValue), {b, 1, qHeads * dv}));
    if (!state || !outputs.back())
      return failure();
  }
  Value output = e.cast(e.concat(outputs, 1), type);
  Value present = e.cast(state, past ? DlgEmitter::elementOf(past) : type);
  if (!output || !present)
    return failure();
  results.push_back(output);
  results.push_back(present);
  return success();
}

} // namespace

void registerLinearAttentionHandlers(OpRegistry &registry) {
  registry.add("", "LinearAttention", {27}, linearAttention);
}

} // namespace dlc::onnx
