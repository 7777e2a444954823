//===- Quantization.cpp - ONNX quantization ops -> dlg --------------------===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// ConvInteger, QLinearMatMul and QLinearConv, decomposed into dlg casts,
// arithmetic, matmul and conv. 8-bit matrix products run on their raw
// operands with i32 sums (dlg.matmul_integer) and zero-point corrections;
// integer convolutions run in f64, which holds every sum of 8- and 16-bit
// products exactly.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/ImportContext.h"

#include "mlir/IR/Matchers.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/Sequence.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// A rank-0 constant of `elementType` holding `value`.
FailureOr<Value> scalar(NodeContext &ctx, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr =
      isa<FloatType>(elementType)
          ? Attribute(DenseElementsAttr::get(
                type, ctx.builder.getFloatAttr(elementType, value)))
          : Attribute(DenseElementsAttr::get(
                type, ctx.builder.getIntegerAttr(elementType,
                                                 static_cast<int64_t>(value))));
  return ctx.create<dlg::ConstantOp>(ValueRange(), {ctx.named("value", attr)});
}

FailureOr<Value> clip(NodeContext &ctx, Value x, double lo, double hi) {
  return ctx.create<dlg::ClipOp>(
      {x}, {ctx.named("min", ctx.builder.getF64FloatAttr(lo)),
            ctx.named("max", ctx.builder.getF64FloatAttr(hi))});
}

/// Rounds half to even. Adding and subtracting 1.5 * 2^mantissa rounds in the
/// FPU's default mode (nearest-even), exact for |x| < 2^(mantissa-1); callers
/// saturate to a narrower range anyway, so x is clamped first.
FailureOr<Value> roundHalfEven(NodeContext &ctx, Value x) {
  auto type = cast<FloatType>(getElementTypeOrSelf(x.getType()));
  int mantissa = type.getFPMantissaWidth() - 1;
  double limit = std::ldexp(1.0, mantissa - 1);
  FailureOr<Value> clamped = clip(ctx, x, -limit, limit);
  FailureOr<Value> magic = scalar(ctx, type, 1.5 * std::ldexp(1.0, mantissa));
  if (failed(clamped) || failed(magic))
    return failure();
  FailureOr<Value> shifted = ctx.create<dlg::AddOp>({*clamped, *magic});
  if (failed(shifted))
    return failure();
  return ctx.create<dlg::SubOp>({*shifted, *magic});
}

struct QuantType {
  Type type;
  bool isUnsigned;
  double min, max;
};

/// The integer types Quantize/DequantizeLinear support.
std::optional<QuantType> quantType(NodeContext &ctx, int64_t dataType) {
  MLIRContext *mctx = ctx.builder.getContext();
  switch (dataType) {
  case ::onnx::TensorProto::UINT8:
    return QuantType{IntegerType::get(mctx, 8), true, 0, 255};
  case ::onnx::TensorProto::INT8:
    return QuantType{IntegerType::get(mctx, 8), false, -128, 127};
  case ::onnx::TensorProto::UINT16:
    return QuantType{IntegerType::get(mctx, 16), true, 0, 65535};
  case ::onnx::TensorProto::INT16:
    return QuantType{IntegerType::get(mctx, 16), false, -32768, 32767};
  case kUint4:
    return QuantType{IntegerType::get(mctx, 4), true, 0, 15};
  case kInt4:
    return QuantType{IntegerType::get(mctx, 4), false, -8, 7};
  case kUint2:
    return QuantType{IntegerType::get(mctx, 2), true, 0, 3};
  case kInt2:
    return QuantType{IntegerType::get(mctx, 2), false, -2, 1};
  default:
    return std::nullopt;
  }
}

/// The float8/float4 types QuantizeLinear produces (not float8e8m0).
bool isQuantFloat(Type type) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType, Float4E2M1FNType>(type);
}

