//===- UniqueResultBuffers.cpp - One buffer per returned value ------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace dlc {
#define GEN_PASS_DEF_CPUUNIQUERESULTBUFFERS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

struct CpuUniqueResultBuffersPass
    : impl::CpuUniqueResultBuffersBase<CpuUniqueResultBuffersPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 4> seen;
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        auto type = dyn_cast<MemRefType>(operand.get().getType());
        if (!type || seen.insert(operand.get()).second)
          continue;
        // A repeated buffer: return a copy in a fresh allocation.
        auto copy = memref::AllocOp::create(
            builder, ret.getLoc(),
            MemRefType::get(type.getShape(), type.getElementType()));
        memref::CopyOp::create(builder, ret.getLoc(), operand.get(), copy);
        operand.set(copy);
      }
    });
  }
};

} // namespace
} // namespace dlc
