//===- TensorImport.h - ONNX TensorProto -> constant attribute --*- C++ -*-===//

#ifndef DLC_FRONTENDS_ONNX_TENSORIMPORT_H
#define DLC_FRONTENDS_ONNX_TENSORIMPORT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

namespace onnx {
class TensorProto;
} // namespace onnx

namespace dlc::onnx {

/// Converts `tensor` (whose raw data may be moved out) into an elements
/// attribute: a dense_resource blob for weights, a dense attribute for small
/// tensors. External data is read from inside `baseDir` only. `ints`
/// receives the values of small integer tensors (shape arguments).
mlir::FailureOr<mlir::ElementsAttr>
importTensor(mlir::MLIRContext *ctx, mlir::Location loc,
             ::onnx::TensorProto &tensor, llvm::StringRef baseDir,
             llvm::SmallVectorImpl<int64_t> *ints);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_TENSORIMPORT_H
