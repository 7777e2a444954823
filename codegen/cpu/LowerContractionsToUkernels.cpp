//===- LowerContractionsToUkernels.cpp - f32 GEMMs -> dlc_uk_sgemm --------===//
//
// A contraction's loop dims fall into batch, m, n and k groups. When each
// group is one dim, or several that are contiguous in every operand that
// uses them, the op is a strided batched GEMM and becomes one ukernel call.
// Convolutions with constant filters call the implicit-im2col kernel. The
// call also takes over the zero fill before the product, a zero-padded copy
// of a convolution's input, and the elementwise consumer that adds a bias
// and a residual and clamps (ReLU, ReLU6): one pass over the output instead
// of four.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/common/LoweringUtils.h"
#include "codegen/common/ProductEpilogues.h"

#include <functional>
#include <limits>
#include <map>

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace dlc {
#define GEN_PASS_DEF_CPULOWERCONTRACTIONSTOUKERNELS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

constexpr llvm::StringLiteral kSgemm = "dlc_uk_sgemm";
constexpr llvm::StringLiteral kSgemmPackedB = "dlc_uk_sgemm_packed_b";
constexpr llvm::StringLiteral kSgemmPackedA = "dlc_uk_sgemm_packed_a";
constexpr llvm::StringLiteral kDepthwise = "dlc_uk_depthwise_conv2d";
constexpr llvm::StringLiteral kMaxPool = "dlc_uk_max_pool2d";
constexpr llvm::StringLiteral kConv = "dlc_uk_conv2d";
// dlc_uk_bias_mode.
constexpr int32_t kBiasNone = 0, kBiasRow = 1, kBiasColumn = 2;
static_assert(kBiasRow == int32_t(BiasMode::kRow) &&
              kBiasColumn == int32_t(BiasMode::kColumn));
// The pre-packed layout of runtime/ukernels/Ukernels.h.
constexpr int64_t kPanelWidth = 16;
int64_t paddedPanels(int64_t n) {
  return (n + 2 * kPanelWidth - 1) / (2 * kPanelWidth) * 2;
}
constexpr int64_t kPanelHeight = 12;

/// One operand of the call: its memref, the map from loop dims to its dims,
/// and its static strides (ShapedType::kDynamic where unknown).
struct OperandView {
  Value memref;
  AffineMap map;
  SmallVector<int64_t> strides;
};

/// The stride of `view` along loop dim `dim`: 0 when the operand does not
/// use the dim, nullopt when it uses it with a dynamic stride.
std::optional<int64_t> staticStride(const OperandView &view, unsigned dim) {
  for (unsigned r = 0; r < view.map.getNumResults(); ++r)
    if (view.map.getDimPosition(r) == dim)
      return ShapedType::isDynamic(view.strides[r])
                 ? std::nullopt
                 : std::optional<int64_t>(view.strides[r]);
  return 0;
}

/// A group of loop dims collapsed into one: its size and, per operand, the
/// loop dim whose stride it has (nullopt: the operand does not use it).
struct CollapsedDim {
  OpFoldResult size;
  SmallVector<std::optional<unsigned>, 3> strideDim;
};

/// Collapses `dims` (loop order, outermost first) into one dim, or fails
/// when some operand does not walk them as a single stride.
FailureOr<CollapsedDim> collapse(ArrayRef<unsigned> dims,
                                 ArrayRef<int64_t> staticSizes,
                                 ArrayRef<OpFoldResult> sizes,
                                 ArrayRef<OperandView> views, OpBuilder &b) {
  SmallVector<unsigned> kept;
  for (unsigned d : dims)
    if (staticSizes[d] != 1)
      kept.push_back(d);
  CollapsedDim result;
  result.strideDim.resize(views.size());
  if (kept.empty()) {
    result.size = b.getIndexAttr(1);
    return result;
  }
  for (auto [i, view] : llvm::enumerate(views)) {
    // The operand uses all kept dims or none.
    unsigned used = 0;
    for (unsigned d : kept)
      used += view.map.getResultPosition(b.getAffineDimExpr(d)).has_value();
    if (used == 0)
      continue;
    if (used != kept.size())
      return failure();
    result.strideDim[i] = kept.back();
    for (size_t j = 0; j + 1 < kept.size(); ++j) {
      std::optional<int64_t> outer = staticStride(view, kept[j]);
      std::optional<int64_t> inner = staticStride(view, kept[j + 1]);
      if (!outer || !inner || ShapedType::isDynamic(staticSizes[kept[j + 1]]) ||
          *outer != *inner * staticSizes[kept[j + 1]])
        return failure();
    }
  }
  if (kept.size() == 1) {
    result.size = sizes[kept.front()];
    return result;
  }
  int64_t product = 1;
  for (unsigned d : kept) {
    if (ShapedType::isDynamic(staticSizes[d]))
      return failure();
    product *= staticSizes[d];
  }
  result.size = b.getIndexAttr(product);
  return result;
}

/// The address of a strided f32 view's first element, as an i64: its aligned
/// pointer plus its offset in bytes. `metadata` is the view's
/// extract_strided_metadata.
Value viewAddress(OpBuilder &b, Location loc, Value memref,
                  memref::ExtractStridedMetadataOp metadata) {
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
  Value offsetBytes = arith::MulIOp::create(
      b, loc, metadata.getOffset(),
      arith::ConstantIndexOp::create(b, loc, sizeof(float)));
  Value sum = arith::AddIOp::create(b, loc, base, offsetBytes);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), sum);
}

