//===- Reduction.cpp - ONNX reductions ops -> dlg -------------------------===//
//
// Reductions, arg-reductions, scans, top-k, softmax variants and the
// normalizations. Reductions such as ReduceL2 and the normalizations are
// compositions of dlg ops; arg-reductions, scans and top-k have their own.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include <set>
#include <tuple>

using namespace mlir;

namespace dlc::onnx {
namespace {

RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// The dims from `axis` to the end (`axis` in [-rank, rank)).
FailureOr<SmallVector<int64_t>> trailingAxes(NodeContext &ctx, int64_t axis,
                                             int64_t rank) {
  std::optional<int64_t> start = dlg::normalizeAxis(axis, rank);
  if (!start)
    return ctx.emitError() << "axis " << axis << " is out of range [" << -rank
                           << ", " << rank - 1 << "]",
           failure();
  return llvm::to_vector(llvm::seq<int64_t>(*start, rank));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class ReduceKind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, dim] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(dim);
  return text + "]";
}

/// Reduction `kind` of `x` over exactly `axes` (none reduces nothing, but the
/// elementwise part, such as L1's abs, still applies).
Value emitReduction(Composer &c, NodeContext &ctx, ReduceKind kind, Value x,
                    ArrayRef<int64_t> axes, bool keepDims) {
  // L2, LogSum and LogSumExp of integers are computed in f64 and
  // truncated back, as ONNX's reference does.
  Type elementType = getElementTypeOrSelf(x.getType());
  bool viaFloat = !isa<FloatType>(elementType) &&
                  (kind == ReduceKind::L2 || kind == ReduceKind::LogSum ||
                   kind == ReduceKind::LogSumExp);
  if (viaFloat)
    x = c.cast(x, ctx.builder.getF64Type());
  auto sum = [&](Value v) {
    return c.reduce<dlg::ReduceSumOp>(v, axes, keepDims);
  };
  Value result;
  switch (kind) {
  case ReduceKind::Sum:
    result = sum(x);
    break;
  case ReduceKind::Mean:
    result = c.reduce<dlg::ReduceMeanOp>(x, axes, keepDims);
    break;
  case ReduceKind::Max:
    result = c.reduce<dlg::ReduceMaxOp>(x, axes, keepDims);
    break;
  case ReduceKind::Min:
    result = c.reduce<dlg::ReduceMinOp>(x, axes, keepDims);
    break;
  case ReduceKind::Prod:
    result = c.reduce<dlg::ReduceProdOp>(x, axes, keepDims);
    break;
  case ReduceKind::L1:
    result = sum(c.create<dlg::AbsOp>({x}));
    break;
  case ReduceKind::L2:
    result = c.create<dlg::SqrtOp>({sum(c.create<dlg::MulOp>({x, x}))});
    break;
  case ReduceKind::SumSquare:
    result = sum(c.create<dlg::MulOp>({x, x}));
    break;
  case ReduceKind::LogSum:
    result = c.create<dlg::LogOp>({sum(x)});
    break;
  case ReduceKind::LogSumExp: {
    // log(sum(exp(x - max))) + max, stable for large x. The max is
    // clamped to finite values so that all -inf (or empty) slices give
    // -inf and +inf gives +inf rather than inf - inf = NaN.
    Value max = c.reduce<dlg::ReduceMaxOp>(x, axes);
    if (auto floatType =
            dyn_cast<FloatType>(getElementTypeOrSelf(x.getType()))) {
      double largest =
          APFloat::getLargest(floatType.getFloatSemantics()).convertToDouble();
      max = c.create<dlg::ClipOp>(
          {max}, {ctx.named("min", ctx.builder.getF64FloatAttr(-largest)),
                  ctx.named("max", ctx.builder.getF64FloatAttr(largest))});
    }
    Value shifted = c.create<dlg::ExpOp>({c.create<dlg::SubOp>({x, max})});
    Value logSum =
        c.create<dlg::LogOp>({c.reduce<dlg::ReduceSumOp>(shifted, axes)});
    result = c.create<dlg::AddOp>({logSum, max});
    if (!keepDims && result) {
      // The reductions succeeded, so the axes are valid.
      RankedTensorType type = tensorType(x);
      SmallVector<bool> reduced(type.getRank(), false);
      for (int64_t axis : axes)
        reduced[*dlg::normalizeAxis(axis, type.getRank())] = true;
      SmallVector<int64_t> shape;
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (!reduced[d])
          shape.push_back(type.getDimSize(d));
      result = c.reshape(result, shape);
    }
    break;
  }
  }
  if (viaFloat)
    result = c.cast(result, elementType);
  return result;
}

/// The reduced axes: the `axes` attribute before `axesInputSince`, the
/// optional constant input from then on (an input of static length 0 is
/// empty). No axes reduce everything, unless noop_with_empty_axes, where
/// nothing is reduced.
FailureOr<SmallVector<int64_t>> reduceAxes(NodeContext &ctx,
                                           int64_t axesInputSince) {
  SmallVector<int64_t> axes;
  if (ctx.opset < axesInputSince) {
    axes = ctx.intsAttr("axes");
  } else if (ctx.input(1) && tensorType(ctx.input(1)).getNumElements() != 0) {
    FailureOr<SmallVector<int64_t>> values = ctx.requireConstantInts(1, "axes");
    if (failed(values))
      return failure();
    axes = *values;
  }
  if (axes.empty() && !ctx.intAttr("noop_with_empty_axes", 0))
    axes = llvm::to_vector(
        llvm::seq<int64_t>(0, tensorType(ctx.input(0)).getRank()));
  return axes;
}

/// Checks at run time that the values of `axes` (rank-1 i64) are in
/// [-rank, rank).
void checkAxesInRange(Composer &c, Value axes, int64_t rank, StringRef what) {
  Value inRange = c.create<dlg::BitwiseAndOp>(
      {c.create<dlg::GreaterEqualOp>(
           {axes, c.ints({-rank}, SmallVector<int64_t>{})}),
       c.create<dlg::LessOp>({axes, c.ints({rank}, SmallVector<int64_t>{})})});
  c.check(c.allOf(inRange), "the run-time '" + what +
                                "' has a value out of range [" + Twine(-rank) +
                                ", " + Twine(rank - 1) + "]");
}

/// The mask (i1 of `rank`) of the run-time axes `axes` (rank-1 i64 of
/// `count` elements), with run-time checks that they are in range and
/// distinct.
Value runtimeAxisMask(Composer &c, NodeContext &ctx, Value axes, int64_t count,
                      int64_t rank) {
  checkAxesInRange(c, axes, rank, "axes");
  Value mask = c.axisMask(c.normalizeAxes(axes, rank), rank);
  if (count > 1) {
    Value hits =
        c.reduceAll<dlg::ReduceSumOp>(c.cast(mask, ctx.builder.getI64Type()));
    c.check(
        c.create<dlg::EqualOp>({hits, c.ints({count}, SmallVector<int64_t>{})}),
        "the run-time 'axes' repeats an axis");
  }
  return mask;
}

/// A reduction whose `axes` input is only known at run time: its length is
/// static and the result has the declared shape. With keepdims, that shape
/// fixes the reduced dims up to size-1 input dims, where reducing changes
/// nothing; without, the few axis sets that map the input shape to the
/// declared one are each computed and the run-time axes select one.
LogicalResult runtimeReduce(NodeContext &ctx, ReduceKind kind,
                            SmallVectorImpl<Value> &results) {
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "axes");
  if (failed(declared))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> in = tensorType(x).getShape();
  ArrayRef<int64_t> out = *declared;
  int64_t rank = in.size();
  RankedTensorType axesType = tensorType(ctx.input(1));
  int64_t count = axesType.getNumElements();
  if (axesType.getRank() > 1 || count > rank)
    return ctx.emitError() << "'axes' has type " << axesType
                           << " but the input has rank " << rank,
           failure();
  bool keepDims = ctx.intAttr("keepdims", 1);
  std::string mismatch = "the run-time 'axes' does not reduce " +
                         shapeString(in) + " to the declared output shape " +
                         shapeString(out);
  auto noFit = [&]() {
    return ctx.emitError() << "no " << count << " distinct axes reduce "
                           << shapeString(in) << " to the declared output "
                           << "shape " << shapeString(out)
                           << (keepDims ? " (keepdims = 1)"
                                        : " (keepdims = 0)"),
           failure();
  };
  Composer c(ctx);
  Value mask = runtimeAxisMask(c, ctx, c.intsInput(1), count, rank);
  if (keepDims) {
    if (static_cast<int64_t>(out.size()) != rank)
      return noFit();
    // The dims the declared shape shows reduced, and for each dim of size
    // > 1 whether the run-time axes must name it.
    SmallVector<int64_t> reduced;
    SmallVector<SmallVector<int64_t>> allowed;
    int64_t sizeOne = 0;
    for (int64_t d = 0; d < rank; ++d) {
      if (in[d] != out[d]) {
        if (out[d] != 1)
          return noFit();
        reduced.push_back(d);
      }
      sizeOne += in[d] == out[d] && in[d] == 1;
      allowed.push_back(in[d] == 1 ? SmallVector<int64_t>{}
                                   : SmallVector<int64_t>{in[d] != out[d]});
    }
    if (static_cast<int64_t>(reduced.size()) > count ||
        static_cast<int64_t>(reduced.size()) + sizeOne < count)
      return noFit();
    c.check(c.valuesIn(c.cast(mask, ctx.builder.getI64Type()), allowed),
            mismatch);
    return c.finish({emitReduction(c, ctx, kind, x, reduced, true)}, results);
  }
  // Without keepdims: the axis sets that fit, grouped by their dims of size
  // > 1 (sets that differ only in size-1 dims give the same result).
  constexpr size_t kMaxSets = 16;
  SmallVector<SmallVector<int64_t>> sets;
  // States (d, j, chosen) known to lead to no set keep the search
  // polynomial in the rank.
  std::set<std::tuple<int64_t, size_t, size_t>> deadEnds;
  std::function<bool(int64_t, size_t, SmallVector<int64_t> &)> walk =
      [&](int64_t d, size_t j, SmallVector<int64_t> &chosen) -> bool {
    if (sets.size() > kMaxSets)
      return true;
    if (d == rank) {
      if (j != out.size() || static_cast<int64_t>(chosen.size()) != count)
        return false;
      sets.push_back(chosen);
      return true;
    }
    auto state = std::make_tuple(d, j, chosen.size());
    if (deadEnds.count(state))
      return false;
    bool found = false;
    if (j < out.size() && in[d] == out[j])
      found |= walk(d + 1, j + 1, chosen);
    if (static_cast<int64_t>(chosen.size()) < count) {
      chosen.push_back(d);
      found |= walk(d + 1, j, chosen);
      chosen.pop_back();
    }
    if (!found)
      deadEnds.insert(state);
    return found;
  };
  SmallVector<int64_t> chosen;
  walk(0, 0, chosen);
  if (sets.empty())
    return noFit();
  if (sets.size() > kMaxSets)
    return ctx.emitError() << "more than " << kMaxSets << " sets of " << count
                           << " axes reduce " << shapeString(in)
                           << " to the declared output shape "
                           << shapeString(out)
                           << "; a run-time 'axes' is not supported here",
           failure();
  SmallVector<SmallVector<int64_t>> keys;
  SmallVector<Value> conditions, values;
  Value matched;
  for (const SmallVector<int64_t> &set : sets) {
    SmallVector<bool> expected(rank, false);
    for (int64_t d : set)
      expected[d] = true;
    Value condition = c.maskEquals(mask, expected);
    matched =
        matched ? c.create<dlg::BitwiseOrOp>({matched, condition}) : condition;
    SmallVector<int64_t> key;
    for (int64_t d : set)
      if (in[d] != 1)
        key.push_back(d);
    auto *group = llvm::find(keys, key);
    if (group != keys.end()) {
      Value &groupCondition = conditions[group - keys.begin()];
      groupCondition = c.create<dlg::BitwiseOrOp>({groupCondition, condition});
      continue;
    }
    keys.push_back(key);
    conditions.push_back(condition);
    values.push_back(emitReduction(c, ctx, kind, x, set, false));
  }
  c.check(matched, mismatch);
  return c.finish({c.select(conditions, values)}, results);
}

