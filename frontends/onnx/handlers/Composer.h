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

  /// An i64 constant of `shape` (rank 1 by default) holding `values`.
  Value ints(ArrayRef<int64_t> values,
             std::optional<llvm::SmallVector<int64_t>> shape = std::nullopt) {
    if (failedBefore)
      return {};
    auto type = RankedTensorType::get(
        shape ? ArrayRef<int64_t>(*shape)
              : ArrayRef<int64_t>{static_cast<int64_t>(values.size())},
        ctx.builder.getI64Type());
    Value value = dlg::ConstantOp::create(
        ctx.builder, ctx.loc, mlir::DenseIntElementsAttr::get(type, values));
    ctx.recordInts(value, values);
    return value;
  }

  // Run-time arguments. Shape arguments that are graph inputs (Reshape's
  // `shape`, ReduceSum's `axes`, ...) are only known when the model runs.
  // Handlers then take the result shape the model declares
  // (NodeContext::requireDeclaredShape), compute with the argument where its
  // values matter, and check() at run time that it is consistent.

  /// An i1 constant of `shape`: `values` per element, or one splat value.
  Value bools(ArrayRef<bool> values, ArrayRef<int64_t> shape);
  /// Input `i` as a rank-1 i64 tensor (a scalar becomes one element).
  Value intsInput(size_t i);
  /// Element `k` of the rank-1 tensor `values`, as a rank-0 tensor.
  Value element(Value values, int64_t k);
  /// Whether every element k of the rank-1 i64 tensor `values` is one of
  /// `allowed[k]` (an empty set allows anything): a rank-0 i1 tensor.
  Value valuesIn(Value values, ArrayRef<llvm::SmallVector<int64_t>> allowed);
  /// Whether all (any) elements of an i1 tensor are true: rank-0 i1.
  Value allOf(Value conditions);
  Value anyOf(Value conditions);
  /// How many elements of `values` equal `value`: rank-0 i64.
  Value countEqual(Value values, int64_t value);
  /// Axes in [-rank, rank) made non-negative.
  Value normalizeAxes(Value axes, int64_t rank);
  /// mask[j] = whether j is among `axes` (already normalized): i1 of `rank`.
  Value axisMask(Value axes, int64_t rank);
  /// Whether `mask` (i1 of rank n) equals the constant `expected`.
  Value maskEquals(Value mask, ArrayRef<bool> expected);
  /// `values[k]` where `conditions[k]` is the first that holds, else the last
  /// value: a chain of dlg.where.
  Value select(ArrayRef<Value> conditions, ArrayRef<Value> values);
  /// Fails the model run with "<node>: <what>" unless `condition` (rank-0 i1)
  /// holds.
  void check(Value condition, const llvm::Twine &what);

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
