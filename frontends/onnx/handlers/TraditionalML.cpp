//===- TraditionalML.cpp - ONNX ai.onnx.ml ops -> dlg ---------------------===//
//
// Numeric ops of the ai.onnx.ml domain: ArrayFeatureExtractor, Binarizer and
// TreeEnsemble (opset 5). Trees are attributes, so TreeEnsemble unrolls
// into per-node comparisons selected with dlg.where.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// ArrayFeatureExtractor(X, Y): X[..., Y] with the indices flattened; a
/// rank-1 X gives one row (as onnxruntime).
LogicalResult arrayFeatureExtractor(NodeContext &ctx,
                                    SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  auto type = cast<RankedTensorType>(ctx.input(0).getType());
  auto indicesType = cast<RankedTensorType>(ctx.input(1).getType());
  if (type.getRank() == 0)
    return ctx.emitError() << "expects an input of rank >= 1, got rank 0",
           failure();
  int64_t count = indicesType.getNumElements();
  int64_t last = type.getRank() - 1;
  int64_t width = type.getDimSize(last);
  Composer c(ctx);
  Value x =
      type.getRank() == 1 ? c.reshape(ctx.input(0), {1, width}) : ctx.input(0);
  int64_t axis = std::max<int64_t>(last, 1);
  Value indices =
      c.reshape(c.cast(ctx.input(1), ctx.builder.getI64Type()), {count});
  // Indices are run-time values: as onnxruntime, they must lie in
  // [0, width).
  Value low = c.create<dlg::GreaterEqualOp>(
      {indices, c.ints({0}, SmallVector<int64_t>{})});
  Value high =
      c.create<dlg::LessOp>({indices, c.ints({width}, SmallVector<int64_t>{})});
  c.check(c.allOf(c.create<dlg::BitwiseAndOp>({low, high})),
          "an index of 'Y' is out of range [0, " + llvm::Twine(width) + ")");
  Value result = c.create<dlg::GatherOp>(
      {x, indices}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(axis))});
  return c.finish({result}, results);
}

/// Binarizer: 1 where X > threshold, else 0, in X's type.
LogicalResult binarizer(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  Type elementType = getElementTypeOrSelf(x.getType());
  double threshold = ctx.floatAttr("threshold", 0.0f);
  Composer c(ctx);
  Value bound;
  if (isa<FloatType>(elementType)) {
    bound = c.scalar(elementType, threshold);
  } else if (elementType.isInteger(32) || elementType.isInteger(64)) {
    // For integers x > t is x > floor(t); clamp t into the type's range.
    double limit = elementType.isInteger(32) ? 2147483648.0 : 9.2e18;
    bound = c.scalar(elementType,
                     std::clamp(std::floor(threshold), -limit, limit - 1));
  } else {
    return ctx.emitError() << "expects a float, double, int32 or int64 input, "
                              "got "
                           << elementType,
           failure();
  }
  Value above = c.create<dlg::GreaterOp>({x, bound}, ctx.withSign(x));
  Value result = c.create<dlg::WhereOp>(
      {above, c.scalar(elementType, 1), c.scalar(elementType, 0)});
  return c.finish({result}, results);
}

