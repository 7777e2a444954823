//===- VectorizeParallelLoops.cpp - Vector iterations for SIMT kernels ----===//
//
// Widens the innermost dim of elementwise scf.parallel loops so that one
// iteration, later one GPU thread, handles `width` consecutive elements with
// vector loads and stores: bandwidth-bound kernels issue a quarter of the
// memory instructions, each a full 16-byte sector access.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace dlc {
#define GEN_PASS_DEF_GPUVECTORIZEPARALLELLOOPS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// Whether every row of `type` starts `width` elements aligned: an identity
/// layout (the runtime's and the caller's device buffers start at least
/// 16-byte aligned) whose rows are a multiple of `width` long.
bool rowsAligned(MemRefType type, int64_t width) {
  return type.getLayout().isIdentity() && type.getRank() >= 1 &&
         !type.isDynamicDim(type.getRank() - 1) &&
         type.getShape().back() % width == 0;
}

/// Whether a vector of `type`'s elements is laid out like the elements:
/// whole bytes (i1 and sub-byte vectors are bit-packed in memory).
bool vectorizableElement(MemRefType type) {
  Type element = type.getElementType();
  return element.isIntOrFloat() && element.getIntOrFloatBitWidth() % 8 == 0;
}

/// Whether rows of `type` are contiguous and hold whole-byte elements.
bool lastDimContiguous(MemRefType type) {
  if (type.getRank() == 0 || !vectorizableElement(type))
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

class LoopVectorizer {
public:
  LoopVectorizer(scf::ParallelOp loop, int64_t width)
      : loop(loop), width(width) {}

  /// Whether the body is elementwise along the innermost induction variable
  /// and its trip count a static multiple of `width`.
  bool analyze() {
    if (loop.getNumReductions() != 0)
      return false;
    unsigned last = loop.getNumLoops() - 1;
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[last]);
    std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound()[last]);
    std::optional<int64_t> step = getConstantIntValue(loop.getStep()[last]);
    if (!lb || !ub || !step || *lb != 0 || *step != 1 || *ub < width ||
        *ub % width != 0)
      return false;
    tripCount = *ub;
    iv = loop.getInductionVars()[last];
    for (Operation &op : loop.getBody()->without_terminator())
      if (!analyze(op))
        return false;
    // Without a vector access, there is nothing to gain.
    return vectorAccesses > 0;
  }

  void rewrite(RewriterBase &rewriter) {
    Location loc = loop.getLoc();
    rewriter.setInsertionPoint(loop);
    SmallVector<Value> upperBounds(loop.getUpperBound());
    upperBounds.back() =
        arith::ConstantIndexOp::create(rewriter, loc, tripCount / width);
    Value widthValue = arith::ConstantIndexOp::create(rewriter, loc, width);
    auto wide = scf::ParallelOp::create(rewriter, loc, loop.getLowerBound(),
                                        upperBounds, loop.getStep());
    rewriter.setInsertionPointToStart(wide.getBody());
    for (auto [old, replacement] :
         llvm::zip(loop.getInductionVars(), wide.getInductionVars()))
      mapping.map(old, replacement);
    Value first = arith::MulIOp::create(
        rewriter, loc, wide.getInductionVars().back(), widthValue);
    for (Operation &op : loop.getBody()->without_terminator())
      rewriteOp(rewriter, op, first);
    rewriter.eraseOp(loop);
  }