/// The quantized type of a value (its element type and tracked signedness).
std::optional<QuantType> quantTypeOf(NodeContext &ctx, Value value) {
  Type type = getElementTypeOrSelf(value.getType());
  bool isUnsigned = ctx.isUnsigned(value);
  if (type.isInteger(8))
    return quantType(ctx, isUnsigned ? ::onnx::TensorProto::UINT8
                                     : ::onnx::TensorProto::INT8);
  if (type.isInteger(16))
    return quantType(ctx, isUnsigned ? ::onnx::TensorProto::UINT16
                                     : ::onnx::TensorProto::INT16);
  if (type.isInteger(4))
    return quantType(ctx, isUnsigned ? kUint4 : kInt4);
  if (type.isInteger(2))
    return quantType(ctx, isUnsigned ? kUint2 : kInt2);
  return std::nullopt;
}

/// Makes a scale or zero point broadcastable against `shape` (the ONNX
/// reshape_input rules): scalars as is, 1-D per-axis values reshaped to
/// [C, 1, ...], blocked values repeated `blockSize` times along `axis`.
FailureOr<Value> alignParam(NodeContext &ctx, Value param,
                            ArrayRef<int64_t> shape, int64_t axis,
                            int64_t blockSize) {
  auto type = cast<RankedTensorType>(param.getType());
  int64_t rank = shape.size();
  if (type.getNumElements() == 1 && type.getRank() <= 1)
    return param;
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "axis " << axis << " is out of range [" << -rank
                           << ", " << rank - 1 << "]",
           failure();
  if (axis < 0)
    axis += rank;
  OpBuilder &b = ctx.builder;
  if (blockSize <= 0) {
    if (type.getRank() != 1 || type.getDimSize(0) != shape[axis])
      return ctx.emitError() << "expects a scalar or a 1-D scale/zero point of "
                             << shape[axis] << " elements (axis " << axis
                             << ") but got " << type,
             failure();
    SmallVector<int64_t> dims(rank - axis, 1);
    dims[0] = shape[axis];
    return ctx.create<dlg::ReshapeOp>(
        {param}, {ctx.named("shape", b.getDenseI64ArrayAttr(dims))});
  }
  int64_t blocks = (shape[axis] + blockSize - 1) / blockSize;
  bool matches = type.getRank() == rank;
  for (int64_t d = 0; matches && d < rank; ++d)
    matches = type.getDimSize(d) == (d == axis ? blocks : shape[d]);
  if (!matches)
    return ctx.emitError() << "blocked quantization with block_size "
                           << blockSize << " along axis " << axis
                           << " expects a scale/zero point with " << blocks
                           << " blocks there and the input's other dims, but "
                              "got "
                           << type,
           failure();
  SmallVector<int64_t> indices;
  for (int64_t i = 0; i < shape[axis]; ++i)
    indices.push_back(i / blockSize);
  auto indexType = RankedTensorType::get({shape[axis]}, b.getIntegerType(64));
  FailureOr<Value> indexValues = ctx.create<dlg::ConstantOp>(
      ValueRange(),
      {ctx.named("value", DenseElementsAttr::get(indexType,
                                                 ArrayRef<int64_t>(indices)))});
  if (failed(indexValues))
    return failure();
  FailureOr<Value> gathered = ctx.create<dlg::GatherOp>(
      {param, *indexValues}, {ctx.named("axis", b.getI64IntegerAttr(axis))});
  if (succeeded(gathered))
    ctx.setUnsigned(*gathered, ctx.isUnsigned(param));
  return gathered;
}

/// `value` as a float of `type`; unsigned sources convert as unsigned.
FailureOr<Value> toFloat(NodeContext &ctx, Value value, Type type) {
  return ctx.castTo(value, type, /*toUnsigned=*/false);
}

