//===- FoldBatchNorm.cpp - Folds inference batch norm into the conv -------===//
//
// conv(x, W, b) -> batch_norm(scale, shift, mean, var) with constant
// parameters is conv(x, W * s, (b - mean) * s + shift) where
// s = scale / sqrt(var + eps) per output channel. The weights are read and
// written as raw buffers (f32 and f64 without per-element APFloat), since
// ResNet-style models hold most of their bytes in these convolutions.
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
    for (Value v :
         {bn.getScale(), bn.getBias(), bn.getMean(), bn.getVariance()})
      if (cast<RankedTensorType>(v.getType()).getElementType() != element)
        return rewriter.notifyMatchFailure(bn, "mixed element types");
    int64_t channels = weightType.getDimSize(0);
    FailureOr<SmallVector<double>> scale = readConstant(bn.getScale());
    FailureOr<SmallVector<double>> shift = readConstant(bn.getBias());
    FailureOr<SmallVector<double>> mean = readConstant(bn.getMean());
    FailureOr<SmallVector<double>> var = readConstant(bn.getVariance());
    if (failed(scale) || failed(shift) || failed(mean) || failed(var))
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    for (auto *params : {&*scale, &*shift, &*mean, &*var})
      if (int64_t(params->size()) != channels)
        return rewriter.notifyMatchFailure(bn, "not one value per channel");
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

    double eps = bn.getEpsilon().convertToDouble();
    int64_t perChannel = channels ? int64_t(weight->size()) / channels : 0;
    for (int64_t c = 0; c < channels; ++c) {
      double s = (*scale)[c] / std::sqrt((*var)[c] + eps);
      double *w = weight->data() + c * perChannel;
      for (int64_t i = 0; i < perChannel; ++i)
        w[i] *= s;
      bias[c] = (bias[c] - (*mean)[c]) * s + (*shift)[c];
    }

    std::string name = "bn_folded";
    if (auto named = dyn_cast<NameLoc>(bn.getLoc()))
      name = (named.getName().strref() + ".folded").str();
    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    auto newWeight = dlg::ConstantOp::create(
        rewriter, weightOp.getLoc(), weightType,
        writeFloats(weightType, *weight, name + "_weight"));
    auto biasType = RankedTensorType::get({channels}, element);
    auto newBias = dlg::ConstantOp::create(
        rewriter, loc, biasType, writeFloats(biasType, bias, name + "_bias"));
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
    patterns.add<FoldConvBatchNorm>(&getContext());
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
} // namespace dlc
