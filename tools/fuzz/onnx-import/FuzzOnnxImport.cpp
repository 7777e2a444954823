//===- FuzzOnnxImport.cpp - libFuzzer target: the ONNX importer -----------===//
//
// Feeds raw bytes to the importer as a serialized ModelProto and verifies
// what it produces. Any crash, sanitizer report or invalid IR is a bug; an
// error diagnostic is the expected outcome for most inputs. The model's
// directory is a scratch directory holding external-data files, a
// subdirectory, a symbolic and a hard link, so that external data is fuzzed
// too.
//
//===----------------------------------------------------------------------===//

#include "compiler/Compiler.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <unistd.h>

static std::string modelDir;

static void writeFile(const llvm::Twine &path, size_t size) {
  std::error_code error;
  llvm::raw_fd_ostream os(path.str(), error);
  for (size_t i = 0; i < size && !error; ++i)
    os << static_cast<char>(i * 7);
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("dlc-fuzz-onnx-import", dir))
    std::abort();
  modelDir = dir.str().str();
  std::atexit([] { llvm::sys::fs::remove_directories(modelDir); });
  writeFile(dir + "/weights.bin", 4096);
  llvm::sys::fs::create_directory(dir + "/sub");
  writeFile(dir + "/sub/w.bin", 256);
  (void)::symlink("weights.bin", (dir + "/link.bin").str().c_str());
  writeFile(dir + "/shared.bin", 64);
  (void)::link((dir + "/shared.bin").str().c_str(),
               (dir + "/hard.bin").str().c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: imported constants live as long as it does.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  dlc::prepareContext(context);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  dlc::onnx::ImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = dlc::onnx::importModelBytes(
      &context, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      modelDir, "fuzz.onnx", options);
  if (module && mlir::failed(mlir::verify(*module)))
    __builtin_trap();
  return 0;
}