LogicalResult quantizeLinear(NodeContext &ctx,
                             SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value x = ctx.input(0), scale = ctx.input(1), zeroPoint = ctx.input(2);
  auto xType = cast<RankedTensorType>(x.getType());
  if (!isa<FloatType>(xType.getElementType()))
    return ctx.emitError() << "expects a float input but got " << xType,
           failure();
  std::optional<QuantType> q;
  Type floatOut; // float8/float4 results
  if (zeroPoint) {
    q = quantTypeOf(ctx, zeroPoint);
    Type zpType = getElementTypeOrSelf(zeroPoint.getType());
    if (!q && isQuantFloat(zpType))
      floatOut = zpType;
    else if (!q)
      return ctx.emitError()
                 << "zero point of type " << zpType << " is not supported",
             failure();
  } else {
    int64_t dataType = ctx.intAttr("output_dtype", ::onnx::TensorProto::UINT8);
    q = quantType(ctx, dataType);
    Type type = convertElementType(ctx.builder.getContext(), dataType);
    if (!q && type && isQuantFloat(type))
      floatOut = type;
    else if (!q)
      return ctx.emitError() << "output_dtype " << dataTypeName(dataType)
                             << " is not supported",
             failure();
  }
  int64_t axis = ctx.intAttr("axis", 1);
  int64_t blockSize = ctx.intAttr("block_size", 0);
  // x / scale in x's type (numpy), or in `precision` when given.
  Type divType = xType.getElementType();
  if (int64_t precision = ctx.intAttr("precision", 0)) {
    divType = convertElementType(ctx.builder.getContext(), precision);
    if (!divType || !isa<FloatType>(divType))
      return ctx.emitError() << "precision " << dataTypeName(precision)
                             << " is not supported",
             failure();
  } else if (getElementTypeOrSelf(scale.getType()) != divType &&
             !divType.isF64()) {
    divType = ctx.builder.getF32Type();
  }
  FailureOr<Value> alignedScale =
      alignParam(ctx, scale, xType.getShape(), axis, blockSize);
  if (failed(alignedScale))
    return failure();
  FailureOr<Value> xf = toFloat(ctx, x, divType);
  FailureOr<Value> sf = toFloat(ctx, *alignedScale, divType);
  if (failed(xf) || failed(sf))
    return failure();
  FailureOr<Value> y = ctx.create<dlg::DivOp>({*xf, *sf});
  if (failed(y))
    return failure();
  Type computeType = divType.isF64() ? divType : Type(ctx.builder.getF32Type());
  y = toFloat(ctx, *y, computeType);
  if (failed(y))
    return failure();
  if (floatOut) {
    // float8: a (saturating) cast; the zero point must be 0 and is ignored.
    // float4: x / scale + zero point, cast.
    if (zeroPoint && isa<Float4E2M1FNType>(floatOut)) {
      FailureOr<Value> alignedZero =
          alignParam(ctx, zeroPoint, xType.getShape(), axis, blockSize);
      if (failed(alignedZero))
        return failure();
      FailureOr<Value> zf = toFloat(ctx, *alignedZero, computeType);
      if (failed(zf))
        return failure();
      y = ctx.create<dlg::AddOp>({*y, *zf});
      if (failed(y))
        return failure();
    }
    SmallVector<NamedAttribute> attrs = {
        ctx.named("to", TypeAttr::get(floatOut))};
    if (!ctx.intAttr("saturate", 1))
      attrs.push_back(ctx.named("saturate", ctx.builder.getBoolAttr(false)));
    ctx.setResultUnsigned(0, false);
    return pushResult(ctx.create<dlg::CastOp>({*y}, attrs), results);
  }
  y = roundHalfEven(ctx, *y);
  if (failed(y))
    return failure();
  if (zeroPoint) {
    FailureOr<Value> alignedZero =
        alignParam(ctx, zeroPoint, xType.getShape(), axis, blockSize);
    if (failed(alignedZero))
      return failure();
    FailureOr<Value> zf = toFloat(ctx, *alignedZero, computeType);
    if (failed(zf))
      return failure();
    y = ctx.create<dlg::AddOp>({*y, *zf});
    if (failed(y))
      return failure();
  }
  FailureOr<Value> clipped = clip(ctx, *y, q->min, q->max);
  if (failed(clipped))
    return failure();
  ctx.setResultUnsigned(0, q->isUnsigned);
  return pushResult(ctx.castTo(*clipped, q->type, q->isUnsigned), results);
}

