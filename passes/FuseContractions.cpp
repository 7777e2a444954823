//===- FuseContractions.cpp - matmul / gemm / conv with their epilogues ---===//
//
// A contraction and the elementwise ops that only post-process its result
// (bias, activation, residual add, scalar scaling) form one kernel: the
// epilogue runs on the output tile while it is in registers. Single-use
// transposes and reshapes of the operands join too (their layout is folded
// into how the kernel reads them).
//
//===----------------------------------------------------------------------===//

#include "passes/FusionUtils.h"
#include "passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_FUSECONTRACTIONS
#include "passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Whether `bias` broadcasts against `out` along one dim only: the last for
/// matmul and gemm ([N], [1, N]...), the channels (dim 1) for conv
/// ([C, 1, 1]...).
bool isBias(Value bias, Value out, bool channels) {
  ArrayRef<int64_t> b = typeOf(bias).getShape();
  ArrayRef<int64_t> o = typeOf(out).getShape();
  if (b.size() > o.size() || o.empty())
    return false;
  int64_t axis = channels ? 1 : int64_t(o.size()) - 1;
  if (axis >= int64_t(o.size()))
    return false;
  int64_t offset = int64_t(o.size()) - int64_t(b.size());
  for (int64_t d = 0; d < int64_t(b.size()); ++d) {
    int64_t od = d + offset;
    if (od == axis) {
      if (b[d] != o[od] && b[d] != 1)
        return false;
    } else if (b[d] != 1) {
      return false;
    }
  }
  return true;
}

bool sameShape(Value a, Value b) {
  return typeOf(a).getShape() == typeOf(b).getShape();
}

bool isNear(std::optional<double> value, double expected) {
  return value && std::abs(*value - expected) <= 1e-3 * std::abs(expected);
}

/// The other operand of binary `op`, when one operand is `value`.
Value otherOperand(Operation *op, Value value) {
  if (op->getNumOperands() != 2)
    return {};
  if (op->getOperand(0) == value)
    return op->getOperand(1);
  if (op->getOperand(1) == value)
    return op->getOperand(0);
  return {};
}

/// Matches GELU spelled with erf on `x`: x * 0.5 * (1 + erf(x / sqrt(2)))
/// in the orders exporters emit. Appends its ops and returns its result.
Value matchErfGelu(Value x, SmallVectorImpl<Operation *> &ops) {
  SmallVector<Operation *, 2> users(x.getUsers());
  if (users.size() != 2)
    return {};
  for (int first = 0; first < 2; ++first) {
    Operation *scaled = users[first], *other = users[1 - first];
    bool isDiv = isa<dlg::DivOp>(scaled) && scaled->getOperand(0) == x &&
                 isNear(getScalarConstant(scaled->getOperand(1)), M_SQRT2);
    bool isMul = isa<dlg::MulOp>(scaled) &&
                 isNear(getScalarConstant(otherOperand(scaled, x)), M_SQRT1_2);
    if (!isDiv && !isMul)
      continue;
    auto erf =
        dyn_cast_or_null<dlg::ErfOp>(getSingleUser(scaled->getResult(0)));
    if (!erf)
      continue;
    Operation *plus = getSingleUser(erf.getResult());
    if (!isa_and_nonnull<dlg::AddOp>(plus) ||
        !isNear(getScalarConstant(otherOperand(plus, erf)), 1.0))
      continue;
    SmallVector<Operation *> found = {scaled, erf, plus};
    Value result;
    Operation *next = getSingleUser(plus->getResult(0));
    if (next == other && isa<dlg::MulOp>(other) &&
        otherOperand(other, x) == plus->getResult(0)) {
      // (x * (1 + erf)) * 0.5
      auto half =
          dyn_cast_or_null<dlg::MulOp>(getSingleUser(other->getResult(0)));
      if (!half ||
          !isNear(getScalarConstant(otherOperand(half, other->getResult(0))),
                  0.5))
        continue;
      found.append({other, half});
      result = half.getResult();
    } else if (isa_and_nonnull<dlg::MulOp>(next) && next != other &&
               isNear(getScalarConstant(otherOperand(next, plus->getResult(0))),
                      0.5) &&
               isa<dlg::MulOp>(other) &&
               otherOperand(other, x) == next->getResult(0)) {
      // x * ((1 + erf) * 0.5)
      found.append({next, other});
      result = other->getResult(0);
    } else if (isa<dlg::MulOp>(other) &&
               isNear(getScalarConstant(otherOperand(other, x)), 0.5) && next &&
               next == getSingleUser(other->getResult(0)) &&
               isa<dlg::MulOp>(next) &&
               otherOperand(next, plus->getResult(0)) == other->getResult(0)) {
      // (x * 0.5) * (1 + erf)
      found.append({other, next});
      result = next->getResult(0);
    } else {
      continue;
    }
    if (typeOf(result) != typeOf(x))
      return {};
    ops.append(found);
    return result;
  }
  return {};
}

