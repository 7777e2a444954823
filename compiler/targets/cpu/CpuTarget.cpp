//===- CpuTarget.cpp - The host CPU target --------------------------------===//
//
// LLVM dialect -> LLVM IR -> optimized object for the host (or a named) CPU,
// linked with the OpenMP runtime into a shared library.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace dlc {
namespace {

class CpuTarget : public Target {
public:
  llvm::StringRef name() const override { return "cpu"; }

  void configurePipeline(PipelineOptions &options,
                         const TargetOptions &targetOptions) const override {
    options.ukernelIsa =
        targetOptions.ukernels ? ukernelIsaFor(targetOptions.cpu) : "none";
  }

  void buildCodegenPipeline(OpPassManager &pm,
                            const PipelineOptions &options) const override {
    buildCpuCodegenPipeline(pm, options);
  }

  LogicalResult emitLLVMIR(ModuleOp module, const TargetOptions &options,
                           llvm::raw_ostream &os) const override {
    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::TargetMachine> machine;
    std::unique_ptr<llvm::Module> llvmModule =
        translateAndOptimize(module, options, llvmContext, machine);
    if (!llvmModule)
      return failure();
    llvmModule->print(os, nullptr);
    return success();
  }

  LogicalResult emitObject(ModuleOp module, const TargetOptions &options,
                           llvm::raw_pwrite_stream &os) const override {
    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::TargetMachine> machine;
    std::unique_ptr<llvm::Module> llvmModule =
        translateAndOptimize(module, options, llvmContext, machine);
    if (!llvmModule)
      return failure();
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      return emitError(module.getLoc(), "LLVM cannot emit objects for ")
             << machine->getTargetTriple().str();
    codegen.run(*llvmModule);
    return success();
  }

  LogicalResult linkSharedLibrary(Location loc, llvm::StringRef objectPath,
                                  llvm::StringRef outputPath) const override {
    // clang drives the system linker and knows the C runtime's paths.
    std::string linker = DLC_CLANG_PATH;
    if (!llvm::sys::fs::can_execute(linker)) {
      auto found = llvm::sys::findProgramByName("cc");
      if (!found)
        return emitError(loc, "no linker: neither ")
               << DLC_CLANG_PATH << " nor cc is available";
      linker = *found;
    }
    std::string rpath = std::string("-Wl,-rpath,") + DLC_OPENMP_LIBRARY_DIR;
    std::string libDir = std::string("-L") + DLC_OPENMP_LIBRARY_DIR;
    llvm::SmallVector<llvm::StringRef> args = {linker,
                                               "-shared",
                                               "-o",
                                               outputPath,
                                               objectPath,
                                               libDir,
                                               rpath,
                                               DLC_UKERNELS_LIBRARY,
                                               "-lomp",
                                               "-lm",
                                               "-Wl,--no-undefined",
                                               "-Wl,-z,noexecstack"};
    // LLVM lowers some conversions (f32 -> bf16) to compiler-rt builtins;
    // they are linked statically, so the model needs no extra library.
    if (linker == DLC_CLANG_PATH)
      args.push_back("-rtlib=compiler-rt");
    std::string message;
    int status = llvm::sys::ExecuteAndWait(linker, args, std::nullopt, {}, 0, 0,
                                           &message);
    if (status != 0)
      return emitError(loc, "linking ")
             << outputPath << " failed (" << linker << " exited with " << status
             << (message.empty() ? "" : ": ") << message << ")";
    return success();
  }

private:
  /// The best ukernel instruction set of `cpu` ("native" or an LLVM name).
  static std::string ukernelIsaFor(llvm::StringRef cpu) {
    llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
    if (!triple.isX86())
      return "generic";
    auto has = [&](llvm::StringRef feature) {
      if (cpu == "native") {
        llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
        return features.lookup(feature);
      }
      llvm::InitializeNativeTarget();
      std::string error;
      const llvm::Target *target =
          llvm::TargetRegistry::lookupTarget(triple, error);
      if (!target)
        return false;
      std::unique_ptr<llvm::MCSubtargetInfo> info(
          target->createMCSubtargetInfo(triple, cpu, ""));
      return info && info->checkFeatures(("+" + feature).str());
    };
    if (has("avx512f"))
      return "avx512";
    if (has("avx2") && has("fma"))
      return "avx2";
    return "generic";
  }

  static std::unique_ptr<llvm::Module>
  translateAndOptimize(ModuleOp module, const TargetOptions &options,
                       llvm::LLVMContext &llvmContext,
                       std::unique_ptr<llvm::TargetMachine> &machine) {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    DialectRegistry registry;
    registerBuiltinDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerOpenMPDialectTranslation(registry);
    module->getContext()->appendDialectRegistry(registry);

    std::unique_ptr<llvm::Module> llvmModule =
        translateModuleToLLVMIR(module, llvmContext, "dlc_model");
    if (!llvmModule) {
      emitError(module.getLoc(), "cannot translate the module to LLVM IR");
      return nullptr;
    }
    llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
    std::string error;
    const llvm::Target *target =
        llvm::TargetRegistry::lookupTarget(triple, error);
    if (!target) {
      emitError(module.getLoc(), "no LLVM target: ") << error;
      return nullptr;
    }
    std::string cpu = options.cpu;
    std::string features;
    if (cpu == "native") {
      cpu = llvm::sys::getHostCPUName().str();
      llvm::SubtargetFeatures featureList;
      for (const auto &feature : llvm::sys::getHostCPUFeatures())
        featureList.AddFeature(feature.getKey(), feature.getValue());
      features = featureList.getString();
    }
    llvm::TargetOptions targetOptions;
    machine.reset(target->createTargetMachine(
        triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
        llvm::CodeGenOptLevel::Aggressive));
    if (!machine) {
      emitError(module.getLoc(), "cannot create a target machine for ")
          << triple.str() << " cpu " << cpu;
      return nullptr;
    }
    llvmModule->setDataLayout(machine->createDataLayout());
    llvmModule->setTargetTriple(triple);
    for (llvm::Function &function : *llvmModule) {
      if (function.isDeclaration())
        continue;
      function.addFnAttr("target-cpu", cpu);
      if (!features.empty())
        function.addFnAttr("target-features", features);
    }

    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PipelineTuningOptions tuning;
    tuning.LoopVectorization = true;
    tuning.SLPVectorization = true;
    tuning.LoopUnrolling = false;
    llvm::PassBuilder passBuilder(machine.get(), tuning);
    passBuilder.registerModuleAnalyses(mam);
    passBuilder.registerCGSCCAnalyses(cgam);
    passBuilder.registerFunctionAnalyses(fam);
    passBuilder.registerLoopAnalyses(lam);
    passBuilder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = llvm::OptimizationLevel::O3;
    if (options.optLevel == 0)
      level = llvm::OptimizationLevel::O0;
    else if (options.optLevel == 1)
      level = llvm::OptimizationLevel::O1;
    else if (options.optLevel == 2)
      level = llvm::OptimizationLevel::O2;
    llvm::ModulePassManager mpm =
        level == llvm::OptimizationLevel::O0
            ? passBuilder.buildO0DefaultPipeline(level)
            : passBuilder.buildPerModuleDefaultPipeline(level);
    mpm.run(*llvmModule, mam);
    return llvmModule;
  }
};

} // namespace

std::unique_ptr<Target> createCpuTarget() {
  return std::make_unique<CpuTarget>();
}

} // namespace dlc