LogicalResult dequantizeLinear(NodeContext &ctx,
                               SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value x = ctx.input(0), scale = ctx.input(1), zeroPoint = ctx.input(2);
  auto xType = cast<RankedTensorType>(x.getType());
  Type xElement = xType.getElementType();
  bool isFloatInput = isa<FloatType>(xElement);
  if (isFloatInput && xElement.getIntOrFloatBitWidth() > 8)
    return ctx.emitError() << "input of type " << xElement
                           << " is not supported",
           failure();
  if (!isFloatInput &&
      (xElement.isInteger(1) || xElement.getIntOrFloatBitWidth() > 32))
    return ctx.emitError() << "input of type " << xElement
                           << " is not supported",
           failure();
  // float8/float4 zero points are zero and ignored, as in the reference.
  if (isFloatInput)
    zeroPoint = nullptr;
  Type scaleType = getElementTypeOrSelf(scale.getType());
  if (!isa<FloatType>(scaleType))
    return ctx.emitError() << "expects a float scale but got " << scaleType,
           failure();
  Type outType = scaleType;
  if (int64_t dataType = ctx.intAttr("output_dtype", 0)) {
    outType = convertElementType(ctx.builder.getContext(), dataType);
    if (!outType || !isa<FloatType>(outType))
      return ctx.emitError() << "output_dtype " << dataTypeName(dataType)
                             << " is not supported",
             failure();
  }
  int64_t axis = ctx.intAttr("axis", 1);
  int64_t blockSize = ctx.intAttr("block_size", 0);
  // (x - zero_point) * scale in f32, as the reference does.
  Type computeType =
      scaleType.isF64() ? scaleType : Type(ctx.builder.getF32Type());
  FailureOr<Value> y = toFloat(ctx, x, computeType);
  if (failed(y))
    return failure();
  if (zeroPoint) {
    FailureOr<Value> alignedZero =
        alignParam(ctx, zeroPoint, xType.getShape(), axis, blockSize);
    if (failed(alignedZero))
      return failure();
    FailureOr<Value> zf = toFloat(ctx, *alignedZero, computeType);
    if (failed(zf))
      return failure();
    y = ctx.create<dlg::SubOp>({*y, *zf});
    if (failed(y))
      return failure();
  }
  FailureOr<Value> alignedScale =
      alignParam(ctx, scale, xType.getShape(), axis, blockSize);
  if (failed(alignedScale))
    return failure();
  FailureOr<Value> sf = toFloat(ctx, *alignedScale, computeType);
  if (failed(sf))
    return failure();
  y = ctx.create<dlg::MulOp>({*y, *sf});
  if (failed(y))
    return failure();
  return pushResult(toFloat(ctx, *y, outType), results);
}

