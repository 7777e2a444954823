//===- Einsum.cpp - ONNX Einsum -> transposes, dlg.matmul, reductions -----===//
//
// Each operand first takes its diagonals (a label repeated within one term:
// reshape the two dims into one and slice with step n + 1) and sums out the
// labels that nothing else uses. Operands then combine left to right as
// batched matrix products: shared labels still needed later are batch dims,
// the other shared labels are contracted. A final transpose orders the
// result as the output term says.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/IndexingBuilders.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace dlc::onnx {
namespace {

using namespace builders;

/// Letters label themselves; ellipsis dims are kEllipsis + their position in
/// the right-aligned broadcast of all ellipses.
constexpr int kEllipsis = 256;

struct Term {
  Value value;
  SmallVector<int> labels;
};

std::string labelName(int label) {
  return label >= kEllipsis ? std::string("...") : std::string(1, char(label));
}

/// Splits a term into its letters, with -1 standing for "...".
FailureOr<SmallVector<int>> parseTerm(NodeContext &ctx, StringRef text) {
  SmallVector<int> labels;
  bool ellipsis = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i).starts_with("...")) {
      if (ellipsis)
        return ctx.emitError() << "term '" << text << "' has two ellipses",
               failure();
      ellipsis = true;
      labels.push_back(-1);
      i += 2;
    } else if (llvm::isAlpha(text[i])) {
      labels.push_back(text[i]);
    } else {
      return ctx.emitError() << "unexpected character '" << labelName(text[i])
                             << "' in equation term '" << text << "'",
             failure();
    }
  }
  return labels;
}

/// Replaces -1 by the ellipsis labels of the last `count` of `maxCount`.
SmallVector<int> expandEllipsis(ArrayRef<int> term, int64_t count,
                                int64_t maxCount) {
  SmallVector<int> labels;
  for (int label : term) {
    if (label != -1) {
      labels.push_back(label);
      continue;
    }
    for (int64_t i = 0; i < count; ++i)
      labels.push_back(kEllipsis + maxCount - count + i);
  }
  return labels;
}

int64_t positionOf(ArrayRef<int> labels, int label) {
  return llvm::find(labels, label) - labels.begin();
}

/// Transposes `term` so that its labels come in `order` (a permutation).
LogicalResult permute(NodeContext &ctx, Term &term, ArrayRef<int> order) {
  SmallVector<int64_t> perm;
  for (int label : order)
    perm.push_back(positionOf(term.labels, label));
  FailureOr<Value> value = transposeBy(ctx, term.value, perm);
  if (failed(value))
    return failure();
  term.value = *value;
  term.labels.assign(order.begin(), order.end());
  return success();
}

/// Takes the diagonal of every label that repeats within the term.
LogicalResult takeDiagonals(NodeContext &ctx, Term &term) {
  for (;;) {
    int64_t first = -1, second = -1;
    for (size_t i = 0; i < term.labels.size() && first < 0; ++i)
      for (size_t j = i + 1; j < term.labels.size(); ++j)
        if (term.labels[i] == term.labels[j]) {
          first = i;
          second = j;
          break;
        }
    if (first < 0)
      return success();
    int label = term.labels[first];
    ArrayRef<int64_t> shape = typeOf(term.value).getShape();
    int64_t n = shape[first];
    if (shape[second] != n)
      return ctx.emitError() << "repeated label '" << labelName(label)
                             << "' has sizes " << n << " and " << shape[second],
             failure();
    // Move the pair to the end, keeping the other labels in order.
    SmallVector<int> rest;
    for (auto [i, other] : llvm::enumerate(term.labels))
      if ((int64_t)i != first && (int64_t)i != second)
        rest.push_back(other);
    SmallVector<int64_t> perm;
    for (size_t i = 0; i < term.labels.size(); ++i)
      if ((int64_t)i != first && (int64_t)i != second)
        perm.push_back(i);
    perm.append({first, second});
    FailureOr<Value> value = transposeBy(ctx, term.value, perm);
    if (failed(value))
      return failure();
    SmallVector<int64_t> merged;
    for (int64_t d : ArrayRef<int64_t>(perm).drop_back(2))
      merged.push_back(shape[d]);
    merged.push_back(n * n);
    value = reshapeTo(ctx, *value, merged);
    if (failed(value))
      return failure();
    SmallVector<int64_t> starts(merged.size(), 0), sizes(merged),
        steps(merged.size(), 1);
    sizes.back() = n;
    steps.back() = n + 1;
    OpBuilder &b = ctx.builder;
    value = ctx.create<dlg::SliceOp>(
        {*value}, {ctx.named("starts", b.getDenseI64ArrayAttr(starts)),
                   ctx.named("sizes", b.getDenseI64ArrayAttr(sizes)),
                   ctx.named("steps", b.getDenseI64ArrayAttr(steps))});
    if (failed(value))
      return failure();
    term.value = *value;
    rest.push_back(label);
    term.labels = rest;
  }
}

