//===- Attention.cpp - ONNX Attention and RotaryEmbedding -> dlg ----------===//
//
// Attention is decomposed into dlg matmul, softmax and elementwise ops. Shapes
// are static, so the causal and sliding-window masks are constants unless
// they depend on the runtime `nonpad_kv_seqlen`.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/DlgEmitter.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// [B, S, H*D] -> [B, H, S, D].
Value splitHeads(DlgEmitter &e, Value x, int64_t heads) {
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  Value split = e.reshape(x, {shape[0], shape[1], heads, shape[2] / heads});
  return e.transpose(split, {0, 2, 1, 3});
}

/// Repeats every head of [B, H, S, D] `reps` times in place: h0 h0 h1 h1 ...
Value repeatHeads(DlgEmitter &e, Value x, int64_t reps) {
  if (!x || reps == 1)
    return x;
  ArrayRef<int64_t> s = DlgEmitter::shapeOf(x);
  SmallVector<int64_t> shape = {s[0], s[1], 1, s[2], s[3]};
  Value expanded = e.reshape(x, shape);
  SmallVector<Value> copies(reps, expanded);
  return e.reshape(e.concat(copies, 2), {s[0], s[1] * reps, s[2], s[3]});
}

/// 1 where `x > 0` else 0, as i1, for integer `x` (dlg has no comparisons).
Value positive(DlgEmitter &e, Value x) {
  return e.cast(e.clip(x, 0.0, 1.0), e.b.getI1Type());
}

/// The additive causal / sliding-window bias for query i and key j with
/// i + offset - j = diff: 0 where attended, -inf elsewhere.
bool allowed(int64_t diff, bool causal, int64_t left, int64_t right) {
  if (causal && diff < 0)
    return false;
  if (left >= 0 && diff > left)
    return false;
  if (right >= 0 && -diff > right)
    return false;
  return true;
}

/// Low-precision floats are widened to f32 inside matmul and softmax and
/// rounded once at the end, as the reference (numpy) computes them.
Type computeType(DlgEmitter &e, Type type) {
  return type.getIntOrFloatBitWidth() < 32 ? e.b.getF32Type() : type;
}

Value wideMatmul(DlgEmitter &e, Value x, Value y) {
  if (!x || !y)
    return {};
  Type type = DlgEmitter::elementOf(x), wide = computeType(e, type);
  return e.cast(e.matmul(e.cast(x, wide), e.cast(y, wide)), type);
}

Value wideSoftmax(DlgEmitter &e, Value x) {
  if (!x)
    return {};
  Type type = DlgEmitter::elementOf(x), wide = computeType(e, type);
  if (type == wide)
    return e.softmax(x, -1);
  // numpy rounds x - max and exp(.) to the narrow type and sums in f32.
  int64_t last = DlgEmitter::typeOf(x).getRank() - 1;
  auto reduceAttrs = [&] {
    return SmallVector<NamedAttribute>{
        e.named("axes", e.b.getDenseI64ArrayAttr({last})),
        e.named("keepdims", e.b.getBoolAttr(true))};
  };
  Value rowMax = e.op<dlg::ReduceMaxOp>({x}, reduceAttrs());
  Value exps = e.op<dlg::ExpOp>({e.sub(x, rowMax)});
  Value sum = e.op<dlg::ReduceSumOp>({e.cast(exps, wide)}, reduceAttrs());
  return e.div(exps, e.cast(sum, type));
}

} // namespace