/// Per-tensor uint8 quantization with the range taken from the data.
LogicalResult dynamicQuantizeLinear(NodeContext &ctx,
                                    SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  if (!isa<FloatType>(xType.getElementType()))
    return ctx.emitError() << "expects a float input but got " << xType,
           failure();
  OpBuilder &b = ctx.builder;
  Type f32 = b.getF32Type();
  FailureOr<Value> xf = toFloat(ctx, x, f32);
  if (failed(xf))
    return failure();
  SmallVector<int64_t> axes =
      llvm::to_vector(llvm::seq<int64_t>(0, xType.getRank()));
  auto reduceMax = [&](Value v) {
    return ctx.create<dlg::ReduceMaxOp>(
        {v}, {ctx.named("axes", b.getDenseI64ArrayAttr(axes)),
              ctx.named("keepdims", b.getBoolAttr(false))});
  };
  FailureOr<Value> zero = scalar(ctx, f32, 0);
  FailureOr<Value> negated = ctx.create<dlg::NegOp>({*xf});
  if (failed(zero) || failed(negated))
    return failure();
  FailureOr<Value> maxX = reduceMax(*xf);
  FailureOr<Value> negMin = reduceMax(*negated); // -min(x)
  if (failed(maxX) || failed(negMin))
    return failure();
  // The range always includes 0: max(0, max x) - min(0, min x).
  maxX = ctx.create<dlg::MaxOp>({*maxX, *zero});
  negMin = ctx.create<dlg::MaxOp>({*negMin, *zero});
  if (failed(maxX) || failed(negMin))
    return failure();
  FailureOr<Value> range = ctx.create<dlg::AddOp>({*maxX, *negMin});
  FailureOr<Value> qrange = scalar(ctx, f32, 255);
  FailureOr<Value> one = scalar(ctx, f32, 1);
  if (failed(range) || failed(qrange) || failed(one))
    return failure();
  // An all-zero input (range 0) gets scale 1/255, as in the reference.
  FailureOr<Value> rangeIsNonZero = ctx.castTo(*range, b.getI1Type());
  if (failed(rangeIsNonZero))
    return failure();
  FailureOr<Value> chosen =
      ctx.create<dlg::WhereOp>({*rangeIsNonZero, *range, *one});
  if (failed(chosen))
    return failure();
  FailureOr<Value> scale = ctx.create<dlg::DivOp>({*chosen, *qrange});
  if (failed(scale))
    return failure();
  // zero point = rint(clip(-min / scale, 0, 255)).
  FailureOr<Value> zp = ctx.create<dlg::DivOp>({*negMin, *scale});
  if (failed(zp))
    return failure();
  zp = clip(ctx, *zp, 0, 255);
  if (failed(zp))
    return failure();
  zp = roundHalfEven(ctx, *zp);
  if (failed(zp))
    return failure();
  FailureOr<Value> y = ctx.create<dlg::DivOp>({*xf, *scale});
  if (failed(y))
    return failure();
  y = roundHalfEven(ctx, *y);
  if (failed(y))
    return failure();
  y = ctx.create<dlg::AddOp>({*y, *zp});
  if (failed(y))
    return failure();
  y = clip(ctx, *y, 0, 255);
  if (failed(y))
    return failure();
  Type u8 = b.getIntegerType(8);
  FailureOr<Value> yq = ctx.castTo(*y, u8, /*toUnsigned=*/true);
  FailureOr<Value> zq = ctx.castTo(*zp, u8, /*toUnsigned=*/true);
  FailureOr<Value> scaleOut = toFloat(ctx, *scale, xType.getElementType());
  if (failed(yq) || failed(zq) || failed(scaleOut))
    return failure();
  ctx.setResultUnsigned(0, true);
  ctx.setResultUnsigned(1, false);
  ctx.setResultUnsigned(2, true);
  results.append({*yq, *scaleOut, *zq});
  return success();
}

/// `value` - `zeroPoint` in `type` (zero point aligned per `axis` when
/// 1-D and not a scalar).
FailureOr<Value> shifted(NodeContext &ctx, Value value, Value zeroPoint,
                         Type type, int64_t zeroPointAxis) {
  FailureOr<Value> result = ctx.castTo(value, type, /*toUnsigned=*/false);
  if (failed(result) || !zeroPoint)
    return result;
  auto valueType = cast<RankedTensorType>(value.getType());
  FailureOr<Value> aligned = zeroPoint;
  auto zpType = cast<RankedTensorType>(zeroPoint.getType());
  if (zpType.getNumElements() != 1 && zeroPointAxis >= 0)
    aligned =
        alignParam(ctx, zeroPoint, valueType.getShape(), zeroPointAxis, 0);
  if (failed(aligned))
    return failure();
  FailureOr<Value> zp = ctx.castTo(*aligned, type, /*toUnsigned=*/false);
  if (failed(zp))
    return failure();
  return ctx.create<dlg::SubOp>({*result, *zp});
}

