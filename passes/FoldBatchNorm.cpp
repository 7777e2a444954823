//===- FoldBatchNorm.cpp - Folds inference batch norm into the conv -------===//
//
// conv(x, W, b) -> batch_norm(scale, shift, mean, var) with constant
// parameters is conv(x, W * s, (b - mean) * s + shift) where
// s = scale / sqrt(var + eps) per output channel. The weights are read and
// written as raw buffers (f32 and f64 without per-element APFloat), since
// ResNet-style models hold most of their bytes in these convolutions. A
// matmul or gemm with a constant [K, N] (or [N, K]) weight folds a batch
// norm over its N columns the same way.
//
//===----------------------------------------------------------------------===//

#include "passes/FusionUtils.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// Constants above this size become dense_resource blobs, as in the importer.
constexpr size_t kInlineLimitBytes = 1024;

bool isSupportedFloat(Type type) {
  return type.isF32() || type.isF64() || type.isF16() || type.isBF16();
}

/// The elements of a float constant as doubles, or failure.
FailureOr<SmallVector<double>> readFloats(ElementsAttr attr) {
  Type element = attr.getElementType();
  if (!isSupportedFloat(element))
    return failure();
  int64_t count = attr.getNumElements();
  SmallVector<double> values(count);
  ArrayRef<char> raw;
  bool splat = false;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    raw = dense.getRawData();
    splat = dense.isSplat();
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    raw = blob->getData();
  } else {
    return failure();
  }
  size_t width = element.getIntOrFloatBitWidth() / 8;
  size_t stored = splat ? 1 : size_t(count);
  if (raw.size() != stored * width)
    return failure();
  auto at = [&](int64_t i) { return raw.data() + (splat ? 0 : i) * width; };
  if (element.isF32()) {
    for (int64_t i = 0; i < count; ++i) {
      float v;
      std::memcpy(&v, at(i), 4);
      values[i] = v;
    }
  } else if (element.isF64()) {
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(&values[i], at(i), 8);
  } else {
    const llvm::fltSemantics &sem =
        cast<FloatType>(element).getFloatSemantics();
    for (int64_t i = 0; i < count; ++i) {
      uint16_t bits;
      std::memcpy(&bits, at(i), 2);
      values[i] = APFloat(sem, APInt(16, bits)).convertToDouble();
    }
  }
  return values;
}

/// A constant of `type` holding `values`, rounded to the element type.
ElementsAttr writeFloats(RankedTensorType type, ArrayRef<double> values,
                         StringRef name) {
  Type element = type.getElementType();
  size_t width = element.getIntOrFloatBitWidth() / 8;
  std::vector<char> raw(values.size() * width);
  if (element.isF32()) {
    for (size_t i = 0; i < values.size(); ++i) {
      float v = float(values[i]);
      std::memcpy(raw.data() + i * 4, &v, 4);
    }
  } else if (element.isF64()) {
    std::memcpy(raw.data(), values.data(), raw.size());
  } else {
    const llvm::fltSemantics &sem =
        cast<FloatType>(element).getFloatSemantics();
    for (size_t i = 0; i < values.size(); ++i) {
      APFloat v(values[i]);
      bool lost;
      v.convert(sem, APFloat::rmNearestTiesToEven, &lost);
      uint16_t bits = uint16_t(v.bitcastToAPInt().getZExtValue());
      std::memcpy(raw.data() + i * 2, &bits, 2);
    }
  }
  if (raw.size() <= kInlineLimitBytes)
    return DenseElementsAttr::getFromRawBuffer(type, raw);
  return DenseResourceElementsAttr::get(
      type, name,
      HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, alignof(double),
                                                    /*dataIsMutable=*/false));
}

FailureOr<SmallVector<double>> readConstant(Value value) {
  auto constant = value.getDefiningOp<dlg::ConstantOp>();
  if (!constant)
    return failure();
  return readFloats(constant.getValue());
}

