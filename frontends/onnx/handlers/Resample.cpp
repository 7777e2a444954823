//===- Resample.cpp - ONNX Resize and Upsample -> dlg ---------------------===//
//
// Resize is separable: every resized axis is an independent 1-D resampling.
// With static shapes the sample positions and weights of an axis are known at
// import time, so nearest resizing is a dlg.gather with constant indices and
// linear / cubic resizing (antialiased or not) is a weighted sum of one
// gather per filter tap with constant weights. The weights follow the ONNX
// reference (onnx/reference/ops/op_resize.py) term by term.
//
// Scales, sizes or roi known only at run time go to ResampleRuntime.cpp.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Resample.h"
#include "frontends/onnx/handlers/DlgEmitter.h"

#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
using namespace resample;
namespace {

/// The interpolation weights of one output position.
SmallVector<double> coefficients(const ResizeOptions &options, double ratio,
                                 double scale) {
  if (options.mode == "nearest") {
    if (ratio == std::floor(ratio))
      return {0, 1};
    const std::string &m = options.nearestMode;
    if (m == "round_prefer_floor")
      return {double(ratio <= 0.5), double(ratio > 0.5)};
    if (m == "round_prefer_ceil")
      return {double(ratio < 0.5), double(ratio >= 0.5)};
    if (m == "floor")
      return {1, 0};
    return {0, 1}; // ceil
  }
  if (options.mode == "linear") {
    if (!options.antialias)
      return {1 - ratio, ratio};
    double s = std::min(scale, 1.0);
    int64_t start = static_cast<int64_t>(std::floor(-1 / s) + 1);
    int64_t footprint = 2 - 2 * start;
    SmallVector<double> coeffs;
    double sum = 0;
    for (int64_t i = start; i < start + footprint; ++i) {
      double c = std::clamp(1 - std::abs((i - ratio) * s), 0.0, 1.0);
      coeffs.push_back(c);
      sum += c;
    }
    for (double &c : coeffs)
      c /= sum;
    return coeffs;
  }
  double a = options.cubicA;
  if (!options.antialias) {
    double r1 = ratio + 1, q = 1 - ratio, q1 = q + 1;
    return {((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
            ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
            ((a + 2) * q - (a + 3)) * q * q + 1,
            ((a * q1 - 5 * a) * q1 + 8 * a) * q1 - 4 * a};
  }
  double s = std::min(scale, 1.0);
  auto kernel = [&](double x) {
    x = std::abs(x);
    if (x <= 1)
      return (a + 2) * x * x * x - (a + 3) * x * x + 1;
    if (x < 2)
      return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
    return 0.0;
  };
  int64_t start = static_cast<int64_t>(std::floor(-2 / s) + 1);
  SmallVector<double> coeffs;
  double sum = 0;
  for (int64_t i = start; i < 2 - start; ++i) {
    coeffs.push_back(kernel(s * (i - ratio)));
    sum += coeffs.back();
  }
  for (double &c : coeffs)
    c /= sum;
  return coeffs;
}

/// Weights of one axis: out x in, plus the rows that extrapolate.
struct AxisWeights {
  /// Tap k of output y reads tapIndices[k][y] with weight tapWeights[k][y]
  /// (every output has the same number of taps).
  SmallVector<SmallVector<int64_t>> tapIndices;
  SmallVector<SmallVector<double>> tapWeights;
  SmallVector<bool> extrapolated;
  bool anyExtrapolated = false;
};

FailureOr<AxisWeights> axisWeights(NodeContext &ctx,
                                   const ResizeOptions &options, int64_t in,
                                   int64_t out, double scale, double roiStart,
                                   double roiEnd) {
  AxisWeights result;
  result.extrapolated.assign(out, false);
  double outWidth = scale * in;
  const std::string &mode = options.coordinates;
  for (int64_t y = 0; y < out; ++y) {
    double x;
    if (mode == "align_corners") {
      x = outWidth == 1 ? 0 : y * (in - 1) / (outWidth - 1);
    } else if (mode == "asymmetric") {
      x = y / scale;
    } else if (mode == "tf_crop_and_resize") {
      x = outWidth == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                        : y * (roiEnd - roiStart) * (in - 1) / (outWidth - 1);
      x += roiStart * (in - 1);
      if (x < 0 || x > in - 1) {
        result.extrapolated[y] = true;
        result.anyExtrapolated = true;
      }
    } else if (mode == "pytorch_half_pixel") {
      x = outWidth == 1 ? -0.5 : (y + 0.5) / scale - 0.5;
    } else if (mode == "half_pixel") {
      x = (y + 0.5) / scale - 0.5;
    } else if (mode == "half_pixel_symmetric") {
      double adjustment = out / outWidth;
      double center = in / 2.0;
      x = center * (1 - adjustment) + (y + 0.5) / scale - 0.5;
    } else {
      return ctx.emitError() << "attribute 'coordinate_transformation_mode' = '"
                             << mode << "' is not supported",
             failure();
    }
    if (result.extrapolated[y])
      continue;
    double floorX = std::floor(x);
    double ratio = x == floorX ? 1.0 : x - floorX;
    SmallVector<double> coeffs = coefficients(options, ratio, scale);
    int64_t n = coeffs.size();
    int64_t padWidth = (n + 1) / 2;
    double padded = x + padWidth;
    int64_t p = static_cast<int64_t>(std::floor(padded));
    double frac = padded - p;
    int64_t offset = n % 2 == 0
                         ? (frac == 0 ? -(n / 2) : -(n / 2) + 1)
                         : (frac <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1);
    int64_t first = p + offset - padWidth;
    if (options.excludeOutside) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) {
        if (first + k < 0 || first + k >= in)
          coeffs[k] = 0;
        sum += coeffs[k];
      }
      if (sum != 0)
        for (double &c : coeffs)
          c /= sum;
    }
    if (result.tapIndices.empty()) {
      result.tapIndices.assign(n, SmallVector<int64_t>(out, 0));
      result.tapWeights.assign(n, SmallVector<double>(out, 0));
    }
    for (int64_t k = 0; k < n; ++k) {
      int64_t index = std::clamp<int64_t>(first + k, 0, in - 1);
      result.tapIndices[k][y] = index;
      result.tapWeights[k][y] = coeffs[k];
    }
  }
  return result;
}

/// Resamples `x` along `axis` to `out` elements.
Value resizeAxis(DlgEmitter &e, const ResizeOptions &options, Value x,
                 int64_t axis, const AxisWeights &w, int64_t out) {
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  int64_t rank = shape.size();
  Type type = DlgEmitter::elementOf(x);
  Value result;
  if (options.mode == "nearest") {
    // The tap with weight 1 of every output.
    SmallVector<int64_t> indices(out, 0);
    for (int64_t y = 0; y < out; ++y) {
      size_t best = 0;
      for (size_t k = 0; k < w.tapWeights.size(); ++k)
        if (w.tapWeights[k][y] > w.tapWeights[best][y])
          best = k;
      if (!w.tapIndices.empty())
        indices[y] = w.tapIndices[best][y];
    }
    result = e.gather(x, e.indexConstant(indices), axis);
  } else {
    // sum_k gather(x, tap k's indices) * tap k's weights, O(out * taps).
    SmallVector<int64_t> weightShape(rank, 1);
    weightShape[axis] = out;
    for (size_t k = 0; k < w.tapIndices.size(); ++k) {
      if (llvm::all_of(w.tapWeights[k], [](double v) { return v == 0; }))
        continue;
      Value tap = e.mul(e.gather(x, e.indexConstant(w.tapIndices[k]), axis),
                        e.constant(type, weightShape, w.tapWeights[k]));
      result = result ? e.add(result, tap) : tap;
    }
    if (!result) // Every weight is zero: every output extrapolates.
      result = e.mul(
          e.gather(x, e.indexConstant(SmallVector<int64_t>(out, 0)), axis),
          e.scalar(type, 0));
  }
  if (w.anyExtrapolated) {
    SmallVector<int64_t> maskShape(rank, 1);
    maskShape[axis] = out;
    result = e.where(e.boolConstant(maskShape, w.extrapolated),
                     e.scalar(type, options.extrapolation), result);
  }
  return result;
}

/// Resizes `x` to `sizes` with per-dimension `scales` (one per dim of x).
LogicalResult emitResize(NodeContext &ctx, const ResizeOptions &options,
                         Value x, ArrayRef<double> scales,
                         ArrayRef<int64_t> sizes, ArrayRef<double> roi,
                         SmallVectorImpl<Value> &results) {
  DlgEmitter e(ctx);
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  int64_t rank = shape.size();
  if (options.mode != "nearest" && !isa<FloatType>(DlgEmitter::elementOf(x)))
    return ctx.emitError() << "mode '" << options.mode
                           << "' needs a float input",
           failure();
  Value result = x;
  for (int64_t axis = 0; axis < rank; ++axis) {
    double roiStart = roi.empty() ? 0 : roi[axis];
    double roiEnd = roi.empty() ? 1 : roi[axis + rank];
    bool identityRoi = options.coordinates != "tf_crop_and_resize" ||
                       (roiStart == 0 && roiEnd == 1);
    if (std::abs(scales[axis] - 1) < 1e-9 && sizes[axis] == shape[axis] &&
        identityRoi)
      continue;
    if (sizes[axis] <= 0 || shape[axis] <= 0)
      return ctx.emitError()
                 << "resizing dim " << axis << " of size " << shape[axis]
                 << " to " << sizes[axis] << " is not supported",
             failure();
    FailureOr<AxisWeights> weights = axisWeights(
        ctx, options, shape[axis], sizes[axis], scales[axis], roiStart, roiEnd);
    if (failed(weights))
      return failure();
    result = resizeAxis(e, options, result, axis, *weights, sizes[axis]);
    if (!result)
      return failure();
  }
  results.push_back(result);
  return success();
}

/// Upsample and Resize-10: integer-free asymmetric resizing by `scales`,
/// input `scalesInput` when they are only known at run time.
LogicalResult resizeByScales(NodeContext &ctx, Value x,
                             std::optional<SmallVector<double>> scales,
                             size_t scalesInput, StringRef mode,
                             SmallVectorImpl<Value> &results) {
  ResizeOptions options;
  options.mode = mode.str();
  options.coordinates = "asymmetric";
  options.nearestMode = "floor";
  if (options.mode != "nearest" && options.mode != "linear")
    return ctx.emitError() << "attribute 'mode' = '" << options.mode
                           << "' is not supported",
           failure();
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  int64_t rank = shape.size();
  if (!scales) {
    Value input = ctx.input(scalesInput);
    ArrayRef<int64_t> scalesShape = DlgEmitter::shapeOf(input);
    if (scalesShape.size() != 1 || scalesShape[0] != rank)
      return ctx.emitError() << "expects " << rank << " scales", failure();
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    FailureOr<SmallVector<int64_t>> out =
        declaredResizeShape(ctx, scalesInput, "scales", shape, axes);
    if (failed(out))
      return failure();
    Composer c(ctx);
    SmallVector<RuntimeAxis> plan(rank);
    runtimeScales(ctx, c, input, axes, shape, *out, plan);
    return emitRuntimeResize(ctx, c, options, x, *out, plan, results);
  }
  if ((int64_t)scales->size() != rank)
    return ctx.emitError() << "expects " << rank << " scales but got "
                           << scales->size(),
           failure();
  SmallVector<int64_t> sizes;
  for (int64_t i = 0; i < rank; ++i)
    sizes.push_back(static_cast<int64_t>((*scales)[i] * shape[i]));
  return emitResize(ctx, options, x, *scales, sizes, {}, results);
}

} // namespace