Handler reduce(ReduceKind kind, int64_t axesInputSince) {
  return [=](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(1)))
      return failure();
    Value axesInput = ctx.input(1);
    if (ctx.opset >= axesInputSince && axesInput && !ctx.constantInts(1) &&
        tensorType(axesInput).getNumElements() != 0)
      return runtimeReduce(ctx, kind, results);
    FailureOr<SmallVector<int64_t>> axes = reduceAxes(ctx, axesInputSince);
    if (failed(axes))
      return failure();
    // Reducing nothing (noop_with_empty_axes) leaves plain reductions as
    // they are.
    if (axes->empty() && (kind == ReduceKind::Sum || kind == ReduceKind::Mean ||
                          kind == ReduceKind::Max || kind == ReduceKind::Min ||
                          kind == ReduceKind::Prod)) {
      results.push_back(ctx.input(0));
      return success();
    }
    Composer c(ctx);
    return c.finish({emitReduction(c, ctx, kind, ctx.input(0), *axes,
                                   ctx.intAttr("keepdims", 1))},
                    results);
  };
}

//===----------------------------------------------------------------------===//
// Arg-reductions, scans, top-k
//===----------------------------------------------------------------------===//

template <typename OpTy>
LogicalResult argReduce(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  OpBuilder &b = ctx.builder;
  return pushResult(
      ctx.create<OpTy>(
          {ctx.input(0)},
          ctx.withSign(
              ctx.input(0),
              {ctx.named("axis", b.getI64IntegerAttr(ctx.intAttr("axis", 0))),
               ctx.named("keepdims", b.getBoolAttr(ctx.intAttr("keepdims", 1))),
               ctx.named("select_last_index",
                         b.getBoolAttr(ctx.intAttr("select_last_index", 0)))})),
      results);
}