/// The per-channel factor s = scale / sqrt(var + eps) and offset
/// shift - mean * s of a batch norm with constant parameters of `channels`
/// values in `element`, or failure.
LogicalResult readBatchNorm(dlg::BatchNormOp bn, Type element, int64_t channels,
                            SmallVector<double> &factor,
                            SmallVector<double> &offset) {
  for (Value v : {bn.getScale(), bn.getBias(), bn.getMean(), bn.getVariance()})
    if (cast<RankedTensorType>(v.getType()).getElementType() != element)
      return failure();
  FailureOr<SmallVector<double>> scale = readConstant(bn.getScale());
  FailureOr<SmallVector<double>> shift = readConstant(bn.getBias());
  FailureOr<SmallVector<double>> mean = readConstant(bn.getMean());
  FailureOr<SmallVector<double>> var = readConstant(bn.getVariance());
  if (failed(scale) || failed(shift) || failed(mean) || failed(var))
    return failure();
  for (auto *params : {&*scale, &*shift, &*mean, &*var})
    if (int64_t(params->size()) != channels)
      return failure();
  double eps = bn.getEpsilon().convertToDouble();
  factor.resize(channels);
  offset.resize(channels);
  for (int64_t c = 0; c < channels; ++c) {
    factor[c] = (*scale)[c] / std::sqrt((*var)[c] + eps);
    offset[c] = (*shift)[c] - (*mean)[c] * factor[c];
  }
  return success();
}

std::string foldedName(dlg::BatchNormOp bn, StringRef what) {
  if (auto named = dyn_cast<NameLoc>(bn.getLoc()))
    return (named.getName().strref() + ".folded_" + what).str();
  return ("bn_folded_" + what).str();
}

/// The folded weight (at the old weight's location) and bias constants.
std::pair<Value, Value>
foldedConstants(RewriterBase &rewriter, dlg::BatchNormOp bn,
                dlg::ConstantOp weightOp, RankedTensorType weightType,
                ArrayRef<double> weight, ArrayRef<double> bias,
                RankedTensorType biasType, Location loc) {
  Value newWeight = dlg::ConstantOp::create(
      rewriter, weightOp.getLoc(), weightType,
      writeFloats(weightType, weight, foldedName(bn, "weight")));
  Value newBias = dlg::ConstantOp::create(
      rewriter, loc, biasType,
      writeFloats(biasType, bias, foldedName(bn, "bias")));
  return {newWeight, newBias};
}

