//===- Composer.h - Straight-line dlg compositions in handlers --*- C++ -*-===//

#ifndef DLC_FRONTENDS_ONNX_HANDLERS_COMPOSER_H
#define DLC_FRONTENDS_ONNX_HANDLERS_COMPOSER_H

#include "frontends/onnx/ImportContext.h"

#include "llvm/ADT/Sequence.h"

namespace dlc::onnx {

using mlir::ArrayRef;
using mlir::Attribute;
using mlir::DenseElementsAttr;
using mlir::failure;
using mlir::FailureOr;
using mlir::FloatAttr;
using mlir::FloatType;
using mlir::getElementTypeOrSelf;
using mlir::IntegerAttr;
using mlir::LogicalResult;
using mlir::NamedAttribute;
using mlir::RankedTensorType;
using mlir::SmallVectorImpl;
using mlir::success;
using mlir::Type;
using mlir::TypeAttr;
using mlir::Value;
using mlir::ValueRange;

/// Creates dlg ops in sequence and remembers the first failure, so that a
/// composition reads as straight-line code: once an op fails (its diagnostic
/// already emitted), the later ones are skipped and yield null.
class Composer {
public:
  explicit Composer(NodeContext &ctx) : ctx(ctx) {}

  template <typename OpTy>
  Value create(ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    if (failedBefore || llvm::any_of(operands, [](Value v) { return !v; })) {
      failedBefore = true;
      return {};
    }
    FailureOr<Value> value = ctx.create<OpTy>(operands, attrs);
    if (failed(value)) {
      failedBefore = true;
      return {};
    }
    return *value;
  }

  /// A rank-0 constant of `elementType` holding `value`.
  Value scalar(Type elementType, double value) {
    if (failedBefore)
      return {};
    auto type = RankedTensorType::get({}, elementType);
    Attribute element;
    if (auto floatType = llvm::dyn_cast<FloatType>(elementType))
      element = FloatAttr::get(floatType, value);
    else
      element = IntegerAttr::get(elementType, static_cast<int64_t>(value));
    return dlg::ConstantOp::create(ctx.builder, ctx.loc,
                                   DenseElementsAttr::get(type, element));
  }

  /// `op` applied to the listed axes, keeping them.
  template <typename OpTy>
  Value reduce(Value input, ArrayRef<int64_t> axes, bool keepDims = true) {
    return create<OpTy>(
        {input},
        ctx.withSign(
            input, {ctx.named("axes", ctx.builder.getDenseI64ArrayAttr(axes)),
                    ctx.named("keepdims", ctx.builder.getBoolAttr(keepDims))}));
  }

  Value reshape(Value input, ArrayRef<int64_t> shape) {
    return create<dlg::ReshapeOp>(
        {input}, {ctx.named("shape", ctx.builder.getDenseI64ArrayAttr(shape))});
  }

  Value cast(Value input, Type elementType) {
    if (!input || getElementTypeOrSelf(input.getType()) == elementType)
      return input;
    return create<dlg::CastOp>({input},
                               {ctx.named("to", TypeAttr::get(elementType))});
  }

  /// `OpTy` over every axis of `input`, giving a rank-0 tensor.
  template <typename OpTy> Value reduceAll(Value input) {
    if (!input) {
      failedBefore = true;
      return {};
    }
    int64_t rank = llvm::cast<RankedTensorType>(input.getType()).getRank();
    return reduce<OpTy>(input, llvm::to_vector(llvm::seq<int64_t>(0, rank)),
                        /*keepDims=*/false);
  }

  LogicalResult finish(ArrayRef<Value> values,
                       SmallVectorImpl<Value> &results) {
    if (failedBefore)
      return failure();
    llvm::append_range(results, values);
    return success();
  }

  bool failedBefore = false;

private:
  NodeContext &ctx;
};

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_HANDLERS_COMPOSER_H