/// The scan attributes but for the axis.
SmallVector<NamedAttribute> scanAttrs(NodeContext &ctx, int64_t axis) {
  OpBuilder &b = ctx.builder;
  return {ctx.named("axis", b.getI64IntegerAttr(axis)),
          ctx.named("exclusive", b.getBoolAttr(ctx.intAttr("exclusive", 0))),
          ctx.named("reverse", b.getBoolAttr(ctx.intAttr("reverse", 0)))};
}

/// A scan whose `axis` is only known at run time: the scan along every
/// axis, the one the run-time axis names selected (the shape is the
/// input's whatever the axis).
template <typename OpTy>
LogicalResult runtimeScan(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  Value x = ctx.input(0);
  int64_t rank = tensorType(x).getRank();
  RankedTensorType axisType = tensorType(ctx.input(1));
  if (axisType.getNumElements() != 1 || axisType.getRank() > 1)
    return ctx.emitError() << "expects one axis but 'axis' has type "
                           << axisType,
           failure();
  if (rank == 0)
    return ctx.emitError() << "expects an input of rank >= 1", failure();
  Composer c(ctx);
  Value raw = c.intsInput(1);
  checkAxesInRange(c, raw, rank, "axis");
  Value axis = c.element(c.normalizeAxes(raw, rank), 0);
  SmallVector<Value> conditions, values;
  for (int64_t d = 0; d < rank; ++d) {
    conditions.push_back(
        c.create<dlg::EqualOp>({axis, c.ints({d}, SmallVector<int64_t>{})}));
    values.push_back(c.create<OpTy>({x}, scanAttrs(ctx, d)));
  }
  return c.finish({c.select(conditions, values)}, results);
}

