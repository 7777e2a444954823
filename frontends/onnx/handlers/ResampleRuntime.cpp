//===- ResampleRuntime.cpp - Resize with run-time scales, sizes, roi ------===//
//
// When `scales` or `roi` (or `sizes` under a keep_aspect_ratio_policy) is a
// graph input, the output shape is the declared one but the sample positions
// still depend on the run-time values: scales 0.6 and 0.55 both resize 4
// elements to 2, at different positions. The positions and the weights of
// every axis are then computed when the model runs, in f64 like the ONNX
// reference, as a gather of all filter taps and a weighted sum; dlg.check
// ops verify that the values give the declared shape.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/DlgEmitter.h"
#include "frontends/onnx/handlers/Resample.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx::resample {
namespace {

/// Resamples `data` along `axis` to `out` elements with sample positions and
/// weights computed at run time. Any position is sampled safely: indices are
/// clamped, so inconsistent scales only give wrong values (and a failed
/// check).
Value resizeAxisAtRunTime(NodeContext &ctx, Composer &c, const ResizeOptions &o,
                          Value data, int64_t axis, int64_t out,
                          const RuntimeAxis &a) {
  if (!data)
    return {};
  DlgEmitter e(ctx);
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(data);
  int64_t rank = shape.size();
  int64_t in = shape[axis];
  Type f64 = ctx.builder.getF64Type();
  Type element = DlgEmitter::elementOf(data);
  auto k = [&](double v) { return c.scalar(f64, v); };
  auto add = [&](Value x, Value y) { return c.create<dlg::AddOp>({x, y}); };
  auto sub = [&](Value x, Value y) { return c.create<dlg::SubOp>({x, y}); };
  auto mul = [&](Value x, Value y) { return c.create<dlg::MulOp>({x, y}); };
  auto div = [&](Value x, Value y) { return c.create<dlg::DivOp>({x, y}); };
  auto where = [&](Value b, Value x, Value y) {
    return c.create<dlg::WhereOp>({b, x, y});
  };
  auto equal = [&](Value x, Value y) { return c.create<dlg::EqualOp>({x, y}); };
  auto less = [&](Value x, Value y) { return c.create<dlg::LessOp>({x, y}); };
  auto greater = [&](Value x, Value y) {
    return c.create<dlg::GreaterOp>({x, y});
  };
  auto either = [&](Value x, Value y) {
    return c.create<dlg::BitwiseOrOp>({x, y});
  };
  auto index = [&](int64_t v) { return c.ints({v}, SmallVector<int64_t>{}); };
  auto clampIndex = [&](Value i) {
    return c.create<dlg::MinOp>(
        {c.create<dlg::MaxOp>({i, index(0)}), index(in - 1)});
  };

  SmallVector<double> positions;
  for (int64_t y = 0; y < out; ++y)
    positions.push_back(y);
  Value y = e.constant(f64, {out}, positions);
  Value s = a.scale;
  Value outWidth = mul(s, k(in));
  Value isOne = equal(outWidth, k(1));
  Value halfPixel = div(add(y, k(0.5)), s);
  Value x, extrapolated;
  const std::string &mode = o.coordinates;
  if (mode == "align_corners") {
    x = where(isOne, k(0), div(mul(y, k(in - 1)), sub(outWidth, k(1))));
  } else if (mode == "asymmetric") {
    x = div(y, s);
  } else if (mode == "tf_crop_and_resize") {
    Value extent = sub(a.roiEnd, a.roiStart);
    x = where(isOne, div(mul(extent, k(in - 1)), k(2)),
              div(mul(mul(y, extent), k(in - 1)), sub(outWidth, k(1))));
    x = add(x, mul(a.roiStart, k(in - 1)));
    extrapolated = either(less(x, k(0)), greater(x, k(in - 1)));
  } else if (mode == "pytorch_half_pixel") {
    x = where(isOne, k(-0.5), sub(halfPixel, k(0.5)));
  } else if (mode == "half_pixel") {
    x = sub(halfPixel, k(0.5));
  } else if (mode == "half_pixel_symmetric") {
    Value adjustment = div(k(out), outWidth);
    Value offset = mul(k(in / 2.0), sub(k(1), adjustment));
    x = sub(add(offset, halfPixel), k(0.5));
  } else {
    ctx.emitError() << "attribute 'coordinate_transformation_mode' = '" << mode
                    << "' is not supported";
    return {};
  }
  // NaN positions (from a zero scale) sample element 0.
  x = where(equal(x, x), x, k(0));
  Value floorX = c.create<dlg::FloorOp>({x});
  Value ratio = sub(x, floorX);

  // Filter taps relative to floor(x), and the filter's scale.
  SmallVector<int64_t> taps;
  Value filterScale = k(1);
  if (o.mode == "linear" && !o.antialias)
    taps = {0, 1};
  else if (o.mode == "cubic" && !o.antialias)
    taps = {-1, 0, 1, 2};
  else if (o.mode != "nearest") {
    // The filter covers |j - x| < support / min(scale, 1); one tap more on
    // each side absorbs rounding (its weight is 0).
    double support = o.mode == "linear" ? 1 : 2;
    int64_t reach =
        static_cast<int64_t>(std::ceil(support / std::min(a.minScale, 1.0)));
    if (reach > 64) {
      ctx.emitError() << "an antialiasing filter of " << 2 * reach + 3
                      << " taps (scale down to " << a.minScale
                      << ") is not supported";
      return {};
    }
    for (int64_t i = -reach - 1; i <= reach + 1; ++i)
      taps.push_back(i);
    filterScale = c.create<dlg::MinOp>({s, k(1)});
  }
  int64_t reach = taps.empty() ? 1 : std::max(-taps.front(), taps.back());
  // Clamped in float before the integer conversion, so that any position
  // converts safely; the clamp keeps every tap outside the input.
  Value base =
      c.cast(c.create<dlg::ClipOp>(
                 {floorX},
                 {ctx.named("min", ctx.builder.getF64FloatAttr(-reach - 1)),
                  ctx.named("max", ctx.builder.getF64FloatAttr(in + reach))}),
             ctx.builder.getI64Type());

  Value result;
  if (o.mode == "nearest") {
    Value up;
    const std::string &m = o.nearestMode;
    if (m == "round_prefer_floor")
      up = greater(ratio, k(0.5));
    else if (m == "round_prefer_ceil")
      up = c.create<dlg::GreaterEqualOp>({ratio, k(0.5)});
    else if (m == "ceil")
      up = greater(ratio, k(0));
    Value source = up ? add(base, c.cast(up, ctx.builder.getI64Type())) : base;
    result = e.gather(data, clampIndex(source), axis);
  } else {
    int64_t count = taps.size();
    SmallVector<double> tapOffsets(taps.begin(), taps.end());
    Value offsets = e.constant(f64, {1, count}, tapOffsets);
    // t[y][i] = (tap i - ratio[y]) * filter scale.
    Value t = mul(sub(offsets, c.reshape(ratio, {out, 1})), filterScale);
    Value at = c.create<dlg::AbsOp>({t});
    Value weights;
    if (o.mode == "linear") {
      weights = c.create<dlg::ClipOp>(
          {sub(k(1), at)}, {ctx.named("min", ctx.builder.getF64FloatAttr(0)),
                            ctx.named("max", ctx.builder.getF64FloatAttr(1))});
    } else {
      double A = o.cubicA;
      Value at2 = mul(at, at), at3 = mul(at2, at);
      Value nearPart = add(sub(mul(k(A + 2), at3), mul(k(A + 3), at2)), k(1));
      Value farPart =
          sub(add(sub(mul(k(A), at3), mul(k(5 * A), at2)), mul(k(8 * A), at)),
              k(4 * A));
      weights = where(c.create<dlg::LessEqualOp>({at, k(1)}), nearPart,
                      where(less(at, k(2)), farPart, k(0)));
    }
    Value sources = add(c.reshape(base, {out, 1}),
                        c.ints(taps, SmallVector<int64_t>{1, count}));
    if (o.excludeOutside)
      weights = where(
          either(less(sources, index(0)), greater(sources, index(in - 1))),
          k(0), weights);
    if (o.antialias || o.excludeOutside) {
      Value sum = c.reduce<dlg::ReduceSumOp>(weights, {1});
      weights = div(weights, where(equal(sum, k(0)), k(1), sum));
    }
    Value gathered = e.gather(data, clampIndex(sources), axis);
    SmallVector<int64_t> weightShape(rank + 1, 1);
    weightShape[axis] = out;
    weightShape[axis + 1] = count;
    Value weighted =
        mul(gathered, c.reshape(c.cast(weights, element), weightShape));
    result = c.reduce<dlg::ReduceSumOp>(weighted, {axis + 1},
                                        /*keepDims=*/false);
  }
  if (extrapolated) {
    SmallVector<int64_t> maskShape(rank, 1);
    maskShape[axis] = out;
    result = where(c.reshape(extrapolated, maskShape),
                   c.cast(k(o.extrapolation), element), result);
  }
  return result;
}

} // namespace

