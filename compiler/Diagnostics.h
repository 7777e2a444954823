//===- Diagnostics.h - Diagnostics that name the ONNX node ------*- C++ -*-===//

#ifndef DLC_COMPILER_DIAGNOSTICS_H
#define DLC_COMPILER_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

namespace dlc {

/// Prints every diagnostic as `<file>: <severity>: node '<name>': <message>`.
/// Ops keep the ONNX node name as a NameLoc through all phases, so an error
/// in any pass still names the node; messages that already name it (those of
/// the importer) are printed as they are.
class NodeDiagnosticHandler : public mlir::ScopedDiagnosticHandler {
public:
  NodeDiagnosticHandler(mlir::MLIRContext *ctx, llvm::raw_ostream &os);

private:
  void print(mlir::Diagnostic &diag);
  llvm::raw_ostream &os;
};

} // namespace dlc

#endif // DLC_COMPILER_DIAGNOSTICS_H
