//===- LowerHostToRuntime.cpp - Host code of CUDA models -> runtime calls -===//
//
// A CUDA model's host code allocates device memory, uploads its constants
// and launches kernels through the function table the runtime hands it
// (dlc_model_cuda_api_t in ModelABI.h), so that the model links against
// neither the CUDA driver nor libdlcrt.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "dlc/runtime/ModelABI.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace dlc {
#define GEN_PASS_DEF_GPULOWERHOSTTORUNTIME
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// Fields of dlc_model_cuda_api_t after `version`.
enum ApiField : int32_t {
  kAlloc = 1,
  kFree,
  kConstant,
  kLaunch,
  kTensorMap,
  kNumFields
};

constexpr llvm::StringLiteral kApiGlobal = "__dlc_cuda_api";
/// Names the kernel module of a PTX global (`dlc --emit=ptx` writes them).
constexpr llvm::StringLiteral kKernelImageAttr = "dlc.kernel_image";

class HostLowering {
public:
  explicit HostLowering(ModuleOp module)
      : module(module), ctx(module.getContext()), b(ctx),
        ptr(LLVM::LLVMPointerType::get(ctx)), i32(b.getI32Type()),
        i64(b.getI64Type()) {}

  LogicalResult run() {
    b.setInsertionPointToStart(module.getBody());
    Location loc = module.getLoc();
    auto api = LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                                      LLVM::Linkage::Internal, kApiGlobal,
                                      Attribute());
    {
      Block *init = b.createBlock(&api.getInitializerRegion());
      b.setInsertionPointToStart(init);
      LLVM::ReturnOp::create(b, loc,
                             LLVM::ZeroOp::create(b, loc, ptr).getResult());
    }
    b.setInsertionPointToEnd(module.getBody());
    auto setter = LLVM::LLVMFuncOp::create(
        b, loc, DLC_MODEL_SYM_SET_CUDA_API,
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr}));
    {
      Block *body = setter.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      LLVM::StoreOp::create(b, loc, body->getArgument(0), address(loc));
      LLVM::ReturnOp::create(b, loc, ValueRange());
    }

    // Kernel images first: launches refer to them by module name.
    for (auto binary :
         llvm::make_early_inc_range(module.getOps<gpu::BinaryOp>()))
      if (failed(embed(binary)))
        return failure();

    SmallVector<Operation *> calls, addresses, launches;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      if (func == setter)
        continue;
      func.walk([&](Operation *op) {
        if (isa<gpu::LaunchFuncOp>(op))
          launches.push_back(op);
        else if (isa<LLVM::CallOp>(op))
          calls.push_back(op);
        else if (isa<LLVM::AddressOfOp>(op))
          addresses.push_back(op);
      });
    }
    for (Operation *op : launches)
      if (failed(lowerLaunch(cast<gpu::LaunchFuncOp>(op))))
        return failure();
    for (Operation *op : calls)
      if (failed(lowerCall(cast<LLVM::CallOp>(op))))
        return failure();
    DataLayout layout(module);
    for (Operation *op : addresses)
      lowerConstantAddress(cast<LLVM::AddressOfOp>(op), layout);
    for (auto binary :
         llvm::make_early_inc_range(module.getOps<gpu::BinaryOp>()))
      binary.erase();
    // The replaced functions' declarations, if nothing else calls them.
    for (llvm::StringRef name : {"aligned_alloc", "malloc", "free",
                                 "mgpuTensorMapEncodeTiledMemref"})
      if (auto decl = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
        if (decl.isExternal() && SymbolTable::symbolKnownUseEmpty(decl, module))
          decl.erase();
    return success();
  }

