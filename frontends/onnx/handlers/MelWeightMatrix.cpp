//===- MelWeightMatrix.cpp - ONNX MelWeightMatrix -> dlg ------------------===//
//
// All five inputs are scalars that may only be known at run time, and the
// result shape [dft_length / 2 + 1, num_mel_bins] is then the declared one.
// The triangular filters of onnx/reference/ops/op_mel_weight_matrix.py are
// computed with the run-time values: the M + 2 band edges as integer bins,
// then every (bin j, filter i) element as a rising or falling ramp selected
// with dlg.where. Checks fail the run when the inputs contradict the declared
// shape or put a filter outside the spectrum (where the reference indexes
// out of bounds).
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

LogicalResult melWeightMatrix(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(5)))
    return failure();
  for (size_t i = 0; i < 5; ++i) {
    auto type = cast<RankedTensorType>(ctx.input(i).getType());
    if (type.getNumElements() != 1 || type.getRank() > 1)
      return ctx.emitError()
                 << "expects input " << i << " to be a scalar but got " << type,
             failure();
    bool isFloat = isa<FloatType>(type.getElementType());
    if (isFloat != (i >= 3))
      return ctx.emitError() << "expects integer num_mel_bins, dft_length, "
                                "sample_rate and float edges but input "
                             << i << " is " << type,
             failure();
  }
  int64_t dtype = ctx.intAttr("output_datatype", ::onnx::TensorProto::FLOAT);
  Type outType = convertElementType(ctx.builder.getContext(), dtype);
  if (!outType || !isa<FloatType>(outType))
    return ctx.emitError() << "attribute 'output_datatype' = "
                           << dataTypeName(dtype) << " is not supported",
           failure();
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 0, "num_mel_bins");
  if (failed(declared))
    return failure();
  if (declared->size() != 2)
    return ctx.emitError() << "expects a declared output of rank 2 but got "
                           << declared->size(),
           failure();
  int64_t bins = (*declared)[0], mels = (*declared)[1];
  if (bins < 1)
    return ctx.emitError() << "expects a declared output with at least one "
                              "spectrogram bin",
           failure();

  Composer c(ctx);
  Type f32 = ctx.builder.getF32Type(), f64 = ctx.builder.getF64Type();
  Type i64 = ctx.builder.getI64Type();
  auto scalarInput = [&](size_t i, Type type) {
    return c.reshape(c.cast(ctx.input(i), type), {});
  };
  Value numMel = scalarInput(0, i64), dftLength = scalarInput(1, i64);
  Value sampleRate = scalarInput(2, f64);
  c.check(c.create<dlg::EqualOp>({numMel, c.scalar(i64, mels)}),
          "num_mel_bins differs from the " + llvm::Twine(mels) +
              " columns of the declared output shape");
  Value half = c.create<dlg::DivOp>({dftLength, c.scalar(i64, 2)});
  c.check(c.create<dlg::BitwiseAndOp>(
              {c.create<dlg::GreaterEqualOp>({dftLength, c.scalar(i64, 0)}),
               c.create<dlg::EqualOp>({half, c.scalar(i64, bins - 1)})}),
          "dft_length / 2 + 1 differs from the " + llvm::Twine(bins) +
              " rows of the declared output shape");
  // mel(f) = 2595 log10(1 + f / 700); the reference rounds the log to f32.
  auto toMel = [&](size_t i) {
    Value ratio =
        c.create<dlg::DivOp>({scalarInput(i, f32), c.scalar(f32, 700)});
    Value log =
        c.create<dlg::LogOp>({c.create<dlg::AddOp>({ratio, c.scalar(f32, 1)})});
    return c.create<dlg::DivOp>(
        {c.cast(c.create<dlg::MulOp>({log, c.scalar(f32, 2595)}), f64),
         c.scalar(f64, std::log(10.0))});
  };
  Value lowMel = toMel(3), highMel = toMel(4);
  Value melStep = c.create<dlg::DivOp>(
      {c.create<dlg::SubOp>({highMel, lowMel}), c.scalar(f64, mels + 2)});
  SmallVector<int64_t> steps(mels + 2);
  for (int64_t k = 0; k < mels + 2; ++k)
    steps[k] = k;
  Value edgesMel = c.create<dlg::AddOp>(
      {c.create<dlg::MulOp>({c.cast(c.ints(steps), f64), melStep}), lowMel});
  Value hz = c.create<dlg::MulOp>(
      {c.scalar(f64, 700),
       c.create<dlg::SubOp>(
           {c.create<dlg::ExpOp>({c.create<dlg::MulOp>(
                {edgesMel, c.scalar(f64, std::log(10.0) / 2595)})}),
            c.scalar(f64, 1)})});
  Value dftPlusOne =
      c.create<dlg::AddOp>({c.cast(dftLength, f64), c.scalar(f64, 1)});
  // Integral bins held in f64 (exact far beyond any spectrum size).
  Value edges = c.create<dlg::FloorOp>({c.create<dlg::DivOp>(
      {c.create<dlg::MulOp>({dftPlusOne, hz}), sampleRate})});
  auto edge = [&](int64_t offset) {
    return c.reshape(
        c.create<dlg::SliceOp>(
            {edges},
            {ctx.named("starts", ctx.builder.getDenseI64ArrayAttr({offset})),
             ctx.named("sizes", ctx.builder.getDenseI64ArrayAttr({mels})),
             ctx.named("steps", ctx.builder.getDenseI64ArrayAttr({1}))}),
        {1, mels});
  };
  Value lo = edge(0), mid = edge(1), hi = edge(2);
  Value zero = c.scalar(f64, 0), size = c.scalar(f64, bins);
  auto both = [&](Value x, Value y) {
    return c.create<dlg::BitwiseAndOp>({x, y});
  };
  auto either = [&](Value x, Value y) {
    return c.create<dlg::BitwiseOrOp>({x, y});
  };
  auto le = [&](Value x, Value y) {
    return c.create<dlg::LessEqualOp>({x, y});
  };
  auto lt = [&](Value x, Value y) { return c.create<dlg::LessOp>({x, y}); };
  auto eq = [&](Value x, Value y) { return c.create<dlg::EqualOp>({x, y}); };
  // Every filter writes inside [0, bins): the rise [lo, mid] when mid > lo,
  // the peak mid when mid == lo, the fall [mid, hi) when hi > mid.
  Value inside =
      both(both(either(le(mid, lo), both(le(zero, lo), lt(mid, size))),
                either(either(lt(mid, lo), lt(lo, mid)),
                       both(le(zero, mid), lt(mid, size)))),
           either(le(hi, mid), both(le(zero, mid), le(hi, size))));
  c.check(c.allOf(inside),
          "a mel filter falls outside the spectrogram bins [0, " +
              llvm::Twine(bins) + ")");

  SmallVector<int64_t> rows(bins);
  for (int64_t j = 0; j < bins; ++j)
    rows[j] = j;
  Value j = c.cast(c.ints(rows, SmallVector<int64_t>{bins, 1}), f64);
  Value rise = c.create<dlg::DivOp>(
      {c.create<dlg::SubOp>({j, lo}), c.create<dlg::SubOp>({mid, lo})});
  Value fall = c.create<dlg::DivOp>(
      {c.create<dlg::SubOp>({hi, j}), c.create<dlg::SubOp>({hi, mid})});
  Value one = c.scalar(f64, 1);
  // Later writes of the reference win: the fall over the rise or the peak.
  Value value = c.create<dlg::WhereOp>(
      {both(le(lo, j), le(j, mid)),
       c.create<dlg::WhereOp>({eq(mid, lo), one, rise}), zero});
  value = c.create<dlg::WhereOp>(
      {both(both(le(mid, j), lt(j, hi)), lt(mid, hi)), fall, value});
  // With mid == lo, only j == mid is written (the range [lo, mid] is {mid}).
  return c.finish({c.cast(value, outType)}, results);
}

} // namespace

void registerMelWeightMatrixHandlers(OpRegistry &registry) {
  registry.add("", "MelWeightMatrix", {17}, melWeightMatrix);
}

} // namespace dlc::onnx
