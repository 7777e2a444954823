//===- DlgEmitter.h - Terse dlg graph building for decompositions -*- C++
//-*-===//
//
// Attention, the recurrent ops, Resize and ConvTranspose are decomposed into
// many dlg ops at import time. DlgEmitter keeps that readable: every method
// returns a null Value once anything failed (the diagnostic is already
// emitted), and null operands propagate, so a handler checks once at the end.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_HANDLERS_DLGEMITTER_H
#define DLC_FRONTENDS_ONNX_HANDLERS_DLGEMITTER_H

#include "frontends/onnx/ImportContext.h"

namespace dlc::onnx {

class DlgEmitter {
public:
  explicit DlgEmitter(NodeContext &ctx) : ctx(ctx), b(ctx.builder) {}

  NodeContext &ctx;
  mlir::OpBuilder &b;

  static mlir::RankedTensorType typeOf(mlir::Value value) {
    return llvm::cast<mlir::RankedTensorType>(value.getType());
  }
  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value value) {
    return typeOf(value).getShape();
  }
  static mlir::Type elementOf(mlir::Value value) {
    return typeOf(value).getElementType();
  }

  /// Creates `OpTy`, or returns null when an operand is null or creation
  /// failed.
  template <typename OpTy>
  mlir::Value op(mlir::ValueRange operands,
                 llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    for (mlir::Value operand : operands)
      if (!operand)
        return {};
    mlir::FailureOr<mlir::Value> result = ctx.create<OpTy>(operands, attrs);
    return mlir::failed(result) ? mlir::Value() : *result;
  }

