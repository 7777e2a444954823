//===- MergeKernelModules.cpp - One gpu.module for all kernels ------------===//
//
// gpu-kernel-outlining gives every kernel its own gpu.module, so the model's
// PTX would be several modules (each with its own header, which ptxas and
// cuModuleLoadData do not accept concatenated). Moving every kernel into
// the first module gives one PTX module, loaded once at run time.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace dlc {
#define GEN_PASS_DEF_GPUMERGEKERNELMODULES
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct GpuMergeKernelModulesPass
    : impl::GpuMergeKernelModulesBase<GpuMergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernelModules(
        module.getOps<gpu::GPUModuleOp>());
    if (kernelModules.size() < 2)
      return;
    gpu::GPUModuleOp merged = kernelModules.front();
    SymbolTable mergedSymbols(merged);
    // (module, function) -> the function's name in the merged module.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp other : llvm::drop_begin(kernelModules)) {
      if (other.getTargetsAttr() != merged.getTargetsAttr() ||
          other->getDiscardableAttrDictionary() !=
              merged->getDiscardableAttrDictionary()) {
        other.emitError("kernel modules with different targets or "
                        "attributes cannot be merged");
        return signalPassFailure();
      }
      for (Operation &op :
           llvm::make_early_inc_range(other.getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol)
          continue;
        StringAttr oldName = symbol.getNameAttr();
        op.remove();
        // Renamed (uniquely) when the merged module has the name already.
        StringAttr newName = mergedSymbols.insert(&op);
        renamed[{other.getSymNameAttr(), oldName}] = newName;
      }
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      auto it = renamed.find(
          {kernel.getRootReference(), kernel.getLeafReference()});
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          merged.getSymNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp other : llvm::drop_begin(kernelModules))
      other.erase();
  }
};

} // namespace
} // namespace dlc
