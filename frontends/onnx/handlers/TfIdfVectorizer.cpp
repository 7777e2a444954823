//===- TfIdfVectorizer.cpp - ONNX TfIdfVectorizer -> dlg ------------------===//
//
// The pool and the skip distances are attributes, so the n-gram search of
// onnx/reference/ops/op_tfidf_vectorizer.py unrolls at import time: for each
// pool n-gram size n in [min_gram_length, max_gram_length] and each skip
// distance d the reference visits, the tokens at i, i + d, ..., i + (n-1) d
// are compared with every pool n-gram of that size (an [rows, positions,
// n-grams] equality), and the matches are summed over positions and
// distances. The counts (or their presence for IDF) are weighted per pool
// n-gram and a constant one-hot matrix maps them to their ngram_indexes.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"

#include "onnx/onnx_pb.h"

#include <map>

using namespace mlir;

namespace dlc::onnx {
namespace {

LogicalResult tfIdfVectorizer(NodeContext &ctx,
                              SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  if (!xType.getElementType().isSignlessInteger() ||
      xType.getElementType().getIntOrFloatBitWidth() < 32)
    return ctx.emitError() << "expects int32 or int64 input (string pools are "
                              "not supported) but got "
                           << xType,
           failure();
  if (xType.getRank() != 1 && xType.getRank() != 2)
    return ctx.emitError() << "expects input of shape [C] or [B, C] but got "
                           << xType,
           failure();
  if (ctx.attribute("pool_strings"))
    return ctx.emitError() << "attribute 'pool_strings' is not supported",
           failure();
  std::string mode = ctx.stringAttr("mode", "");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported (TF, IDF, TFIDF)",
           failure();
  int64_t minGram = ctx.intAttr("min_gram_length", 0);
  int64_t maxGram = ctx.intAttr("max_gram_length", 0);
  int64_t maxSkip = ctx.intAttr("max_skip_count", 0);
  SmallVector<int64_t> counts = ctx.intsAttr("ngram_counts");
  SmallVector<int64_t> indexes = ctx.intsAttr("ngram_indexes");
  SmallVector<int64_t> pool = ctx.intsAttr("pool_int64s");
  SmallVector<float> weights = ctx.floatsAttr("weights");
  if (minGram < 1 || maxGram < minGram || maxSkip < 0)
    return ctx.emitError() << "expects 1 <= min_gram_length (" << minGram
                           << ") <= max_gram_length (" << maxGram
                           << ") and max_skip_count (" << maxSkip << ") >= 0",
           failure();
  if (indexes.empty())
    return ctx.emitError() << "expects a non-empty 'ngram_indexes'", failure();
  if (llvm::any_of(indexes, [](int64_t i) { return i < 0; }))
    return ctx.emitError() << "expects non-negative 'ngram_indexes'", failure();
  // The n-gram to output map is a dense matrix of pool size x output size.
  constexpr int64_t kMaxMapElements = int64_t(1) << 26;
  int64_t outSize = *llvm::max_element(indexes) + 1;
  if (outSize > kMaxMapElements / static_cast<int64_t>(indexes.size()))
    return ctx.emitError() << "an output of " << outSize << " n-grams from a "
                           << "pool of " << indexes.size() << " is too large",
           failure();

  // The pool n-grams in order (their ids), by size. A repeated n-gram keeps
  // its last id, as the reference's trie does.
  struct Gram {
    SmallVector<int64_t> tokens;
    int64_t id;
  };
  std::map<int64_t, SmallVector<Gram>> bySize;
  int64_t id = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t size = i + 1;
    int64_t begin = counts[i];
    int64_t end = i + 1 < counts.size() ? counts[i + 1] : (int64_t)pool.size();
    if (begin < 0 || end < begin || end > (int64_t)pool.size())
      return ctx.emitError() << "ngram_counts " << begin << ".." << end
                             << " do not fit a pool of " << pool.size(),
             failure();
    for (int64_t g = 0; g < (end - begin) / size; ++g, ++id) {
      if (size < minGram || size > maxGram)
        continue;
      SmallVector<int64_t> tokens(pool.begin() + begin + g * size,
                                  pool.begin() + begin + (g + 1) * size);
      SmallVector<Gram> &grams = bySize[size];
      llvm::erase_if(grams,
                     [&](const Gram &old) { return old.tokens == tokens; });
      grams.push_back({tokens, id});
    }
  }
  if (id > (int64_t)indexes.size())
    return ctx.emitError() << "expects " << id << " ngram_indexes but got "
                           << indexes.size(),
           failure();
  if (!weights.empty() && (int64_t)weights.size() < id)
    return ctx.emitError() << "expects " << id << " weights but got "
                           << weights.size(),
           failure();