template <typename OpTy>
LogicalResult scan(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  if (!ctx.constantInts(1))
    return runtimeScan<OpTy>(ctx, results);
  FailureOr<SmallVector<int64_t>> axis = ctx.requireConstantInts(1, "axis");
  if (failed(axis))
    return failure();
  if (axis->size() != 1)
    return ctx.emitError() << "expects one axis but got " << axis->size(),
           failure();
  return pushResult(
      ctx.create<OpTy>({ctx.input(0)}, scanAttrs(ctx, axis->front())), results);
}

/// TopK's k when it is only known at run time: the declared size of its
/// outputs along the axis.
FailureOr<int64_t> declaredTopK(NodeContext &ctx) {
  RankedTensorType kType = tensorType(ctx.input(1));
  if (kType.getNumElements() != 1 || kType.getRank() > 1)
    return ctx.emitError() << "expects one value of k but 'K' has type "
                           << kType,
           failure();
  std::optional<SmallVector<int64_t>> shape = ctx.declaredShape(0);
  if (!shape)
    shape = ctx.declaredShape(1);
  if (!shape)
    return (void)ctx.requireDeclaredShape(0, 1, "K"), failure();
  ArrayRef<int64_t> in = tensorType(ctx.input(0)).getShape();
  int64_t rank = in.size(), axis = ctx.intAttr("axis", -1);
  std::optional<int64_t> dim = dlg::normalizeAxis(axis, rank);
  if (!dim)
    return ctx.emitError() << "axis " << axis << " is out of range [" << -rank
                           << ", " << rank - 1 << "]",
           failure();
  SmallVector<int64_t> expected(in);
  if (static_cast<int64_t>(shape->size()) == rank)
    expected[*dim] = (*shape)[*dim];
  if (*shape != expected)
    return ctx.emitError() << "the declared output shape "
                           << shapeString(*shape)
                           << " is not a top-k of the input shape "
                           << shapeString(in) << " along axis " << axis,
           failure();
  return (*shape)[*dim];
}