private:
  Value address(Location loc) {
    return LLVM::AddressOfOp::create(b, loc, ptr, kApiGlobal);
  }

  /// The table's function pointer `field`.
  Value apiFunction(Location loc, ApiField field) {
    SmallVector<Type> fields = {i32};
    fields.append(kNumFields - 1, ptr);
    auto tableType = LLVM::LLVMStructType::getLiteral(ctx, fields);
    Value table = LLVM::LoadOp::create(b, loc, ptr, address(loc));
    Value slot = LLVM::GEPOp::create(b, loc, ptr, tableType, table,
                                     ArrayRef<LLVM::GEPArg>{0, field});
    return LLVM::LoadOp::create(b, loc, ptr, slot);
  }

  Value callApi(Location loc, ApiField field, Type result, ValueRange args) {
    SmallVector<Type> argTypes(args.getTypes());
    auto type = LLVM::LLVMFunctionType::get(
        result ? result : LLVM::LLVMVoidType::get(ctx), argTypes);
    SmallVector<Value> operands = {apiFunction(loc, field)};
    operands.append(args.begin(), args.end());
    auto call = LLVM::CallOp::create(b, loc, type, operands);
    return result ? call.getResult() : Value();
  }

  /// A private constant string global `name` holding `data`.
  LLVM::GlobalOp stringGlobal(Location loc, llvm::StringRef name,
                              llvm::StringRef data) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), data.size());
    auto global = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                         LLVM::Linkage::Internal, name,
                                         b.getStringAttr(data));
    SymbolTable(module).insert(global);
    ownGlobals.insert(global);
    return global;
  }

  LogicalResult embed(gpu::BinaryOp binary) {
    Image image;
    for (Attribute attr : binary.getObjectsAttr().getValue()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      llvm::StringRef data = object.getObject().getValue();
      bool ptx = object.getFormat() == gpu::CompilationTarget::Assembly;
      if (!ptx && object.getFormat() != gpu::CompilationTarget::Binary)
        return binary.emitError("kernel images must be PTX or cubins");
      LLVM::GlobalOp &global = ptx ? image.ptx : image.cubin;
      if (global)
        return binary.emitError("more than one ")
               << (ptx ? "PTX" : "cubin") << " image";
      global = stringGlobal(binary.getLoc(),
                            (binary.getSymName() + (ptx ? "_ptx" : "_cubin"))
                                .str(),
                            data);
      (ptx ? image.ptxBytes : image.cubinBytes) = data.size();
    }
    if (!image.ptx)
      return binary.emitError("the kernel module has no PTX");
    image.ptx->setAttr(kKernelImageAttr, binary.getSymNameAttr());
    images[binary.getSymName()] = image;
    return success();
  }

  Value constant(Location loc, Type type, int64_t value) {
    return LLVM::ConstantOp::create(b, loc, type,
                                    b.getIntegerAttr(type, value));
  }
  Value toI64(Location loc, Value value) {
    if (value.getType() == i64)
      return value;
    return LLVM::SExtOp::create(b, loc, i64, value);
  }

  LogicalResult lowerLaunch(gpu::LaunchFuncOp launch) {
    Location loc = launch.getLoc();
    auto image = images.find(launch.getKernelModuleName().getValue());
    if (image == images.end())
      return launch.emitError("no kernel image for module ")
             << launch.getKernelModuleName();
    if (launch.hasClusterSize() || launch.getAsyncObject() ||
        !launch.getAsyncDependencies().empty())
      return launch.emitError("clusters and async launches are not supported");
    auto func = launch->getParentOfType<LLVM::LLVMFuncOp>();
    // Parameter storage, allocated once per call of the host function.
    ValueRange operands = launch.getKernelOperands();
    SmallVector<Type> types(operands.getTypes());
    auto paramsType = LLVM::LLVMStructType::getLiteral(ctx, types);
    Value params, array;
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&func.getBody().front());
      Value one = constant(loc, i64, 1);
      params = LLVM::AllocaOp::create(b, loc, ptr, paramsType, one);
      array = LLVM::AllocaOp::create(
          b, loc, ptr, ptr, constant(loc, i64, std::max<int64_t>(1, types.size())));
    }
    b.setInsertionPoint(launch);
    for (auto [i, operand] : llvm::enumerate(operands)) {
      Value field = LLVM::GEPOp::create(
          b, loc, ptr, paramsType, params,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
      LLVM::StoreOp::create(b, loc, operand, field);
      Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, array,
                                       ArrayRef<LLVM::GEPArg>{
                                           static_cast<int32_t>(i)});
      LLVM::StoreOp::create(b, loc, field, slot);
    }
    std::string nameSymbol = (launch.getKernelModuleName().getValue() + "_" +
                              launch.getKernelName().getValue() + "_name")
                                 .str();
    auto name = module.lookupSymbol<LLVM::GlobalOp>(nameSymbol);
    if (!name)
      name = stringGlobal(loc, nameSymbol,
                          (launch.getKernelName().getValue() + llvm::Twine('\0'))
                              .str());
    Value shared = launch.getDynamicSharedMemorySize();
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    const Image &kernels = image->second;
    Value cubin = kernels.cubin
                      ? Value(LLVM::AddressOfOp::create(b, loc, kernels.cubin))
                      : Value(LLVM::ZeroOp::create(b, loc, ptr));
    callApi(loc, kLaunch, Type(),
            {LLVM::AddressOfOp::create(b, loc, kernels.ptx),
             constant(loc, i64, kernels.ptxBytes), cubin,
             constant(loc, i64, kernels.cubinBytes),
             LLVM::AddressOfOp::create(b, loc, name), toI64(loc, grid.x),
             toI64(loc, grid.y), toI64(loc, grid.z), toI64(loc, block.x),
             toI64(loc, block.y), toI64(loc, block.z),
             shared ? shared : constant(loc, i32, 0), array});
    launch.erase();
    return success();
  }

  /// Host allocations are device allocations; TMA descriptors come from
  /// the runtime. Other library calls would run on the host with device
  /// pointers: they are errors.
  LogicalResult lowerCall(LLVM::CallOp call) {
    std::optional<llvm::StringRef> callee = call.getCallee();
    if (!callee)
      return success();
    auto function = module.lookupSymbol<LLVM::LLVMFuncOp>(*callee);
    if (function && !function.isExternal())
      return success();
    Location loc = call.getLoc();
    b.setInsertionPoint(call);
    Value result;
    if (*callee == "aligned_alloc" && call.getNumOperands() == 2)
      result = callApi(loc, kAlloc, ptr, {toI64(loc, call.getOperand(1))});
    else if (*callee == "malloc" && call.getNumOperands() == 1)
      result = callApi(loc, kAlloc, ptr, {toI64(loc, call.getOperand(0))});
    else if (*callee == "free" && call.getNumOperands() == 1)
      callApi(loc, kFree, Type(), {call.getOperand(0)});
    else if (*callee == "mgpuTensorMapEncodeTiledMemref")
      result = callApi(loc, kTensorMap, ptr, call.getOperands());
    else
      return call.emitError("the host code of a CUDA model calls '")
             << *callee << "', which cannot work on device memory";
    if (result)
      call.getResult().replaceAllUsesWith(result);
    call.erase();
    return success();
  }

  /// The address of a constant global in host code is that of its device
  /// copy.
  void lowerConstantAddress(LLVM::AddressOfOp op, const DataLayout &layout) {
    auto global = module.lookupSymbol<LLVM::GlobalOp>(op.getGlobalName());
    if (!global || !global.getConstant() || op.getGlobalName() == kApiGlobal)
      return;
    if (ownGlobals.contains(global))
      return;
    // Only the data of memref.globals, whose address goes into memref
    // descriptors (a string passed to a call stays on the host).
    if (!llvm::all_of(op->getUsers(), [](Operation *user) {
          return isa<LLVM::InsertValueOp, LLVM::GEPOp>(user);
        }))
      return;
    Location loc = op.getLoc();
    b.setInsertionPointAfter(op);
    Value bytes = constant(loc, i64, layout.getTypeSize(global.getType()));
    Value device = callApi(loc, kConstant, ptr, {op.getResult(), bytes});
    op.getResult().replaceAllUsesExcept(device, device.getDefiningOp());
  }

  ModuleOp module;
  MLIRContext *ctx;
  OpBuilder b;
  Type ptr, i32, i64;
  /// The PTX and kernel name strings, which stay on the host.
  llvm::DenseSet<Operation *> ownGlobals;
  /// A kernel module's images: PTX, and a cubin when ptxas made one.
  struct Image {
    LLVM::GlobalOp ptx, cubin;
    int64_t ptxBytes = 0, cubinBytes = 0;
  };
  /// Kernel module name -> its images.
  llvm::StringMap<Image> images;
};

struct GpuLowerHostToRuntimePass
    : impl::GpuLowerHostToRuntimeBase<GpuLowerHostToRuntimePass> {
  void runOnOperation() override {
    if (failed(HostLowering(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
} // namespace dlc