/// Whether `value` is a constant of zeros.
bool isZeroConstant(Value value) {
  DenseElementsAttr attr;
  return matchPattern(value, m_Constant(&attr)) && attr.isSplat() &&
         isa<IntegerType>(attr.getElementType()) &&
         attr.getSplatValue<APInt>().isZero();
}

/// (A - a_zero_point) x (B - b_zero_point) in i32 with numpy.matmul's
/// shapes, as MatMulInteger and QLinearMatMul define it. 8-bit operands
/// multiply as they are (tensor cores and integer dot products take them
/// so), corrected by
///   sum_k (a - za)(b - zb) = sum_k a b - zb sum_k a - za sum_k (b - zb);
/// a term whose zero point is absent or zero is left out. za is per row of
/// the product (or one value), zb per column.
FailureOr<Value> integerProduct(NodeContext &ctx, Value a, Value aZero,
                                Value b, Value bZero) {
  OpBuilder &builder = ctx.builder;
  Type i32 = builder.getIntegerType(32);
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  int64_t aRowAxis = std::max<int64_t>(aType.getRank() - 2, 0);
  int64_t bColumnAxis = std::max<int64_t>(bType.getRank() - 1, 0);
  if (!aType.getElementType().isInteger(8) ||
      !bType.getElementType().isInteger(8)) {
    FailureOr<Value> x = shifted(ctx, a, aZero, i32, aRowAxis);
    FailureOr<Value> y = shifted(ctx, b, bZero, i32, bColumnAxis);
    if (failed(x) || failed(y))
      return failure();
    return ctx.create<dlg::MatMulOp>({*x, *y});
  }
  if (aZero && isZeroConstant(aZero))
    aZero = nullptr;
  if (bZero && isZeroConstant(bZero))
    bZero = nullptr;
  SmallVector<NamedAttribute> signs;
  if (ctx.isUnsigned(a))
    signs.push_back(ctx.named("lhs_unsigned", builder.getUnitAttr()));
  if (ctx.isUnsigned(b))
    signs.push_back(ctx.named("rhs_unsigned", builder.getUnitAttr()));
  FailureOr<Value> result = ctx.create<dlg::MatMulIntegerOp>({a, b}, signs);
  if (failed(result))
    return failure();
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(result->getType()).getShape();
  bool bVector = bType.getRank() == 1;
  bool aVector = aType.getRank() == 1;
  // The sums over K of an operand; K stays as a size-1 dim where the
  // product has the other operand's row or column dim.
  auto sumOverK = [&](Value value, int64_t axis, bool keep) {
    return ctx.create<dlg::ReduceSumOp>(
        {value}, {ctx.named("axes", builder.getDenseI64ArrayAttr({axis})),
                  ctx.named("keepdims", builder.getBoolAttr(keep))});
  };
  // `sums` times the zero point `zero`, laid out along `axis` of the
  // product, subtracted from the result.
  auto subtract = [&](FailureOr<Value> sums, Value zero,
                      int64_t axis) -> LogicalResult {
    if (failed(sums))
      return failure();
    FailureOr<Value> aligned = zero;
    if (cast<RankedTensorType>(zero.getType()).getNumElements() != 1)
      aligned = alignParam(ctx, zero, shape, axis, 0);
    if (failed(aligned))
      return failure();
    FailureOr<Value> wide = ctx.castTo(*aligned, i32, /*toUnsigned=*/false);
    if (failed(wide))
      return failure();
    FailureOr<Value> term = ctx.create<dlg::MulOp>({*sums, *wide});
    if (failed(term))
      return failure();
    result = ctx.create<dlg::SubOp>({*result, *term});
    return failure(failed(result));
  };
  if (bZero) {
    FailureOr<Value> wideA = ctx.castTo(a, i32, /*toUnsigned=*/false);
    if (failed(wideA) ||
        failed(subtract(sumOverK(*wideA, aType.getRank() - 1, !bVector), bZero,
                        std::max<int64_t>(int64_t(shape.size()) - 1, 0))))
      return failure();
  }
  if (aZero) {
    FailureOr<Value> shiftedB = shifted(ctx, b, bZero, i32, bColumnAxis);
    if (failed(shiftedB) ||
        failed(subtract(sumOverK(*shiftedB, bVector ? 0 : bType.getRank() - 2,
                                 !aVector),
                        aZero,
                        std::max<int64_t>(int64_t(shape.size()) -
                                              (bVector ? 1 : 2),
                                          0))))
      return failure();
  }
  return result;
}