/// Sums out the labels of `term` for which `keep` is false.
LogicalResult sumOut(NodeContext &ctx, Term &term,
                     function_ref<bool(int)> keep) {
  SmallVector<int64_t> axes;
  SmallVector<int> kept;
  for (auto [i, label] : llvm::enumerate(term.labels)) {
    if (keep(label))
      kept.push_back(label);
    else
      axes.push_back(i);
  }
  if (axes.empty())
    return success();
  OpBuilder &b = ctx.builder;
  FailureOr<Value> value = ctx.create<dlg::ReduceSumOp>(
      {term.value}, {ctx.named("axes", b.getDenseI64ArrayAttr(axes)),
                     ctx.named("keepdims", b.getBoolAttr(false))});
  if (failed(value))
    return failure();
  term.value = *value;
  term.labels = kept;
  return success();
}

int64_t sizeOf(const Term &term, int label) {
  return typeOf(term.value).getDimSize(positionOf(term.labels, label));
}

/// lhs x rhs as a batched matmul over [batch..., lhsOnly, contracted] and
/// [batch..., contracted, rhsOnly].
FailureOr<Term> multiply(NodeContext &ctx, Term lhs, Term rhs,
                         function_ref<bool(int)> neededLater) {
  SmallVector<int> batch, contracted, lhsOnly, rhsOnly;
  for (int label : lhs.labels) {
    if (!llvm::is_contained(rhs.labels, label))
      lhsOnly.push_back(label);
    else if (neededLater(label))
      batch.push_back(label);
    else
      contracted.push_back(label);
  }
  for (int label : rhs.labels)
    if (!llvm::is_contained(lhs.labels, label))
      rhsOnly.push_back(label);
  int64_t m = 1, n = 1, k = 1;
  for (int label : lhsOnly)
    m *= sizeOf(lhs, label);
  for (int label : rhsOnly)
    n *= sizeOf(rhs, label);
  for (int label : contracted) {
    if (sizeOf(lhs, label) != sizeOf(rhs, label))
      return ctx.emitError()
                 << "contracted label has sizes " << sizeOf(lhs, label)
                 << " and " << sizeOf(rhs, label),
             failure();
    k *= sizeOf(lhs, label);
  }
  SmallVector<int> lhsOrder(batch), rhsOrder(batch);
  llvm::append_range(lhsOrder, lhsOnly);
  llvm::append_range(lhsOrder, contracted);
  llvm::append_range(rhsOrder, contracted);
  llvm::append_range(rhsOrder, rhsOnly);
  SmallVector<int64_t> lhsShape, rhsShape;
  for (int label : batch) {
    lhsShape.push_back(sizeOf(lhs, label));
    rhsShape.push_back(sizeOf(rhs, label));
  }
  lhsShape.append({m, k});
  rhsShape.append({k, n});
  SmallVector<int64_t> resultShape;
  for (int label : batch)
    resultShape.push_back(std::max(sizeOf(lhs, label), sizeOf(rhs, label)));
  for (int label : lhsOnly)
    resultShape.push_back(sizeOf(lhs, label));
  for (int label : rhsOnly)
    resultShape.push_back(sizeOf(rhs, label));
  if (failed(permute(ctx, lhs, lhsOrder)) ||
      failed(permute(ctx, rhs, rhsOrder)))
    return failure();
  FailureOr<Value> a = reshapeTo(ctx, lhs.value, lhsShape);
  FailureOr<Value> b = reshapeTo(ctx, rhs.value, rhsShape);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> product = ctx.create<dlg::MatMulOp>({*a, *b});
  if (failed(product))
    return failure();
  product = reshapeTo(ctx, *product, resultShape);
  if (failed(product))
    return failure();
  Term result{*product, batch};
  llvm::append_range(result.labels, lhsOnly);
  llvm::append_range(result.labels, rhsOnly);
  return result;
}

} // namespace