/// TopK-1 takes `k` as an attribute, later versions as a constant input.
/// sorted = 0 leaves the order unspecified, so sorted results conform.
LogicalResult topK(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(ctx.opset < 10 ? 1 : 2)))
    return failure();
  int64_t k;
  if (ctx.opset < 10) {
    k = ctx.intAttr("k", -1);
  } else if (!ctx.constantInts(1)) {
    // A run-time k: the declared output shape gives it, checked at run time.
    FailureOr<int64_t> declared = declaredTopK(ctx);
    if (failed(declared))
      return failure();
    k = *declared;
    Composer c(ctx);
    c.check(c.create<dlg::EqualOp>({c.element(c.intsInput(1), 0),
                                    c.ints({k}, SmallVector<int64_t>{})}),
            "the run-time 'k' is not " + Twine(k) +
                ", the size of the declared outputs along the axis");
    if (c.failedBefore)
      return failure();
  } else {
    FailureOr<SmallVector<int64_t>> values = ctx.requireConstantInts(1, "k");
    if (failed(values))
      return failure();
    if (values->size() != 1)
      return ctx.emitError()
                 << "expects one value of k but got " << values->size(),
             failure();
    k = values->front();
  }
  OpBuilder &b = ctx.builder;
  Operation *op = nullptr;
  if (failed(ctx.withNodeDiagnostics([&]() -> LogicalResult {
        FailureOr<dlg::TopKOp> created = dlg::tryCreate<dlg::TopKOp>(
            b, ctx.loc, {ctx.input(0)},
            ctx.withSign(
                ctx.input(0),
                {ctx.named("k", b.getI64IntegerAttr(k)),
                 ctx.named("axis",
                           b.getI64IntegerAttr(ctx.intAttr("axis", -1))),
                 ctx.named("largest",
                           b.getBoolAttr(ctx.intAttr("largest", 1)))}));
        if (failed(created))
          return failure();
        op = *created;
        return success();
      })))
    return failure();
  results.push_back(op->getResult(0));
  results.push_back(op->getResult(1));
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax variants
//===----------------------------------------------------------------------===//

/// Softmax-like ops before opset 13 flatten the input to 2-D at `axis`
/// (default 1) and work on the second dimension; from 13 on they work on
/// `axis` (default -1). `build` gets the input and the axis to use.
Handler softmaxLike(
    std::function<Value(Composer &, NodeContext &, Value, int64_t)> build) {
  return [build](NodeContext &ctx, SmallVectorImpl<Value> &results) {
    if (failed(ctx.requireInputs(1)))
      return failure();
    Value input = ctx.input(0);
    RankedTensorType type = tensorType(input);
    int64_t rank = type.getRank();
    bool flattens = ctx.opset < 13;
    int64_t axis = ctx.intAttr("axis", flattens ? 1 : -1);
    std::optional<int64_t> normalized = dlg::normalizeAxis(axis, rank);
    if (!normalized)
      return ctx.emitError() << "axis " << axis << " is out of range [" << -rank
                             << ", " << rank - 1 << "]",
             failure();
    Composer c(ctx);
    if (!flattens || *normalized == rank - 1)
      return c.finish({build(c, ctx, input, *normalized)}, results);
    Value flat = c.create<dlg::FlattenOp>(
        {input},
        {ctx.named("axis", ctx.builder.getI64IntegerAttr(*normalized))});
    Value result = build(c, ctx, flat, 1);
    if (result)
      result = c.reshape(result, type.getShape());
    return c.finish({result}, results);
  };
}

Value logSoftmax(Composer &c, NodeContext &, Value x, int64_t axis) {
  // x - max - log(sum(exp(x - max)))
  Value shifted =
      c.create<dlg::SubOp>({x, c.reduce<dlg::ReduceMaxOp>(x, {axis})});
  Value logSum = c.create<dlg::LogOp>(
      {c.reduce<dlg::ReduceSumOp>(c.create<dlg::ExpOp>({shifted}), {axis})});
  return c.create<dlg::SubOp>({shifted, logSum});
}

Value hardmax(Composer &c, NodeContext &ctx, Value x, int64_t axis) {
  return c.create<dlg::HardmaxOp>(
      {x}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(axis))});
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

/// (x - mean) / sqrt(var + eps) over `axes`, in `x`'s type.
Value standardize(Composer &c, Value x, ArrayRef<int64_t> axes,
                  double epsilon) {
  Type elementType = getElementTypeOrSelf(x.getType());
  Value mean = c.reduce<dlg::ReduceMeanOp>(x, axes);
  Value centered = c.create<dlg::SubOp>({x, mean});
  Value variance = c.reduce<dlg::ReduceMeanOp>(
      c.create<dlg::MulOp>({centered, centered}), axes);
  Value stddev = c.create<dlg::SqrtOp>(
      {c.create<dlg::AddOp>({variance, c.scalar(elementType, epsilon)})});
  return c.create<dlg::DivOp>({centered, stddev});
}

/// The element type statistics are computed in: f32 for narrower floats
/// (stash_type = 1, the default), else the input's.
Type statsType(NodeContext &ctx, Type elementType) {
  if (ctx.intAttr("stash_type", 1) == 1 &&
      elementType.getIntOrFloatBitWidth() < 32)
    return ctx.builder.getF32Type();
  return elementType;
}

