//===- FlattenConstantGlobals.cpp - memref.global as 1-D arrays -----------===//

#include "codegen/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_CPUFLATTENCONSTANTGLOBALS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// `value` with the shape of `type`, or null for attributes it cannot
/// reinterpret without copying.
Attribute reshaped(Attribute value, RankedTensorType type) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.reshape(type);
  return nullptr;
}

struct CpuFlattenConstantGlobalsPass
    : impl::CpuFlattenConstantGlobalsBase<CpuFlattenConstantGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<memref::GlobalOp> flattened;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      if (type.getRank() < 2 || !type.hasStaticShape() ||
          !type.getLayout().isIdentity())
        continue;
      auto flatType =
          MemRefType::get({type.getNumElements()}, type.getElementType(),
                          AffineMap(), type.getMemorySpace());
      if (std::optional<Attribute> value = global.getInitialValue()) {
        Attribute flatValue =
            reshaped(*value, RankedTensorType::get(flatType.getShape(),
                                                   flatType.getElementType()));
        if (!flatValue)
          continue;
        global.setInitialValueAttr(flatValue);
      }
      global.setType(flatType);
      flattened[global.getSymName()] = global;
    }
    if (flattened.empty())
      return;
    IRRewriter rewriter(&getContext());
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getName());
      if (it == flattened.end())
        return;
      MemRefType type = get.getType();
      rewriter.setInsertionPoint(get);
      Value flat = memref::GetGlobalOp::create(
          rewriter, get.getLoc(), it->second.getType(), get.getName());
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < type.getRank(); ++d)
        all.front().push_back(d);
      rewriter.replaceOpWithNewOp<memref::ExpandShapeOp>(get, type, flat, all);
    });
  }
};

} // namespace
} // namespace dlc
