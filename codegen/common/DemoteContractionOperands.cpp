//===- DemoteContractionOperands.cpp - bf16/f16 inputs for matrix products ===//
//
// Tensor cores multiply bf16 or f16 values and accumulate in f32. A product
// of f32 tensors gets rounded inputs (constants at compile time) and widens
// them in its body, so that its value is what such a kernel computes; an
// NCHW convolution gets rounded inputs and an f32 accumulator.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/common/LoweringUtils.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/bit.h"

namespace dlc {
#define GEN_PASS_DEF_DEMOTECONTRACTIONOPERANDS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// f32 -> bf16 bits, rounding to nearest even (NaN stays a quiet NaN).
uint16_t roundToBF16(float value) {
  uint32_t bits = llvm::bit_cast<uint32_t>(value);
  if ((bits & 0x7fffffff) > 0x7f800000)
    return uint16_t((bits >> 16) | 0x40);
  bits += 0x7fff + ((bits >> 16) & 1);
  return uint16_t(bits >> 16);
}

/// f32 -> f16 bits, rounding to nearest even; too large becomes inf.
uint16_t roundToF16(float value) {
  uint32_t bits = llvm::bit_cast<uint32_t>(value);
  uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000)
    return sign | 0x7e00;
  // 65520 and above round to inf.
  if (magnitude >= 0x477ff000)
    return sign | 0x7c00;
  if (magnitude < 0x38800000) {
    // Below 2^-14: an f16 subnormal, mantissa * 2^(exponent - 150) in units
    // of 2^-24. Below 2^-25 everything rounds to zero.
    uint32_t exponent = magnitude >> 23;
    if (exponent < 102)
      return sign;
    uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - exponent;
    uint32_t result = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (result & 1)))
      ++result;
    return sign | uint16_t(result);
  }
  // Rebias the exponent (127 -> 15) and round off 13 mantissa bits.
  uint32_t rebiased = magnitude - 0x38000000;
  return sign | uint16_t((rebiased + 0xfff + ((rebiased >> 13) & 1)) >> 13);
}

