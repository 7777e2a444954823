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
      // Names the merged module has already are made unique first, inside
      // `other`, so that calls between its functions follow the rename.
      SymbolTable otherSymbols(other);
      for (Operation &op : other.getBody()->getOperations()) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol)
          continue;
        StringAttr oldName = symbol.getNameAttr();
        StringAttr newName = oldName;
        if (mergedSymbols.lookup(oldName)) {
          FailureOr<StringAttr> unique =
              otherSymbols.renameToUnique(&op, {&mergedSymbols});
          if (failed(unique)) {
            op.emitError("cannot rename kernel symbol ") << oldName;
            return signalPassFailure();
          }
          newName = *unique;
        }
        renamed[{other.getSymNameAttr(), oldName}] = newName;
      }
      for (Operation &op :
           llvm::make_early_inc_range(other.getBody()->getOperations())) {
        if (!isa<SymbolOpInterface>(op))
          continue;
        op.remove();
        mergedSymbols.insert(&op);
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