LogicalResult emitRuntimeResize(NodeContext &ctx, Composer &c,
                                const ResizeOptions &options, Value x,
                                ArrayRef<int64_t> outShape,
                                ArrayRef<RuntimeAxis> axes,
                                SmallVectorImpl<Value> &results) {
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  if (options.mode != "nearest" && !isa<FloatType>(DlgEmitter::elementOf(x)))
    return ctx.emitError() << "mode '" << options.mode
                           << "' needs a float input",
           failure();
  Value result = x;
  for (int64_t d = 0, rank = shape.size(); d < rank; ++d) {
    if (!axes[d].scale)
      continue;
    // A single element stays itself whatever the scale, except where a
    // crop can move it outside.
    if (shape[d] == 1 && outShape[d] == 1 &&
        options.coordinates != "tf_crop_and_resize")
      continue;
    if (shape[d] <= 0 || outShape[d] <= 0)
      return ctx.emitError() << "resizing dim " << d << " of size " << shape[d]
                             << " to " << outShape[d] << " is not supported",
             failure();
    result =
        resizeAxisAtRunTime(ctx, c, options, result, d, outShape[d], axes[d]);
  }
  return c.finish({result}, results);
}

FailureOr<SmallVector<int64_t>> declaredResizeShape(NodeContext &ctx,
                                                    size_t arg, StringRef what,
                                                    ArrayRef<int64_t> shape,
                                                    ArrayRef<int64_t> axes) {
  FailureOr<SmallVector<int64_t>> out = ctx.requireDeclaredShape(0, arg, what);
  if (failed(out))
    return failure();
  if (out->size() != shape.size())
    return ctx.emitError() << "the declared output has rank " << out->size()
                           << " but the input has rank " << shape.size(),
           failure();
  for (size_t d = 0; d < shape.size(); ++d)
    if (!llvm::is_contained(axes, (int64_t)d) && (*out)[d] != shape[d])
      return ctx.emitError()
                 << "the declared output dim " << d << " is " << (*out)[d]
                 << " but that dim is not resized and has size " << shape[d],
             failure();
  return out;
}

void runtimeScales(NodeContext &ctx, Composer &c, Value scales,
                   ArrayRef<int64_t> axes, ArrayRef<int64_t> shape,
                   ArrayRef<int64_t> out, SmallVectorImpl<RuntimeAxis> &plan) {
  Type f64 = ctx.builder.getF64Type();
  Value values = c.cast(scales, f64);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t d = axes[i];
    RuntimeAxis &a = plan[d];
    a.scale = c.element(values, i);
    a.minScale = double(out[d]) / shape[d];
    Value size = c.create<dlg::FloorOp>(
        {c.create<dlg::MulOp>({a.scale, c.scalar(f64, shape[d])})});
    c.check(c.create<dlg::EqualOp>({size, c.scalar(f64, out[d])}),
            "scales[" + llvm::Twine(i) + "] * " + llvm::Twine(shape[d]) +
                " must round down to the declared output size " +
                llvm::Twine(out[d]));
  }
}

} // namespace dlc::onnx::resample