struct DemoteContractionOperandsPass
    : impl::DemoteContractionOperandsBase<DemoteContractionOperandsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    Type narrow;
    if (elementType == "bf16")
      narrow = BFloat16Type::get(ctx);
    else if (elementType == "f16")
      narrow = Float16Type::get(ctx);
    else {
      getOperation()->emitError("unknown element-type '")
          << elementType << "' (expected bf16 or f16)";
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> products;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics() && op.getNumDpsInputs() == 2 &&
          op.getNumDpsInits() == 1 && linalg::isaContractionOpInterface(op) &&
          llvm::all_of(op->getOperandTypes(), [](Type type) {
            return getElementTypeOrSelf(type).isF32();
          }))
        products.push_back(op);
    });
    // NCHW convolutions whose filter rows (C*KH*KW) are whole 16-byte
    // chunks of the narrow type, as the tensor-core kernels copy them
    // (others stay f32, in TF32).
    SmallVector<linalg::Conv2DNchwFchwOp> convolutions;
    getOperation()->walk([&](linalg::Conv2DNchwFchwOp op) {
      auto filter = cast<ShapedType>(op.getDpsInputs()[1].getType());
      if (op.hasPureTensorSemantics() && filter.hasStaticShape() &&
          filter.getDimSize(0) > 0 &&
          filter.getNumElements() / filter.getDimSize(0) % 8 == 0 &&
          llvm::all_of(op->getOperandTypes(), [](Type type) {
            return getElementTypeOrSelf(type).isF32();
          }))
        convolutions.push_back(op);
    });
    IRRewriter rewriter(ctx);
    for (linalg::Conv2DNchwFchwOp op : convolutions) {
      SmallVector<Value> inputs = demoteInputs(rewriter, op, narrow);
      rewriter.setInsertionPoint(op);
      // The named op widens its inputs to the f32 accumulator.
      auto demoted = linalg::Conv2DNchwFchwOp::create(
          rewriter, op.getLoc(), op.getResultTypes(), inputs,
          op.getDpsInits(), op.getStrides(), op.getDilations());
      demoted->setDiscardableAttrs(op->getDiscardableAttrDictionary());
      rewriter.replaceOp(op, demoted->getResults());
    }
    for (linalg::GenericOp op : products) {
      SmallVector<Value> inputs = demoteInputs(rewriter, op, narrow);
      rewriter.setInsertionPoint(op);
      auto demoted = linalg::GenericOp::create(
          rewriter, op.getLoc(), op.getResultTypes(), inputs, op.getDpsInits(),
          op.getIndexingMapsArray(), op.getIteratorTypesArray(),
          [&](OpBuilder &b, Location loc, ValueRange args) {
            IRMapping mapping;
            Block &body = op.getRegion().front();
            for (auto [old, arg] : llvm::zip(body.getArguments(), args))
              mapping.map(old, arg.getType() == old.getType()
                                   ? arg
                                   : Value(arith::ExtFOp::create(
                                         b, loc, old.getType(), arg)));
            for (Operation &inner : body)
              b.clone(inner, mapping);
          });
      demoted->setDiscardableAttrs(op->getDiscardableAttrDictionary());
      rewriter.replaceOp(op, demoted->getResults());
    }
  }

  /// The inputs of `op` rounded to `narrow`, each right after its value,
  /// so that nothing comes between the product and the fill of its
  /// accumulator (which kernels absorb).
  SmallVector<Value> demoteInputs(OpBuilder &b, linalg::LinalgOp op,
                                  Type narrow) {
    SmallVector<Value> inputs;
    for (Value input : op.getDpsInputs()) {
      b.setInsertionPointAfterValue(input);
      inputs.push_back(demote(b, op.getLoc(), input, narrow));
    }
    return inputs;
  }

  /// `input` rounded to `narrow`: a new constant, or a rounding generic.
  Value demote(OpBuilder &b, Location loc, Value input, Type narrow) {
    auto type = cast<RankedTensorType>(input.getType());
    auto narrowType = type.clone(narrow);
    Attribute value;
    if (matchPattern(input, m_Constant(&value)) && type.hasStaticShape()) {
      if (auto dense = dyn_cast<DenseElementsAttr>(value);
          dense && dense.isSplat() && dense.getElementType().isF32()) {
        float splat = dense.getSplatValue<float>();
        uint16_t bits = narrow.isBF16() ? roundToBF16(splat) : roundToF16(splat);
        APFloat rounded(narrow.isBF16() ? APFloat::BFloat()
                                        : APFloat::IEEEhalf(),
                        APInt(16, bits));
        return arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(narrowType, rounded));
      }
      if (auto values = constantF32Values(value)) {
        std::vector<uint16_t> bits(type.getNumElements());
        bool bf16 = narrow.isBF16();
        for (int64_t i = 0, e = bits.size(); i < e; ++i)
          bits[i] = bf16 ? roundToBF16((*values)(i)) : roundToF16((*values)(i));
        auto attr = DenseElementsAttr::getFromRawBuffer(
            narrowType, ArrayRef<char>(reinterpret_cast<char *>(bits.data()),
                                       bits.size() * sizeof(uint16_t)));
        return arith::ConstantOp::create(b, loc, attr);
      }
    }
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
    Value init = tensor::EmptyOp::create(b, loc, narrowType, dynamicSizes);
    AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
    SmallVector<utils::IteratorType> parallel(type.getRank(),
                                              utils::IteratorType::parallel);
    return linalg::GenericOp::create(
               b, loc, TypeRange{narrowType}, ValueRange{input},
               ValueRange{init}, ArrayRef<AffineMap>{identity, identity},
               parallel,
               [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                 Value rounded = arith::TruncFOp::create(nested, nestedLoc,
                                                         narrow, args[0]);
                 linalg::YieldOp::create(nested, nestedLoc, rounded);
               })
        .getResult(0);
  }
};

} // namespace
} // namespace dlc