/// viewAddress of `memref`, extracting its metadata first.
Value viewAddress(OpBuilder &b, Location loc, Value memref) {
  return viewAddress(
      b, loc, memref, memref::ExtractStridedMetadataOp::create(b, loc, memref));
}

/// Declares `name(i32 isa, <numI64> x i64, i32 accumulate, <epilogue>)`
/// with the epilogue parameters of Ukernels.h: i64 bias, i32 bias mode, i64
/// residual, 3 x i64 residual strides, f32 lo, f32 hi; without the last
/// ten unless `withEpilogue`.
func::FuncOp declareUkernel(ModuleOp module, StringRef name, unsigned numI64,
                            bool withEpilogue = true) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type i32 = b.getI32Type(), i64 = b.getI64Type(), f32 = b.getF32Type();
  SmallVector<Type> inputs = {i32};
  inputs.append(numI64, i64);
  if (withEpilogue)
    inputs.append({i32, i64, i32, i64, i64, i64, i64, f32, f32});
  auto func = func::FuncOp::create(b, module.getLoc(), name,
                                   b.getFunctionType(inputs, {}));
  func.setPrivate();
  return func;
}

/// `expr` = a * d0 + b * d1 over dims d0 and d1 only (of numDims): (a, b).
std::optional<std::pair<int64_t, int64_t>>
linearCoefficients(AffineExpr expr, unsigned d0, unsigned d1,
                   unsigned numDims) {
  // Sums of dims times constants only (no mod, floordiv or ceildiv): then
  // four points determine it.
  std::function<bool(AffineExpr)> isLinear = [&](AffineExpr e) {
    if (isa<AffineDimExpr, AffineConstantExpr>(e))
      return true;
    auto binary = dyn_cast<AffineBinaryOpExpr>(e);
    if (!binary)
      return false;
    if (e.getKind() == AffineExprKind::Add)
      return isLinear(binary.getLHS()) && isLinear(binary.getRHS());
    return e.getKind() == AffineExprKind::Mul &&
           ((isa<AffineConstantExpr>(binary.getRHS()) &&
             isLinear(binary.getLHS())) ||
            (isa<AffineConstantExpr>(binary.getLHS()) &&
             isLinear(binary.getRHS())));
  };
  if (!isLinear(expr))
    return std::nullopt;
  for (unsigned d = 0; d < numDims; ++d)
    if (d != d0 && d != d1 && expr.isFunctionOfDim(d))
      return std::nullopt;
  auto at = [&](int64_t v0, int64_t v1) -> std::optional<int64_t> {
    SmallVector<AffineExpr> dims;
    for (unsigned d = 0; d < numDims; ++d)
      dims.push_back(getAffineConstantExpr(d == d0   ? v0
                                           : d == d1 ? v1
                                                     : 0,
                                           expr.getContext()));
    auto value = dyn_cast<AffineConstantExpr>(
        simplifyAffineExpr(expr.replaceDims(dims), numDims, 0));
    return value ? std::optional<int64_t>(value.getValue()) : std::nullopt;
  };
  std::optional<int64_t> zero = at(0, 0), a = at(1, 0), b = at(0, 1),
                         both = at(2, 3);
  if (!zero || *zero != 0 || !a || !b || !both || *both != 2 * *a + 3 * *b)
    return std::nullopt;
  return std::make_pair(*a, *b);
}

/// The window of a max pooling `op` over NCHW buffers: a linalg op (named
/// or generic, any loop order) whose input row is oh * sh + kh * dh and
/// column ow * sw + kw * dw for output (n, c, oh, ow) and window (kh, kw)
/// operands, with the body max(output, input) (arith.maximumf: NaN wins).
struct MaxPoolWindow {
  int64_t sh, sw, dh, dw;
};

std::optional<MaxPoolWindow> matchMaxPool(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 6 || !op.hasPureBufferSemantics())
    return std::nullopt;
  Block &body = op->getRegion(0).front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1 || body.getOperations().size() != 2)
    return std::nullopt;
  auto max = yield.getOperand(0).getDefiningOp<arith::MaximumFOp>();
  Value in = body.getArgument(0), out = body.getArgument(2);
  if (!max || !((max.getLhs() == out && max.getRhs() == in) ||
                (max.getLhs() == in && max.getRhs() == out)))
    return std::nullopt;
  AffineMap inMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap windowMap = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (inMap.getNumResults() != 4 || windowMap.getNumResults() != 2 ||
      outMap.getNumResults() != 4 || !outMap.isProjectedPermutation() ||
      !windowMap.isProjectedPermutation())
    return std::nullopt;
  auto dim = [](AffineMap map, unsigned result) {
    return cast<AffineDimExpr>(map.getResult(result)).getPosition();
  };
  unsigned n = dim(outMap, 0), c = dim(outMap, 1), oh = dim(outMap, 2),
           ow = dim(outMap, 3), kh = dim(windowMap, 0), kw = dim(windowMap, 1);
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d : {n, c, oh, ow})
    if (iterators[d] != utils::IteratorType::parallel)
      return std::nullopt;
  for (unsigned d : {kh, kw})
    if (iterators[d] != utils::IteratorType::reduction)
      return std::nullopt;
  if (inMap.getResult(0) != getAffineDimExpr(n, op.getContext()) ||
      inMap.getResult(1) != getAffineDimExpr(c, op.getContext()))
    return std::nullopt;
  unsigned loops = op.getNumLoops();
  auto rows = linearCoefficients(inMap.getResult(2), oh, kh, loops);
  auto cols = linearCoefficients(inMap.getResult(3), ow, kw, loops);
  if (!rows || !cols || rows->first < 1 || rows->second < 1 ||
      cols->first < 1 || cols->second < 1)
    return std::nullopt;
  return MaxPoolWindow{rows->first, cols->first, rows->second, cols->second};
}