  mlir::Value add(mlir::Value x, mlir::Value y) {
    return op<dlg::AddOp>({x, y});
  }
  mlir::Value sub(mlir::Value x, mlir::Value y) {
    return op<dlg::SubOp>({x, y});
  }
  mlir::Value mul(mlir::Value x, mlir::Value y) {
    return op<dlg::MulOp>({x, y});
  }
  mlir::Value div(mlir::Value x, mlir::Value y) {
    return op<dlg::DivOp>({x, y});
  }
  mlir::Value max(mlir::Value x, mlir::Value y) {
    return op<dlg::MaxOp>({x, y});
  }
  mlir::Value matmul(mlir::Value x, mlir::Value y) {
    return op<dlg::MatMulOp>({x, y});
  }
  mlir::Value tanh(mlir::Value x) { return op<dlg::TanhOp>({x}); }
  mlir::Value sigmoid(mlir::Value x) { return op<dlg::SigmoidOp>({x}); }
  mlir::Value relu(mlir::Value x) { return op<dlg::ReluOp>({x}); }
  mlir::Value where(mlir::Value c, mlir::Value x, mlir::Value y) {
    return op<dlg::WhereOp>({c, x, y});
  }
  mlir::Value softmax(mlir::Value x, int64_t axis) {
    return op<dlg::SoftmaxOp>({x}, {named("axis", b.getI64IntegerAttr(axis))});
  }
  mlir::Value cast(mlir::Value x, mlir::Type to) {
    if (!x || elementOf(x) == to)
      return x;
    return op<dlg::CastOp>({x}, {named("to", mlir::TypeAttr::get(to))});
  }
  mlir::Value clip(mlir::Value x, std::optional<double> lo,
                   std::optional<double> hi) {
    llvm::SmallVector<mlir::NamedAttribute> attrs;
    if (lo)
      attrs.push_back(named("min", b.getF64FloatAttr(*lo)));
    if (hi)
      attrs.push_back(named("max", b.getF64FloatAttr(*hi)));
    return op<dlg::ClipOp>({x}, attrs);
  }
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int64_t> perm) {
    return op<dlg::TransposeOp>({x},
                                {named("perm", b.getDenseI64ArrayAttr(perm))});
  }
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape) {
    if (x && shapeOf(x) == shape)
      return x;
    return op<dlg::ReshapeOp>({x},
                              {named("shape", b.getDenseI64ArrayAttr(shape))});
  }
  mlir::Value concat(mlir::ValueRange xs, int64_t axis) {
    if (xs.size() == 1)
      return xs.front();
    return op<dlg::ConcatOp>(xs, {named("axis", b.getI64IntegerAttr(axis))});
  }
  mlir::Value slice(mlir::Value x, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> sizes,
                    llvm::ArrayRef<int64_t> steps) {
    return op<dlg::SliceOp>({x},
                            {named("starts", b.getDenseI64ArrayAttr(starts)),
                             named("sizes", b.getDenseI64ArrayAttr(sizes)),
                             named("steps", b.getDenseI64ArrayAttr(steps))});
  }
  /// Elements [start, start + size * step) of `axis` with stride `step`.
  mlir::Value sliceAxis(mlir::Value x, int64_t axis, int64_t start,
                        int64_t size, int64_t step = 1) {
    if (!x)
      return {};
    llvm::ArrayRef<int64_t> shape = shapeOf(x);
    if (start == 0 && step == 1 && size == shape[axis])
      return x;
    llvm::SmallVector<int64_t> starts(shape.size(), 0), sizes(shape),
        steps(shape.size(), 1);
    starts[axis] = start;
    sizes[axis] = size;
    steps[axis] = step;
    return slice(x, starts, sizes, steps);
  }
  mlir::Value gather(mlir::Value x, mlir::Value indices, int64_t axis) {
    return op<dlg::GatherOp>({x, indices},
                             {named("axis", b.getI64IntegerAttr(axis))});
  }

  /// A constant of `shape` and float or integer `elementType`.
  mlir::Value constant(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<double> values) {
    auto type = mlir::RankedTensorType::get(shape, elementType);
    if (auto floatType = llvm::dyn_cast<mlir::FloatType>(elementType)) {
      llvm::SmallVector<llvm::APFloat> floats;
      for (double value : values) {
        llvm::APFloat converted(value);
        bool lost;
        converted.convert(floatType.getFloatSemantics(),
                          llvm::APFloat::rmNearestTiesToEven, &lost);
        floats.push_back(converted);
      }
      return dlg::ConstantOp::create(
          b, ctx.loc, mlir::DenseElementsAttr::get(type, floats));
    }
    llvm::SmallVector<llvm::APInt> ints;
    for (double value : values)
      ints.push_back(llvm::APInt(elementType.getIntOrFloatBitWidth(),
                                 static_cast<int64_t>(value),
                                 /*isSigned=*/true, /*implicitTrunc=*/true));
    return dlg::ConstantOp::create(b, ctx.loc,
                                   mlir::DenseElementsAttr::get(type, ints));
  }
  /// A rank-0 constant.
  mlir::Value scalar(mlir::Type elementType, double value) {
    return constant(elementType, {}, {value});
  }
  mlir::Value boolConstant(llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<bool> values) {
    auto type = mlir::RankedTensorType::get(shape, b.getI1Type());
    return dlg::ConstantOp::create(b, ctx.loc,
                                   mlir::DenseElementsAttr::get(type, values));
  }
  mlir::Value indexConstant(llvm::ArrayRef<int64_t> values) {
    auto type =
        mlir::RankedTensorType::get({(int64_t)values.size()}, b.getI64Type());
    return dlg::ConstantOp::create(
        b, ctx.loc, mlir::DenseIntElementsAttr::get(type, values));
  }

  mlir::NamedAttribute named(llvm::StringRef name, mlir::Attribute value) {
    return b.getNamedAttr(name, value);
  }

  /// The float values of a constant input, if it is one.
  static std::optional<llvm::SmallVector<double>>
  constantFloats(mlir::Value value) {
    if (!value)
      return std::nullopt;
    auto constant = value.getDefiningOp<dlg::ConstantOp>();
    auto dense =
        constant ? llvm::dyn_cast<mlir::DenseElementsAttr>(constant.getValue())
                 : mlir::DenseElementsAttr();
    if (!dense)
      return std::nullopt;
    llvm::SmallVector<double> values;
    if (llvm::isa<mlir::FloatType>(dense.getElementType())) {
      for (llvm::APFloat v : dense.getValues<llvm::APFloat>())
        values.push_back(v.convertToDouble());
    } else {
      for (llvm::APInt v : dense.getValues<llvm::APInt>())
        values.push_back(static_cast<double>(v.getSExtValue()));
    }
    return values;
  }
};

/// Handlers of the ops decomposed by the files registered in Sequence.cpp.
mlir::LogicalResult attention(NodeContext &,
                              llvm::SmallVectorImpl<mlir::Value> &);
mlir::LogicalResult rotaryEmbedding(NodeContext &,
                                    llvm::SmallVectorImpl<mlir::Value> &);
mlir::LogicalResult rnn(NodeContext &, llvm::SmallVectorImpl<mlir::Value> &);
mlir::LogicalResult gru(NodeContext &, llvm::SmallVectorImpl<mlir::Value> &);
mlir::LogicalResult lstm(NodeContext &, llvm::SmallVectorImpl<mlir::Value> &);
mlir::LogicalResult resize(NodeContext &, llvm::SmallVectorImpl<mlir::Value> &);
mlir::LogicalResult upsample(NodeContext &,
                             llvm::SmallVectorImpl<mlir::Value> &);
mlir::LogicalResult convTranspose(NodeContext &,
                                  llvm::SmallVectorImpl<mlir::Value> &);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_HANDLERS_DLGEMITTER_H
