//===- Composer.cpp - Run-time argument helpers of the dlg composer -------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {

Value Composer::intsInput(size_t i) {
  Value input = ctx.input(i);
  if (!input) {
    failedBefore = true;
    return {};
  }
  Value values = cast(input, ctx.builder.getI64Type());
  if (values && llvm::cast<RankedTensorType>(values.getType()).getRank() == 0)
    values = reshape(values, {1});
  return values;
}

Value Composer::bools(ArrayRef<bool> values, ArrayRef<int64_t> shape) {
  if (failedBefore)
    return {};
  auto type = RankedTensorType::get(shape, ctx.builder.getI1Type());
  DenseElementsAttr attr = values.size() == 1
                               ? DenseElementsAttr::get(type, values[0])
                               : DenseElementsAttr::get(type, values);
  return dlg::ConstantOp::create(ctx.builder, ctx.loc, attr);
}

Value Composer::element(Value values, int64_t k) {
  Value index = ints({k}, llvm::SmallVector<int64_t>{});
  return create<dlg::GatherOp>(
      {values, index}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(0))});
}

Value Composer::valuesIn(Value values,
                         ArrayRef<llvm::SmallVector<int64_t>> allowed) {
  size_t width = 0;
  for (const auto &set : allowed)
    width = std::max(width, set.size());
  // One comparison per alternative; an element with fewer alternatives
  // repeats its first, and one with none compares with itself.
  Value ok;
  for (size_t k = 0; k < width; ++k) {
    SmallVector<int64_t> expected;
    SmallVector<bool> any;
    for (const auto &set : allowed) {
      expected.push_back(set.empty() ? 0 : set[std::min(k, set.size() - 1)]);
      any.push_back(set.empty());
    }
    Value equal = create<dlg::EqualOp>({values, ints(expected)});
    if (llvm::is_contained(any, true)) {
      Value free = bools(any, {static_cast<int64_t>(any.size())});
      equal = create<dlg::BitwiseOrOp>({equal, free});
    }
    ok = ok ? create<dlg::BitwiseOrOp>({ok, equal}) : equal;
  }
  return ok ? allOf(ok) : bools({true}, {});
}

Value Composer::allOf(Value conditions) {
  // All of nothing holds (a reduction of no elements gives its identity).
  if (conditions &&
      llvm::cast<RankedTensorType>(conditions.getType()).getNumElements() == 0)
    return bools({true}, {});
  // min over {0, 1} as i64: i1 is signed in dlg reductions (true is -1).
  Value min =
      reduceAll<dlg::ReduceMinOp>(cast(conditions, ctx.builder.getI64Type()));
  return create<dlg::EqualOp>({min, ints({1}, llvm::SmallVector<int64_t>{})});
}

Value Composer::anyOf(Value conditions) {
  if (conditions &&
      llvm::cast<RankedTensorType>(conditions.getType()).getNumElements() == 0)
    return bools({false}, {});
  Value max =
      reduceAll<dlg::ReduceMaxOp>(cast(conditions, ctx.builder.getI64Type()));
  return create<dlg::EqualOp>({max, ints({1}, llvm::SmallVector<int64_t>{})});
}

Value Composer::countEqual(Value values, int64_t value) {
  Value equal = create<dlg::EqualOp>(
      {values, ints({value}, llvm::SmallVector<int64_t>{})});
  return reduceAll<dlg::ReduceSumOp>(cast(equal, ctx.builder.getI64Type()));
}

Value Composer::normalizeAxes(Value axes, int64_t rank) {
  Value zero = ints({0}, llvm::SmallVector<int64_t>{});
  Value negative = create<dlg::LessOp>({axes, zero});
  Value shifted =
      create<dlg::AddOp>({axes, ints({rank}, llvm::SmallVector<int64_t>{})});
  return create<dlg::WhereOp>({negative, shifted, axes});
}

Value Composer::axisMask(Value axes, int64_t rank) {
  if (!axes) {
    failedBefore = true;
    return {};
  }
  int64_t count = llvm::cast<RankedTensorType>(axes.getType()).getNumElements();
  // [count, 1] == [rank] -> [count, rank], then any over the axes.
  Value column = reshape(axes, {count, 1});
  Value positions = ints(llvm::to_vector(llvm::seq<int64_t>(0, rank)));
  Value equal = create<dlg::EqualOp>({column, positions});
  if (count == 0)
    return bools({false}, {rank});
  Value hits = reduce<dlg::ReduceMaxOp>(cast(equal, ctx.builder.getI64Type()),
                                        {0}, /*keepDims=*/false);
  return create<dlg::EqualOp>({hits, ints({1}, llvm::SmallVector<int64_t>{})});
}

Value Composer::maskEquals(Value mask, ArrayRef<bool> expected) {
  SmallVector<int64_t> values(expected.begin(), expected.end());
  return allOf(create<dlg::EqualOp>(
      {cast(mask, ctx.builder.getI64Type()), ints(values)}));
}

Value Composer::select(ArrayRef<Value> conditions, ArrayRef<Value> values) {
  assert(!values.empty() && conditions.size() + 1 >= values.size());
  Value result = values.back();
  for (int64_t k = static_cast<int64_t>(values.size()) - 2; k >= 0; --k)
    result = create<dlg::WhereOp>({conditions[k], values[k], result});
  return result;
}

void Composer::check(Value condition, const llvm::Twine &what) {
  if (failedBefore || !condition) {
    failedBefore = true;
    return;
  }
  std::string message =
      ("node '" + (ctx.name.empty() ? ctx.node.name() : ctx.name) + "' (" +
       ctx.node.op_type() + ", opset " + std::to_string(ctx.opset) +
       "): " + what)
          .str();
  dlg::CheckOp::create(ctx.builder, ctx.loc, condition,
                       ctx.builder.getStringAttr(message));
}

} // namespace dlc::onnx
