//===- EmitModelEntry.cpp - The dlc_model_* ABI symbols -------------------===//
//
// Emits, in the LLVM dialect, the three symbols of ModelABI.h around the
// model function, which was lowered with the bare-pointer convention and
// takes the status word, then one pointer per input and one per output.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "dlc/runtime/ModelABI.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace dlc {
#define GEN_PASS_DEF_CPUEMITMODELENTRY
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct CpuEmitModelEntryPass
    : impl::CpuEmitModelEntryBase<CpuEmitModelEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    auto impl = module.lookupSymbol<LLVM::LLVMFuncOp>(entryName);
    if (!impl) {
      module.emitError() << "no LLVM function '" << entryName
                         << "' to wrap; lower the model to LLVM first";
      return signalPassFailure();
    }
    auto metadata = module->getAttrOfType<StringAttr>("dlc.model_metadata");
    if (!metadata) {
      module.emitError("missing 'dlc.model_metadata'; run "
                       "dlc-codegen-record-model-interface first");
      return signalPassFailure();
    }
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    LLVM::LLVMFunctionType implType = impl.getFunctionType();
    for (Type param : implType.getParams())
      if (param != ptrType) {
        impl.emitError() << "expects only pointer parameters (bare-pointer "
                            "memrefs) but got "
                         << param;
        return signalPassFailure();
      }
    // The model exports only the ABI symbols added below.
    for (auto function : module.getOps<LLVM::LLVMFuncOp>()) {
      if (function.isExternal())
        continue;
      function.setLinkage(LLVM::Linkage::Internal);
      if (function->removeAttr(kNoInlineAttr))
        function.setNoInline(true);
    }

    Location loc = impl.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());

    // int32_t dlc_model_run(void **buffers): the model function takes the
    // status word first, then the buffers.
    if (implType.getNumParams() == 0) {
      impl.emitError("expects the status word as the first parameter; run "
                     "dlc-codegen-record-model-interface first");
      return signalPassFailure();
    }
    auto i32Type = IntegerType::get(ctx, 32);
    auto run = LLVM::LLVMFuncOp::create(
        b, loc, DLC_MODEL_SYM_RUN,
        LLVM::LLVMFunctionType::get(i32Type, {ptrType}));
    {
      OpBuilder::InsertionGuard guard(b);
      Block *body = run.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      Value one = LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                           b.getI64IntegerAttr(1));
      Value status = LLVM::AllocaOp::create(b, loc, ptrType, i32Type, one,
                                            /*alignment=*/4);
      Value zero =
          LLVM::ConstantOp::create(b, loc, i32Type, b.getI32IntegerAttr(0));
      LLVM::StoreOp::create(b, loc, zero, status);
      SmallVector<Value> args = {status};
      for (unsigned i = 0, e = implType.getNumParams() - 1; i < e; ++i) {
        Value slot = LLVM::GEPOp::create(
            b, loc, ptrType, ptrType, body->getArgument(0),
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        args.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
      }
      LLVM::CallOp::create(b, loc, impl, args);
      Value result = LLVM::LoadOp::create(b, loc, i32Type, status);
      LLVM::ReturnOp::create(b, loc, result);
    }

    // const char *dlc_model_metadata(void)
    std::string text = metadata.str();
    text.push_back('\0');
    auto textType =
        LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), text.size());
    auto global = LLVM::GlobalOp::create(
        b, loc, textType, /*isConstant=*/true, LLVM::Linkage::Internal,
        "dlc_model_metadata_text", b.getStringAttr(text));
    auto metadataFn =
        LLVM::LLVMFuncOp::create(b, loc, DLC_MODEL_SYM_METADATA,
                                 LLVM::LLVMFunctionType::get(ptrType, {}));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(metadataFn.addEntryBlock(b));
      Value address = LLVM::AddressOfOp::create(b, loc, global);
      LLVM::ReturnOp::create(b, loc, address);
    }

    // int32_t dlc_model_abi_version(void)
    auto versionFn =
        LLVM::LLVMFuncOp::create(b, loc, DLC_MODEL_SYM_ABI_VERSION,
                                 LLVM::LLVMFunctionType::get(i32Type, {}));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(versionFn.addEntryBlock(b));
      Value version = LLVM::ConstantOp::create(
          b, loc, i32Type, b.getI32IntegerAttr(DLC_MODEL_ABI_VERSION));
      LLVM::ReturnOp::create(b, loc, version);
    }
    module->removeAttr("dlc.model_metadata");
  }
};

} // namespace
} // namespace dlc
