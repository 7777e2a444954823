//===- RuntimeSlicing.h - Slicing with run-time arguments -------*- C++ -*-===//
//
// Slice, Pad, Compress and NonZero whose arguments (starts, pads, the
// condition, the data itself) are only known when the model runs. The
// result shape is the one the model declares; the positions are computed at
// run time on small i64 tensors and applied with dlg.gather, and dlg.check
// verifies that the run-time arguments give the declared shape.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_HANDLERS_RUNTIMESLICING_H
#define DLC_FRONTENDS_ONNX_HANDLERS_RUNTIMESLICING_H

#include "frontends/onnx/ImportContext.h"

namespace dlc::onnx {

/// "[2, 3, 4]".
std::string formatDims(llvm::ArrayRef<int64_t> shape);

/// The ways to drop unit dimensions of `big` so that `small` remains: one
/// mask over `big` per way (true = dropped). Empty when there is none or
/// more than `limit`.
llvm::SmallVector<llvm::SmallVector<bool>>
unitAxisSets(llvm::ArrayRef<int64_t> big, llvm::ArrayRef<int64_t> small,
             size_t limit = 64);

/// Slice (opset >= 10) with some of starts, ends, axes, steps not known at
/// compile time.
mlir::LogicalResult runtimeSlice(NodeContext &ctx,
                                 llvm::SmallVectorImpl<mlir::Value> &results);

/// Pad (opset >= 11) whose pads or axes are not known at compile time.
/// `fill` is the rank-0 padding value of constant mode.
mlir::LogicalResult runtimePad(NodeContext &ctx, mlir::Value input,
                               llvm::StringRef mode, mlir::Value fill,
                               llvm::SmallVectorImpl<mlir::Value> &results);

/// Compress of `input` along `axis` by the run-time input 1 (`condition`).
mlir::LogicalResult
runtimeCompress(NodeContext &ctx, mlir::Value input, int64_t axis,
                llvm::SmallVectorImpl<mlir::Value> &results);

/// NonZero: the coordinates of the non-zero elements, [rank, count].
mlir::LogicalResult nonZero(NodeContext &ctx,
                            llvm::SmallVectorImpl<mlir::Value> &results);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_HANDLERS_RUNTIMESLICING_H