private:
  /// The indices of a load or store: whether the last is the innermost
  /// induction variable (a vector access) and no other index depends on it.
  std::optional<bool> classifyIndices(ValueRange indices) {
    for (auto [i, index] : llvm::enumerate(indices)) {
      bool isIv = index == iv;
      if (varying.contains(index) || (isIv && i + 1 != indices.size()))
        return std::nullopt;
      if (isIv)
        return true;
    }
    return false;
  }

  bool analyze(Operation &op) {
    if (op.getNumRegions() != 0)
      return false;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      std::optional<bool> vectorAccess = classifyIndices(load.getIndices());
      if (!vectorAccess ||
          (*vectorAccess && !lastDimContiguous(load.getMemRefType())))
        return false;
      if (*vectorAccess) {
        varying.insert(load.getResult());
        ++vectorAccesses;
      }
      return true;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      // Every iteration must store its own elements.
      std::optional<bool> vectorAccess = classifyIndices(store.getIndices());
      ++vectorAccesses;
      return vectorAccess && *vectorAccess &&
             lastDimContiguous(store.getMemRefType()) &&
             store.getValue() != iv;
    }
    bool anyVarying = false;
    for (Value operand : op.getOperands()) {
      if (operand == iv)
        return false;
      anyVarying |= varying.contains(operand);
    }
    if (!isMemoryEffectFree(&op))
      return false;
    if (!anyVarying)
      return true; // The same for all elements: stays scalar.
    if (!OpTrait::hasElementwiseMappableTraits(&op) ||
        !isa<arith::ArithDialect, math::MathDialect>(op.getDialect()))
      return false;
    for (Value result : op.getResults()) {
      if (!result.getType().isIntOrFloat())
        return false;
      varying.insert(result);
    }
    return true;
  }

  /// The vector of `value`'s `width` elements: its vectorized form, or the
  /// (scalar) value broadcast.
  Value vectorOf(RewriterBase &rewriter, Value value) {
    if (Value vector = vectors.lookup(value))
      return vector;
    Value scalar = mapping.lookupOrDefault(value);
    return vector::BroadcastOp::create(
        rewriter, scalar.getLoc(), VectorType::get({width}, scalar.getType()),
        scalar);
  }

  /// Indices of a vector access: the old ones with the first element of
  /// the iteration last.
  SmallVector<Value> accessIndices(ValueRange indices, Value first) {
    SmallVector<Value> result;
    for (Value index : indices.drop_back())
      result.push_back(mapping.lookupOrDefault(index));
    result.push_back(first);
    return result;
  }

  /// The alignment of a vector access to `type`: the vector's size (at
  /// most the buffers' 16 bytes) when every row is aligned, else the
  /// element's.
  llvm::MaybeAlign alignment(MemRefType type) {
    int64_t bytes = type.getElementTypeBitWidth() / 8;
    if (!rowsAligned(type, width))
      return llvm::Align(bytes);
    return llvm::Align(std::min<int64_t>(bytes * width, 16));
  }

  void rewriteOp(RewriterBase &rewriter, Operation &op, Value first) {
    Location loc = op.getLoc();
    if (auto load = dyn_cast<memref::LoadOp>(op);
        load && varying.contains(load.getResult())) {
      MemRefType type = load.getMemRefType();
      vectors[load.getResult()] = vector::LoadOp::create(
          rewriter, loc, VectorType::get({width}, type.getElementType()),
          mapping.lookupOrDefault(load.getMemRef()),
          accessIndices(load.getIndices(), first), /*nontemporal=*/false,
          alignment(type));
      return;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      MemRefType type = store.getMemRefType();
      vector::StoreOp::create(rewriter, loc,
                              vectorOf(rewriter, store.getValue()),
                              mapping.lookupOrDefault(store.getMemRef()),
                              accessIndices(store.getIndices(), first),
                              /*nontemporal=*/false, alignment(type));
      return;
    }
    if (!llvm::any_of(op.getResults(),
                      [&](Value result) { return varying.contains(result); })) {
      rewriter.clone(op, mapping);
      return;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands())
      operands.push_back(vectorOf(rewriter, operand));
    SmallVector<Type> types;
    for (Type type : op.getResultTypes())
      types.push_back(VectorType::get({width}, type));
    Operation *vectorOp =
        rewriter.create(loc, op.getName().getIdentifier(), operands, types,
                        op.getAttrs());
    for (auto [old, result] : llvm::zip(op.getResults(), vectorOp->getResults()))
      vectors[old] = result;
  }

  scf::ParallelOp loop;
  int64_t width;
  int64_t tripCount = 0;
  int64_t vectorAccesses = 0;
  Value iv;
  /// Values that differ between the elements of an iteration.
  llvm::DenseSet<Value> varying;
  /// Scalar values of the old body -> the new body's.
  IRMapping mapping;
  /// Varying values of the old body -> their vectors.
  llvm::DenseMap<Value, Value> vectors;
};

struct GpuVectorizeParallelLoopsPass
    : impl::GpuVectorizeParallelLoopsBase<GpuVectorizeParallelLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (width < 2 || (width & (width - 1)) != 0) {
      getOperation().emitError("width must be a power of 2 of at least 2, got ")
          << static_cast<int64_t>(width);
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>())
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : loops) {
      LoopVectorizer vectorizer(loop, width);
      if (vectorizer.analyze())
        vectorizer.rewrite(rewriter);
    }
  }
};

} // namespace
} // namespace dlc