/// Whether every use of `op`'s results, and of the results of those uses,
/// transitively, is in the block of `point` (or nested in one of its ops)
/// and comes before `point`.
bool resultsUsedOnlyBefore(Operation *op, Operation *point) {
  Block *block = point->getBlock();
  SmallVector<Operation *> worklist = {op};
  while (!worklist.empty()) {
    Operation *current = worklist.pop_back_val();
    for (Value result : current->getResults())
      for (OpOperand &use : result.getUses()) {
        Operation *user = block->findAncestorOpInBlock(*use.getOwner());
        if (!user || !user->isBeforeInBlock(point))
          return false;
        worklist.push_back(use.getOwner());
      }
  }
  return true;
}

/// Whether later uses of `buffer` (an allocation in the block of `point`)
/// can move to a new buffer from `point` on: every use is an op of this
/// block (or nested in one), and nothing derived before `point` from the
/// buffer (a view, its address taken for an earlier call) is used from
/// `point` on.
bool separableOutput(Value buffer, Operation *point) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != point->getBlock())
    return false;
  Block *block = point->getBlock();
  for (OpOperand &use : buffer.getUses()) {
    Operation *user = block->findAncestorOpInBlock(*use.getOwner());
    if (!user)
      return false;
    if (user->isBeforeInBlock(point) &&
        !resultsUsedOnlyBefore(use.getOwner(), point))
      return false;
  }
  return true;
}

/// A convolution input that is a zero-padded copy of another buffer: the
/// kernel reads `source` and treats the padding as zeros.
struct PaddedInput {
  Value source;
  int64_t padTop = 0, padLeft = 0;
  // Erased with the convolution.
  SmallVector<Operation *> ops;
};

/// Matches `input` = alloc, zero-filled, with `source` copied into the
/// interior [.., .., padTop.., padLeft..] (padded with `padding`), read
/// only by `conv`. `fill`, the fill of the output that the call takes over,
/// may be the only write to `source` in between (the output reusing the
/// source's buffer).
std::optional<PaddedInput>
matchPaddedInput(Value input, Operation *conv, Operation *fill,
                 InitValue padding = InitValue::kZero) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != conv->getBlock())
    return std::nullopt;
  Operation *init = nullptr;
  memref::SubViewOp interior;
  SmallVector<Operation *> deallocs;
  for (Operation *user : alloc->getUsers()) {
    if (user == conv)
      continue;
    if (isa<memref::DeallocOp>(user))
      deallocs.push_back(user);
    else if (isConstantInit(user, padding) && !init)
      init = user;
    else if (auto subview = dyn_cast<memref::SubViewOp>(user);
             subview && !interior)
      interior = subview;
    else
      return std::nullopt;
  }
  if (!init || !interior || !interior->hasOneUse())
    return std::nullopt;
  auto copy = dyn_cast<memref::CopyOp>(*interior->getUsers().begin());
  if (!copy || copy.getTarget() != interior.getResult() ||
      copy->getBlock() != conv->getBlock() ||
      init->getBlock() != copy->getBlock() || !init->isBeforeInBlock(copy) ||
      !copy->isBeforeInBlock(conv))
    return std::nullopt;
  auto sourceType = dyn_cast<MemRefType>(copy.getSource().getType());
  if (!sourceType || !sourceType.getLayout().isIdentity() ||
      !sourceType.hasStaticShape() ||
      sourceType.getShape() != interior.getType().getShape())
    return std::nullopt;
  ArrayRef<int64_t> offsets = interior.getStaticOffsets();
  ArrayRef<int64_t> strides = interior.getStaticStrides();
  ArrayRef<int64_t> full = alloc.getType().getShape();
  if (offsets.size() != 4 || offsets[0] != 0 || offsets[1] != 0 ||
      ShapedType::isDynamic(offsets[2]) || ShapedType::isDynamic(offsets[3]) ||
      llvm::any_of(strides, [](int64_t s) { return s != 1; }) ||
      sourceType.getShape()[0] != full[0] ||
      sourceType.getShape()[1] != full[1])
    return std::nullopt;
  // The source must still hold what was copied when the conv reads it.
  if (writtenBetween(copy, conv, copy.getSource(), fill))
    return std::nullopt;
  PaddedInput padded{copy.getSource(), offsets[2], offsets[3], {}};
  padded.ops = {copy, interior, init};
  padded.ops.append(deallocs);
  padded.ops.push_back(alloc);
  return padded;
}