LogicalResult matMulInteger(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  FailureOr<Value> product = integerProduct(ctx, ctx.input(0), ctx.input(2),
                                            ctx.input(1), ctx.input(3));
  ctx.setResultUnsigned(0, false);
  return pushResult(product, results);
}

/// Runs the registered Conv handler of this opset on `operands`: Conv's
/// attributes (auto_pad, pads, strides, ...) are those of ConvInteger and
/// QLinearConv.
FailureOr<Value> convolve(NodeContext &ctx, ArrayRef<Value> operands) {
  int64_t since = 0;
  const Handler *conv = OpRegistry::get().lookup(
      "", "Conv", std::max<int64_t>(ctx.opset, 11), since);
  if (!conv)
    return ctx.emitError() << "no Conv handler", failure();
  KnownInts none;
  NodeContext convCtx(ctx.builder, ctx.loc, ctx.node, ctx.domain, ctx.opset,
                      operands, none);
  SmallVector<Value> out;
  if (failed((*conv)(convCtx, out)) || convCtx.hadAttributeTypeError() ||
      out.empty())
    return failure();
  return out[0];
}

LogicalResult convInteger(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Type f64 = ctx.builder.getF64Type();
  FailureOr<Value> x = shifted(ctx, ctx.input(0), ctx.input(2), f64, -1);
  FailureOr<Value> w = shifted(ctx, ctx.input(1), ctx.input(3), f64, 0);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<Value> y = convolve(ctx, {*x, *w});
  if (failed(y))
    return failure();
  ctx.setResultUnsigned(0, false);
  return pushResult(ctx.castTo(*y, ctx.builder.getIntegerType(32)), results);
}

/// Requantizes an exact integer accumulator (held in f64):
/// rint(acc * (scale_a * scale_b / scale_y)) + zero_y, saturated.
FailureOr<Value> requantize(NodeContext &ctx, Value acc, Value scaleA,
                            Value scaleB, Value scaleY, Value zeroY,
                            const QuantType &q) {
  // The scale ratio is computed in the scales' type, as the reference does.
  FailureOr<Value> ratio = ctx.create<dlg::MulOp>({scaleA, scaleB});
  if (failed(ratio))
    return failure();
  ratio = ctx.create<dlg::DivOp>({*ratio, scaleY});
  if (failed(ratio))
    return failure();
  Type f64 = ctx.builder.getF64Type();
  FailureOr<Value> ratio64 = toFloat(ctx, *ratio, f64);
  if (failed(ratio64))
    return failure();
  FailureOr<Value> y = ctx.create<dlg::MulOp>({acc, *ratio64});
  if (failed(y))
    return failure();
  y = roundHalfEven(ctx, *y);
  if (failed(y))
    return failure();
  if (zeroY) {
    FailureOr<Value> zf = toFloat(ctx, zeroY, f64);
    if (failed(zf))
      return failure();
    y = ctx.create<dlg::AddOp>({*y, *zf});
    if (failed(y))
      return failure();
  }
  FailureOr<Value> clipped = clip(ctx, *y, q.min, q.max);
  if (failed(clipped))
    return failure();
  return ctx.castTo(*clipped, q.type, q.isUnsigned);
}

