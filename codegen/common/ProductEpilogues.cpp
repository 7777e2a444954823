//===- ProductEpilogues.cpp - What a product kernel can absorb ------------===//

#include "codegen/common/ProductEpilogues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace dlc {

bool isInitValue(Value value, InitValue init) {
  if (init == InitValue::kZero)
    return matchPattern(value, m_AnyZeroFloat()) ||
           matchPattern(value, m_Zero());
  APFloat constant(0.0f);
  return matchPattern(value, m_ConstantFloat(&constant)) &&
         constant.isInfinity() && constant.isNegative();
}

namespace {
bool isFillOf(Operation *op, Value buffer, InitValue init) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(op);
  return fill && fill.hasPureBufferSemantics() &&
         reshapedBuffer(fill.getDpsInitOperand(0)->get()) ==
             reshapedBuffer(buffer) &&
         isInitValue(fill.getInputs()[0], init);
}

} // namespace

/// The buffer `view` reshapes: collapse and expand views cover all of it.
Value reshapedBuffer(Value view) {
  while (Operation *def = view.getDefiningOp()) {
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(def))
      view = collapse.getSrc();
    else if (auto expand = dyn_cast<memref::ExpandShapeOp>(def))
      view = expand.getSrc();
    else
      break;
  }
  return view;
}

/// The allocation or argument any view (subviews included) is part of.
Value underlyingBuffer(Value view) {
  while (auto viewLike = view.getDefiningOp<ViewLikeOpInterface>())
    view = viewLike.getViewSource();
  return view;
}

/// The fill of `buffer` with `init` that the kernel call replacing `op` may
/// absorb: the nearest preceding op that writes memory, if it is that fill.
linalg::FillOp absorbableFill(Operation *op, Value buffer, InitValue init) {
  Value root = underlyingBuffer(buffer);
  // Distinct allocations never alias: a linalg op that touches only other
  // allocations (an im2col copy) may sit between the fill and the product.
  // (An allocation is distinct from any other buffer; an argument may alias
  // another argument.)
  auto distinct = [&](Value other) {
    return other != root && (root.getDefiningOp<memref::AllocOp>() ||
                             other.getDefiningOp<memref::AllocOp>());
  };
  auto touchesOnlyOtherAllocations = [&](Operation *prev) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(prev);
    if (!linalgOp || !linalgOp.hasPureBufferSemantics())
      return false;
    for (OpOperand &operand : prev->getOpOperands()) {
      if (!isa<MemRefType>(operand.get().getType()))
        continue;
      Value other = underlyingBuffer(operand.get());
      // Reading constants is harmless; anything else must be distinct.
      if (linalgOp.isDpsInput(&operand) &&
          other.getDefiningOp<memref::GetGlobalOp>())
        continue;
      if (!distinct(other))
        return false;
    }
    return true;
  };
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (isFillOf(prev, buffer, init))
      return cast<linalg::FillOp>(prev);
    if (auto dealloc = dyn_cast<memref::DeallocOp>(prev);
        dealloc && underlyingBuffer(dealloc.getMemref()) == root)
      return nullptr;
    if (!isMemoryEffectFree(prev) &&
        !isa<memref::AllocOp, memref::DeallocOp>(prev) &&
        !touchesOnlyOtherAllocations(prev))
      return nullptr;
  }
  return nullptr;
}

/// Whether an op strictly between `from` and `to` (same block), other than
/// `except`, may write memory of `buffer`'s allocation.
bool writtenBetween(Operation *from, Operation *to, Value buffer,
                    Operation *except) {
  Value root = underlyingBuffer(buffer);
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode()) {
    if (op == except || isMemoryEffectFree(op))
      continue;
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects)
      return true;
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &effect : instances) {
      if (!isa<MemoryEffects::Write>(effect.getEffect()))
        continue;
      Value written = effect.getValue();
      if (!written || underlyingBuffer(written) == root)
        return true;
    }
  }
  return false;
}

/// Whether `op` writes the constant `init` to all of its one init: a
/// linalg.fill, or a linalg.map yielding it (bufferized tensor.pad).
bool isConstantInit(Operation *op, InitValue init) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return isInitValue(fill.getInputs()[0], init);
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || !map.getInputs().empty())
    return false;
  auto yield = cast<linalg::YieldOp>(map.getMapper().front().getTerminator());
  return yield.getNumOperands() == 1 && isInitValue(yield.getOperand(0), init);
}

