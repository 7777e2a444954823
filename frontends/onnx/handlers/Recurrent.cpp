//===- Recurrent.cpp - ONNX RNN, GRU and LSTM -> dlg ----------------------===//
//
// The sequence length is static, so the recurrence is unrolled at import
// time: the input projections of all steps are one matmul, then every step
// is a small matmul with the recurrence weights plus elementwise gates.
// sequence_lens is honoured with per-step masks (a batch entry past its
// length keeps its state and outputs zeros), which also gives the right
// start for the reverse direction.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/DlgEmitter.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

/// An activation function with its alpha and beta.
struct Activation {
  std::string name;
  float alpha, beta;
};

Value apply(DlgEmitter &e, const Activation &act, Value x) {
  if (!x)
    return {};
  Type type = DlgEmitter::elementOf(x);
  auto scalar = [&](double v) { return e.scalar(type, v); };
  StringRef name = act.name;
  if (name.equals_insensitive("Tanh"))
    return e.tanh(x);
  if (name.equals_insensitive("Sigmoid"))
    return e.sigmoid(x);
  if (name.equals_insensitive("Relu"))
    return e.relu(x);
  if (name.equals_insensitive("Affine"))
    return e.add(e.mul(x, scalar(act.alpha)), scalar(act.beta));
  if (name.equals_insensitive("LeakyRelu"))
    return e.op<dlg::LeakyReluOp>(
        {x}, {e.named("alpha", e.b.getF32FloatAttr(act.alpha))});
  if (name.equals_insensitive("ScaledTanh"))
    return e.mul(e.tanh(e.mul(x, scalar(act.beta))), scalar(act.alpha));
  if (name.equals_insensitive("HardSigmoid"))
    return e.clip(e.add(e.mul(x, scalar(act.alpha)), scalar(act.beta)), 0.0,
                  1.0);
  if (name.equals_insensitive("Softsign"))
    return e.div(x, e.add(e.op<dlg::AbsOp>({x}), scalar(1)));
  if (name.equals_insensitive("Softplus"))
    return e.op<dlg::LogOp>({e.add(e.op<dlg::ExpOp>({x}), scalar(1))});
  if (name.equals_insensitive("ThresholdedRelu")) {
    // x > alpha exactly when relu(x - alpha) is non-zero.
    Value above = e.cast(e.relu(e.sub(x, scalar(act.alpha))), e.b.getI1Type());
    return e.where(above, x, scalar(0));
  }
  if (name.equals_insensitive("Elu")) {
    // relu(x) + alpha * (exp(min(x, 0)) - 1)
    Value negative = e.op<dlg::NegOp>({e.relu(e.op<dlg::NegOp>({x}))});
    Value tail = e.sub(e.op<dlg::ExpOp>({negative}), scalar(1));
    return e.add(e.relu(x), e.mul(tail, scalar(act.alpha)));
  }
  return {};
}

bool isKnownActivation(StringRef name) {
  for (StringRef known :
       {"Tanh", "Sigmoid", "Relu", "Affine", "LeakyRelu", "ScaledTanh",
        "HardSigmoid", "Softsign", "Softplus", "Elu", "ThresholdedRelu"})
    if (name.equals_insensitive(known))
      return true;
  return false;
}

std::pair<float, float> defaultAlphaBeta(StringRef name) {
  if (name.equals_insensitive("LeakyRelu"))
    return {0.01f, 0};
  if (name.equals_insensitive("HardSigmoid"))
    return {0.2f, 0.5f};
  if (name.equals_insensitive("Elu") || name.equals_insensitive("ScaledTanh") ||
      name.equals_insensitive("ThresholdedRelu") ||
      name.equals_insensitive("Affine"))
    return {1.0f, name.equals_insensitive("Affine") ? 0.0f : 1.0f};
  return {0, 0};
}

bool usesAlpha(StringRef name) {
  return name.equals_insensitive("Affine") ||
         name.equals_insensitive("LeakyRelu") ||
         name.equals_insensitive("ScaledTanh") ||
         name.equals_insensitive("HardSigmoid") ||
         name.equals_insensitive("Elu") ||
         name.equals_insensitive("ThresholdedRelu");
}
bool usesBeta(StringRef name) {
  return name.equals_insensitive("Affine") ||
         name.equals_insensitive("ScaledTanh") ||
         name.equals_insensitive("HardSigmoid");
}

