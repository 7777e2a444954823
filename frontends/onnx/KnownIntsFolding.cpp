//===- KnownIntsFolding.cpp - Import-time integer folding -----------------===//

#include "frontends/onnx/KnownIntsFolding.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// Larger tensors are not shape arguments; folding them would only cost time.
constexpr int64_t kMaxFoldedElements = 4096;

using Ints = SmallVector<int64_t>;
using OptInt = std::optional<int64_t>;

/// A known input: its static shape and its contents, row-major.
struct Known {
  SmallVector<int64_t> shape;
  Ints values;
};

std::optional<RankedTensorType> staticType(Value value) {
  auto type = value ? dyn_cast<RankedTensorType>(value.getType()) : nullptr;
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return type;
}

/// Input `i` when present, integer typed, signed and known.
std::optional<Known> knownInput(NodeContext &ctx, size_t i) {
  Value value = ctx.input(i);
  std::optional<RankedTensorType> type = staticType(value);
  if (!type || !isa<IntegerType>(type->getElementType()) ||
      ctx.isUnsigned(value))
    return std::nullopt;
  std::optional<Ints> values = ctx.knownIntsOf(value);
  if (!values || int64_t(values->size()) != type->getNumElements() ||
      type->getNumElements() > kMaxFoldedElements)
    return std::nullopt;
  return Known{llvm::to_vector(type->getShape()), std::move(*values)};
}

/// All present inputs, known; none when one of them is not.
std::optional<SmallVector<Known>> knownInputs(NodeContext &ctx) {
  SmallVector<Known> inputs;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.input(i))
      continue;
    std::optional<Known> known = knownInput(ctx, i);
    if (!known)
      return std::nullopt;
    inputs.push_back(std::move(*known));
  }
  return inputs;
}

/// `value` wrapped to a signed integer of `width` bits (what a cast does).
int64_t wrapTo(int64_t value, unsigned width) {
  if (width >= 64)
    return value;
  if (width == 1)
    return value != 0;
  return llvm::SignExtend64(static_cast<uint64_t>(value), width);
}

/// Records `values` as the contents of `result` when they are consistent
/// with its type: a static integer tensor with that many elements, each
/// value in the element type's (signed) range.
void record(NodeContext &ctx, size_t index, Value result,
            ArrayRef<int64_t> values) {
  std::optional<RankedTensorType> type = staticType(result);
  if (!type || ctx.knownIntsOf(result) ||
      ctx.resultUnsigned(index).value_or(false))
    return;
  auto intType = dyn_cast<IntegerType>(type->getElementType());
  if (!intType || type->getNumElements() != int64_t(values.size()) ||
      type->getNumElements() > kMaxFoldedElements)
    return;
  unsigned width = intType.getWidth();
  for (int64_t value : values)
    if (width == 1 ? (value != 0 && value != 1)
                   : (width < 64 && !llvm::isIntN(width, value)))
      return;
  ctx.recordInts(result, values);
}

/// The linear index into `inShape` of element `linear` of `outShape`, with
/// numpy broadcasting (shapes aligned on the right, size-1 dims repeated).
int64_t broadcastIndex(ArrayRef<int64_t> outShape, ArrayRef<int64_t> inShape,
                       int64_t linear) {
  int64_t index = 0, stride = 1;
  int64_t offset = int64_t(outShape.size()) - int64_t(inShape.size());
  for (int64_t d = int64_t(outShape.size()) - 1; d >= 0; --d) {
    int64_t coord = linear % outShape[d];
    linear /= outShape[d];
    int64_t id = d - offset;
    if (id < 0)
      continue;
    if (inShape[id] != 1)
      index += coord * stride;
    stride *= inShape[id];
  }
  return index;
}

/// Whether `inShape` broadcasts to `outShape`.
bool broadcastsTo(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape) {
  if (inShape.size() > outShape.size())
    return false;
  int64_t offset = int64_t(outShape.size()) - int64_t(inShape.size());
  for (auto [d, dim] : llvm::enumerate(inShape))
    if (dim != 1 && dim != outShape[offset + d])
      return false;
  return true;
}