/// The numbers of a tensor attribute (float, double, float16 or integer).
FailureOr<SmallVector<double>>
tensorNumbers(NodeContext &ctx, llvm::StringRef name, bool required) {
  const ::onnx::TensorProto *tensor = ctx.tensorAttr(name);
  SmallVector<double> values;
  if (!tensor) {
    if (ctx.hadAttributeTypeError())
      return failure();
    if (required)
      return ctx.emitError() << "expects attribute '" << name << "'", failure();
    return values;
  }
  const ::onnx::TensorProto &t = *tensor;
  const std::string &raw = t.raw_data();
  auto fromRaw = [&](size_t size, auto convert) -> LogicalResult {
    if (raw.size() % size != 0)
      return ctx.emitError()
                 << "attribute '" << name << "' has raw data of " << raw.size()
                 << " bytes, not a multiple of " << size,
             failure();
    for (size_t i = 0; i < raw.size(); i += size)
      values.push_back(convert(raw.data() + i));
    return success();
  };
  auto load = [](const char *p, auto value) {
    std::memcpy(&value, p, sizeof(value));
    return static_cast<double>(value);
  };
  LogicalResult ok = success();
  switch (t.data_type()) {
  case ::onnx::TensorProto::FLOAT:
    if (!raw.empty())
      ok = fromRaw(4, [&](const char *p) { return load(p, float()); });
    else
      values.append(t.float_data().begin(), t.float_data().end());
    break;
  case ::onnx::TensorProto::DOUBLE:
    if (!raw.empty())
      ok = fromRaw(8, [&](const char *p) { return load(p, double()); });
    else
      values.append(t.double_data().begin(), t.double_data().end());
    break;
  case ::onnx::TensorProto::FLOAT16: {
    auto half = [](uint16_t bits) {
      APFloat value(APFloat::IEEEhalf(), APInt(16, bits));
      return value.convertToDouble();
    };
    if (!raw.empty())
      ok = fromRaw(2, [&](const char *p) {
        uint16_t bits;
        std::memcpy(&bits, p, 2);
        return half(bits);
      });
    else
      for (int32_t bits : t.int32_data())
        values.push_back(half(static_cast<uint16_t>(bits)));
    break;
  }
  case ::onnx::TensorProto::UINT8:
    if (!raw.empty())
      ok = fromRaw(1, [&](const char *p) { return load(p, uint8_t()); });
    else
      values.append(t.int32_data().begin(), t.int32_data().end());
    break;
  case ::onnx::TensorProto::INT32:
    if (!raw.empty())
      ok = fromRaw(4, [&](const char *p) { return load(p, int32_t()); });
    else
      values.append(t.int32_data().begin(), t.int32_data().end());
    break;
  case ::onnx::TensorProto::INT64:
    if (!raw.empty())
      ok = fromRaw(8, [&](const char *p) { return load(p, int64_t()); });
    else
      values.append(t.int64_data().begin(), t.int64_data().end());
    break;
  default:
    return ctx.emitError() << "attribute '" << name << "' has data type "
                           << t.data_type() << ", which is not supported",
           failure();
  }
  if (failed(ok))
    return failure();
  return values;
}

enum class Aggregate { Average = 0, Sum = 1, Min = 2, Max = 3 };
enum class Branch { Leq = 0, Lt, Gte, Gt, Eq, Neq, Member };

/// TreeEnsemble-5. Each tree is evaluated per target as nested dlg.where
/// over its node conditions: a leaf of another target contributes the
/// aggregate's neutral value, and a subtree without a leaf of the target
/// folds to that constant. As onnxruntime, a sample that reaches no leaf of
/// a target gets 0 there (also for MIN and MAX).
class TreeEnsembleBuilder {
public:
  TreeEnsembleBuilder(NodeContext &ctx) : ctx(ctx), c(ctx) {}

  LogicalResult build(SmallVectorImpl<Value> &results);

private:
  /// Where node `node` of the current tree sends each sample: its value for
  /// `target` (null: the neutral constant).
  FailureOr<Value> evaluate(int64_t node, bool isLeaf, int64_t target,
                            int depth);
  Value condition(int64_t node);

  NodeContext &ctx;
  Composer c;
  Value x;
  Type elementType;
  int64_t rows = 0, features = 0, numNodes = 0, numLeaves = 0;
  SmallVector<double> splits, modes, leafWeights, membership;
  SmallVector<int64_t> featureIds, trueIds, falseIds, trueLeaves, falseLeaves,
      leafTargets, missingTrue;
  SmallVector<SmallVector<double>> memberSets;
  double leafScale = 1;
  /// What a leaf of another target contributes: 0 for sum and average, the
  /// largest value for min, its negation for max.
  double neutral = 0;
  /// Per node: its condition (shape [rows], i1), built once.
  llvm::DenseMap<int64_t, Value> conditions;
  /// Per (node, target) of the current tree: its value.
  std::map<std::pair<int64_t, int64_t>, Value> memo;
  /// Whether evaluate() computes, instead of values, whether a sample
  /// reaches a leaf of the target (i1).
  bool indicator = false;
};

