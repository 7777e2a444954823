//===- DlgShapeInference.cpp - Result types of dlg ops --------------------===//
//
// Every dlg op infers its result type here. The diagnostics double as the
// verifiers' messages, so they state the numbers that do not fit.
//
//===----------------------------------------------------------------------===//

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace dlc::dlg;

namespace {

RankedTensorType rankedType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Formats a shape as [a,b,c] for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, ",");
  os << "]";
  return text;
}

LogicalResult push(SmallVectorImpl<Type> &types, ArrayRef<int64_t> shape,
                   Type elementType) {
  types.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

/// Checks that `values` has `expected` entries; names the attribute on error.
LogicalResult checkLength(std::optional<Location> loc, StringRef name,
                          ArrayRef<int64_t> values, size_t expected) {
  if (values.size() == expected)
    return success();
  return emitOptionalError(loc, "expects '", name, "' to have ", expected,
                           " values but got ", values.size());
}

/// Fails unless every present operand has the first one's element type.
LogicalResult checkSameElementType(std::optional<Location> loc,
                                   ArrayRef<Value> operands) {
  Type expected = rankedType(operands.front()).getElementType();
  for (Value operand : operands)
    if (operand && rankedType(operand).getElementType() != expected)
      return emitOptionalError(loc,
                               "expects operands of one element type but got ",
                               expected, " and ",
                               rankedType(operand).getElementType());
  return success();
}

/// The diagnostic for an axis outside [-rank, rank - 1].
LogicalResult axisOutOfRange(std::optional<Location> loc, int64_t axis,
                             int64_t rank) {
  return emitOptionalError(loc, "axis ", axis, " is out of range [", -rank,
                           ", ", rank - 1, "]");
}

/// Output extent of a sliding window; std::nullopt if the window never fits.
std::optional<int64_t> windowOutputSize(int64_t input, int64_t kernel,
                                        int64_t stride, int64_t padBegin,
                                        int64_t padEnd, int64_t dilation,
                                        bool ceilMode) {
  if (ShapedType::isDynamic(input))
    return ShapedType::kDynamic;
  int64_t span, room;
  if (llvm::MulOverflow(dilation, kernel - 1, span) ||
      llvm::AddOverflow(span, int64_t(1), span) ||
      llvm::AddOverflow(input, padBegin, room) ||
      llvm::AddOverflow(room, padEnd, room) ||
      llvm::SubOverflow(room, span, room))
    return std::nullopt;
  if (room < 0)
    return std::nullopt;
  int64_t size = room / stride + (ceilMode && room % stride ? 1 : 0) + 1;
  // ONNX: with ceil_mode the last window must start inside the input or the
  // begin padding.
  int64_t lastStart;
  if (ceilMode && (llvm::MulOverflow(size - 1, stride, lastStart) ||
                   lastStart >= input + padBegin))
    --size;
  return size;
}

} // namespace

std::optional<int64_t> dlc::dlg::checkedNumElements(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || llvm::MulOverflow(count, dim, count) ||
        count > kMaxNumElements)
      return std::nullopt;
  }
  return count;
}

std::optional<int64_t> dlc::dlg::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

std::optional<SmallVector<int64_t>>
dlc::dlg::broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == 1)
        continue;
      if (out == 1 || out == dim)
        out = dim;
      else if (ShapedType::isDynamic(out) || ShapedType::isDynamic(dim))
        out = ShapedType::isDynamic(out) ? dim : out;
      else
        return std::nullopt;
    }
  }
  return result;
}

LogicalResult dlc::dlg::inferBroadcastType(std::optional<Location> loc,
                                           ValueRange operands,
                                           Type elementType,
                                           SmallVectorImpl<Type> &types) {
  // Without an explicit result element type, all operands must share one
  // (dlg.where passes its own: its i1 condition differs from x and y).
  Type firstType = rankedType(operands.front()).getElementType();
  bool sameElementType = !elementType;
  if (!elementType)
    elementType = firstType;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value operand : operands) {
    RankedTensorType type = rankedType(operand);
    if (sameElementType && type.getElementType() != firstType)
      return emitOptionalError(loc,
                               "expects operands of one element type but got ",
                               firstType, " and ", type.getElementType());
    shapes.push_back(type.getShape());
  }
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape) {
    std::string list;
    for (ArrayRef<int64_t> s : shapes)
      list += (list.empty() ? "" : " and ") + formatShape(s);
    return emitOptionalError(loc, "cannot broadcast shapes ", list);
  }
  return push(types, *shape, elementType);
}