/// Whether an m x n x k product with a constant A (a convolution filter)
/// runs faster transposed on AVX-512, whose tiles are 12 rows x 32 columns
/// (4- and 8-row tiles for the last rows): when n (pixels) leaves much of
/// the last column tile empty. Measured on 1x1 convolutions: n = 49 1.1-1.25
/// times faster, n = 196 with m and k >= 256 1.06 times; fewer channels or
/// a shorter k were slower (the transposed store costs more per tile).
bool transposeProduct(const CollapsedDim &m, const CollapsedDim &n,
                      const CollapsedDim &k) {
  std::optional<int64_t> rows = getConstantIntValue(m.size),
                         cols = getConstantIntValue(n.size),
                         depth = getConstantIntValue(k.size);
  if (!rows || !cols || !depth || *cols <= 0)
    return false;
  double columnUse = double(*cols) / double((*cols + 31) / 32 * 32);
  return columnUse < 0.9 && *rows >= 64 &&
         (*cols <= 64 || (*rows >= 256 && *depth >= 256));
}

/// Appends the epilogue parameters of `epilogue` (none when null) to
/// `args`; `residualStrides` are the residual's (batch, row, column)
/// strides as i64.
void appendEpilogueArgs(OpBuilder &b, Location loc,
                        const std::optional<Epilogue> &epilogue,
                        ArrayRef<Value> residualStrides,
                        function_ref<Value(Value)> address,
                        SmallVectorImpl<Value> &args) {
  auto i64 = [&](int64_t value) -> Value {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), value);
  };
  auto i32 = [&](int64_t value) -> Value {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
  };
  auto f32 = [&](float value) -> Value {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat(value));
  };
  bool hasBias = epilogue && epilogue->bias;
  bool hasResidual =
      epilogue && epilogue->residual && !epilogue->residualIsOutput;
  args.push_back(hasBias ? address(epilogue->bias) : i64(0));
  args.push_back(i32(hasBias ? int32_t(epilogue->biasMode) : kBiasNone));
  args.push_back(hasResidual ? address(epilogue->residual) : i64(0));
  for (int i = 0; i < 3; ++i)
    args.push_back(hasResidual ? residualStrides[i] : i64(0));
  args.push_back(f32(epilogue ? epilogue->lo
                              : -std::numeric_limits<float>::infinity()));
  args.push_back(f32(epilogue ? epilogue->hi
                              : std::numeric_limits<float>::infinity()));
}