LogicalResult importEinsum(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  size_t numInputs = ctx.numInputs();
  if (numInputs == 0 || failed(ctx.requireInputs(numInputs)))
    return ctx.emitError() << "expects at least one input", failure();
  std::string equation;
  for (char c : ctx.stringAttr("equation", ""))
    if (!llvm::isSpace(c))
      equation.push_back(c);
  StringRef lhsText = equation, outText;
  bool explicitOutput = false;
  if (size_t arrow = lhsText.find("->"); arrow != StringRef::npos) {
    outText = lhsText.substr(arrow + 2);
    lhsText = lhsText.substr(0, arrow);
    explicitOutput = true;
  }
  SmallVector<StringRef> termTexts;
  lhsText.split(termTexts, ',');
  if (termTexts.size() != numInputs)
    return ctx.emitError() << "equation '" << equation << "' has "
                           << termTexts.size() << " terms but the node has "
                           << numInputs << " inputs",
           failure();

  SmallVector<SmallVector<int>> parsed;
  SmallVector<int64_t> ellipsisRanks;
  int64_t maxEllipsis = 0;
  for (auto [i, text] : llvm::enumerate(termTexts)) {
    FailureOr<SmallVector<int>> labels = parseTerm(ctx, text);
    if (failed(labels))
      return failure();
    int64_t rank = typeOf(ctx.input(i)).getRank();
    int64_t letters = llvm::count_if(*labels, [](int l) { return l != -1; });
    bool hasEllipsis = llvm::is_contained(*labels, -1);
    if (rank < letters || (!hasEllipsis && rank != letters))
      return ctx.emitError() << "term '" << text << "' does not match input "
                             << i << " of rank " << rank,
             failure();
    parsed.push_back(*labels);
    ellipsisRanks.push_back(rank - letters);
    maxEllipsis = std::max(maxEllipsis, rank - letters);
  }

  SmallVector<Term> terms;
  llvm::DenseMap<int, int64_t> counts;
  for (auto [i, labels] : llvm::enumerate(parsed)) {
    Term term{ctx.input(i),
              expandEllipsis(labels, ellipsisRanks[i], maxEllipsis)};
    for (int label : term.labels)
      ++counts[label];
    terms.push_back(term);
  }

  SmallVector<int> output;
  if (explicitOutput) {
    FailureOr<SmallVector<int>> labels = parseTerm(ctx, outText);
    if (failed(labels))
      return failure();
    output = expandEllipsis(*labels, maxEllipsis, maxEllipsis);
    for (int label : output)
      if (!counts.count(label))
        return ctx.emitError() << "output label '" << labelName(label)
                               << "' appears in no input",
               failure();
  } else {
    // Implicit output: the ellipsis, then the letters used once, sorted.
    for (int64_t i = 0; i < maxEllipsis; ++i)
      output.push_back(kEllipsis + i);
    for (int label = 0; label < kEllipsis; ++label)
      if (counts.lookup(label) == 1)
        output.push_back(label);
  }

  for (size_t i = 0; i < terms.size(); ++i) {
    if (failed(takeDiagonals(ctx, terms[i])))
      return failure();
    auto usedElsewhere = [&](int label) {
      if (llvm::is_contained(output, label))
        return true;
      for (size_t j = 0; j < terms.size(); ++j)
        if (j != i && llvm::is_contained(terms[j].labels, label))
          return true;
      return false;
    };
    if (failed(sumOut(ctx, terms[i], usedElsewhere)))
      return failure();
  }

  Term result = terms.front();
  for (size_t i = 1; i < terms.size(); ++i) {
    auto neededLater = [&](int label) {
      if (llvm::is_contained(output, label))
        return true;
      for (size_t j = i + 1; j < terms.size(); ++j)
        if (llvm::is_contained(terms[j].labels, label))
          return true;
      return false;
    };
    FailureOr<Term> product = multiply(ctx, result, terms[i], neededLater);
    if (failed(product))
      return failure();
    result = *product;
  }
  if (result.labels.size() != output.size())
    return ctx.emitError() << "cannot form the output term of '" << equation
                           << "'",
           failure();
  if (failed(permute(ctx, result, output)))
    return failure();
  results.push_back(result.value);
  return success();
}

} // namespace dlc::onnx
