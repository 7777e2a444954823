//===- Target.h - Code generation targets -----------------------*- C++ -*-===//
//
// A target turns lowered linalg IR into an artifact. Targets register
// themselves by name; adding one never edits the others or the driver.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_TARGET_H
#define DLC_COMPILER_TARGET_H

#include "compiler/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace dlc {

struct TargetOptions {
  /// Target CPU for host code: "native" (the compiling machine) or an LLVM
  /// CPU name such as "x86-64-v3" or "sapphirerapids".
  std::string cpu = "native";
  /// Call hand-scheduled ukernels for the ops that have one (GEMMs).
  bool ukernels = true;
  /// LLVM optimization level 0-3.
  unsigned optLevel = 3;
  /// GPU architecture of a GPU target (`--target=cuda:<chip>`), e.g. sm_80.
  std::string chip;
  /// Precision of GPU matrix products: fp32, tf32, bf16 or fp16.
  std::string precision = "fp32";
};

class Target {
public:
  virtual ~Target() = default;
  virtual llvm::StringRef name() const = 0;
  /// Checks the options (and fills in defaults) before anything runs.
  virtual mlir::LogicalResult verifyOptions(mlir::Location loc,
                                            TargetOptions &options) const {
    if (!options.chip.empty())
      return mlir::emitError(loc)
             << "target '" << name() << "' takes no chip ('" << options.chip
             << "')";
    if (options.precision != "fp32")
      return mlir::emitError(loc) << "target '" << name()
                                  << "' computes in fp32 only (--precision="
                                  << options.precision << ")";
    return mlir::success();
  }
  /// Whether emitLLVMIR, emitObject and linkSharedLibrary work; a target
  /// without them fails those requests before compiling anything.
  virtual bool emitsHostCode() const { return true; }
  /// Sets the pipeline options that depend on the target machine, such as
  /// the instruction set of its ukernels.
  virtual void configurePipeline(PipelineOptions &options,
                                 const TargetOptions &targetOptions) const {}
  /// Adds the passes that take lowered IR to the LLVM dialect.
  virtual void buildCodegenPipeline(mlir::OpPassManager &pm,
                                    const PipelineOptions &options) const = 0;
  /// Writes optimized LLVM IR of `module` (already in the LLVM dialect).
  virtual mlir::LogicalResult emitLLVMIR(mlir::ModuleOp module,
                                         const TargetOptions &options,
                                         llvm::raw_ostream &os) const = 0;
  /// Writes a relocatable object of `module`.
  virtual mlir::LogicalResult emitObject(mlir::ModuleOp module,
                                         const TargetOptions &options,
                                         llvm::raw_pwrite_stream &os) const = 0;
  /// Writes the PTX of every kernel (GPU targets).
  virtual mlir::LogicalResult emitPTX(mlir::ModuleOp module,
                                      const TargetOptions &options,
                                      llvm::raw_ostream &os) const {
    return mlir::emitError(module.getLoc())
           << "target '" << name() << "' does not emit PTX";
  }
  /// Links objects into the shared library at `outputPath`.
  virtual mlir::LogicalResult
  linkSharedLibrary(mlir::Location loc, llvm::StringRef objectPath,
                    llvm::StringRef outputPath) const = 0;
};

void registerTarget(std::unique_ptr<Target> target);
/// The target called `name`, or null.
const Target *lookupTarget(llvm::StringRef name);
/// Comma-separated names of the registered targets.
std::string targetNames();

/// Registers the built-in targets (once).
void registerAllTargets();

} // namespace dlc

#endif // DLC_COMPILER_TARGET_H