LogicalResult dlc::dlg::inferReduceType(std::optional<Location> loc,
                                        Value input, ArrayRef<int64_t> axes,
                                        bool keepDims,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(input);
  int64_t rank = type.getRank();
  SmallVector<bool> reduced(rank, false);
  for (int64_t axis : axes) {
    std::optional<int64_t> dim = normalizeAxis(axis, rank);
    if (!dim)
      return axisOutOfRange(loc, axis, rank);
    if (reduced[*dim])
      return emitOptionalError(loc, "axis ", axis, " is reduced twice");
    reduced[*dim] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      shape.push_back(type.getDimSize(d));
    else if (keepDims)
      shape.push_back(1);
  }
  return push(types, shape, type.getElementType());
}

LogicalResult
dlc::dlg::inferPoolType(std::optional<Location> loc, Value input,
                        ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                        bool ceilMode, SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(input);
  if (type.getRank() < 3)
    return emitOptionalError(loc, "expects an input of rank >= 3 but got ",
                             type.getRank());
  size_t spatial = type.getRank() - 2;
  if (failed(checkLength(loc, "kernel_shape", kernel, spatial)) ||
      failed(checkLength(loc, "strides", strides, spatial)) ||
      failed(checkLength(loc, "pads", pads, 2 * spatial)) ||
      failed(checkLength(loc, "dilations", dilations, spatial)))
    return failure();
  SmallVector<int64_t> shape(type.getShape().take_front(2));
  for (size_t i = 0; i < spatial; ++i) {
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 ||
        pads[i + spatial] < 0)
      return emitOptionalError(
          loc,
          "expects positive kernel, stride and dilation and non-negative "
          "pads in spatial dimension ",
          i);
    std::optional<int64_t> size =
        windowOutputSize(type.getDimSize(i + 2), kernel[i], strides[i], pads[i],
                         pads[i + spatial], dilations[i], ceilMode);
    if (!size)
      return emitOptionalError(loc, "window of size ", kernel[i], " (dilation ",
                               dilations[i],
                               ") does not fit spatial dimension ", i,
                               " of size ", type.getDimSize(i + 2));
    shape.push_back(*size);
  }
  return push(types, shape, type.getElementType());
}

//===----------------------------------------------------------------------===//
// Per-op inference
//===----------------------------------------------------------------------===//

LogicalResult CastOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  return push(types, rankedType(adaptor.getInput()).getShape(),
              adaptor.getTo());
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  SmallVector<Type> unused;
  if (failed(inferBroadcastType(loc, {adaptor.getX(), adaptor.getY()}, nullptr,
                                unused)))
    return failure();
  return inferBroadcastType(
      loc, {adaptor.getCondition(), adaptor.getX(), adaptor.getY()},
      rankedType(adaptor.getX()).getElementType(), types);
}

