//===- CudaTarget.cpp - NVIDIA GPUs through LLVM's NVPTX backend ----------===//
//
// `--target=cuda:<chip>` lowers the model's loops to gpu.launch kernels,
// outlines them into gpu.modules, lowers those to NVVM and lets LLVM's NVPTX
// backend write PTX for the chip (gpu-module-to-binary, format isa).
// `--emit=ptx` writes the PTX of every kernel module as one text file.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace dlc {
namespace {

/// The chips dlc generates code for, as `--target=cuda:<chip>` names them.
constexpr llvm::StringLiteral kChips[] = {"sm_80", "sm_86", "sm_89", "sm_90",
                                          "sm_90a"};

class CudaTarget : public Target {
public:
  llvm::StringRef name() const override { return "cuda"; }
  bool emitsHostCode() const override { return false; }

  LogicalResult verifyOptions(Location loc,
                              TargetOptions &options) const override {
    if (options.chip.empty())
      options.chip = "sm_80";
    if (!llvm::is_contained(kChips, options.chip))
      return emitError(loc) << "unknown CUDA chip '" << options.chip
                            << "'; available: "
                            << llvm::join(llvm::ArrayRef(kChips), ", ");
    if (!llvm::is_contained({"fp32", "tf32", "bf16", "fp16"},
                            llvm::StringRef(options.precision)))
      return emitError(loc) << "unknown precision '" << options.precision
                            << "' (expected fp32, tf32, bf16 or fp16)";
    return success();
  }

  void configurePipeline(PipelineOptions &options,
                         const TargetOptions &targetOptions) const override {
    options.gpuChip = targetOptions.chip;
    options.gpuPrecision = targetOptions.precision;
  }

  void buildCodegenPipeline(OpPassManager &pm,
                            const PipelineOptions &options) const override {
    buildCudaCodegenPipeline(pm, options);
  }

  LogicalResult emitPTX(ModuleOp module, const TargetOptions &options,
                        llvm::raw_ostream &os) const override {
    unsigned count = 0;
    WalkResult result = module.walk([&](gpu::BinaryOp binary) {
      for (Attribute attr : binary.getObjects()) {
        auto object = cast<gpu::ObjectAttr>(attr);
        if (object.getFormat() != gpu::CompilationTarget::Assembly) {
          binary.emitError("kernel module is not PTX assembly");
          return WalkResult::interrupt();
        }
        os << "// dlc kernel module " << binary.getSymName() << " for "
           << options.chip << "\n"
           << object.getObject().getValue() << "\n";
        ++count;
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
    if (count == 0)
      os << "// dlc: the model has no GPU kernels\n";
    return success();
  }

  LogicalResult emitLLVMIR(ModuleOp module, const TargetOptions &,
                           llvm::raw_ostream &) const override {
    return unsupported(module, "llvm");
  }

  LogicalResult emitObject(ModuleOp module, const TargetOptions &,
                           llvm::raw_pwrite_stream &) const override {
    return unsupported(module, "obj/so");
  }

  LogicalResult linkSharedLibrary(Location loc, llvm::StringRef,
                                  llvm::StringRef) const override {
    return emitError(loc) << "the cuda target cannot link a library yet";
  }

private:
  // The driver asks emitsHostCode() first; these answer callers that did
  // not.
  static LogicalResult unsupported(ModuleOp module, llvm::StringRef emit) {
    return emitError(module.getLoc())
           << "the cuda target emits no host code (--emit=" << emit << ")";
  }
};

} // namespace

std::unique_ptr<Target> createCudaTarget() {
  return std::make_unique<CudaTarget>();
}

} // namespace dlc