/// A per-channel [C] parameter reshaped to [C, 1, ...] to broadcast over
/// NC... data of `rank`.
Value channelParam(Composer &c, Value param, int64_t rank) {
  if (!param)
    return param;
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = tensorType(param).getNumElements();
  return c.reshape(param, shape);
}

LogicalResult instanceNorm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value x = ctx.input(0);
  int64_t rank = tensorType(x).getRank();
  if (rank < 3)
    return ctx.emitError() << "expects an input of rank >= 3 but got " << rank,
           failure();
  Composer c(ctx);
  SmallVector<int64_t> spatial = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  // Statistics of narrow floats are taken in f32, as for LayerNorm.
  Type elementType = tensorType(x).getElementType();
  Value normalized =
      c.cast(standardize(c, c.cast(x, statsType(ctx, elementType)), spatial,
                         ctx.floatAttr("epsilon", 1e-5f)),
             elementType);
  Value scaled =
      c.create<dlg::MulOp>({normalized, channelParam(c, ctx.input(1), rank)});
  return c.finish(
      {c.create<dlg::AddOp>({scaled, channelParam(c, ctx.input(2), rank)})},
      results);
}

/// GroupNormalization: statistics per (n, group) over the group's channels
/// and all spatial positions. Scale and bias are per channel from opset 21,
/// per group in opset 18.
LogicalResult groupNorm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value x = ctx.input(0);
  RankedTensorType type = tensorType(x);
  int64_t rank = type.getRank();
  int64_t groups = ctx.intAttr("num_groups", 0);
  if (rank < 2)
    return ctx.emitError() << "expects an input of rank >= 2 but got " << rank,
           failure();
  int64_t channels = type.getDimSize(1);
  if (groups < 1 || channels % groups)
    return ctx.emitError() << "num_groups = " << groups << " does not divide "
                           << channels << " channels",
           failure();
  int64_t paramSize = ctx.opset < 21 ? groups : channels;
  for (int i = 1; i < 3; ++i)
    if (tensorType(ctx.input(i)).getNumElements() != paramSize)
      return ctx.emitError() << "expects scale and bias of " << paramSize
                             << " elements but got "
                             << tensorType(ctx.input(i)).getNumElements(),
             failure();
  Composer c(ctx);
  Type elementType = type.getElementType();
  Type stats = statsType(ctx, elementType);
  int64_t perGroup =
      type.getNumElements() / std::max<int64_t>(1, type.getDimSize(0) * groups);
  Value grouped =
      c.reshape(c.cast(x, stats), {type.getDimSize(0), groups, perGroup});
  Value normalized =
      c.cast(standardize(c, grouped, {2}, ctx.floatAttr("epsilon", 1e-5f)),
             elementType);
  Value scale = ctx.input(1), bias = ctx.input(2);
  if (ctx.opset < 21) {
    // Per-group parameters apply to the [N, G, C/G * spatial] view.
    Value scaled =
        c.create<dlg::MulOp>({normalized, c.reshape(scale, {groups, 1})});
    Value shifted =
        c.create<dlg::AddOp>({scaled, c.reshape(bias, {groups, 1})});
    return c.finish({c.reshape(shifted, type.getShape())}, results);
  }
  Value restored = c.reshape(normalized, type.getShape());
  Value scaled = c.create<dlg::MulOp>({restored, channelParam(c, scale, rank)});
  return c.finish({c.create<dlg::AddOp>({scaled, channelParam(c, bias, rank)})},
                  results);
}

/// x / sqrt(mean(x^2 over [axis, rank)) + eps) * scale.
LogicalResult rmsNorm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value x = ctx.input(0);
  RankedTensorType type = tensorType(x);
  FailureOr<SmallVector<int64_t>> axes =
      trailingAxes(ctx, ctx.intAttr("axis", -1), type.getRank());
  if (failed(axes))
    return failure();
  Composer c(ctx);
  Type stats = statsType(ctx, type.getElementType());
  Value wide = c.cast(x, stats);
  Value meanSquare =
      c.reduce<dlg::ReduceMeanOp>(c.create<dlg::MulOp>({wide, wide}), *axes);
  Value rms = c.create<dlg::SqrtOp>({c.create<dlg::AddOp>(
      {meanSquare, c.scalar(stats, ctx.floatAttr("epsilon", 1e-5f))})});
  Value normalized =
      c.cast(c.create<dlg::DivOp>({wide, rms}), type.getElementType());
  return c.finish({c.create<dlg::MulOp>({normalized, ctx.input(1)})}, results);
}

