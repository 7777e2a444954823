//===- FuzzOnnxImport.cpp - libFuzzer target: the ONNX importer ------------===//
//
// Feeds raw bytes to the importer as a serialized ModelProto and verifies
// what it produces. Any crash, sanitizer report or invalid IR is a bug; an
// error diagnostic is the expected outcome for most inputs.
//
//===----------------------------------------------------------------------===//

#include "compiler/Compiler.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: imported constants live as long as it does.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  dlc::prepareContext(context);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  dlc::onnx::ImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = dlc::onnx::importModelBytes(
      &context,
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      /*baseDir=*/"", "fuzz.onnx", options);
  if (module && mlir::failed(mlir::verify(*module)))
    __builtin_trap();
  return 0;
}