struct CpuLowerContractionsToUkernelsPass
    : impl::CpuLowerContractionsToUkernelsBase<
          CpuLowerContractionsToUkernelsPass> {
  using Base::Base;

  /// Packed copies of constant weights, by (global, K, N, k and n strides):
  /// weights shared by several products are packed once.
  std::map<std::tuple<Operation *, bool, int64_t, int64_t, int64_t, int64_t>,
           memref::GlobalOp>
      packedGlobals;

  /// A global holding the rows x cols matrix W[r * rowStride + c *
  /// colStride] of `source`'s constant value in the ukernel's pre-packed
  /// layout for A (`isA`: 12-row panels) or B (16-column panels), or null
  /// when the value cannot be read.
  memref::GlobalOp packedWeights(memref::GlobalOp source, bool isA,
                                 int64_t rows, int64_t cols, int64_t rowStride,
                                 int64_t colStride) {
    auto key = std::make_tuple(source.getOperation(), isA, rows, cols,
                               rowStride, colStride);
    if (auto it = packedGlobals.find(key); it != packedGlobals.end())
      return it->second;
    std::optional<std::function<float(int64_t)>> at =
        source.getInitialValue() ? constantF32Values(*source.getInitialValue())
                                 : std::nullopt;
    if (!at)
      return nullptr;
    std::vector<float> packed;
    if (isA) {
      // Element (i, k) at ((i / 12) * K + k) * 12 + i % 12.
      int64_t padded = (rows + kPanelHeight - 1) / kPanelHeight * kPanelHeight;
      packed.assign(size_t(padded) * cols, 0.0f);
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t c = 0; c < cols; ++c)
          packed[((i / kPanelHeight) * cols + c) * kPanelHeight +
                 i % kPanelHeight] = (*at)(i * rowStride + c * colStride);
    } else {
      // Element (k, j) at ((j / 16) * K + k) * 16 + j % 16.
      int64_t panels = paddedPanels(cols);
      packed.assign(size_t(panels) * rows * kPanelWidth, 0.0f);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < cols; ++j)
          packed[((j / kPanelWidth) * rows + r) * kPanelWidth +
                 j % kPanelWidth] = (*at)(r * rowStride + j * colStride);
    }
    OpBuilder b = OpBuilder::atBlockBegin(getOperation().getBody());
    auto type = MemRefType::get({int64_t(packed.size())}, b.getF32Type());
    auto blobName =
        (source.getSymName() + (isA ? "_packed_a" : "_packed")).str();
    auto value = DenseResourceElementsAttr::get(
        RankedTensorType::get(type.getShape(), type.getElementType()), blobName,
        HeapAsmResourceBlob::allocateAndCopyInferAlign(
            ArrayRef<float>(packed)));
    auto global = memref::GlobalOp::create(
        b, source.getLoc(), blobName, b.getStringAttr("private"), type, value,
        /*constant=*/true, b.getI64IntegerAttr(64));
    SymbolTable(getOperation()).insert(global);
    packedGlobals[key] = global;
    return global;
  }

  /// The constant global that `memref` reads directly, if any.
  memref::GlobalOp constantGlobal(Value memref) {
    // Reshapes of an identity-layout global keep its row-major order, so
    // the view's strides index the global's data directly.
    auto get = reshapedBuffer(memref).getDefiningOp<memref::GetGlobalOp>();
    if (!get)
      return nullptr;
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        get, get.getNameAttr());
    if (!global || !global.getConstant() || !global.getInitialValue() ||
        !global.getType().getLayout().isIdentity())
      return nullptr;
    return global;
  }

  void runOnOperation() override {
    std::optional<int32_t> isaCode =
        llvm::StringSwitch<std::optional<int32_t>>(isa)
            .Case("generic", 0)
            .Case("avx2", 1)
            .Case("avx512", 2)
            .Default(std::nullopt);
    if (!isaCode) {
      getOperation().emitError("unknown ukernel instruction set '")
          << isa << "' (expected generic, avx2 or avx512)";
      return signalPassFailure();
    }
    packedGlobals.clear();
    // Products and convolutions only: rewriting one erases its fill and
    // epilogue, which must not be visited later. Their fills are found
    // first, while the ops in between are still linalg ops, not calls.
    SmallVector<std::pair<linalg::LinalgOp, linalg::FillOp>> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1)
        return;
      if (llvm::isa<linalg::DepthwiseConv2DNchwChwOp, linalg::Conv2DNchwFchwOp>(
              *op) ||
          (op.getNumDpsInputs() == 2 && linalg::isaContractionOpInterface(op)))
        candidates.push_back(
            {op, absorbableFill(op, op.getDpsInitOperand(0)->get())});
      else if (matchMaxPool(op))
        candidates.push_back(
            {op, absorbableFill(op, op.getDpsInitOperand(0)->get(),
                                InitValue::kNegativeInfinity)});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, fill] : candidates) {
      if (std::optional<MaxPoolWindow> window = matchMaxPool(op))
        (void)lowerMaxPool(rewriter, op, fill, *window, *isaCode);
      else if (llvm::isa<linalg::DepthwiseConv2DNchwChwOp>(*op))
        (void)lowerConv(rewriter, op, fill, /*depthwise=*/true, *isaCode);
      else if (llvm::isa<linalg::Conv2DNchwFchwOp>(*op))
        (void)lowerConv(rewriter, op, fill, /*depthwise=*/false, *isaCode);
      else
        (void)lower(rewriter, op, fill, *isaCode);
    }
  }

  /// A max pooling of contiguous f32 NCHW buffers whose output is first
  /// filled with -inf becomes one dlc_uk_max_pool2d call, absorbing the
  /// fill and a -inf padded copy of the input. The batch may be dynamic.
  LogicalResult lowerMaxPool(IRRewriter &rewriter, linalg::LinalgOp op,
                             linalg::FillOp fill, const MaxPoolWindow &window,
                             int32_t isaCode) {
    if (!fill)
      return failure();
    Value input = op.getDpsInputOperand(0)->get(),
          output = op.getDpsInitOperand(0)->get();
    auto windowType =
        dyn_cast<MemRefType>(op.getDpsInputOperand(1)->get().getType());
    if (!windowType || !windowType.hasStaticShape())
      return failure();
    std::optional<PaddedInput> padded =
        matchPaddedInput(input, op, fill, InitValue::kNegativeInfinity);
    if (padded && underlyingBuffer(padded->source) == underlyingBuffer(output))
      padded.reset();
    Value source = padded ? padded->source : input;
    SmallVector<MemRefType> types;
    for (Value operand : {source, output}) {
      auto type = dyn_cast<MemRefType>(operand.getType());
      if (!type || !type.getElementType().isF32() ||
          !type.getLayout().isIdentity() || type.getRank() != 4 ||
          type.isDynamicDim(1) || type.isDynamicDim(2) || type.isDynamicDim(3))
        return failure();
      types.push_back(type);
    }
    if (types[0].isDynamicDim(0) != types[1].isDynamicDim(0))
      return failure();
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    auto i64 = [&](int64_t value) -> Value {
      return arith::ConstantIntOp::create(rewriter, loc, rewriter.getI64Type(),
                                          value);
    };
    ArrayRef<int64_t> in = types[0].getShape(), out = types[1].getShape();
    Value batch = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getI64Type(),
        memref::DimOp::create(rewriter, loc, output, 0));
    SmallVector<Value> args = {
        arith::ConstantIntOp::create(rewriter, loc, rewriter.getI32Type(),
                                     isaCode),
        batch,
        i64(in[1]),
        i64(in[2]),
        i64(in[3]),
        i64(out[2]),
        i64(out[3]),
        i64(windowType.getDimSize(0)),
        i64(windowType.getDimSize(1)),
        i64(window.sh),
        i64(window.sw),
        i64(window.dh),
        i64(window.dw),
        i64(padded ? padded->padTop : 0),
        i64(padded ? padded->padLeft : 0),
        viewAddress(rewriter, loc, source),
        viewAddress(rewriter, loc, output)};
    func::FuncOp callee =
        declareUkernel(getOperation(), kMaxPool, 16, /*withEpilogue=*/false);
    func::CallOp::create(rewriter, loc, callee, args);
    rewriter.eraseOp(fill);
    rewriter.eraseOp(op);
    if (padded)
      for (Operation *dead : padded->ops)
        rewriter.eraseOp(dead);
    return success();
  }

  /// A depthwise or regular 2-D NCHW convolution of contiguous f32 buffers
  /// becomes one call; a regular one needs a constant filter, packed now.
  /// The output's batch may be dynamic.
  LogicalResult lowerConv(IRRewriter &rewriter, linalg::LinalgOp op,
                          linalg::FillOp fill, bool depthwise,
                          int32_t isaCode) {
    SmallVector<MemRefType> types;
    for (Value operand : op->getOperands()) {
      // The depthwise filter is [C, KH, KW]; every other operand NCHW.
      bool isFilter = types.size() == 1;
      auto type = dyn_cast<MemRefType>(operand.getType());
      if (!type || !type.getElementType().isF32() ||
          !type.getLayout().isIdentity() ||
          type.getRank() != (isFilter && depthwise ? 3 : 4) ||
          (isFilter && type.isDynamicDim(0)))
        return failure();
      for (int64_t d = 1; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          return failure();
      types.push_back(type);
    }
    Value input = op->getOperand(0), filter = op->getOperand(1),
          output = op->getOperand(2);
    ArrayRef<int64_t> f = types[1].getShape(), out = types[2].getShape();
    memref::GlobalOp packedFilter;
    if (!depthwise) {
      memref::GlobalOp weights = constantGlobal(filter);
      if (!weights)
        return failure();
      int64_t k = f[1] * f[2] * f[3];
      packedFilter = packedWeights(weights, /*isA=*/true, f[0], k, k, 1);
      if (!packedFilter)
        return failure();
    }
    std::optional<PaddedInput> padded = matchPaddedInput(input, op, fill);
    // The padded copy may have let the output reuse the source's buffer: the
    // depthwise kernel reads each plane before it writes it, when the two are
    // the same buffer of the same shape.
    bool inPlace = padded && depthwise && padded->source == output &&
                   padded->source.getType() == output.getType();
    if (padded && !inPlace &&
        underlyingBuffer(padded->source) == underlyingBuffer(output))
      padded.reset();
    Value source = padded ? padded->source : input;
    auto sourceType = cast<MemRefType>(source.getType());
    if (sourceType.isDynamicDim(0) != types[2].isDynamicDim(0))
      return failure();
    SmallVector<OutputDim> dims = {OutputDim::kBatch, OutputDim::kRow,
                                   OutputDim::kColumn, OutputDim::kColumn};
    SmallVector<Value> reads = {filter};
    if (!inPlace)
      reads.push_back(source);
    std::optional<Epilogue> epilogue =
        matchEpilogue(op, output, dims, reads, fill != nullptr);
    // The depthwise kernel adds a bias per channel only.
    if (depthwise && epilogue && epilogue->biasMode == BiasMode::kColumn)
      epilogue.reset();
    Value target = epilogue ? epilogue->output : output;

    Location loc = op.getLoc();
    Operation *callPoint =
        epilogue ? epilogue->consumer.getOperation() : op.getOperation();
    rewriter.setInsertionPoint(callPoint);
    // Written in place, the kernel would copy each input plane first; a new
    // buffer takes over the output's later uses instead (MobileNetV2 spent
    // 3.4% of its run in those copies).
    Value fresh;
    if (inPlace && fill && target == output &&
        separableOutput(output, callPoint)) {
      auto type = cast<MemRefType>(output.getType());
      SmallVector<Value> sizes;
      if (type.isDynamicDim(0))
        sizes.push_back(memref::DimOp::create(rewriter, loc, output, 0));
      fresh = memref::AllocOp::create(rewriter, loc, type, sizes,
                                      rewriter.getI64IntegerAttr(64));
      target = fresh;
    }
    auto i64 = [&](int64_t value) -> Value {
      return arith::ConstantIntOp::create(rewriter, loc, rewriter.getI64Type(),
                                          value);
    };
    auto address = [&](Value memref) {
      return viewAddress(rewriter, loc, memref);
    };
    Value batch = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getI64Type(),
        memref::DimOp::create(rewriter, loc, target, 0));
    ArrayRef<int64_t> in = sourceType.getShape();
    SmallVector<int64_t> strides, dilations;
    if (depthwise) {
      auto conv = cast<linalg::DepthwiseConv2DNchwChwOp>(*op);
      strides = llvm::to_vector(conv.getStrides().getValues<int64_t>());
      dilations = llvm::to_vector(conv.getDilations().getValues<int64_t>());
    } else {
      auto conv = cast<linalg::Conv2DNchwFchwOp>(*op);
      strides = llvm::to_vector(conv.getStrides().getValues<int64_t>());
      dilations = llvm::to_vector(conv.getDilations().getValues<int64_t>());
    }
    int64_t kh = depthwise ? f[1] : f[2], kw = depthwise ? f[2] : f[3];
    SmallVector<Value> args = {arith::ConstantIntOp::create(
                                   rewriter, loc, rewriter.getI32Type(),
                                   isaCode),
                               batch, i64(in[1]), i64(in[2]), i64(in[3])};
    if (!depthwise)
      args.push_back(i64(f[0]));
    args.append({i64(out[2]), i64(out[3]), i64(kh), i64(kw), i64(strides[0]),
                 i64(strides[1]), i64(dilations[0]), i64(dilations[1]),
                 i64(padded ? padded->padTop : 0),
                 i64(padded ? padded->padLeft : 0), address(source)});
    if (depthwise) {
      args.push_back(address(filter));
    } else {
      Value packed = memref::GetGlobalOp::create(
          rewriter, loc, packedFilter.getType(), packedFilter.getSymName());
      args.push_back(arith::IndexCastOp::create(
          rewriter, loc, rewriter.getI64Type(),
          memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc,
                                                         packed)));
    }
    args.push_back(address(target));
    bool accumulate = !fill || (epilogue && epilogue->residualIsOutput);
    args.push_back(arith::ConstantIntOp::create(
        rewriter, loc, rewriter.getI32Type(), accumulate));
    int64_t channels = out[1], pixels = out[2] * out[3];
    appendEpilogueArgs(rewriter, loc, epilogue,
                       {i64(channels * pixels), i64(pixels), i64(1)}, address,
                       args);
    func::FuncOp callee =
        declareUkernel(getOperation(), depthwise ? kDepthwise : kConv,
                       depthwise ? 17 : 18);
    auto call = func::CallOp::create(rewriter, loc, callee, args);
    if (fresh) {
      Block *block = call->getBlock();
      rewriter.replaceUsesWithIf(output, fresh, [&](OpOperand &use) {
        Operation *user = block->findAncestorOpInBlock(*use.getOwner());
        return user && user != call && call->isBeforeInBlock(user);
      });
      rewriter.setInsertionPointAfter(call);
      memref::DeallocOp::create(rewriter, loc, output);
    }
    eraseReplaced(rewriter, op, fill, epilogue, output);
    if (padded)
      for (Operation *dead : padded->ops)
        rewriter.eraseOp(dead);
    return success();
  }

  /// A contraction becomes a GEMM call; `fill` is its absorbable zero fill.
  LogicalResult lower(IRRewriter &rewriter, linalg::LinalgOp op,
                      linalg::FillOp fill, int32_t isaCode) {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        !linalg::isaContractionOpInterface(op))
      return failure();
    SmallVector<OperandView> views;
    for (OpOperand &operand : op->getOpOperands()) {
      auto type = dyn_cast<MemRefType>(operand.get().getType());
      if (!type || !type.getElementType().isF32())
        return failure();
      OperandView view{operand.get(), op.getMatchingIndexingMap(&operand), {}};
      int64_t offset;
      if (failed(type.getStridesAndOffset(view.strides, offset)))
        return failure();
      views.push_back(view);
    }
    FailureOr<linalg::ContractionDimensions> groups =
        linalg::inferContractionDims(op);
    if (failed(groups) || groups->k.empty())
      return failure();

    SmallVector<int64_t> staticSizes = op.getStaticLoopRanges();
    int64_t work = 1;
    bool dynamic = false;
    for (int64_t size : staticSizes) {
      if (ShapedType::isDynamic(size))
        dynamic = true;
      else
        work *= size;
    }
    if (!dynamic && work < minFlops)
      return failure();

    // The output dims' roles, for the epilogue's bias.
    Value product = views[2].memref;
    SmallVector<OutputDim> dims;
    for (unsigned r = 0; r < views[2].map.getNumResults(); ++r) {
      unsigned loopDim = views[2].map.getDimPosition(r);
      dims.push_back(llvm::is_contained(groups->batch, loopDim)
                         ? OutputDim::kBatch
                     : llvm::is_contained(groups->m, loopDim) ? OutputDim::kRow
                     : llvm::is_contained(groups->n, loopDim)
                         ? OutputDim::kColumn
                         : OutputDim::kOther);
    }
    std::optional<Epilogue> epilogue =
        matchEpilogue(op, product, dims, {views[0].memref, views[1].memref},
                      fill != nullptr);
    if (epilogue)
      views[2].memref = epilogue->output;

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(epilogue ? epilogue->consumer.getOperation()
                                        : op.getOperation());
    SmallVector<OpFoldResult> sizes;
    for (Range range : op.createLoopRanges(rewriter, loc))
      sizes.push_back(range.size);
    FailureOr<CollapsedDim> batch =
        collapse(groups->batch, staticSizes, sizes, views, rewriter);
    FailureOr<CollapsedDim> m =
        collapse(groups->m, staticSizes, sizes, views, rewriter);
    FailureOr<CollapsedDim> n =
        collapse(groups->n, staticSizes, sizes, views, rewriter);
    FailureOr<CollapsedDim> k =
        collapse(groups->k, staticSizes, sizes, views, rewriter);
    if (failed(batch) || failed(m) || failed(n) || failed(k))
      return failure();

    // Constant weights without a batch dim are packed now, not per run:
    // B (matmul weights), else A (convolution filters), or A transposed as
    // B when the product runs transposed. `asA`: in A's layout.
    auto packOperand = [&](unsigned operand, const CollapsedDim &rowDim,
                           const CollapsedDim &colDim,
                           bool asA) -> memref::GlobalOp {
      memref::GlobalOp weights = constantGlobal(views[operand].memref);
      if (!weights || batch->strideDim[operand])
        return nullptr;
      std::optional<int64_t> rows = getConstantIntValue(rowDim.size),
                             cols = getConstantIntValue(colDim.size);
      auto strideOf = [&](const CollapsedDim &dim) -> std::optional<int64_t> {
        return dim.strideDim[operand]
                   ? staticStride(views[operand], *dim.strideDim[operand])
                   : std::optional<int64_t>(0);
      };
      std::optional<int64_t> rowStride = strideOf(rowDim),
                             colStride = strideOf(colDim);
      if (!rows || !cols || !rowStride || !colStride)
        return nullptr;
      return packedWeights(weights, asA, *rows, *cols, *rowStride, *colStride);
    };
    memref::GlobalOp packedB = packOperand(1, *k, *n, /*asA=*/false);
    // Few columns (a convolution's pixels) waste much of the kernels'
    // 32-column tiles: C^T = B^T A^T then runs with the filter pre-packed
    // as B, its channels the vector lanes.
    bool transposed = !packedB && isaCode == 2 && transposeProduct(*m, *n, *k);
    memref::GlobalOp packedA = packedB ? nullptr
                               : transposed
                                   ? packOperand(0, *k, *m, /*asA=*/false)
                                   : packOperand(0, *m, *k, /*asA=*/true);
    if (transposed && !packedA)
      transposed = false, packedA = packOperand(0, *m, *k, /*asA=*/true);

    Type i64 = rewriter.getI64Type();
    auto toI64 = [&](OpFoldResult value) -> Value {
      Value index = getValueOrCreateConstantIndexOp(rewriter, loc, value);
      return arith::IndexCastOp::create(rewriter, loc, i64, index);
    };
    SmallVector<Value> args = {arith::ConstantIntOp::create(
        rewriter, loc, rewriter.getI32Type(), isaCode)};
    for (const CollapsedDim *dim :
         {&*batch, transposed ? &*n : &*m, transposed ? &*m : &*n, &*k})
      args.push_back(toI64(dim->size));
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    // A: (batch, m, k), B: (batch, k, n), C: (batch, m, n); transposed, the
    // call's A is B: (batch, n, k), its B packed A, C: (batch, n, m).
    const std::array<std::array<const CollapsedDim *, 3>, 3> layouts = {
        {{&*batch, &*m, &*k},
         {&*batch, transposed ? &*n : &*k, transposed ? &*k : &*n},
         {&*batch, transposed ? &*n : &*m, transposed ? &*m : &*n}}};
    // The operands in the call's order.
    const std::array<unsigned, 3> order = {transposed ? 1u : 0u,
                                           transposed ? 0u : 1u, 2u};
    for (unsigned i : order) {
      const OperandView &view = views[i];
      if (memref::GlobalOp packedOperand =
              i == 0 ? packedA : (i == 1 ? packedB : nullptr)) {
        Value packed = memref::GetGlobalOp::create(
            rewriter, loc, packedOperand.getType(), packedOperand.getSymName());
        Value base = memref::ExtractAlignedPointerAsIndexOp::create(
            rewriter, loc, packed);
        args.push_back(toI64(base));
        args.push_back(toI64(zero)); // Batch stride: weights have no batch.
        continue;
      }
      auto metadata =
          memref::ExtractStridedMetadataOp::create(rewriter, loc, view.memref);
      args.push_back(viewAddress(rewriter, loc, view.memref, metadata));
      for (const CollapsedDim *dim : layouts[i]) {
        Value stride = zero;
        if (std::optional<unsigned> loopDim = dim->strideDim[i]) {
          unsigned position =
              *view.map.getResultPosition(rewriter.getAffineDimExpr(*loopDim));
          stride = metadata.getStrides()[position];
        }
        args.push_back(toI64(stride));
      }
    }
    // The residual has C's type, so C's strides.
    SmallVector<Value> cStrides(args.end() - 3, args.end());
    bool accumulate = !fill || (epilogue && epilogue->residualIsOutput);
    args.push_back(arith::ConstantIntOp::create(
        rewriter, loc, rewriter.getI32Type(), accumulate));
    std::optional<Epilogue> callEpilogue = epilogue;
    if (transposed && callEpilogue)
      callEpilogue->biasMode = callEpilogue->biasMode == BiasMode::kRow
                                   ? BiasMode::kColumn
                               : callEpilogue->biasMode == BiasMode::kColumn
                                   ? BiasMode::kRow
                                   : callEpilogue->biasMode;
    appendEpilogueArgs(
        rewriter, loc, callEpilogue, cStrides,
        [&](Value memref) { return viewAddress(rewriter, loc, memref); }, args);
    func::FuncOp callee =
        packedB || transposed
            ? declareUkernel(getOperation(), kSgemmPackedB, 14)
        : packedA ? declareUkernel(getOperation(), kSgemmPackedA, 14)
                  : declareUkernel(getOperation(), kSgemm, 16);
    func::CallOp::create(rewriter, loc, callee, args);
    eraseReplaced(rewriter, op, fill, epilogue, product);
    return success();
  }
};

} // namespace
} // namespace dlc