/// x / ||x||_p along `axis`; a zero norm gives 0 (its slice is all zeros).
LogicalResult lpNorm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  RankedTensorType type = tensorType(x);
  int64_t rank = type.getRank(), axis = ctx.intAttr("axis", -1);
  std::optional<int64_t> dim = dlg::normalizeAxis(axis, rank);
  if (!dim)
    return ctx.emitError() << "axis " << axis << " is out of range [" << -rank
                           << ", " << rank - 1 << "]",
           failure();
  int64_t p = ctx.intAttr("p", 2);
  if (p != 1 && p != 2)
    return ctx.emitError() << "p = " << p << " is not supported (1 or 2)",
           failure();
  Composer c(ctx);
  Value norm =
      p == 1 ? c.reduce<dlg::ReduceSumOp>(c.create<dlg::AbsOp>({x}), {*dim})
             : c.create<dlg::SqrtOp>({c.reduce<dlg::ReduceSumOp>(
                   c.create<dlg::MulOp>({x, x}), {*dim})});
  // A norm of 0 is raised to the smallest positive value: its slice is all
  // zeros, so the quotient is 0 as in ONNX rather than 0/0.
  Type elementType = type.getElementType();
  double tiny = 0;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    tiny =
        APFloat::getSmallest(floatType.getFloatSemantics()).convertToDouble();
  Value safe = c.create<dlg::MaxOp>({norm, c.scalar(elementType, tiny)});
  return c.finish({c.create<dlg::DivOp>({x, safe})}, results);
}

/// (x - mean) / (sqrt(mean(x^2) - mean^2) + 1e-9) over `axes`, as the ONNX
/// function body of MeanVarianceNormalization.
LogicalResult meanVarianceNorm(NodeContext &ctx,
                               SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  RankedTensorType type = tensorType(x);
  SmallVector<int64_t> axes = ctx.intsAttr("axes");
  if (!ctx.attribute("axes"))
    axes = {0, 2, 3};
  Composer c(ctx);
  Type elementType = type.getElementType();
  Value mean = c.reduce<dlg::ReduceMeanOp>(x, axes);
  Value meanOfSquare =
      c.reduce<dlg::ReduceMeanOp>(c.create<dlg::MulOp>({x, x}), axes);
  Value variance =
      c.create<dlg::SubOp>({meanOfSquare, c.create<dlg::MulOp>({mean, mean})});
  Value denominator = c.create<dlg::AddOp>(
      {c.create<dlg::SqrtOp>({variance}), c.scalar(elementType, 1e-9)});
  return c.finish(
      {c.create<dlg::DivOp>({c.create<dlg::SubOp>({x, mean}), denominator})},
      results);
}

/// LRN: x / (bias + alpha / size * square_sum)^beta, square_sum over the
/// channel window [c - floor((size-1)/2), c + ceil((size-1)/2)]. The window
/// sum is an average pool with count_include_pad over a [N, 1, C, rest]
/// view, which also divides by size.
LogicalResult lrn(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  RankedTensorType type = tensorType(x);
  int64_t size = ctx.intAttr("size", 0);
  if (size < 1)
    return ctx.emitError() << "expects a positive 'size' but got " << size,
           failure();
  if (type.getRank() < 2)
    return ctx.emitError() << "expects an input of rank >= 2 but got "
                           << type.getRank(),
           failure();
  Composer c(ctx);
  Type elementType = type.getElementType();
  int64_t rest = ShapedType::getNumElements(type.getShape().drop_front(2));
  Value squares = c.reshape(c.create<dlg::MulOp>({x, x}),
                            {type.getDimSize(0), 1, type.getDimSize(1), rest});
  OpBuilder &b = ctx.builder;
  int64_t before = (size - 1) / 2, after = size / 2;
  Value average = c.create<dlg::AvgPoolOp>(
      {squares},
      {ctx.named("kernel_shape", b.getDenseI64ArrayAttr({size, 1})),
       ctx.named("strides", b.getDenseI64ArrayAttr({1, 1})),
       ctx.named("pads", b.getDenseI64ArrayAttr({before, 0, after, 0})),
       ctx.named("dilations", b.getDenseI64ArrayAttr({1, 1})),
       ctx.named("ceil_mode", b.getBoolAttr(false)),
       ctx.named("count_include_pad", b.getBoolAttr(true))});
  Value scaled = c.create<dlg::AddOp>(
      {c.scalar(elementType, ctx.floatAttr("bias", 1.0f)),
       c.create<dlg::MulOp>(
           {c.reshape(average, type.getShape()),
            c.scalar(elementType, ctx.floatAttr("alpha", 1e-4f))})});
  Value denominator = c.create<dlg::PowOp>(
      {scaled, c.scalar(elementType, ctx.floatAttr("beta", 0.75f))});
  return c.finish({c.create<dlg::DivOp>({x, denominator})}, results);
}

