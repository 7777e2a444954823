//===- ReplaceLibdeviceCalls.cpp - Instructions instead of libdevice ------===//
//
// convert-gpu-to-nvvm turns math ops into calls of libdevice functions
// (__nv_fmaf, __nv_floorf, ...), which only resolve when libdevice is linked:
// a compiler without the CUDA toolkit would write PTX that neither ptxas nor
// the driver can load. The functions that are one PTX instruction become
// the LLVM intrinsics that the NVPTX backend selects to it.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/StringSwitch.h"

namespace dlc {
#define GEN_PASS_DEF_GPUREPLACELIBDEVICECALLS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

enum class Replacement {
  kNone,
  kFma,
  kFloor,
  kCeil,
  kTrunc,
  kRound,
  kRoundEven,
  kSqrt,
  kRsqrt,
  kAbs,
  kCopySign,
  kMin,
  kMax
};

/// The replacement of libdevice function `name` (f32 `...f` and f64 forms).
Replacement replacementFor(StringRef name) {
  if (!name.consume_front("__nv_"))
    return Replacement::kNone;
  name.consume_back("f");
  return llvm::StringSwitch<Replacement>(name)
      .Case("fma", Replacement::kFma)
      .Case("floor", Replacement::kFloor)
      .Case("ceil", Replacement::kCeil)
      .Case("trunc", Replacement::kTrunc)
      .Case("round", Replacement::kRound)
      .Case("rint", Replacement::kRoundEven)
      .Case("sqrt", Replacement::kSqrt)
      .Case("rsqrt", Replacement::kRsqrt)
      .Case("fabs", Replacement::kAbs)
      .Case("copysign", Replacement::kCopySign)
      .Case("fmin", Replacement::kMin)
      .Case("fmax", Replacement::kMax)
      .Default(Replacement::kNone);
}

Value replace(OpBuilder &b, Location loc, Replacement kind, Type type,
              ValueRange args) {
  switch (kind) {
  case Replacement::kFma:
    return LLVM::FMAOp::create(b, loc, type, args);
  case Replacement::kFloor:
    return LLVM::FFloorOp::create(b, loc, type, args);
  case Replacement::kCeil:
    return LLVM::FCeilOp::create(b, loc, type, args);
  case Replacement::kTrunc:
    return LLVM::FTruncOp::create(b, loc, type, args);
  case Replacement::kRound:
    return LLVM::RoundOp::create(b, loc, type, args);
  case Replacement::kRoundEven:
    return LLVM::RoundEvenOp::create(b, loc, type, args);
  case Replacement::kSqrt:
    return LLVM::SqrtOp::create(b, loc, type, args);
  case Replacement::kRsqrt: {
    // Correctly rounded 1 / sqrt(x), like libdevice's.
    Value one = LLVM::ConstantOp::create(b, loc, type,
                                         b.getFloatAttr(type, 1.0));
    return LLVM::FDivOp::create(b, loc, one,
                                LLVM::SqrtOp::create(b, loc, type, args));
  }
  case Replacement::kAbs:
    return LLVM::FAbsOp::create(b, loc, type, args);
  case Replacement::kCopySign:
    return LLVM::CopySignOp::create(b, loc, type, args);
  case Replacement::kMin:
    return LLVM::MinNumOp::create(b, loc, type, args);
  case Replacement::kMax:
    return LLVM::MaxNumOp::create(b, loc, type, args);
  case Replacement::kNone:
    break;
  }
  return Value();
}

struct GpuReplaceLibdeviceCallsPass
    : impl::GpuReplaceLibdeviceCallsBase<GpuReplaceLibdeviceCallsPass> {
  void runOnOperation() override {
    SmallVector<LLVM::CallOp> calls;
    getOperation()->walk([&](LLVM::CallOp call) {
      std::optional<StringRef> callee = call.getCallee();
      if (callee && call.getNumResults() == 1 &&
          isa<FloatType>(call.getResult().getType()) &&
          replacementFor(*callee) != Replacement::kNone)
        calls.push_back(call);
    });
    OpBuilder b(&getContext());
    for (LLVM::CallOp call : calls) {
      b.setInsertionPoint(call);
      call.getResult().replaceAllUsesWith(
          replace(b, call.getLoc(), replacementFor(*call.getCallee()),
                  call.getResult().getType(), call.getArgOperands()));
      call.erase();
    }
    // Declarations nothing calls any more.
    SymbolTable symbols(getOperation());
    for (auto function : llvm::make_early_inc_range(
             getOperation()->getRegion(0).getOps<LLVM::LLVMFuncOp>()))
      if (function.isExternal() &&
          replacementFor(function.getName()) != Replacement::kNone &&
          SymbolTable::symbolKnownUseEmpty(function, getOperation()))
        function.erase();
  }
};

} // namespace
} // namespace dlc