/// numpy.matmul's result shape.
static FailureOr<SmallVector<int64_t>>
inferMatMulShape(std::optional<Location> loc, RankedTensorType lhs,
                 RankedTensorType rhs) {
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitOptionalError(loc, "expects operands of rank >= 1");
  SmallVector<int64_t> lhsShape(lhs.getShape()), rhsShape(rhs.getShape());
  bool lhsVector = lhsShape.size() == 1, rhsVector = rhsShape.size() == 1;
  if (lhsVector)
    lhsShape.insert(lhsShape.begin(), 1);
  if (rhsVector)
    rhsShape.push_back(1);
  int64_t k = lhsShape.back(), rhsK = rhsShape[rhsShape.size() - 2];
  if (k != rhsK && !ShapedType::isDynamic(k) && !ShapedType::isDynamic(rhsK))
    return emitOptionalError(loc, "contracting dimensions differ: ", k, " vs ",
                             rhsK, " (shapes ", formatShape(lhs.getShape()),
                             " and ", formatShape(rhs.getShape()), ")");
  ArrayRef<int64_t> lhsBatch = ArrayRef(lhsShape).drop_back(2);
  ArrayRef<int64_t> rhsBatch = ArrayRef(rhsShape).drop_back(2);
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes({lhsBatch, rhsBatch});
  if (!shape)
    return emitOptionalError(loc, "cannot broadcast batch dimensions ",
                             formatShape(lhsBatch), " and ",
                             formatShape(rhsBatch));
  if (!lhsVector)
    shape->push_back(lhsShape[lhsShape.size() - 2]);
  if (!rhsVector)
    shape->push_back(rhsShape.back());
  return *shape;
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  RankedTensorType lhs = rankedType(adaptor.getLhs());
  RankedTensorType rhs = rankedType(adaptor.getRhs());
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(
        loc, "expects operands of one element type but got ",
        lhs.getElementType(), " and ", rhs.getElementType());
  FailureOr<SmallVector<int64_t>> shape = inferMatMulShape(loc, lhs, rhs);
  if (failed(shape))
    return failure();
  return push(types, *shape, lhs.getElementType());
}

LogicalResult MatMulIntegerOp::inferReturnTypes(MLIRContext *context,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  FailureOr<SmallVector<int64_t>> shape = inferMatMulShape(
      loc, rankedType(adaptor.getLhs()), rankedType(adaptor.getRhs()));
  if (failed(shape))
    return failure();
  return push(types, *shape, IntegerType::get(context, 32));
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  RankedTensorType a = rankedType(adaptor.getA());
  RankedTensorType b = rankedType(adaptor.getB());
  if (failed(checkSameElementType(
          loc, {adaptor.getA(), adaptor.getB(), adaptor.getC()})))
    return failure();
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "expects rank-2 A and B but got ranks ",
                             a.getRank(), " and ", b.getRank());
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t k = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t bk = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (k != bk)
    return emitOptionalError(loc, "contracting dimensions differ: ", k, " vs ",
                             bk);
  if (Value c = adaptor.getC()) {
    SmallVector<int64_t> mn = {m, n};
    std::optional<SmallVector<int64_t>> shape =
        broadcastShapes({rankedType(c).getShape(), mn});
    if (!shape || *shape != mn)
      return emitOptionalError(loc, "C of shape ",
                               formatShape(rankedType(c).getShape()),
                               " does not broadcast to [", m, ",", n, "]");
  }
  return push(types, {m, n}, a.getElementType());
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType weight = rankedType(adaptor.getWeight());
  if (failed(checkSameElementType(
          loc, {adaptor.getInput(), adaptor.getWeight(), adaptor.getBias()})))
    return failure();
  int64_t rank = input.getRank();
  if (rank < 3 || rank > 5)
    return emitOptionalError(loc, "expects an input of rank 3, 4 or 5 but got ",
                             rank);
  if (weight.getRank() != rank)
    return emitOptionalError(loc, "expects a weight of rank ", rank,
                             " but got ", weight.getRank());
  int64_t group = adaptor.getGroup();
  int64_t channels = input.getDimSize(1), filters = weight.getDimSize(0);
  if (group < 1 || channels % group || filters % group)
    return emitOptionalError(loc, "group ", group, " does not divide ",
                             channels, " input channels and ", filters,
                             " filters");
  if (weight.getDimSize(1) * group != channels)
    return emitOptionalError(loc, "expects weight dimension 1 to be ",
                             channels / group, " (channels / group) but got ",
                             weight.getDimSize(1));
  if (Value bias = adaptor.getBias()) {
    if (rankedType(bias).getShape() != ArrayRef<int64_t>{filters})
      return emitOptionalError(loc, "expects a bias of shape [", filters,
                               "] but got ",
                               formatShape(rankedType(bias).getShape()));
  }
  SmallVector<int64_t> kernel(weight.getShape().drop_front(2));
  SmallVector<Type> pooled;
  if (failed(inferPoolType(loc, adaptor.getInput(), kernel,
                           adaptor.getStrides(), adaptor.getPads(),
                           adaptor.getDilations(), /*ceilMode=*/false, pooled)))
    return failure();
  SmallVector<int64_t> shape(cast<RankedTensorType>(pooled[0]).getShape());
  shape[1] = filters;
  return push(types, shape, input.getElementType());
}

