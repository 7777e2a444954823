//===- AnnotateParallelLoops.cpp - Independent iterations for LLVM --------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace dlc {
#define GEN_PASS_DEF_CPUANNOTATEPARALLELLOOPS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

template <typename MemOp>
void addAccessGroup(MemOp op, LLVM::AccessGroupAttr group) {
  SmallVector<Attribute> groups;
  if (ArrayAttr existing = op.getAccessGroupsAttr())
    llvm::append_range(groups, existing);
  groups.push_back(group);
  op.setAccessGroupsAttr(ArrayAttr::get(op.getContext(), groups));
}

struct CpuAnnotateParallelLoopsPass
    : impl::CpuAnnotateParallelLoopsBase<CpuAnnotateParallelLoopsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    getOperation()->walk([&](scf::ForOp loop) {
      if (!loop->hasAttr(kParallelLoopAttr))
        return;
      auto group = LLVM::AccessGroupAttr::get(ctx);
      loop.getBody()->walk([&](Operation *op) {
        if (auto load = dyn_cast<LLVM::LoadOp>(op))
          addAccessGroup(load, group);
        else if (auto store = dyn_cast<LLVM::StoreOp>(op))
          addAccessGroup(store, group);
      });
      auto annotation = LLVM::LoopAnnotationAttr::get(
          ctx, /*disableNonforced=*/{}, /*vectorize=*/{}, /*interleave=*/{},
          /*unroll=*/{}, /*unrollAndJam=*/{}, /*licm=*/{}, /*distribute=*/{},
          /*pipeline=*/{}, /*peeled=*/{}, /*unswitch=*/{}, /*mustProgress=*/{},
          /*isVectorized=*/{}, /*startLoc=*/{}, /*endLoc=*/{},
          /*parallelAccesses=*/{group});
      loop->setAttr("loop_annotation", annotation);
      loop->removeAttr(kParallelLoopAttr);
    });
  }
};

} // namespace
} // namespace dlc
