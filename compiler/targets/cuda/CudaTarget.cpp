//===- CudaTarget.cpp - NVIDIA GPUs through LLVM's NVPTX backend ----------===//
//
// `--target=cuda:<chip>` lowers the model's loops to gpu.launch kernels,
// outlines them into gpu.modules, lowers those to NVVM and lets LLVM's NVPTX
// backend write PTX for the chip (gpu-module-to-binary, format isa), which
// ptxas also assembles into a cubin when the CUDA toolkit is installed. The
// host code, which launches the kernels through the runtime, is compiled like
// a CPU model's into the model's shared library, with the images embedded.
// `--emit=ptx` writes the PTX of every kernel module as one text file.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <cstdlib>
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace dlc {

std::unique_ptr<Target> createCpuTarget();

namespace {

/// The chips dlc generates code for, as `--target=cuda:<chip>` names them.
constexpr llvm::StringLiteral kChips[] = {"sm_80", "sm_86", "sm_89", "sm_90",
                                          "sm_90a"};

class CudaTarget : public Target {
public:
  llvm::StringRef name() const override { return "cuda"; }

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
    options.device = "cuda";
    options.gpuChip = targetOptions.chip;
    options.gpuPtxas = findPtxas();
    options.gpuPrecision = targetOptions.precision;
  }

  void buildCodegenPipeline(OpPassManager &pm,
                            const PipelineOptions &options) const override {
    buildCudaCodegenPipeline(pm, options);
  }

  LogicalResult emitPTX(ModuleOp module, const TargetOptions &options,
                        llvm::raw_ostream &os) const override {
    // The kernel images dlc-gpu-lower-host-to-runtime embedded.
    unsigned count = 0;
    for (auto global : module.getOps<LLVM::GlobalOp>()) {
      auto module = global->getAttrOfType<StringAttr>("dlc.kernel_image");
      if (!module)
        continue;
      auto text = dyn_cast_or_null<StringAttr>(global.getValueOrNull());
      if (!text)
        return global.emitError("kernel image is not PTX text");
      os << "// dlc kernel module " << module.getValue() << " for "
         << options.chip << "\n"
         << text.getValue() << "\n";
      ++count;
    }
    if (count == 0)
      os << "// dlc: the model has no GPU kernels\n";
    return success();
  }

  // The host code is x86 (or whichever CPU compiles) code, built like a CPU
  // model's.
  LogicalResult emitLLVMIR(ModuleOp module, const TargetOptions &options,
                           llvm::raw_ostream &os) const override {
    return host->emitLLVMIR(module, options, os);
  }

  LogicalResult emitObject(ModuleOp module, const TargetOptions &options,
                           llvm::raw_pwrite_stream &os) const override {
    return host->emitObject(module, options, os);
  }

  LogicalResult linkSharedLibrary(Location loc, llvm::StringRef objectPath,
                                  llvm::StringRef outputPath) const override {
    return host->linkSharedLibrary(loc, objectPath, outputPath);
  }

private:
  /// ptxas for the models' cubins: `DLC_PTXAS` (`none`: no cubins), else
  /// the one on PATH, in $CUDA_PATH/bin or in /usr/local/cuda/bin.
  static std::string findPtxas() {
    if (const char *env = std::getenv("DLC_PTXAS"); env && *env)
      return llvm::StringRef(env) == "none" ? "" : env;
    if (llvm::ErrorOr<std::string> path =
            llvm::sys::findProgramByName("ptxas"))
      return *path;
    llvm::SmallVector<std::string> candidates;
    if (const char *cuda = std::getenv("CUDA_PATH"); cuda && *cuda)
      candidates.push_back(std::string(cuda) + "/bin/ptxas");
    candidates.push_back("/usr/local/cuda/bin/ptxas");
    for (const std::string &candidate : candidates)
      if (llvm::sys::fs::can_execute(candidate))
        return candidate;
    return "";
  }

  std::unique_ptr<Target> host = createCpuTarget();
};

} // namespace

std::unique_ptr<Target> createCudaTarget() {
  return std::make_unique<CudaTarget>();
}

} // namespace dlc