/// Appends the single-use transposes and reshapes that produce `operand`.
void collectLayoutProducers(Value operand, SmallVectorImpl<Operation *> &ops) {
  while (Operation *def = operand.getDefiningOp()) {
    if (!isa<dlg::TransposeOp, dlg::ReshapeOp>(def) || isFused(def) ||
        !operand.hasOneUse())
      return;
    ops.push_back(def);
    operand = def->getOperand(0);
  }
}

/// Appends the epilogue of `out` (the contraction's result) to `ops`.
void collectEpilogue(Value out, bool channels,
                     SmallVectorImpl<Operation *> &ops) {
  Block *block = out.getParentBlock();
  while (true) {
    Operation *user = getSingleUser(out);
    if (!user || user->getBlock() != block || isFused(user) ||
        user->getNumResults() != 1) {
      // Two users may still be GELU's x / sqrt(2) and x * ...
      Value gelu = matchErfGelu(out, ops);
      if (!gelu)
        return;
      out = gelu;
      continue;
    }
    Value result = user->getResult(0);
    if (result.getType() != out.getType())
      return;
    if (isa<dlg::ReluOp, dlg::SigmoidOp, dlg::TanhOp, dlg::GeluOp,
            dlg::LeakyReluOp, dlg::ClipOp>(user)) {
      // Unary activation.
    } else if (isa<dlg::AddOp>(user)) {
      Value other = otherOperand(user, out);
      if (!other || other == out)
        return;
      if (!sameShape(other, out) && !isBias(other, out, channels))
        return;
    } else if (isa<dlg::MulOp>(user)) {
      Value other = otherOperand(user, out);
      if (!other || !getScalarConstant(other))
        return;
    } else if (isa<dlg::DivOp>(user)) {
      if (user->getOperand(0) != out || !getScalarConstant(user->getOperand(1)))
        return;
    } else {
      Value gelu = matchErfGelu(out, ops);
      if (!gelu)
        return;
      out = gelu;
      continue;
    }
    ops.push_back(user);
    out = result;
  }
}

struct FuseContractionsPass : impl::FuseContractionsBase<FuseContractionsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> roots;
    getOperation()->walk([&](Operation *op) {
      if (isa<dlg::MatMulOp, dlg::GemmOp, dlg::ConvOp>(op) && !isFused(op))
        roots.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *root : roots) {
      SmallVector<Operation *> ops = {root};
      unsigned numOperands =
          isa<dlg::GemmOp>(root) ? 2 : root->getNumOperands();
      if (isa<dlg::ConvOp>(root))
        numOperands = 2;
      for (unsigned i = 0; i < numOperands; ++i)
        collectLayoutProducers(root->getOperand(i), ops);
      collectEpilogue(root->getResult(0), isa<dlg::ConvOp>(root), ops);
      if (ops.size() == 1)
        continue;
      (void)formFusion(rewriter, ops, "contraction");
    }
  }
};

} // namespace
} // namespace dlc