/// What distinguishes RNN, GRU and LSTM.
struct CellKind {
  StringRef op;
  int64_t gates;
  SmallVector<StringRef> defaultActivations;
};

/// Per-direction values of one step.
struct State {
  Value h, c;
};

class Recurrence {
public:
  Recurrence(NodeContext &ctx, CellKind kind) : ctx(ctx), e(ctx), kind(kind) {}

  LogicalResult run(SmallVectorImpl<Value> &results);

private:
  LogicalResult readAttributes();
  /// One step: `xw` is the input projection plus biases [batch, gates*h].
  State step(int64_t dir, Value xw, State prev);
  Value gate(Value x, int64_t index) {
    return e.sliceAxis(x, 1, index * hidden, hidden);
  }
  Value act(int64_t dir, int64_t which, Value x) {
    return apply(e, activations[dir * kind.defaultActivations.size() + which],
                 clipped(x));
  }
  Value clipped(Value x) {
    return clipValue ? e.clip(x, -*clipValue, *clipValue) : x;
  }

  NodeContext &ctx;
  DlgEmitter e;
  CellKind kind;
  int64_t hidden = 0, directions = 1, seqLen = 0, batch = 0;
  std::string direction;
  std::optional<double> clipValue;
  SmallVector<Activation> activations;
  bool linearBeforeReset = false;
  // Per direction: R^T [h, gates*h], recurrence bias of the candidate (GRU
  // with linear_before_reset), peepholes [3, h] sliced.
  SmallVector<Value> recurrenceT, candidateBias, peepI, peepO, peepF;
};

LogicalResult Recurrence::readAttributes() {
  direction = ctx.stringAttr("direction", "forward");
  if (direction == "bidirectional")
    directions = 2;
  else if (direction != "forward" && direction != "reverse")
    return ctx.emitError() << "attribute 'direction' = '" << direction
                           << "' is not supported",
           failure();
  if (ctx.attribute("clip"))
    clipValue = ctx.floatAttr("clip", 0);
  if (ctx.intAttr("input_forget", 0) != 0)
    return ctx.emitError() << "attribute 'input_forget' = 1 is not supported",
           failure();
  linearBeforeReset = ctx.intAttr("linear_before_reset", 0) != 0;

  SmallVector<std::string> names = ctx.stringsAttr("activations");
  size_t perDirection = kind.defaultActivations.size();
  if (names.empty()) {
    for (int64_t d = 0; d < directions; ++d)
      for (StringRef name : kind.defaultActivations)
        names.push_back(name.str());
  } else if (names.size() == perDirection && directions == 2) {
    // Some exporters list one direction's functions only.
    names.append(SmallVector<std::string>(names));
  }
  if (names.size() != perDirection * directions)
    return ctx.emitError() << "expects " << perDirection * directions
                           << " activations but got " << names.size(),
           failure();
  SmallVector<float> alphas = ctx.floatsAttr("activation_alpha");
  SmallVector<float> betas = ctx.floatsAttr("activation_beta");
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &name : names) {
    if (!isKnownActivation(name))
      return ctx.emitError() << "activation '" << name << "' is not supported",
             failure();
    auto [alpha, beta] = defaultAlphaBeta(name);
    if (usesAlpha(name) && nextAlpha < alphas.size())
      alpha = alphas[nextAlpha++];
    if (usesBeta(name) && nextBeta < betas.size())
      beta = betas[nextBeta++];
    activations.push_back({name, alpha, beta});
  }
  return success();
}