LogicalResult attention(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  DlgEmitter e(ctx);
  Value q = ctx.input(0), k = ctx.input(1), v = ctx.input(2);
  Value mask = ctx.input(3), pastKey = ctx.input(4), pastValue = ctx.input(5);
  Value nonpad = ctx.input(6);
  Type elementType = DlgEmitter::elementOf(q);
  if (!isa<FloatType>(elementType))
    return ctx.emitError() << "expects float Q, K and V", failure();
  int64_t rank = DlgEmitter::typeOf(q).getRank();
  if (rank != 3 && rank != 4)
    return ctx.emitError() << "expects 3-D or 4-D Q but got rank " << rank,
           failure();
  if (DlgEmitter::typeOf(k).getRank() != rank ||
      DlgEmitter::typeOf(v).getRank() != rank)
    return ctx.emitError() << "expects Q, K and V of the same rank", failure();
  if (!pastKey != !pastValue)
    return ctx.emitError() << "expects past_key and past_value together",
           failure();
  if (nonpad && pastKey)
    return ctx.emitError()
               << "nonpad_kv_seqlen cannot be combined with past_key",
           failure();
  if (rank == 3) {
    int64_t qHeads = ctx.intAttr("q_num_heads", 0);
    int64_t kvHeads = ctx.intAttr("kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0)
      return ctx.emitError() << "3-D inputs need positive q_num_heads and "
                                "kv_num_heads",
             failure();
    for (auto [value, heads] :
         {std::pair{q, qHeads}, std::pair{k, kvHeads}, std::pair{v, kvHeads}})
      if (DlgEmitter::shapeOf(value)[2] % heads != 0)
        return ctx.emitError()
                   << "hidden size " << DlgEmitter::shapeOf(value)[2]
                   << " is not a multiple of " << heads << " heads",
               failure();
    q = splitHeads(e, q, qHeads);
    k = splitHeads(e, k, kvHeads);
    v = splitHeads(e, v, kvHeads);
  }
  if (!q || !k || !v)
    return failure();
  ArrayRef<int64_t> qShape = DlgEmitter::shapeOf(q);
  int64_t batch = qShape[0], qHeads = qShape[1], qLen = qShape[2];
  int64_t kvHeads = DlgEmitter::shapeOf(k)[1];
  if (kvHeads <= 0 || qHeads % kvHeads != 0 ||
      DlgEmitter::shapeOf(v)[1] != kvHeads)
    return ctx.emitError() << "q heads " << qHeads
                           << " must be a multiple of kv heads " << kvHeads,
           failure();

  // The scale is split as sqrt(scale) on Q and on K, as the reference does,
  // which matters for low-precision types.
  double scale = ctx.attribute("scale")
                     ? ctx.floatAttr("scale", 1)
                     : 1.0 / std::sqrt(static_cast<double>(qShape[3]));
  Value sqrtScale = e.scalar(elementType, std::sqrt(scale));
  Value qScaled = e.mul(q, sqrtScale);

  Value presentKey = pastKey ? e.concat({pastKey, k}, 2) : k;
  Value presentValue = pastValue ? e.concat({pastValue, v}, 2) : v;
  if (!presentKey || !presentValue)
    return failure();
  int64_t kvLen = DlgEmitter::shapeOf(presentKey)[2];
  int64_t pastLen = pastKey ? DlgEmitter::shapeOf(pastKey)[2] : 0;

  // The additive bias: the mask (padded with masked keys to kvLen), causal
  // and window masks, and the padding mask from nonpad_kv_seqlen.
  Value bias;
  if (mask) {
    ArrayRef<int64_t> maskShape = DlgEmitter::shapeOf(mask);
    if (maskShape.empty())
      return ctx.emitError() << "expects attn_mask of rank >= 1", failure();
    int64_t padWidth = kvLen - maskShape.back();
    if (padWidth < 0)
      return ctx.emitError() << "attn_mask has " << maskShape.back()
                             << " keys but the cache has " << kvLen,
             failure();
    bool isBool = DlgEmitter::elementOf(mask).isInteger(1);
    if (!isBool && DlgEmitter::elementOf(mask) != elementType)
      mask = e.cast(mask, elementType);
    if (padWidth > 0) {
      SmallVector<int64_t> padShape(maskShape);
      padShape.back() = padWidth;
      SmallVector<double> padValues(*dlg::checkedNumElements(padShape),
                                    isBool ? 0.0 : kNegInf);
      Value pad =
          isBool ? e.boolConstant(padShape,
                                  SmallVector<bool>(padValues.size(), false))
                 : e.constant(elementType, padShape, padValues);
      mask = e.concat({mask, pad}, maskShape.size() - 1);
    }
    bias = isBool ? e.where(mask, e.scalar(elementType, 0),
                            e.scalar(elementType, kNegInf))
                  : mask;
  }
  bool causal = ctx.intAttr("is_causal", 0) != 0;
  int64_t left = ctx.intAttr("left_window_size", -1);
  int64_t right = ctx.intAttr("right_window_size", -1);
  if (left < -1 || right < -1)
    return ctx.emitError() << "window sizes must be -1 or nonnegative",
           failure();
  bool windowed = causal || left >= 0 || right >= 0;
  if (windowed && !nonpad) {
    SmallVector<double> values;
    for (int64_t i = 0; i < qLen; ++i)
      for (int64_t j = 0; j < kvLen; ++j)
        values.push_back(
            allowed(i + pastLen - j, causal, left, right) ? 0.0 : kNegInf);
    Value frame = e.constant(elementType, {qLen, kvLen}, values);
    bias = bias ? e.add(bias, frame) : frame;
  }
  if (nonpad) {
    // Per batch: diff[b, i, j] = i + nonpad[b] - qLen - j; key j is padding
    // when j >= nonpad[b].
    Type i64 = e.b.getI64Type();
    Value lens = e.reshape(e.cast(nonpad, i64), {batch, 1, 1, 1});
    SmallVector<double> ij;
    for (int64_t i = 0; i < qLen; ++i)
      for (int64_t j = 0; j < kvLen; ++j)
        ij.push_back(static_cast<double>(i - qLen - j));
    Value diff = e.add(lens, e.constant(i64, {qLen, kvLen}, ij));
    SmallVector<double> keys;
    for (int64_t j = 0; j < kvLen; ++j)
      keys.push_back(static_cast<double>(-j));
    Value ok = positive(e, e.add(lens, e.constant(i64, {kvLen}, keys)));
    auto require = [&](Value cond) {
      ok = e.cast(e.mul(e.cast(ok, i64), e.cast(cond, i64)), e.b.getI1Type());
    };
    if (causal)
      require(positive(e, e.add(diff, e.scalar(i64, 1))));
    if (left >= 0)
      require(positive(e, e.sub(e.scalar(i64, left + 1), diff)));
    if (right >= 0)
      require(positive(e, e.add(diff, e.scalar(i64, right + 1))));
    Value frame =
        e.where(ok, e.scalar(elementType, 0), e.scalar(elementType, kNegInf));
    bias = bias ? e.add(bias, frame) : frame;
  }

  // A null bias here means building it failed (diagnosed), not "no mask".
  if ((mask || windowed || nonpad) && !bias)
    return failure();

  k = repeatHeads(e, presentKey, qHeads / kvHeads);
  v = repeatHeads(e, presentValue, qHeads / kvHeads);
  Value kScaled = e.mul(e.transpose(k, {0, 1, 3, 2}), sqrtScale);
  Value qk = wideMatmul(e, qScaled, kScaled);
  double softcap = ctx.floatAttr("softcap", 0);
  if (softcap > 0) {
    Value cap = e.scalar(elementType, softcap);
    qk = e.mul(e.tanh(e.div(qk, cap)), cap);
  }
  Value withBias = bias ? e.add(qk, bias) : qk;
  int64_t mode = ctx.intAttr("qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    return ctx.emitError() << "qk_matmul_output_mode " << mode
                           << " is not in [0, 3]",
           failure();
  Value qkOutput = mode == 2 ? withBias : qk;

  Type softmaxType = elementType;
  if (int64_t precision = ctx.intAttr("softmax_precision", 0)) {
    softmaxType = convertElementType(ctx.builder.getContext(), precision);
    if (!softmaxType || !isa<FloatType>(softmaxType))
      return ctx.emitError() << "softmax_precision " << dataTypeName(precision)
                             << " is not supported",
             failure();
  }
  Value probs = wideSoftmax(e, e.cast(withBias, softmaxType));

  // A query whose bias masks every key attends nothing: its probabilities are
  // zero (softmax alone would give NaN).
  if (bias) {
    ArrayRef<int64_t> biasShape = DlgEmitter::shapeOf(bias);
    int64_t biasRank = biasShape.size();
    if (std::optional<SmallVector<double>> values =
            DlgEmitter::constantFloats(bias)) {
      // Decided at import time for constant masks.
      int64_t rows = values->size() / biasShape.back();
      SmallVector<bool> masked;
      bool any = false;
      for (int64_t r = 0; r < rows; ++r) {
        bool all = true;
        for (int64_t c = 0; c < biasShape.back(); ++c)
          all &= (*values)[r * biasShape.back() + c] == kNegInf;
        masked.push_back(all);
        any |= all;
      }
      if (any) {
        SmallVector<int64_t> rowShape(biasShape);
        rowShape.back() = 1;
        probs = e.where(e.boolConstant(rowShape, masked),
                        e.scalar(softmaxType, 0), probs);
      }
    } else {
      Value rowMax = e.op<dlg::ReduceMaxOp>(
          {bias}, {e.named("axes", e.b.getDenseI64ArrayAttr({biasRank - 1})),
                   e.named("keepdims", e.b.getBoolAttr(true))});
      // isneginf(m) without comparisons: max(m, lowest) - m is +inf for
      // m = -inf and 0 for finite m.
      auto floatType = cast<FloatType>(elementType);
      double lowest =
          APFloat::getLargest(floatType.getFloatSemantics(), /*Negative=*/true)
              .convertToDouble();
      Value gap = e.sub(e.max(rowMax, e.scalar(elementType, lowest)), rowMax);
      Value masked = e.cast(e.clip(gap, 0.0, 1.0), e.b.getI1Type());
      probs = e.where(masked, e.scalar(softmaxType, 0), probs);
    }
  }
  probs = e.cast(probs, elementType);
  if (mode == 3)
    qkOutput = probs;

  Value y = wideMatmul(e, probs, v);
  if (rank == 3 && y) {
    ArrayRef<int64_t> s = DlgEmitter::shapeOf(y);
    y = e.reshape(e.transpose(y, {0, 2, 1, 3}), {s[0], s[2], s[1] * s[3]});
  }
  if (!y || !qkOutput)
    return failure();
  results.append({y, presentKey, presentValue, qkOutput});
  return success();
}

/// RotaryEmbedding-23: rotates the first rotary_embedding_dim features of
/// every head by position-dependent angles (cos/sin caches).
LogicalResult rotaryEmbedding(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  DlgEmitter e(ctx);
  Value x = ctx.input(0), cosCache = ctx.input(1), sinCache = ctx.input(2);
  Value positions = ctx.input(3);
  ArrayRef<int64_t> xShape = DlgEmitter::shapeOf(x);
  int64_t rank = xShape.size();
  if (rank != 3 && rank != 4)
    return ctx.emitError() << "expects a 3-D or 4-D input but got rank "
                           << rank,
           failure();
  bool interleaved = ctx.intAttr("interleaved", 0) != 0;
  int64_t rotaryDim = ctx.intAttr("rotary_embedding_dim", 0);
  int64_t numHeads = ctx.intAttr("num_heads", 0);
  // Work in [B, S, H, D].
  int64_t batch = xShape[0], seq, heads, headSize;
  Value input;
  if (rank == 4) {
    heads = xShape[1];
    seq = xShape[2];
    headSize = xShape[3];
    input = e.transpose(x, {0, 2, 1, 3});
  } else {
    if (numHeads <= 0 || xShape[2] % numHeads != 0)
      return ctx.emitError()
                 << "3-D input needs num_heads dividing " << xShape[2],
             failure();
    seq = xShape[1];
    heads = numHeads;
    headSize = xShape[2] / numHeads;
    input = e.reshape(x, {batch, seq, heads, headSize});
  }
  if (rotaryDim == 0)
    rotaryDim = headSize;
  if (rotaryDim > headSize || rotaryDim % 2 != 0)
    return ctx.emitError() << "rotary_embedding_dim " << rotaryDim
                           << " must be even and at most " << headSize,
           failure();
  int64_t half = rotaryDim / 2;
  Value cosValues = cosCache, sinValues = sinCache;
  if (positions) {
    cosValues = e.gather(cosCache, positions, 0);
    sinValues = e.gather(sinCache, positions, 0);
  }
  if (!cosValues || !sinValues || !input)
    return failure();
  if (DlgEmitter::typeOf(cosValues).getRank() != 3 ||
      DlgEmitter::shapeOf(cosValues).back() != half ||
      DlgEmitter::shapeOf(sinValues) != DlgEmitter::shapeOf(cosValues))
    return ctx.emitError() << "expects cos/sin caches of [B, S, " << half
                           << "] after position lookup",
           failure();
  // [B, S, 1, half] broadcasts over heads.
  ArrayRef<int64_t> cs = DlgEmitter::shapeOf(cosValues);
  cosValues = e.reshape(cosValues, {cs[0], cs[1], 1, half});
  sinValues = e.reshape(sinValues, {cs[0], cs[1], 1, half});
  Value rotated = e.sliceAxis(input, 3, 0, rotaryDim);
  Value x1 = interleaved ? e.sliceAxis(rotated, 3, 0, half, 2)
                         : e.sliceAxis(rotated, 3, 0, half);
  Value x2 = interleaved ? e.sliceAxis(rotated, 3, 1, half, 2)
                         : e.sliceAxis(rotated, 3, half, half);
  Value real = e.sub(e.mul(cosValues, x1), e.mul(sinValues, x2));
  Value imag = e.add(e.mul(sinValues, x1), e.mul(cosValues, x2));
  Value out;
  if (interleaved) {
    SmallVector<int64_t> pairShape = {batch, seq, heads, half, 1};
    out = e.reshape(
        e.concat({e.reshape(real, pairShape), e.reshape(imag, pairShape)}, 4),
        {batch, seq, heads, rotaryDim});
  } else {
    out = e.concat({real, imag}, 3);
  }
  if (rotaryDim < headSize)
    out = e.concat(
        {out, e.sliceAxis(input, 3, rotaryDim, headSize - rotaryDim)}, 3);
  out = rank == 4 ? e.transpose(out, {0, 2, 1, 3}) : e.reshape(out, xShape);
  if (!out)
    return failure();
  results.push_back(out);
  return success();
}

} // namespace dlc::onnx