/// Applies `fn` to the broadcast elements of `inputs`, giving the contents of
/// `result` (of the broadcast shape); none when `fn` fails for an element.
std::optional<Ints>
elementwise(Value result, ArrayRef<Known> inputs,
            llvm::function_ref<OptInt(ArrayRef<int64_t>)> fn) {
  std::optional<RankedTensorType> type = staticType(result);
  if (!type || type->getNumElements() > kMaxFoldedElements)
    return std::nullopt;
  ArrayRef<int64_t> outShape = type->getShape();
  for (const Known &input : inputs)
    if (!broadcastsTo(input.shape, outShape))
      return std::nullopt;
  Ints values;
  SmallVector<int64_t> args(inputs.size());
  for (int64_t linear = 0; linear < type->getNumElements(); ++linear) {
    for (auto [k, input] : llvm::enumerate(inputs))
      args[k] = input.values[broadcastIndex(outShape, input.shape, linear)];
    OptInt value = fn(args);
    if (!value)
      return std::nullopt;
    values.push_back(*value);
  }
  return values;
}

OptInt add(int64_t a, int64_t b) {
  int64_t r;
  return llvm::AddOverflow(a, b, r) ? std::nullopt : OptInt(r);
}
OptInt sub(int64_t a, int64_t b) {
  int64_t r;
  return llvm::SubOverflow(a, b, r) ? std::nullopt : OptInt(r);
}
OptInt mul(int64_t a, int64_t b) {
  int64_t r;
  return llvm::MulOverflow(a, b, r) ? std::nullopt : OptInt(r);
}
/// Integer Div truncates toward zero (onnx/reference/ops/op_div.py); the
/// result of x / 0 is unspecified, so it stays unknown.
OptInt div(int64_t a, int64_t b) {
  if (b == 0 || (a == INT64_MIN && b == -1))
    return std::nullopt;
  return a / b;
}
/// np.fmod (sign of the dividend) or np.mod (sign of the divisor).
OptInt mod(int64_t a, int64_t b, bool fmod) {
  if (b == 0)
    return std::nullopt;
  if (b == -1)
    return 0;
  int64_t r = a % b;
  if (!fmod && r != 0 && ((r < 0) != (b < 0)))
    r += b;
  return r;
}

using Binary = OptInt (*)(int64_t, int64_t);

/// A left fold of `fn` over the (broadcast) arguments.
std::optional<Ints> variadic(Value result, ArrayRef<Known> inputs, Binary fn) {
  if (inputs.empty())
    return std::nullopt;
  return elementwise(result, inputs, [&](ArrayRef<int64_t> args) -> OptInt {
    OptInt acc = args[0];
    for (int64_t arg : args.drop_front())
      if (acc)
        acc = fn(*acc, arg);
    return acc;
  });
}

std::optional<Ints> binaryOp(Value result, ArrayRef<Known> inputs, Binary fn) {
  if (inputs.size() != 2)
    return std::nullopt;
  return variadic(result, inputs, fn);
}

std::optional<Ints> unaryOp(Value result, ArrayRef<Known> inputs,
                            OptInt (*fn)(int64_t)) {
  if (inputs.size() != 1)
    return std::nullopt;
  return elementwise(result, inputs,
                     [&](ArrayRef<int64_t> args) { return fn(args[0]); });
}

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Reductions over `axes` (all when empty unless noop): Sum, Prod, Max, Min.
std::optional<Ints> reduce(NodeContext &ctx, Value result, StringRef op) {
  std::optional<Known> input = knownInput(ctx, 0);
  if (!input)
    return std::nullopt;
  int64_t rank = input->shape.size();
  Ints axes;
  if (ctx.input(1)) {
    std::optional<Known> given = knownInput(ctx, 1);
    if (!given)
      return std::nullopt;
    axes = given->values;
  } else {
    axes = ctx.intsAttr("axes");
  }
  SmallVector<bool> reduced(rank, axes.empty());
  if (axes.empty() && ctx.intAttr("noop_with_empty_axes", 0) != 0)
    reduced.assign(rank, false);
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    reduced[axis < 0 ? axis + rank : axis] = true;
  }
  // The kept shape (reduced dims of size 1) orders the results like the
  // result type does, with or without keepdims.
  SmallVector<int64_t> kept(input->shape);
  for (int64_t d = 0; d < rank; ++d)
    if (reduced[d])
      kept[d] = 1;
  int64_t count = std::accumulate(kept.begin(), kept.end(), int64_t(1),
                                  std::multiplies<int64_t>());
  bool isMax = op == "ReduceMax", isMin = op == "ReduceMin";
  if ((isMax || isMin) && input->values.empty() && count != 0)
    return std::nullopt; // The max of nothing is a -inf the ints lack.
  Ints values(count, op == "ReduceProd" ? 1
                     : isMax            ? INT64_MIN
                     : isMin            ? INT64_MAX
                                        : 0);
  SmallVector<int64_t> keptStrides = stridesOf(kept);
  for (int64_t linear = 0; linear < int64_t(input->values.size()); ++linear) {
    int64_t rest = linear, out = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t coord = rest % input->shape[d];
      rest /= input->shape[d];
      if (!reduced[d])
        out += coord * keptStrides[d];
    }
    int64_t value = input->values[linear];
    OptInt next = op == "ReduceSum"    ? add(values[out], value)
                  : op == "ReduceProd" ? mul(values[out], value)
                  : isMax              ? std::max(values[out], value)
                                       : std::min(values[out], value);
    if (!next)
      return std::nullopt;
    values[out] = *next;
  }
  return values;
}