/// LayerNormalization's Y is dlg.layer_norm; the optional Mean and
/// InvStdDev outputs (in the stash type, reduced dims kept) are computed
/// separately only when the node asks for them.
LogicalResult layerNorm(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  OpBuilder &b = ctx.builder;
  int64_t axis = ctx.intAttr("axis", -1);
  float epsilon = ctx.floatAttr("epsilon", 1e-5f);
  Composer c(ctx);
  Value y = c.create<dlg::LayerNormOp>(
      ctx.presentInputs(3), {ctx.named("axis", b.getI64IntegerAttr(axis)),
                             ctx.named("epsilon", b.getF32FloatAttr(epsilon))});
  auto wanted = [&](int i) {
    return ctx.node.output_size() > i && !ctx.node.output(i).empty();
  };
  if (!y || (!wanted(1) && !wanted(2)))
    return c.finish({y}, results);
  Value x = ctx.input(0);
  RankedTensorType type = tensorType(x);
  FailureOr<SmallVector<int64_t>> axes =
      trailingAxes(ctx, axis, type.getRank());
  if (failed(axes))
    return failure();
  Type stats = statsType(ctx, type.getElementType());
  Value wide = c.cast(x, stats);
  Value mean = c.reduce<dlg::ReduceMeanOp>(wide, *axes);
  Value centered = c.create<dlg::SubOp>({wide, mean});
  Value variance = c.reduce<dlg::ReduceMeanOp>(
      c.create<dlg::MulOp>({centered, centered}), *axes);
  Value invStdDev = c.create<dlg::DivOp>(
      {c.scalar(stats, 1), c.create<dlg::SqrtOp>({c.create<dlg::AddOp>(
                               {variance, c.scalar(stats, epsilon)})})});
  return c.finish({y, mean, invStdDev}, results);
}

} // namespace

void registerReductionHandlers(OpRegistry &registry) {
  // ReduceSum, ReduceMean and ReduceMax replace NeuralNet.cpp's (registered
  // earlier), so that every reduction takes run-time axes.
  registry.add("", "ReduceSum", {1, 11, 13}, reduce(ReduceKind::Sum, 13));
  registry.add("", "ReduceMean", {1, 11, 13, 18}, reduce(ReduceKind::Mean, 18));
  registry.add("", "ReduceMax", {1, 11, 12, 13, 18, 20},
               reduce(ReduceKind::Max, 18));
  registry.add("", "ReduceMin", {1, 11, 12, 13, 18, 20},
               reduce(ReduceKind::Min, 18));
  registry.add("", "ReduceProd", {1, 11, 13, 18}, reduce(ReduceKind::Prod, 18));
  registry.add("", "ReduceL1", {1, 11, 13, 18}, reduce(ReduceKind::L1, 18));
  registry.add("", "ReduceL2", {1, 11, 13, 18}, reduce(ReduceKind::L2, 18));
  registry.add("", "ReduceLogSum", {1, 11, 13, 18, 28},
               reduce(ReduceKind::LogSum, 18));
  registry.add("", "ReduceLogSumExp", {1, 11, 13, 18, 28},
               reduce(ReduceKind::LogSumExp, 18));
  registry.add("", "ReduceSumSquare", {1, 11, 13, 18},
               reduce(ReduceKind::SumSquare, 18));
  registry.add("", "ArgMax", {1, 11, 12, 13}, argReduce<dlg::ArgMaxOp>);
  registry.add("", "ArgMin", {1, 11, 12, 13}, argReduce<dlg::ArgMinOp>);
  registry.add("", "CumSum", {11, 14}, scan<dlg::CumSumOp>);
  registry.add("", "CumProd", {26}, scan<dlg::CumProdOp>);
  registry.add("", "TopK", {1, 10, 11, 24}, topK);
  registry.add("", "LogSoftmax", {1, 11, 13}, softmaxLike(logSoftmax));
  registry.add("", "Hardmax", {1, 11, 13}, softmaxLike(hardmax));
  registry.add("", "LayerNormalization", {17}, layerNorm);
  registry.add("", "InstanceNormalization", {1, 6, 22}, instanceNorm);
  registry.add("", "GroupNormalization", {18, 21}, groupNorm);
  registry.add("", "RMSNormalization", {23}, rmsNorm);
  registry.add("", "LpNormalization", {1, 22}, lpNorm);
  registry.add("", "MeanVarianceNormalization", {9, 13}, meanVarianceNorm);
  registry.add("", "LRN", {1, 13}, lrn);
}

} // namespace dlc::onnx