Value TreeEnsembleBuilder::condition(int64_t node) {
  auto it = conditions.find(node);
  if (it != conditions.end())
    return it->second;
  Value column = c.create<dlg::GatherOp>(
      {x, c.ints({featureIds[node]}, SmallVector<int64_t>{})},
      {ctx.named("axis", ctx.builder.getI64IntegerAttr(1))});
  Value split = c.scalar(elementType, splits[node]);
  Value result;
  switch (static_cast<Branch>(modes[node])) {
  case Branch::Leq:
    result = c.create<dlg::LessEqualOp>({column, split});
    break;
  case Branch::Lt:
    result = c.create<dlg::LessOp>({column, split});
    break;
  case Branch::Gte:
    result = c.create<dlg::GreaterEqualOp>({column, split});
    break;
  case Branch::Gt:
    result = c.create<dlg::GreaterOp>({column, split});
    break;
  case Branch::Eq:
    result = c.create<dlg::EqualOp>({column, split});
    break;
  case Branch::Neq:
    result =
        c.create<dlg::BitwiseNotOp>({c.create<dlg::EqualOp>({column, split})});
    break;
  case Branch::Member:
    for (double member : memberSets[node]) {
      Value equal =
          c.create<dlg::EqualOp>({column, c.scalar(elementType, member)});
      result = result ? c.create<dlg::BitwiseOrOp>({result, equal}) : equal;
    }
    if (!result) // An empty set: false, per sample.
      result =
          c.create<dlg::BitwiseAndOp>({c.create<dlg::EqualOp>({column, column}),
                                       c.scalar(ctx.builder.getI1Type(), 0)});
    break;
  }
  if (missingTrue[node]) {
    // NaN features take the true branch.
    Value isNan =
        c.create<dlg::BitwiseNotOp>({c.create<dlg::EqualOp>({column, column})});
    result = c.create<dlg::BitwiseOrOp>({result, isNan});
  }
  conditions[node] = result;
  return result;
}

FailureOr<Value> TreeEnsembleBuilder::evaluate(int64_t index, bool isLeaf,
                                               int64_t target, int depth) {
  if (isLeaf) {
    if (index < 0 || index >= numLeaves)
      return ctx.emitError() << "leaf index " << index
                             << " is out of range [0, " << numLeaves << ")",
             failure();
    if (leafTargets[index] != target)
      return Value();
    if (indicator)
      return c.scalar(ctx.builder.getI1Type(), 1);
    return c.scalar(elementType, leafWeights[index] * leafScale);
  }
  if (index < 0 || index >= numNodes)
    return ctx.emitError() << "node index " << index << " is out of range [0, "
                           << numNodes << ")",
           failure();
  // A tree is acyclic: no path is longer than the number of nodes. Trees
  // are unrolled recursively, so their depth is bounded too.
  constexpr int kMaxDepth = 512;
  if (depth > numNodes)
    return ctx.emitError() << "the nodes reached from node " << index
                           << " form a cycle",
           failure();
  if (depth > kMaxDepth)
    return ctx.emitError() << "a tree is deeper than " << kMaxDepth
                           << " levels, which is not supported",
           failure();
  auto key = std::make_pair(index, target);
  auto it = memo.find(key);
  if (it != memo.end())
    return it->second;
  FailureOr<Value> onTrue =
      evaluate(trueIds[index], trueLeaves[index], target, depth + 1);
  if (failed(onTrue))
    return failure();
  FailureOr<Value> onFalse =
      evaluate(falseIds[index], falseLeaves[index], target, depth + 1);
  if (failed(onFalse))
    return failure();
  Value result;
  if (*onTrue || *onFalse) {
    Value fill = indicator ? c.scalar(ctx.builder.getI1Type(), 0)
                           : c.scalar(elementType, neutral);
    Value cond = condition(index);
    result = c.create<dlg::WhereOp>(
        {cond, *onTrue ? *onTrue : fill, *onFalse ? *onFalse : fill});
    if (!result)
      return failure();
  }
  memo[key] = result;
  return result;
}