/// Matches the consumer of `product` (the result buffer of `producer`,
/// whose dims play the roles `dims`) that can become the call's epilogue.
/// `zeroInit`: the product starts from zero (its fill is absorbed).
std::optional<Epilogue> matchEpilogue(Operation *producer, Value product,
                                      ArrayRef<OutputDim> dims,
                                      ValueRange producerInputs,
                                      bool zeroInit) {
  // The consumer is the next op that touches memory; only allocations and
  // pure ops may come between (the call moves down to the consumer).
  linalg::GenericOp consumer;
  for (Operation *op = producer->getNextNode(); op; op = op->getNextNode()) {
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      consumer = generic;
      break;
    }
    if (!isMemoryEffectFree(op) && !isa<memref::AllocOp>(op))
      return std::nullopt;
  }
  if (!consumer || !consumer.hasPureBufferSemantics() ||
      consumer.getNumDpsInits() != 1 ||
      consumer.getNumLoops() != consumer.getNumParallelLoops())
    return std::nullopt;
  auto productType = cast<MemRefType>(product.getType());
  Value output = consumer.getDpsInitOperand(0)->get();
  if (output.getType() != productType || !productType.hasStaticShape() ||
      !productType.getLayout().isIdentity() ||
      !consumer.getMatchingIndexingMap(consumer.getDpsInitOperand(0))
           .isIdentity())
    return std::nullopt;
  // The product's buffer is read once, in place, and is otherwise dead.
  OpOperand *productOperand = nullptr;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input->get() != product)
      continue;
    if (productOperand ||
        !consumer.getMatchingIndexingMap(input).isIdentity())
      return std::nullopt;
    productOperand = input;
  }
  if (!productOperand)
    return std::nullopt;
  if (output != product) {
    if (!zeroInit || !product.getDefiningOp<memref::AllocOp>())
      return std::nullopt;
    // Besides deallocations, only the absorbed fill may use the buffer
    // (eraseReplaced erases it with the buffer).
    unsigned fills = 0;
    for (Operation *user : product.getUsers()) {
      if (user == producer || user == consumer ||
          isa<memref::DeallocOp>(user))
        continue;
      if (!isa<linalg::FillOp>(user) || ++fills > 1)
        return std::nullopt;
    }
  }
  Value outputRoot = underlyingBuffer(output);
  for (Value input : producerInputs)
    if (underlyingBuffer(input) == outputRoot)
      return std::nullopt;

  // The body: yield(clamp(product + addend + ...)).
  Block &body = consumer.getRegion().front();
  Epilogue epilogue;
  epilogue.consumer = consumer;
  epilogue.output = output;
  Value value = body.getTerminator()->getOperand(0);
  unsigned bodyOps = 1;
  bool hasLo = false, hasHi = false;
  for (int step = 0; step < 2; ++step) {
    Operation *def = value.getDefiningOp();
    if (!def || def->getBlock() != &body ||
        !isa<arith::MaximumFOp, arith::MinimumFOp>(def))
      break;
    FloatAttr bound;
    Value other;
    if (matchPattern(def->getOperand(1), m_Constant(&bound)))
      other = def->getOperand(0);
    else if (matchPattern(def->getOperand(0), m_Constant(&bound)))
      other = def->getOperand(1);
    else
      break;
    float limit = bound.getValue().convertToFloat();
    if (isa<arith::MaximumFOp>(def)) {
      if (hasLo)
        return std::nullopt;
      hasLo = true, epilogue.lo = limit;
    } else {
      if (hasHi)
        return std::nullopt;
      hasHi = true, epilogue.hi = limit;
    }
    value = other;
    ++bodyOps;
  }
  // max then min and min then max agree only when lo <= hi.
  if (hasLo && hasHi && epilogue.lo > epilogue.hi)
    return std::nullopt;
  BlockArgument productArg = body.getArgument(productOperand->getOperandNumber());
  SmallVector<OpOperand *> addends;
  while (value != productArg) {
    auto add = value.getDefiningOp<arith::AddFOp>();
    if (!add || add->getBlock() != &body)
      return std::nullopt;
    ++bodyOps;
    auto argOf = [&](Value v) -> OpOperand * {
      auto arg = dyn_cast<BlockArgument>(v);
      if (!arg || arg.getOwner() != &body || arg == productArg ||
          arg.getArgNumber() >= consumer.getNumDpsInputs())
        return nullptr;
      return consumer.getDpsInputOperand(arg.getArgNumber());
    };
    if (OpOperand *rhs = argOf(add.getRhs())) {
      addends.push_back(rhs);
      value = add.getLhs();
    } else if (OpOperand *lhs = argOf(add.getLhs())) {
      addends.push_back(lhs);
      value = add.getRhs();
    } else {
      return std::nullopt;
    }
  }
  if (bodyOps != body.getOperations().size() ||
      int64_t(addends.size()) + 1 != consumer.getNumDpsInputs() ||
      !body.getArgument(consumer.getNumDpsInputs()).use_empty())
    return std::nullopt;

  ArrayRef<int64_t> shape = productType.getShape();
  for (OpOperand *addend : addends) {
    Value operand = addend->get();
    AffineMap map = consumer.getMatchingIndexingMap(addend);
    if (operand == product)
      return std::nullopt;
    if (map.isIdentity() && operand.getType() == productType) {
      if (epilogue.residual)
        return std::nullopt;
      epilogue.residual = operand;
      if (operand == output)
        epilogue.residualIsOutput = true;
      else if (underlyingBuffer(operand) == outputRoot)
        return std::nullopt;
      continue;
    }
    // A bias: one non-unit output dim, all rows or all columns, contiguous.
    auto type = dyn_cast<MemRefType>(operand.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (epilogue.bias || !type || !type.getElementType().isF32() ||
        !type.hasStaticShape() ||
        failed(type.getStridesAndOffset(strides, offset)))
      return std::nullopt;
    std::optional<unsigned> biasDim, biasResult;
    for (unsigned r = 0; r < map.getNumResults(); ++r) {
      AffineExpr expr = map.getResult(r);
      if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
        if (constant.getValue() != 0)
          return std::nullopt;
        continue;
      }
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim)
        return std::nullopt;
      if (shape[dim.getPosition()] == 1)
        continue;
      if (biasDim)
        return std::nullopt;
      biasDim = dim.getPosition(), biasResult = r;
    }
    if (!biasDim || strides[*biasResult] != 1 ||
        type.getShape()[*biasResult] != shape[*biasDim])
      return std::nullopt;
    OutputDim role = dims[*biasDim];
    // The row or column index must be this dim's index: no other non-unit
    // dim of that role.
    for (auto [d, other] : llvm::enumerate(dims))
      if (d != *biasDim && other == role && shape[d] != 1)
        return std::nullopt;
    if (role == OutputDim::kRow)
      epilogue.biasMode = BiasMode::kRow;
    else if (role == OutputDim::kColumn)
      epilogue.biasMode = BiasMode::kColumn;
    else
      return std::nullopt;
    epilogue.bias = operand;
  }
  if (epilogue.residualIsOutput && !zeroInit)
    return std::nullopt;
  return epilogue;
}


/// Erases what a call replaced: the product's op and fill, its epilogue
/// consumer, and the product's buffer when the consumer wrote elsewhere.
void eraseReplaced(IRRewriter &rewriter, Operation *op, linalg::FillOp fill,
                   const std::optional<Epilogue> &epilogue, Value product) {
  if (fill)
    rewriter.eraseOp(fill);
  if (epilogue)
    rewriter.eraseOp(epilogue->consumer);
  rewriter.eraseOp(op);
  if (!epilogue || epilogue->output == product)
    return;
  auto alloc = product.getDefiningOp<memref::AllocOp>();
  // Kept while anything but deallocations uses it (the call may read it).
  if (!alloc || llvm::any_of(alloc->getUsers(), [](Operation *user) {
        return !isa<memref::DeallocOp>(user);
      }))
    return;
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    if (isa<memref::DeallocOp>(user))
      rewriter.eraseOp(user);
  rewriter.eraseOp(alloc);
}


} // namespace dlc
