//===- EmitModelEntry.cpp - The dlc_model_* ABI symbols -------------------===//
//
// Emits, in the LLVM dialect, the three symbols of ModelABI.h around the
// model function, which was lowered with the default calling convention
// (each memref spread over allocated and aligned pointers, offset, sizes and
// strides) and takes the status word, the inputs and the static outputs, and
// returns the dynamically shaped outputs as descriptors.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "dlc/runtime/ModelABI.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"

namespace dlc {
#define GEN_PASS_DEF_CPUEMITMODELENTRY
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// An input or output record of the metadata text: its dims, -1 if dynamic.
struct Tensor {
  std::string name;
  SmallVector<int64_t> dims;
  bool isDynamic() const { return llvm::is_contained(dims, int64_t(-1)); }
};

/// Reads the input and output records of the metadata text that
/// dlc-codegen-record-model-interface wrote (`<kind> <name> <dtype> <rank>
/// <dims>...`).
void parseInterface(StringRef text, std::vector<Tensor> &inputs,
                    std::vector<Tensor> &outputs) {
  SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef line : lines) {
    SmallVector<StringRef> fields;
    line.split(fields, ' ');
    if (fields.size() < 4 || (fields[0] != "input" && fields[0] != "output"))
      continue;
    Tensor t;
    t.name = fields[1].str();
    for (StringRef field : ArrayRef(fields).drop_front(4)) {
      int64_t dim = -1;
      if (!field.starts_with("?"))
        (void)field.getAsInteger(10, dim);
      t.dims.push_back(dim);
    }
    (fields[0] == "input" ? inputs : outputs).push_back(std::move(t));
  }
}

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
    auto i64Type = IntegerType::get(ctx, 64);
    auto i32Type = IntegerType::get(ctx, 32);
    LLVM::LLVMFunctionType implType = impl.getFunctionType();
    auto signatureAttr = impl->getAttrOfType<TypeAttr>(kMemRefSignatureAttr);
    auto signature = signatureAttr
                         ? dyn_cast<FunctionType>(signatureAttr.getValue())
                         : FunctionType();
    if (!signature) {
      impl.emitError() << "missing '" << kMemRefSignatureAttr
                       << "'; run dlc-cpu-static-results-to-out-params first";
      return signalPassFailure();
    }
    std::vector<Tensor> inputs, outputs;
    parseInterface(metadata.getValue(), inputs, outputs);
    size_t numStatic =
        llvm::count_if(outputs, [](const Tensor &t) { return !t.isDynamic(); });
    if (signature.getNumInputs() != 1 + inputs.size() + numStatic ||
        signature.getNumResults() != outputs.size() - numStatic) {
      impl.emitError() << "memref signature " << signature
                       << " does not fit the status word, " << inputs.size()
                       << " inputs and " << numStatic
                       << " static outputs as parameters and "
                       << outputs.size() - numStatic
                       << " dynamic outputs as results";
      return signalPassFailure();
    }
    // The descriptor calling convention: allocated and aligned pointers,
    // offset, sizes, strides.
    SmallVector<Type> expectedParams;
    for (Type type : signature.getInputs()) {
      auto memref = dyn_cast<MemRefType>(type);
      if (!memref || !memref.getLayout().isIdentity()) {
        impl.emitError() << "expects identity-layout memref parameters but got "
                         << type;
        return signalPassFailure();
      }
      expectedParams.append({ptrType, ptrType, i64Type});
      expectedParams.append(2 * memref.getRank(), i64Type);
    }
    if (ArrayRef<Type>(expectedParams) != implType.getParams()) {
      impl.emitError() << "parameters " << implType
                       << " are not the memref descriptors of " << signature;
      return signalPassFailure();
    }
    for (auto [type, output] :
         llvm::zip(signature.getResults(),
                   llvm::make_filter_range(outputs, [](const Tensor &t) {
                     return t.isDynamic();
                   }))) {
      auto memref = dyn_cast<MemRefType>(type);
      if (!memref || memref.getRank() != (int64_t)output.dims.size()) {
        impl.emitError() << "result " << type << " does not fit output '"
                         << output.name << "' of rank " << output.dims.size();
        return signalPassFailure();
      }
    }
    // The model exports only the ABI symbols: those added below, and the
    // CUDA function table's setter.
    for (auto function : module.getOps<LLVM::LLVMFuncOp>()) {
      if (function.isExternal() ||
          function.getName() == DLC_MODEL_SYM_SET_CUDA_API)
        continue;
      function.setLinkage(LLVM::Linkage::Internal);
      if (function->removeAttr(kNoInlineAttr))
        function.setNoInline(true);
    }
    impl->removeAttr(kMemRefSignatureAttr);

    Location loc = impl.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());

    // int32_t dlc_model_run(void **buffers, int64_t *dims)
    auto run = LLVM::LLVMFuncOp::create(
        b, loc, DLC_MODEL_SYM_RUN,
        LLVM::LLVMFunctionType::get(i32Type, {ptrType, ptrType}));
    {
      OpBuilder::InsertionGuard guard(b);
      Block *body = run.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      Value buffers = body->getArgument(0), dims = body->getArgument(1);
      auto i64 = [&](int64_t value) -> Value {
        return LLVM::ConstantOp::create(b, loc, i64Type,
                                        b.getI64IntegerAttr(value));
      };
      auto slot = [&](Value base, Type element, int64_t index) -> Value {
        return LLVM::GEPOp::create(
            b, loc, ptrType, element, base,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
      };
      Value status = LLVM::AllocaOp::create(b, loc, ptrType, i32Type, i64(1),
                                            /*alignment=*/4);
      Value zero =
          LLVM::ConstantOp::create(b, loc, i32Type, b.getI32IntegerAttr(0));
      LLVM::StoreOp::create(b, loc, zero, status);

      // Slot of the first dim of each input and output in `dims`.
      SmallVector<int64_t> inputDims, outputDims;
      int64_t nextDim = 0;
      for (const Tensor &t : inputs) {
        inputDims.push_back(nextDim);
        nextDim += t.dims.size();
      }
      for (const Tensor &t : outputs) {
        outputDims.push_back(nextDim);
        nextDim += t.dims.size();
      }
      // Buffer slot of each static output, in out-parameter order.
      SmallVector<int64_t> staticOutputSlots;
      for (auto [i, t] : llvm::enumerate(outputs))
        if (!t.isDynamic())
          staticOutputSlots.push_back(inputs.size() + i);

      SmallVector<Value> args;
      for (auto [p, type] : llvm::enumerate(signature.getInputs())) {
        auto memref = cast<MemRefType>(type);
        Value data;
        std::optional<int64_t> firstDim;
        if (p == 0) {
          data = status;
        } else if (p <= inputs.size()) {
          data = LLVM::LoadOp::create(b, loc, ptrType,
                                      slot(buffers, ptrType, p - 1));
          firstDim = inputDims[p - 1];
        } else {
          data = LLVM::LoadOp::create(
              b, loc, ptrType,
              slot(buffers, ptrType, staticOutputSlots[p - 1 - inputs.size()]));
        }
        SmallVector<Value> sizes;
        for (auto [d, dim] : llvm::enumerate(memref.getShape())) {
          if (ShapedType::isStatic(dim)) {
            sizes.push_back(i64(dim));
            continue;
          }
          // Only inputs have dynamic parameter dims (recorded with their
          // metadata rank: empty flattening applies to static shapes).
          if (!firstDim ||
              (size_t)memref.getRank() != inputs[p - 1].dims.size()) {
            impl.emitError() << "parameter " << p << " of type " << memref
                             << " has a dynamic dim but is not an input of "
                                "the same rank";
            return signalPassFailure();
          }
          sizes.push_back(LLVM::LoadOp::create(
              b, loc, i64Type, slot(dims, i64Type, *firstDim + d)));
        }
        // Dense row-major: each stride is the product of the later sizes.
        // Static products stay constants.
        SmallVector<Value> strides(sizes.size());
        Value stride = i64(1);
        std::optional<int64_t> staticStride = 1;
        for (size_t d = sizes.size(); d-- > 0;) {
          strides[d] = stride;
          if (!d)
            break;
          int64_t dim = memref.getDimSize(d);
          if (staticStride && ShapedType::isStatic(dim)) {
            staticStride = *staticStride * dim;
            stride = i64(*staticStride);
          } else {
            staticStride.reset();
            stride = LLVM::MulOp::create(b, loc, stride, sizes[d]);
          }
        }
        args.append({data, data, i64(0)});
        args.append(sizes);
        args.append(strides);
      }
      auto call = LLVM::CallOp::create(b, loc, impl, args);

      unsigned dynamicIndex = 0;
      for (auto [i, t] : llvm::enumerate(outputs)) {
        if (!t.isDynamic()) {
          for (auto [d, dim] : llvm::enumerate(t.dims))
            LLVM::StoreOp::create(b, loc, i64(dim),
                                  slot(dims, i64Type, outputDims[i] + d));
          continue;
        }
        Value descriptor = call.getResult();
        if (signature.getNumResults() > 1)
          descriptor =
              LLVM::ExtractValueOp::create(b, loc, descriptor, dynamicIndex);
        ++dynamicIndex;
        // The allocated pointer is what free() takes; it equals the aligned
        // data pointer with offset 0 because dlc-cpu-unique-result-buffers
        // makes every dynamic result a fresh memref.alloc and the pipeline
        // lowers memref.alloc with aligned_alloc (use-aligned-alloc), which
        // returns the aligned pointer itself.
        Value allocated = LLVM::ExtractValueOp::create(b, loc, descriptor, 0);
        LLVM::StoreOp::create(b, loc, allocated,
                              slot(buffers, ptrType, inputs.size() + i));
        for (size_t d = 0; d < t.dims.size(); ++d) {
          Value size = LLVM::ExtractValueOp::create(
              b, loc, descriptor, ArrayRef<int64_t>{3, (int64_t)d});
          LLVM::StoreOp::create(b, loc, size,
                                slot(dims, i64Type, outputDims[i] + d));
        }
      }
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
