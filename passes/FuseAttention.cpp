//===- FuseAttention.cpp - Scaled dot-product attention as one kernel -----===//
//
// matmul(q, k^T) -> scale -> [mask] -> softmax(last axis) -> matmul(., v)
// becomes one dlg.fusion "attention": the scores never leave the kernel
// (flash-attention style), so they must have no other user. The mask is an
// add of a broadcastable tensor (BERT) or a dlg.where with a constant
// condition (GPT-2's causal mask). Single-use transposes and reshapes of q,
// k and v join.
//
//===----------------------------------------------------------------------===//

#include "passes/FusionUtils.h"
#include "passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEATTENTION
#include "passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// The op that produces `value` when `value` has no other user.
Operation *singleUseProducer(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def || isFused(def) || !value.hasOneUse())
    return nullptr;
  return def;
}

/// Matches the chain that ends in `softmax`; returns its ops or nothing.
std::optional<SmallVector<Operation *>> matchAttention(dlg::SoftmaxOp softmax) {
  RankedTensorType type = softmax.getType();
  if (type.getRank() < 2 ||
      dlg::normalizeAxis(softmax.getAxis(), type.getRank()) !=
          type.getRank() - 1)
    return std::nullopt;
  auto pv = dyn_cast_or_null<dlg::MatMulOp>(getSingleUser(softmax.getResult()));
  if (!pv || pv.getLhs() != softmax.getResult() || pv.getRhs() == pv.getLhs() ||
      isFused(pv))
    return std::nullopt;
  SmallVector<Operation *> ops = {softmax, pv};

  // Walk back from the softmax input: [mask], [scale], then q @ k^T.
  Value scores = softmax.getInput();
  Operation *def = singleUseProducer(scores);
  auto step = [&](Value next) {
    ops.push_back(def);
    scores = next;
    def = singleUseProducer(scores);
  };
  if (auto where = dyn_cast_or_null<dlg::WhereOp>(def)) {
    // Causal mask: where(constant condition, scores, fill) or swapped.
    if (!isConstant(where.getCondition()) ||
        where.getType() != scores.getType())
      return std::nullopt;
    bool xIsScores = !isConstant(where.getX());
    Value s = xIsScores ? where.getX() : where.getY();
    Value fill = xIsScores ? where.getY() : where.getX();
    if (!isConstant(fill) || s.getType() != where.getType())
      return std::nullopt;
    step(s);
  } else if (auto add = dyn_cast_or_null<dlg::AddOp>(def)) {
    // Additive mask, broadcast to the scores: the other operand.
    auto isScores = [&](Value v) {
      Operation *producer = singleUseProducer(v);
      return v.getType() == add.getType() && producer &&
             isa<dlg::MatMulOp, dlg::MulOp, dlg::DivOp>(producer);
    };
    Value s = isScores(add.getLhs()) ? add.getLhs() : add.getRhs();
    if (!isScores(s))
      return std::nullopt;
    step(s);
  }
  if (auto mul = dyn_cast_or_null<dlg::MulOp>(def)) {
    Value s = getScalarConstant(mul.getRhs()) ? mul.getLhs() : mul.getRhs();
    Value scale = s == mul.getLhs() ? mul.getRhs() : mul.getLhs();
    if (!getScalarConstant(scale) || s.getType() != mul.getType())
      return std::nullopt;
    step(s);
  } else if (auto div = dyn_cast_or_null<dlg::DivOp>(def)) {
    if (!getScalarConstant(div.getRhs()) ||
        div.getLhs().getType() != div.getType())
      return std::nullopt;
    step(div.getLhs());
  }
  auto qk = dyn_cast_or_null<dlg::MatMulOp>(def);
  if (!qk)
    return std::nullopt;
  ops.push_back(qk);
  // Layout of q, k and v (head split and transpose) folded into the kernel.
  for (Value operand : {qk.getLhs(), qk.getRhs(), pv.getRhs()}) {
    while (Operation *producer = singleUseProducer(operand)) {
      if (!isa<dlg::TransposeOp, dlg::ReshapeOp>(producer))
        break;
      ops.push_back(producer);
      operand = producer->getOperand(0);
    }
  }
  return ops;
}

struct FuseAttentionPass : impl::FuseAttentionBase<FuseAttentionPass> {
  void runOnOperation() override {
    SmallVector<dlg::SoftmaxOp> softmaxes;
    getOperation()->walk([&](dlg::SoftmaxOp op) {
      if (!isFused(op))
        softmaxes.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (dlg::SoftmaxOp softmax : softmaxes)
      if (std::optional<SmallVector<Operation *>> ops = matchAttention(softmax))
        (void)formFusion(rewriter, *ops, "attention");
  }
};

} // namespace
} // namespace dlc