State Recurrence::step(int64_t dir, Value xw, State prev) {
  Value hr = e.matmul(prev.h, recurrenceT[dir]);
  if (kind.op == "RNN")
    return {act(dir, 0, e.add(xw, hr)), {}};
  if (kind.op == "GRU") {
    // Gates z, r, h; the candidate's recurrence term depends on the reset.
    Value z = act(dir, 0, e.add(gate(xw, 0), gate(hr, 0)));
    Value r = act(dir, 0, e.add(gate(xw, 1), gate(hr, 1)));
    Value candidate;
    if (linearBeforeReset) {
      Value rh = gate(hr, 2);
      if (candidateBias[dir])
        rh = e.add(rh, candidateBias[dir]);
      candidate = e.add(gate(xw, 2), e.mul(r, rh));
    } else {
      Value rT = e.sliceAxis(recurrenceT[dir], 1, 2 * hidden, hidden);
      Value rh = e.matmul(e.mul(r, prev.h), rT);
      if (candidateBias[dir])
        rh = e.add(rh, candidateBias[dir]);
      candidate = e.add(gate(xw, 2), rh);
    }
    Value n = act(dir, 1, candidate);
    Value one = e.scalar(DlgEmitter::elementOf(z), 1);
    return {e.add(e.mul(e.sub(one, z), n), e.mul(z, prev.h)), {}};
  }
  // LSTM gates i, o, f, c.
  Value pre = e.add(xw, hr);
  Value iPre = gate(pre, 0), oPre = gate(pre, 1), fPre = gate(pre, 2);
  if (peepI[dir]) {
    iPre = e.add(iPre, e.mul(peepI[dir], prev.c));
    fPre = e.add(fPre, e.mul(peepF[dir], prev.c));
  }
  Value i = act(dir, 0, iPre), f = act(dir, 0, fPre);
  Value candidate = act(dir, 1, gate(pre, 3));
  Value c = e.add(e.mul(f, prev.c), e.mul(i, candidate));
  if (peepO[dir])
    oPre = e.add(oPre, e.mul(peepO[dir], c));
  Value o = act(dir, 0, oPre);
  // The cell state itself is not clipped (onnxruntime clips gate inputs).
  return {e.mul(o, apply(e, activations[dir * 3 + 2], c)), c};
}