/// The contents of result 0 of the node, when they follow from its inputs.
std::optional<Ints> fold(NodeContext &ctx, Value result) {
  StringRef op = ctx.node.op_type();

  // Layout ops: the same elements in the same order.
  if (llvm::is_contained(
          {"Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze"}, op)) {
    std::optional<Known> input = knownInput(ctx, 0);
    if (!input)
      return std::nullopt;
    return input->values;
  }
  // Expand's and Tile's result shape is in the result type; only the data
  // input needs to be known.
  if (op == "Expand") {
    std::optional<Known> input = knownInput(ctx, 0);
    if (!input)
      return std::nullopt;
    return elementwise(result, {*input},
                       [](ArrayRef<int64_t> args) { return OptInt(args[0]); });
  }
  if (op == "Tile") {
    std::optional<Known> input = knownInput(ctx, 0);
    std::optional<RankedTensorType> type = staticType(result);
    if (!input || !type || type->getRank() != int64_t(input->shape.size()) ||
        type->getNumElements() > kMaxFoldedElements)
      return std::nullopt;
    ArrayRef<int64_t> outShape = type->getShape();
    SmallVector<int64_t> inStrides = stridesOf(input->shape);
    Ints values;
    for (int64_t linear = 0; linear < type->getNumElements(); ++linear) {
      int64_t rest = linear, index = 0;
      for (int64_t d = type->getRank() - 1; d >= 0; --d) {
        int64_t coord = rest % outShape[d];
        rest /= outShape[d];
        index += (coord % input->shape[d]) * inStrides[d];
      }
      values.push_back(input->values[index]);
    }
    return values;
  }
  if (op == "Transpose") {
    std::optional<Known> input = knownInput(ctx, 0);
    std::optional<RankedTensorType> type = staticType(result);
    if (!input || !type)
      return std::nullopt;
    int64_t rank = input->shape.size();
    Ints perm = ctx.intsAttr("perm");
    if (perm.empty())
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    if (int64_t(perm.size()) != rank || type->getRank() != rank)
      return std::nullopt;
    SmallVector<int64_t> inStrides = stridesOf(input->shape);
    ArrayRef<int64_t> outShape = type->getShape();
    Ints values;
    for (int64_t linear = 0; linear < type->getNumElements(); ++linear) {
      int64_t rest = linear, index = 0;
      for (int64_t d = rank - 1; d >= 0; --d) {
        int64_t coord = rest % outShape[d];
        rest /= outShape[d];
        if (perm[d] < 0 || perm[d] >= rank)
          return std::nullopt;
        index += coord * inStrides[perm[d]];
      }
      values.push_back(input->values[index]);
    }
    return values;
  }
  if (op == "CastLike" || op == "Cast") {
    std::optional<Known> input = knownInput(ctx, 0);
    std::optional<RankedTensorType> type = staticType(result);
    if (!input || !type)
      return std::nullopt;
    auto intType = dyn_cast<IntegerType>(type->getElementType());
    if (!intType)
      return std::nullopt;
    Ints values;
    for (int64_t value : input->values)
      values.push_back(wrapTo(value, intType.getWidth()));
    return values;
  }
  if (llvm::is_contained({"ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin"},
                         op))
    return reduce(ctx, result, op);

  // The elementwise ops need every present input. Before opset 7, binary
  // ops broadcast along an `axis`, not like numpy.
  if (ctx.attribute("broadcast"))
    return std::nullopt;
  std::optional<SmallVector<Known>> inputs = knownInputs(ctx);
  if (!inputs || inputs->empty())
    return std::nullopt;
  if (op == "Add")
    return binaryOp(result, *inputs, add);
  if (op == "Sub")
    return binaryOp(result, *inputs, sub);
  if (op == "Mul")
    return binaryOp(result, *inputs, mul);
  if (op == "Div")
    return binaryOp(result, *inputs, div);
  if (op == "Mod") {
    bool fmod = ctx.intAttr("fmod", 0) != 0;
    if (inputs->size() != 2)
      return std::nullopt;
    return elementwise(result, *inputs, [&](ArrayRef<int64_t> args) {
      return mod(args[0], args[1], fmod);
    });
  }
  if (op == "Sum")
    return variadic(result, *inputs, add);
  if (op == "Max")
    return variadic(result, *inputs, [](int64_t a, int64_t b) -> OptInt {
      return std::max(a, b);
    });
  if (op == "Min")
    return variadic(result, *inputs, [](int64_t a, int64_t b) -> OptInt {
      return std::min(a, b);
    });
  if (op == "Neg")
    return unaryOp(result, *inputs, [](int64_t a) -> OptInt {
      return a == INT64_MIN ? std::nullopt : OptInt(-a);
    });
  if (op == "Abs")
    return unaryOp(result, *inputs, [](int64_t a) -> OptInt {
      return a == INT64_MIN ? std::nullopt : OptInt(a < 0 ? -a : a);
    });
  if (op == "Sign")
    return unaryOp(result, *inputs,
                   [](int64_t a) -> OptInt { return (a > 0) - (a < 0); });
  if (op == "Not")
    return unaryOp(result, *inputs, [](int64_t a) -> OptInt { return a == 0; });
  if (op == "BitwiseNot")
    return unaryOp(result, *inputs, [](int64_t a) -> OptInt { return ~a; });
  auto compare = [&](auto predicate) {
    return binaryOp(result, *inputs, predicate);
  };
  if (op == "Equal")
    return compare([](int64_t a, int64_t b) -> OptInt { return a == b; });
  if (op == "Less")
    return compare([](int64_t a, int64_t b) -> OptInt { return a < b; });
  if (op == "Greater")
    return compare([](int64_t a, int64_t b) -> OptInt { return a > b; });
  if (op == "LessOrEqual")
    return compare([](int64_t a, int64_t b) -> OptInt { return a <= b; });
  if (op == "GreaterOrEqual")
    return compare([](int64_t a, int64_t b) -> OptInt { return a >= b; });
  // Logical ops see bools as 0/1; the bitwise ones work on any ints.
  if (op == "And" || op == "BitwiseAnd")
    return compare([](int64_t a, int64_t b) -> OptInt { return a & b; });
  if (op == "Or" || op == "BitwiseOr")
    return compare([](int64_t a, int64_t b) -> OptInt { return a | b; });
  if (op == "Xor" || op == "BitwiseXor")
    return compare([](int64_t a, int64_t b) -> OptInt { return a ^ b; });
  if (op == "Where") {
    if (inputs->size() != 3)
      return std::nullopt;
    return elementwise(result, *inputs, [](ArrayRef<int64_t> args) {
      return OptInt(args[0] ? args[1] : args[2]);
    });
  }
  // Clip's bounds are inputs from opset 11 (earlier ones are float
  // attributes); bounds that cross are left unknown.
  if (op == "Clip" && ctx.opset >= 11) {
    bool hasMin = ctx.input(1) != nullptr;
    return elementwise(result, *inputs, [&](ArrayRef<int64_t> args) -> OptInt {
      int64_t lo = INT64_MIN, hi = INT64_MAX;
      size_t next = 1;
      if (hasMin)
        lo = args[next++];
      if (next < args.size())
        hi = args[next];
      if (lo > hi)
        return std::nullopt;
      return std::clamp(args[0], lo, hi);
    });
  }
  return std::nullopt;
}

/// The contents of an integer dlg.constant (ConstantOfShape, EyeLike, ...).
std::optional<Ints> constantContents(Value result) {
  auto op = result.getDefiningOp<dlg::ConstantOp>();
  auto dense = op ? dyn_cast<DenseElementsAttr>(op.getValue()) : nullptr;
  if (!dense || !isa<IntegerType>(dense.getElementType()) ||
      dense.getNumElements() > kMaxFoldedElements)
    return std::nullopt;
  bool isBool = dense.getElementType().isInteger(1);
  Ints values;
  for (APInt element : dense.getValues<APInt>())
    values.push_back(isBool ? int64_t(element.getZExtValue())
                            : element.getSExtValue());
  return values;
}

} // namespace

void foldKnownInts(NodeContext &ctx, ArrayRef<Value> results) {
  for (auto [i, result] : llvm::enumerate(results)) {
    if (!result || ctx.knownIntsOf(result))
      continue;
    std::optional<Ints> values;
    if (i == 0 && ctx.domain.empty() && ctx.node.output_size() == 1)
      values = fold(ctx, result);
    if (!values)
      values = constantContents(result);
    if (values)
      record(ctx, i, result, *values);
  }
}

} // namespace dlc::onnx
