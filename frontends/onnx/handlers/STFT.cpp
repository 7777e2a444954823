//===- STFT.cpp - ONNX STFT -> dlg ----------------------------------------===//
//
// Frames are gathered at f * frame_step + t, windowed and multiplied by
// constant DFT matrices, in f64 like the reference (numpy's FFT) and
// rounded once. frame_step and frame_length may be graph inputs: the step
// is then used as a run-time value (with a check that it gives the declared
// number of frames), and a run-time frame_length without a window is one of
// the (at most two) lengths that give the declared number of bins, each
// computed and selected with dlg.where.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// The scalar integer input `i` when known at import time.
std::optional<int64_t> constantScalar(NodeContext &ctx, size_t i) {
  std::optional<SmallVector<int64_t>> values = ctx.constantInts(i);
  if (!values || values->size() != 1)
    return std::nullopt;
  return (*values)[0];
}

LogicalResult stft(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value x = ctx.input(0), window = ctx.input(2);
  auto xType = cast<RankedTensorType>(x.getType());
  Type type = xType.getElementType();
  if (!isa<FloatType>(type) || xType.getRank() != 3 ||
      (xType.getDimSize(2) != 1 && xType.getDimSize(2) != 2))
    return ctx.emitError() << "expects a float signal of shape [batch, "
                              "length, 1 or 2] but got "
                           << xType,
           failure();
  int64_t batch = xType.getDimSize(0), length = xType.getDimSize(1);
  bool complex = xType.getDimSize(2) == 2;
  bool onesided = ctx.intAttr("onesided", 1) != 0;
  for (size_t i : {1, 3}) {
    Value v = ctx.input(i);
    auto t = v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
    if (t && (t.getNumElements() != 1 || t.getRank() > 1 ||
              !t.getElementType().isSignlessInteger()))
      return ctx.emitError() << "expects input " << i
                             << " to be an integer scalar but got " << t,
             failure();
  }
  if (window) {
    auto w = cast<RankedTensorType>(window.getType());
    if (w.getRank() != 1 || w.getElementType() != type)
      return ctx.emitError() << "expects a window of rank 1 and type " << type
                             << " but got " << w,
             failure();
  }
  std::optional<int64_t> step = constantScalar(ctx, 1);
  bool runtimeLength = ctx.input(3) && !constantScalar(ctx, 3);
  std::optional<SmallVector<int64_t>> declared = ctx.declaredShape(0);
  if (declared &&
      (declared->size() != 4 || (*declared)[0] != batch || (*declared)[3] != 2))
    return ctx.emitError() << "expects a declared output of shape [" << batch
                           << ", frames, bins, 2]",
           failure();

  // The frame lengths the run-time values may take.
  SmallVector<int64_t> lengths;
  if (window) {
    lengths = {cast<RankedTensorType>(window.getType()).getDimSize(0)};
    if (std::optional<int64_t> l = constantScalar(ctx, 3);
        l && *l != lengths[0])
      return ctx.emitError()
                 << "frame_length " << *l << " differs from the window length "
                 << lengths[0],
             failure();
  } else if (std::optional<int64_t> l = constantScalar(ctx, 3)) {
    lengths = {*l};
  } else if (runtimeLength) {
    if (!declared) {
      (void)ctx.requireDeclaredShape(0, 3, "frame_length");
      return failure();
    }
    int64_t bins = (*declared)[2];
    for (int64_t l : onesided
                         ? SmallVector<int64_t>{2 * (bins - 1), 2 * bins - 1}
                         : SmallVector<int64_t>{bins})
      if (l >= 1 && l <= length)
        lengths.push_back(l);
    if (lengths.empty())
      return ctx.emitError() << "no frame length in [1, " << length
                             << "] gives the declared " << bins << " bins",
             failure();
  } else {
    lengths = {length};
  }
  for (int64_t l : lengths)
    if (l < 1 || l > length)
      return ctx.emitError()
                 << "frame length " << l << " is not in [1, " << length << "]",
             failure();
  if (step && *step < 1)
    return ctx.emitError() << "frame_step " << *step << " is not positive",
           failure();
  int64_t bins = onesided ? lengths[0] / 2 + 1 : lengths[0];
  int64_t frames;
  if (step && lengths.size() == 1) {
    frames = 1 + (length - lengths[0]) / *step;
  } else {
    if (!declared) {
      (void)ctx.requireDeclaredShape(0, 1, "frame_step");
      return failure();
    }
    frames = (*declared)[1];
  }
  if (declared && ((*declared)[1] != frames || (*declared)[2] != bins))
    return ctx.emitError() << "expects a declared output of shape [" << batch
                           << ", " << frames << ", " << bins << ", 2]",
           failure();
  if (frames < 1)
    return ctx.emitError() << "expects at least one frame", failure();

  Composer c(ctx);
  Type i64 = ctx.builder.getI64Type(), f64 = ctx.builder.getF64Type();
  auto scalarInput = [&](size_t i) {
    return c.reshape(c.cast(ctx.input(i), i64), {});
  };
  Value stepValue = step ? c.scalar(i64, *step) : scalarInput(1);
  Value lengthValue = runtimeLength ? scalarInput(3) : Value();
  if (runtimeLength) {
    SmallVector<Value> matches;
    for (int64_t l : lengths)
      matches.push_back(
          c.create<dlg::EqualOp>({lengthValue, c.scalar(i64, l)}));
    Value any = matches[0];
    for (Value m : ArrayRef<Value>(matches).drop_front())
      any = c.create<dlg::BitwiseOrOp>({any, m});
    c.check(any, "frame_length is not one of the lengths that give the " +
                     llvm::Twine(bins) + " bins of the declared output shape");
  }
  if (!step || runtimeLength) {
    Value used = lengthValue ? lengthValue : c.scalar(i64, lengths[0]);
    Value count = c.create<dlg::AddOp>(
        {c.create<dlg::DivOp>(
             {c.create<dlg::SubOp>({c.scalar(i64, length), used}), stepValue}),
         c.scalar(i64, 1)});
    c.check(c.create<dlg::BitwiseAndOp>(
                {c.create<dlg::GreaterOp>({stepValue, c.scalar(i64, 0)}),
                 c.create<dlg::EqualOp>({count, c.scalar(i64, frames)})}),
            "frame_step does not give the " + llvm::Twine(frames) +
                " frames of the declared output shape");
  }

  SmallVector<int64_t> frameIds(frames);
  for (int64_t f = 0; f < frames; ++f)
    frameIds[f] = f;
  Value starts = c.create<dlg::MulOp>(
      {c.ints(frameIds, SmallVector<int64_t>{frames, 1}), stepValue});
  auto transform = [&](int64_t n) -> Value {
    SmallVector<int64_t> offsets(n);
    for (int64_t t = 0; t < n; ++t)
      offsets[t] = t;
    // Clamped so that a run failing the checks still reads in bounds.
    Value index = c.create<dlg::AddOp>(
        {starts, c.ints(offsets, SmallVector<int64_t>{1, n})});
    index =
        c.create<dlg::MinOp>({c.create<dlg::MaxOp>({index, c.scalar(i64, 0)}),
                              c.scalar(i64, length - 1)});
    Value framed = c.cast(
        c.create<dlg::GatherOp>(
            {x, index}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(1))}),
        f64);
    if (window)
      framed = c.create<dlg::MulOp>(
          {framed, c.reshape(c.cast(window, f64), {1, 1, n, 1})});
    auto part = [&](int64_t k) {
      return c.reshape(
          c.create<dlg::SliceOp>(
              {framed}, {ctx.named("starts", ctx.builder.getDenseI64ArrayAttr(
                                                 {0, 0, 0, k})),
                         ctx.named("sizes", ctx.builder.getDenseI64ArrayAttr(
                                                {batch, frames, n, 1})),
                         ctx.named("steps", ctx.builder.getDenseI64ArrayAttr(
                                                {1, 1, 1, 1}))}),
          {batch, frames, n});
    };
    SmallVector<double> cosines, sines;
    for (int64_t t = 0; t < n; ++t)
      for (int64_t k = 0; k < bins; ++k) {
        double theta = 2 * M_PI * (double)((t * k) % n) / n;
        cosines.push_back(std::cos(theta));
        sines.push_back(std::sin(theta));
      }
    auto matrix = [&](ArrayRef<double> values) -> Value {
      if (c.failedBefore)
        return {};
      auto t = RankedTensorType::get({n, bins}, f64);
      return dlg::ConstantOp::create(ctx.builder, ctx.loc,
                                     DenseElementsAttr::get(t, values));
    };
    Value cosM = matrix(cosines), sinM = matrix(sines);
    // X_k = sum_t (re + i im)(cos - i sin).
    Value re = part(0);
    Value outRe = c.create<dlg::MatMulOp>({re, cosM});
    Value outIm = c.create<dlg::NegOp>({c.create<dlg::MatMulOp>({re, sinM})});
    if (complex) {
      Value im = part(1);
      outRe =
          c.create<dlg::AddOp>({outRe, c.create<dlg::MatMulOp>({im, sinM})});
      outIm =
          c.create<dlg::AddOp>({outIm, c.create<dlg::MatMulOp>({im, cosM})});
    }
    return c.create<dlg::ConcatOp>(
        {c.reshape(outRe, {batch, frames, bins, 1}),
         c.reshape(outIm, {batch, frames, bins, 1})},
        {ctx.named("axis", ctx.builder.getI64IntegerAttr(3))});
  };
  SmallVector<Value> conditions, values;
  for (int64_t l : lengths) {
    values.push_back(transform(l));
    if (lengthValue)
      conditions.push_back(
          c.create<dlg::EqualOp>({lengthValue, c.scalar(i64, l)}));
  }
  Value y = c.select(conditions, values);
  return c.finish({c.cast(y, type)}, results);
}

} // namespace

void registerSTFTHandlers(OpRegistry &registry) {
  registry.add("", "STFT", {17}, stft);
}

} // namespace dlc::onnx
