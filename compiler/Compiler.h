//===- Compiler.h - The dlc compilation driver ------------------*- C++ -*-===//
//
// Runs the phases on an ONNX model and writes the requested artifact. Used by
// the dlc tool and the in-process JIT.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_COMPILER_H
#define DLC_COMPILER_COMPILER_H

#include "compiler/Pipelines.h"
#include "compiler/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

namespace dlc {

/// What `dlc` writes.
enum class EmitKind {
  Dlg,    ///< MLIR after the optimize phase.
  Linalg, ///< MLIR after the lower phase.
  LLVM,   ///< Optimized LLVM IR.
  Object, ///< A relocatable object.
  Shared, ///< The loadable shared library (default).
  PTX,    ///< The PTX of every GPU kernel, as one text file.
};

std::optional<EmitKind> parseEmitKind(llvm::StringRef name);

struct CompileOptions {
  /// A registered target's name, with `:chip` for GPU targets.
  std::string target = "cpu";
  /// When set, print the MLIR after this phase instead of emitting.
  std::optional<Phase> compileTo;
  EmitKind emit = EmitKind::Shared;
  TargetOptions targetOptions;
  bool parallel = true;
  /// Static shapes for graph inputs, by name.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Called with the module after the optimize phase, when it runs.
  std::function<void(mlir::ModuleOp)> afterOptimize;
  /// Verify the IR after every pass (otherwise once, after the pipeline).
  bool verifyEach = false;
  /// When set, a pass that fails or crashes writes an MLIR reproducer (its
  /// pipeline and input IR, for `dlc-opt --run-reproducer`) here.
  std::string crashReproducer;
};

/// Sets up `context` with every dialect and translation dlc uses.
void prepareContext(mlir::MLIRContext &context);

/// Compiles the ONNX model at `inputPath` into `outputPath` ("-" is stdout
/// for textual outputs). Diagnostics go to the context's handler.
mlir::LogicalResult compileOnnxFile(mlir::MLIRContext &context,
                                    llvm::StringRef inputPath,
                                    llvm::StringRef outputPath,
                                    const CompileOptions &options);

} // namespace dlc

#endif // DLC_COMPILER_COMPILER_H