  Composer c(ctx);
  Type f32 = ctx.builder.getF32Type(), i64 = ctx.builder.getI64Type();
  int64_t rows = xType.getRank() == 2 ? xType.getDimSize(0) : 1;
  int64_t length = xType.getShape().back();
  Value tokens = c.reshape(c.cast(x, i64), {rows, length});
  auto floats = [&](ArrayRef<int64_t> shape, ArrayRef<float> values) -> Value {
    if (c.failedBefore)
      return {};
    auto type = RankedTensorType::get(shape, f32);
    return dlg::ConstantOp::create(ctx.builder, ctx.loc,
                                   DenseElementsAttr::get(type, values));
  };
  // y[rows, outSize] accumulates each size's weighted counts through its
  // one-hot map to the output indices.
  Value y = floats({rows, outSize}, {0.0f});
  for (auto &[size, grams] : bySize) {
    int64_t numGrams = grams.size();
    SmallVector<float> oneHot(numGrams * outSize, 0.0f);
    for (int64_t g = 0; g < numGrams; ++g)
      oneHot[g * outSize + indexes[grams[g].id]] += 1.0f;
    // Unigrams are only searched at distance 1 (the reference's
    // start_ngram_size moves past 1 after the first distance).
    Value count;
    int64_t maxDistance = size == 1 ? 1 : maxSkip + 1;
    for (int64_t d = 1; d <= maxDistance; ++d) {
      int64_t positions = length - (size - 1) * d;
      if (positions <= 0)
        break;
      Value match;
      for (int64_t k = 0; k < size; ++k) {
        SmallVector<int64_t> column;
        for (const Gram &gram : grams)
          column.push_back(gram.tokens[k]);
        Value at = c.create<dlg::SliceOp>(
            {tokens},
            {ctx.named("starts", ctx.builder.getDenseI64ArrayAttr({0, k * d})),
             ctx.named("sizes",
                       ctx.builder.getDenseI64ArrayAttr({rows, positions})),
             ctx.named("steps", ctx.builder.getDenseI64ArrayAttr({1, 1}))});
        Value eq =
            c.cast(c.create<dlg::EqualOp>(
                       {c.reshape(at, {rows, positions, 1}),
                        c.ints(column, SmallVector<int64_t>{1, 1, numGrams})}),
                   f32);
        match = match ? c.create<dlg::MulOp>({match, eq}) : eq;
      }
      Value found = c.reduce<dlg::ReduceSumOp>(match, {1}, false);
      count = count ? c.create<dlg::AddOp>({count, found}) : found;
    }
    if (!count)
      continue;
    // The spec weighs each pool n-gram (weights[i] is that of the i-th pool
    // n-gram), as onnxruntime does; the Python reference indexes weights by
    // output position instead, which only agrees for identity
    // ngram_indexes.
    if (mode == "IDF")
      count = c.cast(c.create<dlg::GreaterOp>({count, c.scalar(f32, 0)}), f32);
    if (mode != "TF" && !weights.empty()) {
      SmallVector<float> gramWeights;
      for (const Gram &gram : grams)
        gramWeights.push_back(weights[gram.id]);
      count = c.create<dlg::MulOp>({count, floats({numGrams}, gramWeights)});
    }
    y = c.create<dlg::AddOp>(
        {y, c.create<dlg::MatMulOp>(
                {count, floats({numGrams, outSize}, oneHot)})});
  }
  if (xType.getRank() == 1)
    y = c.reshape(y, {outSize});
  return c.finish({y}, results);
}

} // namespace

void registerTfIdfVectorizerHandlers(OpRegistry &registry) {
  registry.add("", "TfIdfVectorizer", {9}, tfIdfVectorizer);
}

} // namespace dlc::onnx
