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

/// Whether `value` is a fresh heap allocation of exactly `type` (identity
/// layout, offset 0) made in `ret`'s function, which the caller may own.
bool isFreshAllocation(Value value, MemRefType type, func::ReturnOp ret) {
  auto alloc = value.getDefiningOp<memref::AllocOp>();
  return alloc && alloc.getType() == type && type.getLayout().isIdentity() &&
         alloc->getParentOfType<func::FuncOp>() ==
             ret->getParentOfType<func::FuncOp>();
}

struct CpuUniqueResultBuffersPass
    : impl::CpuUniqueResultBuffersBase<CpuUniqueResultBuffersPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 4> seen;
      OpBuilder builder(ret);
      Location loc = ret.getLoc();
      for (OpOperand &operand : ret->getOpOperands()) {
        auto type = dyn_cast<MemRefType>(operand.get().getType());
        if (!type)
          continue;
        bool first = seen.insert(operand.get()).second;
        // A static result is copied into its out-parameter anyway; only a
        // repeated one needs a buffer of its own. A dynamic result goes to
        // the caller as is, who frees it: it must be a fresh allocation,
        // not an argument, a global, a view or a buffer returned twice.
        if (first && (type.hasStaticShape() ||
                      isFreshAllocation(operand.get(), type, ret)))
          continue;
        SmallVector<Value> sizes;
        for (auto [i, dim] : llvm::enumerate(type.getShape()))
          if (ShapedType::isDynamic(dim))
            sizes.push_back(
                memref::DimOp::create(builder, loc, operand.get(), i));
        auto copy = memref::AllocOp::create(
            builder, loc,
            MemRefType::get(type.getShape(), type.getElementType()), sizes);
        memref::CopyOp::create(builder, loc, operand.get(), copy);
        operand.set(copy);
      }
    });
  }
};

} // namespace
} // namespace dlc