LogicalResult GlobalAvgPoolOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  if (type.getRank() < 3)
    return emitOptionalError(loc, "expects an input of rank >= 3 but got ",
                             type.getRank());
  SmallVector<int64_t> shape(type.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  return push(types, shape, type.getElementType());
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  if (failed(checkSameElementType(
          loc, {adaptor.getInput(), adaptor.getScale(), adaptor.getBias(),
                adaptor.getMean(), adaptor.getVariance()})))
    return failure();
  RankedTensorType type = rankedType(adaptor.getInput());
  if (type.getRank() < 2)
    return emitOptionalError(loc, "expects an input of rank >= 2 but got ",
                             type.getRank());
  int64_t channels = type.getDimSize(1);
  for (Value param : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                      adaptor.getVariance()})
    if (rankedType(param).getShape() != ArrayRef<int64_t>{channels})
      return emitOptionalError(loc, "expects parameters of shape [", channels,
                               "] but got ",
                               formatShape(rankedType(param).getShape()));
  types.push_back(type);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  if (failed(checkSameElementType(
          loc, {adaptor.getInput(), adaptor.getScale(), adaptor.getBias()})))
    return failure();
  RankedTensorType type = rankedType(adaptor.getInput());
  std::optional<int64_t> axis =
      normalizeAxis(adaptor.getAxis(), type.getRank());
  if (!axis)
    return axisOutOfRange(loc, adaptor.getAxis(), type.getRank());
  ArrayRef<int64_t> normalized = type.getShape().drop_front(*axis);
  for (Value param : {adaptor.getScale(), adaptor.getBias()}) {
    if (!param)
      continue;
    std::optional<SmallVector<int64_t>> shape =
        broadcastShapes({rankedType(param).getShape(), normalized});
    if (!shape || ArrayRef<int64_t>(*shape) != normalized)
      return emitOptionalError(
          loc, "parameter of shape ", formatShape(rankedType(param).getShape()),
          " does not broadcast to ", formatShape(normalized));
  }
  types.push_back(type);
  return success();
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> shape = adaptor.getShape();
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; }))
    return emitOptionalError(loc,
                             "expects a non-negative static shape but got ",
                             formatShape(shape));
  std::optional<int64_t> count = checkedNumElements(shape);
  if (!count)
    return emitOptionalError(loc, "shape ", formatShape(shape),
                             " has more than ", kMaxNumElements, " elements");
  if (type.hasStaticShape() && type.getNumElements() != *count)
    return emitOptionalError(loc, "cannot reshape ", type.getNumElements(),
                             " elements ", formatShape(type.getShape()), " to ",
                             formatShape(shape));
  return push(types, shape, type.getElementType());
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t rank = type.getRank(), axis = adaptor.getAxis();
  if (axis < -rank || axis > rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range [", -rank,
                             ", ", rank, "]");
  if (axis < 0)
    axis += rank;
  auto product = [](ArrayRef<int64_t> dims) {
    return llvm::any_of(dims, ShapedType::isDynamic)
               ? ShapedType::kDynamic
               : ShapedType::getNumElements(dims);
  };
  int64_t outer = product(type.getShape().take_front(axis));
  int64_t inner = product(type.getShape().drop_front(axis));
  return push(types, {outer, inner}, type.getElementType());
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t rank = type.getRank();
  SmallVector<bool> removed(rank, adaptor.getAxes().empty());
  if (adaptor.getAxes().empty())
    for (int64_t d = 0; d < rank; ++d)
      removed[d] = type.getDimSize(d) == 1;
  for (int64_t axis : adaptor.getAxes()) {
    std::optional<int64_t> dim = normalizeAxis(axis, rank);
    if (!dim)
      return axisOutOfRange(loc, axis, rank);
    if (type.getDimSize(*dim) != 1)
      return emitOptionalError(loc, "cannot squeeze dimension ", *dim,
                               " of size ", type.getDimSize(*dim));
    removed[*dim] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!removed[d])
      shape.push_back(type.getDimSize(d));
  return push(types, shape, type.getElementType());
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t rank = type.getRank() + adaptor.getAxes().size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : adaptor.getAxes()) {
    std::optional<int64_t> dim = normalizeAxis(axis, rank);
    if (!dim)
      return axisOutOfRange(loc, axis, rank);
    if (inserted[*dim])
      return emitOptionalError(loc, "axis ", axis, " is listed twice");
    inserted[*dim] = true;
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> inputShape = type.getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (inserted[d]) {
      shape.push_back(1);
    } else {
      shape.push_back(inputShape.front());
      inputShape = inputShape.drop_front();
    }
  }
  return push(types, shape, type.getElementType());
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (failed(checkLength(loc, "perm", perm, type.getRank())))
    return failure();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= type.getRank() || seen[p])
      return emitOptionalError(loc, "perm ", formatShape(perm),
                               " is not a permutation of [0, ", type.getRank(),
                               ")");
    seen[p] = true;
    shape.push_back(type.getDimSize(p));
  }
  return push(types, shape, type.getElementType());
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "expects at least one input");
  RankedTensorType first = rankedType(adaptor.getInputs().front());
  std::optional<int64_t> axis =
      normalizeAxis(adaptor.getAxis(), first.getRank());
  if (!axis)
    return axisOutOfRange(loc, adaptor.getAxis(), first.getRank());
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (auto [index, input] : llvm::enumerate(adaptor.getInputs())) {
    RankedTensorType type = rankedType(input);
    if (type.getElementType() != first.getElementType() ||
        type.getRank() != first.getRank())
      return emitOptionalError(loc, "input ", index, " has type ", type,
                               " which does not match ", first);
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (d == *axis || type.isDynamicDim(d))
        continue;
      // A dynamic dim takes the static size of another input (checked at
      // run time).
      if (ShapedType::isDynamic(shape[d]))
        shape[d] = type.getDimSize(d);
      else if (type.getDimSize(d) != shape[d])
        return emitOptionalError(loc, "input ", index, " has size ",
                                 type.getDimSize(d), " in dimension ", d,
                                 " but input 0 has ", shape[d]);
    }
    if (type.isDynamicDim(*axis) || ShapedType::isDynamic(shape[*axis]))
      shape[*axis] = ShapedType::kDynamic;
    else
      shape[*axis] += type.getDimSize(*axis);
  }
  return push(types, shape, first.getElementType());
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  size_t rank = type.getRank();
  ArrayRef<int64_t> starts = adaptor.getStarts(), sizes = adaptor.getSizes(),
                    steps = adaptor.getSteps();
  if (failed(checkLength(loc, "starts", starts, rank)) ||
      failed(checkLength(loc, "sizes", sizes, rank)) ||
      failed(checkLength(loc, "steps", steps, rank)))
    return failure();
  for (size_t d = 0; d < rank; ++d) {
    int64_t dim = type.getDimSize(d);
    if (steps[d] == 0 || sizes[d] < 0)
      return emitOptionalError(loc,
                               "expects a non-zero step and a "
                               "non-negative size in dimension ",
                               d);
    if (sizes[d] == 0)
      continue;
    int64_t last = starts[d] + (sizes[d] - 1) * steps[d];
    if (starts[d] < 0 || starts[d] >= dim || last < 0 || last >= dim)
      return emitOptionalError(loc, "slice [start ", starts[d], ", size ",
                               sizes[d], ", step ", steps[d],
                               "] leaves dimension ", d, " of size ", dim);
  }
  return push(types, sizes, type.getElementType());
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  std::optional<int64_t> axis =
      normalizeAxis(adaptor.getAxis(), data.getRank());
  if (!axis)
    return axisOutOfRange(loc, adaptor.getAxis(), data.getRank());
  if (data.getDimSize(*axis) == 0 && indices.hasStaticShape() &&
      indices.getNumElements() > 0)
    return emitOptionalError(loc, "cannot gather ", indices.getNumElements(),
                             " indices from the empty axis ", *axis);
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  return push(types, shape, data.getElementType());
}
