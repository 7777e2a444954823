//===- OnnxImporter.h - ONNX model -> dlg dialect ---------------*- C++ -*-===//

#ifndef DLC_FRONTENDS_ONNX_ONNXIMPORTER_H
#define DLC_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

namespace dlc::onnx {

struct ImportOptions {
  /// Name of the generated function.
  std::string entryName = "main_graph";
  /// Static shapes for graph inputs, overriding (symbolic) model shapes.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
};

/// Imports the ONNX model at `path` into a module holding one function of dlg
/// ops. External data must lie inside the model's directory. Every problem is
/// reported as a diagnostic naming the node, op, domain and opset; the result
/// is null on failure.
mlir::OwningOpRef<mlir::ModuleOp> importModelFile(mlir::MLIRContext *ctx,
                                                  llvm::StringRef path,
                                                  const ImportOptions &options);

/// Same, from serialized ModelProto bytes; external data is resolved relative
/// to `baseDir` (none allowed when empty).
mlir::OwningOpRef<mlir::ModuleOp>
importModelBytes(mlir::MLIRContext *ctx, llvm::StringRef bytes,
                 llvm::StringRef baseDir, llvm::StringRef sourceName,
                 const ImportOptions &options);

/// Prints one line per supported op: `<domain or ai.onnx> <op> <since-versions
/// separated by commas>`, sorted; the default-domain opset range comes first
/// as `opsets <min> <max>`.
void printSupportedOps(llvm::raw_ostream &os);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_ONNXIMPORTER_H