LogicalResult Recurrence::run(SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)) || failed(readAttributes()))
    return failure();
  Value x = ctx.input(0), w = ctx.input(1), r = ctx.input(2);
  Value bias = ctx.input(3), seqLens = ctx.input(4), initialH = ctx.input(5);
  Value initialC = kind.op == "LSTM" ? ctx.input(6) : Value();
  Value peepholes = kind.op == "LSTM" ? ctx.input(7) : Value();
  Type type = DlgEmitter::elementOf(x);
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects a float input", failure();
  int64_t layout = ctx.intAttr("layout", 0);
  if (layout != 0 && layout != 1)
    return ctx.emitError() << "attribute 'layout' = " << layout
                           << " is not supported",
           failure();
  if (DlgEmitter::typeOf(x).getRank() != 3 ||
      DlgEmitter::typeOf(w).getRank() != 3 ||
      DlgEmitter::typeOf(r).getRank() != 3)
    return ctx.emitError() << "expects 3-D X, W and R", failure();
  if (layout == 1)
    x = e.transpose(x, {1, 0, 2});
  if (!x)
    return failure();
  ArrayRef<int64_t> xShape = DlgEmitter::shapeOf(x);
  seqLen = xShape[0];
  batch = xShape[1];
  int64_t inputSize = xShape[2];
  hidden = DlgEmitter::shapeOf(r)[2];
  int64_t gatesH = kind.gates * hidden;
  if (ctx.attribute("hidden_size") && ctx.intAttr("hidden_size", 0) != hidden)
    return ctx.emitError() << "hidden_size " << ctx.intAttr("hidden_size", 0)
                           << " does not match R's " << hidden,
           failure();
  if (DlgEmitter::shapeOf(w) !=
          ArrayRef<int64_t>{directions, gatesH, inputSize} ||
      DlgEmitter::shapeOf(r) != ArrayRef<int64_t>{directions, gatesH, hidden})
    return ctx.emitError() << "expects W of [" << directions << ", " << gatesH
                           << ", " << inputSize << "] and R of [" << directions
                           << ", " << gatesH << ", " << hidden << "]",
           failure();
  if (seqLen == 0)
    return ctx.emitError() << "expects a non-empty sequence", failure();

  auto initial = [&](Value given, int64_t d) -> Value {
    if (!given)
      return e.constant(type, {batch, hidden},
                        SmallVector<double>(batch * hidden, 0.0));
    if (layout == 1)
      given = e.transpose(given, {1, 0, 2});
    return e.reshape(e.sliceAxis(given, 0, d, 1), {batch, hidden});
  };

  // Per-step validity [batch, 1] from sequence_lens (null when all full).
  SmallVector<Value> valid(seqLen);
  if (seqLens) {
    std::optional<SmallVector<double>> lens =
        DlgEmitter::constantFloats(seqLens);
    bool full =
        lens && llvm::all_of(*lens, [&](double l) { return l == seqLen; });
    if (!full) {
      Type i64 = e.b.getI64Type();
      Value lengths = e.reshape(e.cast(seqLens, i64), {batch, 1});
      for (int64_t t = 0; t < seqLen; ++t)
        valid[t] = e.cast(e.clip(e.sub(lengths, e.scalar(i64, t)), 0.0, 1.0),
                          e.b.getI1Type());
      if (llvm::is_contained(valid, Value()))
        return failure();
    }
  }

  SmallVector<Value> yPerDir, hPerDir, cPerDir;
  for (int64_t d = 0; d < directions; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    Value wT = e.transpose(
        e.reshape(e.sliceAxis(w, 0, d, 1), {gatesH, inputSize}), {1, 0});
    recurrenceT.push_back(e.transpose(
        e.reshape(e.sliceAxis(r, 0, d, 1), {gatesH, hidden}), {1, 0}));
    // [seq, batch, gates*h] input projections with the biases folded in.
    Value xw = e.matmul(x, wT);
    candidateBias.push_back({});
    if (bias) {
      Value b = e.reshape(e.sliceAxis(bias, 0, d, 1), {2 * gatesH});
      Value wb = e.sliceAxis(b, 0, 0, gatesH);
      Value rb = e.sliceAxis(b, 0, gatesH, gatesH);
      if (kind.op == "GRU") {
        // The candidate's recurrence bias sits inside the reset product when
        // linear_before_reset is set, and is added after the matmul otherwise.
        Value rbZR = e.sliceAxis(rb, 0, 0, 2 * hidden);
        Value zeros =
            e.constant(type, {hidden}, SmallVector<double>(hidden, 0));
        rb = e.concat({rbZR, zeros}, 0);
        candidateBias.back() = e.sliceAxis(b, 0, gatesH + 2 * hidden, hidden);
      }
      xw = e.add(xw, e.add(wb, rb));
    }
    peepI.push_back({});
    peepO.push_back({});
    peepF.push_back({});
    if (peepholes) {
      Value p = e.reshape(e.sliceAxis(peepholes, 0, d, 1), {3 * hidden});
      peepI.back() = e.sliceAxis(p, 0, 0, hidden);
      peepO.back() = e.sliceAxis(p, 0, hidden, hidden);
      peepF.back() = e.sliceAxis(p, 0, 2 * hidden, hidden);
    }
    State state{initial(initialH, d),
                kind.op == "LSTM" ? initial(initialC, d) : Value()};
    SmallVector<Value> ys(seqLen);
    Value zeros = e.constant(type, {batch, hidden},
                             SmallVector<double>(batch * hidden, 0.0));
    for (int64_t s = 0; s < seqLen; ++s) {
      int64_t t = reverse ? seqLen - 1 - s : s;
      Value xwT = e.reshape(e.sliceAxis(xw, 0, t, 1), {batch, gatesH});
      State next = step(d, xwT, state);
      Value y = next.h;
      if (valid[t]) {
        next.h = e.where(valid[t], next.h, state.h);
        if (next.c)
          next.c = e.where(valid[t], next.c, state.c);
        y = e.where(valid[t], y, zeros);
      }
      state = next;
      ys[t] = e.reshape(y, {1, 1, batch, hidden});
      if (!ys[t])
        return failure();
    }
    yPerDir.push_back(e.concat(ys, 0));
    hPerDir.push_back(e.reshape(state.h, {1, batch, hidden}));
    if (state.c)
      cPerDir.push_back(e.reshape(state.c, {1, batch, hidden}));
  }
  Value y = e.concat(yPerDir, 1);
  Value yH = e.concat(hPerDir, 0);
  Value yC = cPerDir.empty() ? Value() : e.concat(cPerDir, 0);
  if (layout == 1) {
    y = e.transpose(y, {2, 0, 1, 3});
    yH = e.transpose(yH, {1, 0, 2});
    if (yC)
      yC = e.transpose(yC, {1, 0, 2});
  }
  if (!y || !yH || (kind.op == "LSTM" && !yC))
    return failure();
  results.append({y, yH});
  if (kind.op == "LSTM")
    results.push_back(yC);
  return success();
}

} // namespace

LogicalResult rnn(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  return Recurrence(ctx, {"RNN", 1, {"Tanh"}}).run(results);
}

LogicalResult gru(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  return Recurrence(ctx, {"GRU", 3, {"Sigmoid", "Tanh"}}).run(results);
}

LogicalResult lstm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  return Recurrence(ctx, {"LSTM", 4, {"Sigmoid", "Tanh", "Tanh"}}).run(results);
}

} // namespace dlc::onnx
