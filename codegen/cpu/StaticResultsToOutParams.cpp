//===- StaticResultsToOutParams.cpp - Caller-allocated static results -----===//
//
// Like upstream buffer-results-to-out-params with hoist-static-allocs, but
// per result: upstream rejects a function with any dynamically shaped
// result, while the model ABI passes static outputs as caller storage and
// returns dynamic ones as model allocations.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace dlc {
#define GEN_PASS_DEF_CPUSTATICRESULTSTOOUTPARAMS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct CpuStaticResultsToOutParamsPass
    : impl::CpuStaticResultsToOutParamsBase<CpuStaticResultsToOutParamsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func || func.isExternal()) {
      module.emitError() << "no entry function '" << entryName
                         << "' with a body";
      return signalPassFailure();
    }
    if (!SymbolTable::symbolKnownUseEmpty(func, module)) {
      func.emitError("the entry function must not be called: its results "
                     "change into parameters");
      return signalPassFailure();
    }
    FunctionType type = func.getFunctionType();
    SmallVector<unsigned> moved;
    BitVector movedMask(type.getNumResults());
    for (auto [i, result] : llvm::enumerate(type.getResults())) {
      auto memref = dyn_cast<MemRefType>(result);
      if (!memref || !memref.getLayout().isIdentity()) {
        func.emitError() << "result " << i
                         << " must be an identity-layout memref but is "
                         << result;
        return signalPassFailure();
      }
      if (memref.hasStaticShape()) {
        moved.push_back(i);
        movedMask.set(i);
      }
    }

    Block &entry = func.getBody().front();
    SmallVector<BlockArgument> outParams;
    for (unsigned i : moved)
      outParams.push_back(entry.addArgument(type.getResult(i), func.getLoc()));
    SmallVector<func::ReturnOp> returns;
    func.walk([&](func::ReturnOp ret) { returns.push_back(ret); });
    for (func::ReturnOp ret : returns) {
      OpBuilder builder(ret);
      for (auto [param, i] : llvm::zip(outParams, moved)) {
        Value value = ret.getOperand(i);
        // Write straight into the out-parameter when the result is a
        // static allocation returned once by the only return.
        auto alloc = value.getDefiningOp<memref::AllocOp>();
        if (alloc && returns.size() == 1 &&
            alloc.getType() == param.getType() &&
            alloc->getParentOp() == func.getOperation() &&
            llvm::count(ret.getOperands(), value) == 1) {
          value.replaceAllUsesWith(param);
          alloc.erase();
          continue;
        }
        memref::CopyOp::create(builder, ret.getLoc(), value, param);
      }
      SmallVector<Value> kept;
      for (auto [i, value] : llvm::enumerate(ret.getOperands()))
        if (!movedMask.test(i))
          kept.push_back(value);
      ret->setOperands(kept);
    }

    SmallVector<Type> results;
    SmallVector<DictionaryAttr> resultAttrs;
    for (auto [i, result] : llvm::enumerate(type.getResults()))
      if (!movedMask.test(i)) {
        results.push_back(result);
        resultAttrs.push_back(func.getResultAttrDict(i));
      }
    SmallVector<DictionaryAttr> argAttrs;
    for (unsigned i = 0, e = type.getNumInputs(); i < e; ++i)
      argAttrs.push_back(func.getArgAttrDict(i));
    argAttrs.append(moved.size(), DictionaryAttr());
    func.setType(
        FunctionType::get(&getContext(), entry.getArgumentTypes(), results));
    func.setAllArgAttrs(argAttrs);
    func.setAllResultAttrs(resultAttrs);
    // The LLVM lowering spreads memref descriptors over scalar parameters;
    // dlc-cpu-emit-model-entry reads the memref types back from here.
    func->setAttr(kMemRefSignatureAttr, TypeAttr::get(func.getFunctionType()));
  }
};

} // namespace
} // namespace dlc