LogicalResult qlinearMatMul(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(8)))
    return failure();
  Value out = ctx.input(7);
  std::optional<QuantType> q = quantTypeOf(ctx, out);
  if (!q)
    return ctx.emitError() << "output type "
                           << getElementTypeOrSelf(out.getType())
                           << " is not supported (int8, uint8 are)",
           failure();
  auto aType = cast<RankedTensorType>(ctx.input(0).getType());
  auto bType = cast<RankedTensorType>(ctx.input(3).getType());
  // Exact i32 sums (for K below 2^31 / 255^2), requantized in f64.
  FailureOr<Value> product = integerProduct(ctx, ctx.input(0), ctx.input(2),
                                            ctx.input(3), ctx.input(5));
  if (failed(product))
    return failure();
  FailureOr<Value> acc = ctx.castTo(*product, ctx.builder.getF64Type());
  if (failed(acc))
    return failure();
  auto alignScale = [&](Value s, int64_t axis, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(s.getType());
    if (type.getNumElements() == 1)
      return FailureOr<Value>(s);
    return alignParam(ctx, s, shape, axis, 0);
  };
  FailureOr<Value> sa =
      alignScale(ctx.input(1), std::max<int64_t>(aType.getRank() - 2, 0),
                 aType.getShape());
  FailureOr<Value> sb =
      alignScale(ctx.input(4), std::max<int64_t>(bType.getRank() - 1, 0),
                 bType.getShape());
  if (failed(sa) || failed(sb))
    return failure();
  ctx.setResultUnsigned(0, q->isUnsigned);
  return pushResult(requantize(ctx, *acc, *sa, *sb, ctx.input(6), out, *q),
                    results);
}

LogicalResult qlinearConv(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(8)))
    return failure();
  Value out = ctx.input(7);
  std::optional<QuantType> q = quantTypeOf(ctx, out);
  if (!q)
    return ctx.emitError() << "output type "
                           << getElementTypeOrSelf(out.getType())
                           << " is not supported (int8, uint8 are)",
           failure();
  Type f64 = ctx.builder.getF64Type();
  FailureOr<Value> x = shifted(ctx, ctx.input(0), ctx.input(2), f64, -1);
  FailureOr<Value> w = shifted(ctx, ctx.input(3), ctx.input(5), f64, 0);
  if (failed(x) || failed(w))
    return failure();
  SmallVector<Value> operands = {*x, *w};
  if (Value bias = ctx.input(8)) {
    FailureOr<Value> bf = toFloat(ctx, bias, f64);
    if (failed(bf))
      return failure();
    operands.push_back(*bf);
  }
  FailureOr<Value> acc = convolve(ctx, operands);
  if (failed(acc))
    return failure();
  // A per-output-channel weight scale lines up with dim 1 of the result.
  Value ws = ctx.input(4);
  auto wsType = cast<RankedTensorType>(ws.getType());
  FailureOr<Value> sw = ws;
  if (wsType.getNumElements() != 1)
    sw = alignParam(ctx, ws, cast<RankedTensorType>(acc->getType()).getShape(),
                    1, 0);
  if (failed(sw))
    return failure();
  ctx.setResultUnsigned(0, q->isUnsigned);
  return pushResult(
      requantize(ctx, *acc, ctx.input(1), *sw, ctx.input(6), out, *q), results);
}

} // namespace

void registerQuantizationHandlers(OpRegistry &registry) {
  registry.add("", "QuantizeLinear", {10, 13, 19, 21, 23, 24, 25},
               quantizeLinear);
  registry.add("", "DequantizeLinear", {10, 13, 19, 21, 23, 24, 25},
               dequantizeLinear);
  registry.add("", "DynamicQuantizeLinear", {11}, dynamicQuantizeLinear);
  registry.add("", "MatMulInteger", {10}, matMulInteger);
  registry.add("", "ConvInteger", {10}, convInteger);
  registry.add("", "QLinearMatMul", {10, 21}, qlinearMatMul);
  registry.add("", "QLinearConv", {10}, qlinearConv);
}

} // namespace dlc::onnx
