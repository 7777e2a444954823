//===- Resample.h - Shared pieces of the Resize handlers --------*- C++ -*-===//
//
// Resample.cpp builds Resize with sample tables known at import time;
// ResampleRuntime.cpp computes the sample positions and weights when the
// model runs, for scales, sizes or roi that are graph inputs.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_HANDLERS_RESAMPLE_H
#define DLC_FRONTENDS_ONNX_HANDLERS_RESAMPLE_H

#include "frontends/onnx/handlers/Composer.h"

#include <string>

namespace dlc::onnx::resample {

struct ResizeOptions {
  std::string mode = "nearest";
  std::string coordinates = "half_pixel";
  std::string nearestMode = "round_prefer_floor";
  double cubicA = -0.75;
  bool excludeOutside = false;
  bool antialias = false;
  double extrapolation = 0;
};

/// Run-time parameters of one resized axis: rank-0 f64 tensors.
struct RuntimeAxis {
  Value scale;
  /// The smallest scale consistent with the declared shape: bounds the
  /// antialiasing footprint.
  double minScale = 1;
  Value roiStart, roiEnd;
};

/// Resizes `x` to the declared `outShape`; `axes[d]` holds the run-time
/// parameters of dim d (a null scale keeps the dim).
LogicalResult emitRuntimeResize(NodeContext &ctx, Composer &c,
                                const ResizeOptions &options, Value x,
                                ArrayRef<int64_t> outShape,
                                ArrayRef<RuntimeAxis> axes,
                                SmallVectorImpl<Value> &results);

/// The declared output shape of a resize by run-time argument `arg`: same
/// rank, and the dims outside `axes` unchanged.
FailureOr<llvm::SmallVector<int64_t>>
declaredResizeShape(NodeContext &ctx, size_t arg, llvm::StringRef what,
                    ArrayRef<int64_t> shape, ArrayRef<int64_t> axes);

/// Fills `plan` with the run-time scales of the rank-1 input `scales` (one
/// per entry of `axes`), checking floor(scale * in) == the declared size.
void runtimeScales(NodeContext &ctx, Composer &c, Value scales,
                   ArrayRef<int64_t> axes, ArrayRef<int64_t> shape,
                   ArrayRef<int64_t> out, SmallVectorImpl<RuntimeAxis> &plan);

} // namespace dlc::onnx::resample

#endif // DLC_FRONTENDS_ONNX_HANDLERS_RESAMPLE_H