/// matmul(x, W) or gemm(x, W[, c]) with a constant 2-D W, then batch norm
/// over the N columns of the [M, N] result: W's columns are scaled and the
/// offset becomes the gemm's c (matmul: a bias add the contraction fusion
/// takes as its epilogue).
struct FoldMatMulBatchNorm : OpRewritePattern<dlg::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlg::BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    Operation *producer = bn.getInput().getDefiningOp();
    if (!isa_and_nonnull<dlg::MatMulOp, dlg::GemmOp>(producer) ||
        !producer->hasOneUse())
      return rewriter.notifyMatchFailure(bn,
                                         "input is not a single-use matmul");
    RankedTensorType outType = bn.getType();
    Value weight = producer->getOperand(1);
    auto weightOp = weight.getDefiningOp<dlg::ConstantOp>();
    auto weightType = cast<RankedTensorType>(weight.getType());
    Type element = weightType.getElementType();
    if (!weightOp || outType.getRank() != 2 || weightType.getRank() != 2 ||
        !weightType.hasStaticShape() || !isSupportedFloat(element))
      return rewriter.notifyMatchFailure(bn, "not [M, N] with a constant W");
    auto gemm = dyn_cast<dlg::GemmOp>(producer);
    bool transB = gemm && gemm.getTransB();
    int64_t channels = weightType.getDimSize(transB ? 0 : 1);
    SmallVector<double> factor, offset;
    if (outType.getDimSize(1) != channels ||
        failed(readBatchNorm(bn, element, channels, factor, offset)))
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    // A gemm's c joins the offset when it is a constant per column.
    if (gemm && gemm.getC()) {
      auto cType = cast<RankedTensorType>(gemm.getC().getType());
      FailureOr<SmallVector<double>> c = readConstant(gemm.getC());
      bool perColumn = cType.getNumElements() == channels &&
                       cType.getShape().back() == channels;
      bool scalar = cType.getNumElements() == 1;
      if (failed(c) || (!perColumn && !scalar))
        return rewriter.notifyMatchFailure(bn, "c is not per column");
      double beta = gemm.getBeta().convertToDouble();
      for (int64_t n = 0; n < channels; ++n)
        offset[n] += factor[n] * beta * (*c)[scalar ? 0 : n];
    }
    FailureOr<SmallVector<double>> values = readFloats(weightOp.getValue());
    if (failed(values))
      return rewriter.notifyMatchFailure(bn, "unreadable weight");
    int64_t rows = weightType.getDimSize(0), cols = weightType.getDimSize(1);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        (*values)[r * cols + c] *= factor[transB ? r : c];

    Location loc = rewriter.getFusedLoc({producer->getLoc(), bn.getLoc()});
    auto [newWeight, newBias] =
        foldedConstants(rewriter, bn, weightOp, weightType, *values, offset,
                        RankedTensorType::get({channels}, element), loc);
    Value result;
    if (gemm) {
      result = dlg::GemmOp::create(rewriter, loc, outType, gemm.getA(),
                                   newWeight, newBias, gemm.getAlphaAttr(),
                                   rewriter.getF32FloatAttr(1.0f),
                                   gemm.getTransAAttr(), gemm.getTransBAttr())
                   .getResult();
    } else {
      auto matmul = dlg::MatMulOp::create(rewriter, producer->getLoc(), outType,
                                          producer->getOperand(0), newWeight);
      result =
          dlg::AddOp::create(rewriter, bn.getLoc(), outType, matmul, newBias)
              .getResult();
    }
    rewriter.replaceOp(bn, result);
    rewriter.eraseOp(producer);
    return success();
  }
};

struct FoldConvBatchNorm : OpRewritePattern<dlg::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlg::BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<dlg::ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use conv");
    auto weightOp = conv.getWeight().getDefiningOp<dlg::ConstantOp>();
    if (!weightOp)
      return rewriter.notifyMatchFailure(bn, "conv weight is not constant");
    RankedTensorType weightType = conv.getWeight().getType();
    Type element = weightType.getElementType();
    if (!isSupportedFloat(element) || !weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(bn, "unsupported weight type");
    int64_t channels = weightType.getDimSize(0);
    SmallVector<double> factor, offset;
    if (failed(readBatchNorm(bn, element, channels, factor, offset)))
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    SmallVector<double> bias(channels, 0.0);
    if (Value b = conv.getBias()) {
      FailureOr<SmallVector<double>> values = readConstant(b);
      if (failed(values) || int64_t(values->size()) != channels ||
          cast<RankedTensorType>(b.getType()).getElementType() != element)
        return rewriter.notifyMatchFailure(bn, "non-constant conv bias");
      bias = std::move(*values);
    }
    FailureOr<SmallVector<double>> weight = readFloats(weightOp.getValue());
    if (failed(weight))
      return rewriter.notifyMatchFailure(bn, "unreadable weight");

    int64_t perChannel = channels ? int64_t(weight->size()) / channels : 0;
    for (int64_t c = 0; c < channels; ++c) {
      double *w = weight->data() + c * perChannel;
      for (int64_t i = 0; i < perChannel; ++i)
        w[i] *= factor[c];
      bias[c] = bias[c] * factor[c] + offset[c];
    }

    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    auto [newWeight, newBias] =
        foldedConstants(rewriter, bn, weightOp, weightType, *weight, bias,
                        RankedTensorType::get({channels}, element), loc);
    auto folded = dlg::ConvOp::create(
        rewriter, loc, bn.getType(), conv.getInput(), newWeight, newBias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupAttr());
    rewriter.replaceOp(bn, folded);
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConvBatchNorm, FoldMatMulBatchNorm>(&getContext());
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
} // namespace dlc