LogicalResult resize(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  if (ctx.opset < 11)
    return resizeByScales(ctx, x, DlgEmitter::constantFloats(ctx.input(1)), 1,
                          ctx.stringAttr("mode", "nearest"), results);
  ResizeOptions options;
  options.mode = ctx.stringAttr("mode", "nearest");
  options.coordinates =
      ctx.stringAttr("coordinate_transformation_mode", "half_pixel");
  options.nearestMode = ctx.stringAttr("nearest_mode", "round_prefer_floor");
  options.cubicA = ctx.floatAttr("cubic_coeff_a", -0.75f);
  options.excludeOutside = ctx.intAttr("exclude_outside", 0) != 0;
  options.antialias = ctx.intAttr("antialias", 0) != 0;
  options.extrapolation = ctx.floatAttr("extrapolation_value", 0);
  if (options.mode != "nearest" && options.mode != "linear" &&
      options.mode != "cubic")
    return ctx.emitError() << "attribute 'mode' = '" << options.mode
                           << "' is not supported",
           failure();
  if (options.mode == "nearest" && options.antialias)
    return ctx.emitError() << "antialias is not defined for mode 'nearest'",
           failure();
  StringRef nearest = options.nearestMode;
  if (nearest != "round_prefer_floor" && nearest != "round_prefer_ceil" &&
      nearest != "floor" && nearest != "ceil")
    return ctx.emitError() << "attribute 'nearest_mode' = '" << nearest
                           << "' is not supported",
           failure();
  StringRef coordinates = options.coordinates;
  if (!llvm::is_contained({"align_corners", "asymmetric", "tf_crop_and_resize",
                           "pytorch_half_pixel", "half_pixel",
                           "half_pixel_symmetric"},
                          coordinates))
    return ctx.emitError() << "attribute 'coordinate_transformation_mode' = '"
                           << coordinates << "' is not supported",
           failure();
  std::string policy = ctx.stringAttr("keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return ctx.emitError() << "attribute 'keep_aspect_ratio_policy' = '"
                           << policy << "' is not supported",
           failure();

  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  int64_t rank = shape.size();
  SmallVector<int64_t> axes = ctx.intsAttr("axes");
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  for (int64_t &axis : axes) {
    std::optional<int64_t> normalized = dlg::normalizeAxis(axis, rank);
    if (!normalized)
      return ctx.emitError() << "axis " << axis << " is out of range [" << -rank
                             << ", " << rank - 1 << "]",
             failure();
    axis = *normalized;
  }
  int64_t count = axes.size();

  // An argument: absent (no input or no elements), known at import time
  // (`values`), or only known at run time (`values` empty).
  struct Arg {
    Value value;
    std::optional<SmallVector<double>> values;
    explicit operator bool() const { return bool(value); }
  };
  auto argument = [&](size_t i) {
    Arg arg;
    Value input = ctx.input(i);
    if (!input || DlgEmitter::typeOf(input).getNumElements() == 0)
      return arg;
    arg.value = input;
    arg.values = DlgEmitter::constantFloats(input);
    // Sizes are often computed from Shape; the importer tracks those.
    if (!arg.values)
      if (std::optional<SmallVector<int64_t>> ints = ctx.constantInts(i))
        arg.values = SmallVector<double>(ints->begin(), ints->end());
    return arg;
  };
  bool crop = options.coordinates == "tf_crop_and_resize";
  Arg roiIn = crop ? argument(1) : Arg();
  Arg scalesIn = argument(2), sizesIn = argument(3);
  if (!scalesIn == !sizesIn)
    return ctx.emitError() << "expects exactly one of 'scales' and 'sizes'",
           failure();
  if (crop && !roiIn)
    return ctx.emitError() << "tf_crop_and_resize needs 'roi'", failure();
  auto expectCount = [&](const Arg &arg, int64_t n, StringRef what) {
    int64_t got = DlgEmitter::typeOf(arg.value).getNumElements();
    if (DlgEmitter::typeOf(arg.value).getRank() == 1 && got == n)
      return success();
    return ctx.emitError() << "expects " << n << " " << what << " but got "
                           << got,
           failure();
  };
  if ((roiIn && failed(expectCount(roiIn, 2 * count, "roi values"))) ||
      (scalesIn && failed(expectCount(scalesIn, count, "scales"))) ||
      (sizesIn && failed(expectCount(sizesIn, count, "sizes"))))
    return failure();

  // A run-time `sizes` under the stretch policy only determines the (declared)
  // shape: check it and go on as if it were constant.
  Composer c(ctx);
  std::optional<SmallVector<int64_t>> declared;
  auto requireDeclared = [&](size_t arg, StringRef what) -> LogicalResult {
    if (declared)
      return success();
    FailureOr<SmallVector<int64_t>> out =
        declaredResizeShape(ctx, arg, what, shape, axes);
    if (failed(out))
      return failure();
    declared = *out;
    return success();
  };
  if (sizesIn && !sizesIn.values && policy == "stretch") {
    if (failed(requireDeclared(3, "sizes")))
      return failure();
    SmallVector<int64_t> expected;
    for (int64_t axis : axes)
      expected.push_back((*declared)[axis]);
    c.check(c.allOf(c.create<dlg::EqualOp>({c.intsInput(3), c.ints(expected)})),
            "'sizes' must equal the declared output sizes of the resized axes");
    sizesIn.values = SmallVector<double>(expected.begin(), expected.end());
  }

  // With known scales (or sizes), the output shape is known too.
  bool knownScales = scalesIn ? bool(scalesIn.values) : bool(sizesIn.values);
  SmallVector<double> scales(rank, 1.0);
  SmallVector<int64_t> sizes(shape);
  if (knownScales && scalesIn) {
    for (int64_t i = 0; i < count; ++i) {
      if ((*scalesIn.values)[i] <= 0)
        return ctx.emitError() << "expects positive scales", failure();
      scales[axes[i]] = (*scalesIn.values)[i];
      sizes[axes[i]] =
          static_cast<int64_t>((*scalesIn.values)[i] * shape[axes[i]]);
    }
  } else if (knownScales) {
    for (int64_t i = 0; i < count; ++i) {
      sizes[axes[i]] = static_cast<int64_t>((*sizesIn.values)[i]);
      scales[axes[i]] = (*sizesIn.values)[i] / shape[axes[i]];
    }
    if (policy == "not_larger" || policy == "not_smaller") {
      double scale = scales[axes[0]];
      for (int64_t axis : axes)
        scale = policy == "not_larger" ? std::min(scale, scales[axis])
                                       : std::max(scale, scales[axis]);
      for (int64_t axis : axes) {
        scales[axis] = scale;
        sizes[axis] = static_cast<int64_t>(scale * shape[axis] + 0.5);
      }
    }
  }
  if (knownScales && declared &&
      ArrayRef<int64_t>(sizes) != ArrayRef<int64_t>(*declared))
    return ctx.emitError()
               << "the declared output shape does not match the resized shape",
           failure();

  if (knownScales && (!roiIn || roiIn.values)) {
    // Everything known at import time: constant sample tables.
    SmallVector<double> roi;
    if (roiIn) {
      roi.assign(rank, 0.0);
      roi.append(rank, 1.0);
      for (int64_t i = 0; i < count; ++i) {
        roi[axes[i]] = (*roiIn.values)[i];
        roi[axes[i] + rank] = (*roiIn.values)[count + i];
      }
    }
    if (failed(emitResize(ctx, options, x, scales, sizes, roi, results)))
      return failure();
    // Fails when a check of run-time sizes failed to build.
    SmallVector<Value> none;
    return c.finish({}, none);
  }

  // Some sample positions depend on run-time values.
  if (!knownScales &&
      failed(requireDeclared(scalesIn ? 2 : 3, scalesIn ? "scales" : "sizes")))
    return failure();
  ArrayRef<int64_t> out = knownScales ? ArrayRef<int64_t>(sizes) : *declared;
  Type f64 = ctx.builder.getF64Type();
  SmallVector<RuntimeAxis> plan(rank);
  if (knownScales) {
    // Known scales with a run-time roi.
    for (int64_t axis : axes) {
      plan[axis].scale = c.scalar(f64, scales[axis]);
      plan[axis].minScale = scales[axis];
    }
  } else if (scalesIn) {
    runtimeScales(ctx, c, scalesIn.value, axes, shape, out, plan);
  } else {
    // keep_aspect_ratio_policy: one scale, the min (max) of sizes / in, and
    // round_half_up(scale * in) must give the declared sizes.
    Value ratios = c.create<dlg::DivOp>(
        {c.cast(sizesIn.value, f64),
         DlgEmitter(ctx).constant(
             f64, {count},
             llvm::to_vector(llvm::map_range(
                 axes, [&](int64_t axis) { return double(shape[axis]); })))});
    Value scale = policy == "not_larger"
                      ? c.reduceAll<dlg::ReduceMinOp>(ratios)
                      : c.reduceAll<dlg::ReduceMaxOp>(ratios);
    double minScale = 0;
    for (int64_t axis : axes)
      minScale = std::max(minScale, (out[axis] - 0.5) / shape[axis]);
    for (int64_t axis : axes) {
      plan[axis].scale = scale;
      plan[axis].minScale = minScale;
      Value size = c.create<dlg::FloorOp>({c.create<dlg::AddOp>(
          {c.create<dlg::MulOp>({scale, c.scalar(f64, shape[axis])}),
           c.scalar(f64, 0.5)})});
      c.check(c.create<dlg::EqualOp>({size, c.scalar(f64, out[axis])}),
              "'sizes' under keep_aspect_ratio_policy '" + policy +
                  "' must give the declared size " + llvm::Twine(out[axis]) +
                  " of dim " + llvm::Twine(axis));
    }
  }
  if (roiIn) {
    Value roi = c.cast(roiIn.value, f64);
    for (int64_t i = 0; i < count; ++i) {
      plan[axes[i]].roiStart = c.element(roi, i);
      plan[axes[i]].roiEnd = c.element(roi, count + i);
    }
  }
  return emitRuntimeResize(ctx, c, options, x, out, plan, results);
}

LogicalResult upsample(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  if (ctx.opset < 9) {
    // Upsample-7 carries the scales as a float list attribute.
    SmallVector<float> floats = ctx.floatsAttr("scales");
    if (ctx.hadAttributeTypeError())
      return failure();
    SmallVector<double> scales(floats.begin(), floats.end());
    return resizeByScales(ctx, ctx.input(0), scales, 0,
                          ctx.stringAttr("mode", "nearest"), results);
  }
  if (failed(ctx.requireInputs(2)))
    return failure();
  return resizeByScales(ctx, ctx.input(0),
                        DlgEmitter::constantFloats(ctx.input(1)), 1,
                        ctx.stringAttr("mode", "nearest"), results);
}

} // namespace dlc::onnx