LogicalResult TreeEnsembleBuilder::build(SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  x = ctx.input(0);
  auto type = cast<RankedTensorType>(x.getType());
  elementType = type.getElementType();
  if (!isa<FloatType>(elementType))
    return ctx.emitError() << "expects a float input, got " << elementType,
           failure();
  if (type.getRank() != 2)
    return ctx.emitError() << "expects an input of rank 2 [N, F], got rank "
                           << type.getRank(),
           failure();
  rows = type.getDimSize(0);
  features = type.getDimSize(1);

  int64_t aggregate = ctx.intAttr("aggregate_function", 1);
  if (aggregate < 0 || aggregate > 3)
    return ctx.emitError() << "attribute 'aggregate_function' = " << aggregate
                           << " is not supported (expects 0 to 3)",
           failure();
  int64_t postTransform = ctx.intAttr("post_transform", 0);
  if (postTransform != 0 && postTransform != 1 && postTransform != 2)
    return ctx.emitError() << "attribute 'post_transform' = " << postTransform
                           << " is not supported (only 0 NONE, 1 SOFTMAX and "
                              "2 LOGISTIC)",
           failure();
  int64_t numTargets = ctx.intAttr("n_targets", -1);
  if (numTargets <= 0)
    return ctx.emitError() << "expects a positive attribute 'n_targets', got "
                           << numTargets,
           failure();

  FailureOr<SmallVector<double>> splitValues =
      tensorNumbers(ctx, "nodes_splits", true);
  FailureOr<SmallVector<double>> modeValues =
      tensorNumbers(ctx, "nodes_modes", true);
  FailureOr<SmallVector<double>> weightValues =
      tensorNumbers(ctx, "leaf_weights", true);
  FailureOr<SmallVector<double>> memberValues =
      tensorNumbers(ctx, "membership_values", false);
  if (failed(splitValues) || failed(modeValues) || failed(weightValues) ||
      failed(memberValues))
    return failure();
  splits = *splitValues;
  modes = *modeValues;
  leafWeights = *weightValues;
  membership = *memberValues;
  featureIds = ctx.intsAttr("nodes_featureids");
  trueIds = ctx.intsAttr("nodes_truenodeids");
  falseIds = ctx.intsAttr("nodes_falsenodeids");
  trueLeaves = ctx.intsAttr("nodes_trueleafs");
  falseLeaves = ctx.intsAttr("nodes_falseleafs");
  leafTargets = ctx.intsAttr("leaf_targetids");
  missingTrue = ctx.intsAttr("nodes_missing_value_tracks_true");
  SmallVector<int64_t> roots = ctx.intsAttr("tree_roots");

  numNodes = splits.size();
  numLeaves = leafWeights.size();
  if (missingTrue.empty())
    missingTrue.assign(numNodes, 0);
  auto sameLength = [&](llvm::StringRef name, size_t size,
                        size_t expected) -> LogicalResult {
    if (size == expected)
      return success();
    return ctx.emitError() << "attribute '" << name << "' has " << size
                           << " elements, expects " << expected,
           failure();
  };
  if (failed(sameLength("nodes_modes", modes.size(), numNodes)) ||
      failed(sameLength("nodes_featureids", featureIds.size(), numNodes)) ||
      failed(sameLength("nodes_truenodeids", trueIds.size(), numNodes)) ||
      failed(sameLength("nodes_falsenodeids", falseIds.size(), numNodes)) ||
      failed(sameLength("nodes_trueleafs", trueLeaves.size(), numNodes)) ||
      failed(sameLength("nodes_falseleafs", falseLeaves.size(), numNodes)) ||
      failed(sameLength("nodes_missing_value_tracks_true", missingTrue.size(),
                        numNodes)) ||
      failed(sameLength("leaf_targetids", leafTargets.size(), numLeaves)))
    return failure();
  if (roots.empty())
    return ctx.emitError() << "expects at least one tree in 'tree_roots'",
           failure();

  // Per node: its feature, mode and (for BRANCH_MEMBER) its set, taken from
  // `membership_values` in node order, NaN-delimited.
  memberSets.resize(numNodes);
  size_t next = 0;
  for (int64_t n = 0; n < numNodes; ++n) {
    if (featureIds[n] < 0 || featureIds[n] >= features)
      return ctx.emitError()
                 << "node " << n << " tests feature " << featureIds[n]
                 << ", out of range [0, " << features << ")",
             failure();
    if (modes[n] < 0 || modes[n] > 6 || modes[n] != std::floor(modes[n]))
      return ctx.emitError() << "node " << n << " has mode " << modes[n]
                             << ", expects 0 to 6",
             failure();
    if (static_cast<Branch>(modes[n]) != Branch::Member)
      continue;
    if (next >= membership.size())
      return ctx.emitError() << "'membership_values' has no set for node " << n,
             failure();
    while (next < membership.size() && !std::isnan(membership[next]))
      memberSets[n].push_back(membership[next++]);
    ++next; // the NaN delimiter
  }
  for (int64_t t : leafTargets)
    if (t < 0 || t >= numTargets)
      return ctx.emitError() << "leaf target " << t << " is out of range [0, "
                             << numTargets << ")",
             failure();

  auto agg = static_cast<Aggregate>(aggregate);
  if (agg == Aggregate::Average)
    leafScale = 1.0 / roots.size();
  if (agg == Aggregate::Min || agg == Aggregate::Max) {
    double largest =
        APFloat::getLargest(cast<FloatType>(elementType).getFloatSemantics())
            .convertToDouble();
    neutral = agg == Aggregate::Min ? largest : -largest;
  }

  SmallVector<Value> columns;
  for (int64_t target = 0; target < numTargets; ++target) {
    Value total;
    for (int64_t root : roots) {
      if (root < 0 || root >= numNodes)
        return ctx.emitError() << "tree root " << root
                               << " is out of range [0, " << numNodes << ")",
               failure();
      memo.clear();
      FailureOr<Value> value = evaluate(root, false, target, 0);
      if (failed(value))
        return failure();
      if (!*value)
        continue;
      Value v = *value;
      if (!total) {
        total = v;
        continue;
      }
      switch (agg) {
      case Aggregate::Average:
      case Aggregate::Sum:
        total = c.create<dlg::AddOp>({total, v});
        break;
      case Aggregate::Min:
        total = c.create<dlg::MinOp>({total, v});
        break;
      case Aggregate::Max:
        total = c.create<dlg::MaxOp>({total, v});
        break;
      }
    }
    if (!total) {
      // No leaf of this target: every sample gets 0.
      auto columnType = RankedTensorType::get({rows}, elementType);
      total = dlg::ConstantOp::create(
          ctx.builder, ctx.loc,
          DenseElementsAttr::get(columnType, FloatAttr::get(elementType, 0)));
    } else if (agg == Aggregate::Min || agg == Aggregate::Max) {
      // Samples that reach no leaf of the target hold the neutral value.
      indicator = true;
      Value reached;
      for (int64_t root : roots) {
        memo.clear();
        FailureOr<Value> hit = evaluate(root, false, target, 0);
        if (failed(hit))
          return failure();
        if (*hit)
          reached =
              reached ? c.create<dlg::BitwiseOrOp>({reached, *hit}) : *hit;
      }
      indicator = false;
      total =
          c.create<dlg::WhereOp>({reached, total, c.scalar(elementType, 0)});
    }
    columns.push_back(c.reshape(total, {rows, 1}));
  }
  Value result =
      columns.size() == 1
          ? columns[0]
          : c.create<dlg::ConcatOp>(
                columns, {ctx.named("axis", ctx.builder.getI64IntegerAttr(1))});
  // The spec's numbering: 1 SOFTMAX, 2 LOGISTIC (onnxruntime 1.32 swaps the
  // two in TreeEnsemble-5).
  if (postTransform == 1)
    result = c.create<dlg::SoftmaxOp>(
        {result}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(1))});
  else if (postTransform == 2)
    result = c.create<dlg::SigmoidOp>({result});
  return c.finish({result}, results);
}

} // namespace

void registerTraditionalMLHandlers(OpRegistry &registry) {
  registry.add("ai.onnx.ml", "ArrayFeatureExtractor", {1},
               arrayFeatureExtractor);
  registry.add("ai.onnx.ml", "Binarizer", {1}, binarizer);
  registry.add("ai.onnx.ml", "TreeEnsemble", {5},
               [](NodeContext &ctx, SmallVectorImpl<Value> &results) {
                 return TreeEnsembleBuilder(ctx).build(results);
               });
}

} // namespace dlc::onnx
