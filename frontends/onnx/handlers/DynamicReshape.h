//===- DynamicReshape.h - Shape and Reshape of dynamic dims -----*- C++ -*-===//
//
// Shape of a tensor with dynamic dims is a run-time i64 vector, and Reshape
// of such a tensor (or to such a vector) resolves its 0 and -1 entries when
// the model runs, checks the element count and reshapes with
// dlg.dynamic_reshape.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_HANDLERS_DYNAMICRESHAPE_H
#define DLC_FRONTENDS_ONNX_HANDLERS_DYNAMICRESHAPE_H

#include "frontends/onnx/ImportContext.h"

namespace dlc::onnx {

/// The dims [start, end) of `input` as a rank-1 i64 tensor computed at run
/// time (dlg.dim for the dynamic ones).
mlir::FailureOr<mlir::Value> runtimeShapeOf(NodeContext &ctx, mlir::Value input,
                                            int64_t start, int64_t end);

/// Reshape (input 0 by the rank-1 i64 `shape`, input 1) where the input or
/// the result has dynamic dims. `resultDims` are the result dims known at
/// compile time (dynamic where unknown); the run-time shape must agree.
mlir::LogicalResult dynamicReshape(NodeContext &ctx, mlir::Value shape,
                                   llvm::ArrayRef<int64_t> resultDims,
                                   llvm::SmallVectorImpl<mlir::Value> &results);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_HANDLERS_DYNAMICRESHAPE_H
