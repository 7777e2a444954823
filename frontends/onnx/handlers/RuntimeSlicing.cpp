//===- RuntimeSlicing.cpp - Slicing with run-time arguments -> dlg --------===//
//
// The result shape comes from the model's declaration; what the run-time
// arguments decide (where a slice starts, how far a pad shifts, which
// elements a condition keeps) is computed on small i64 tensors and applied
// with dlg.gather, whose indices are clamped into range so that a failed
// dlg.check never reads out of bounds.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/RuntimeSlicing.h"
#include "frontends/onnx/handlers/Composer.h"
#include "frontends/onnx/handlers/IndexingBuilders.h"

#include "onnx/onnx_pb.h"

#include <set>

using namespace mlir;

namespace dlc::onnx {

std::string formatDims(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return text;
}

SmallVector<SmallVector<bool>>
unitAxisSets(ArrayRef<int64_t> big, ArrayRef<int64_t> small, size_t limit) {
  SmallVector<SmallVector<bool>> sets;
  SmallVector<bool> dropped(big.size(), false);
  bool tooMany = false;
  // Matches big[i..] against small[j..], dropping unit dims of big; states
  // (i, j) known to match nothing keep the search polynomial.
  std::set<std::pair<size_t, size_t>> deadEnds;
  std::function<bool(size_t, size_t)> walk = [&](size_t i, size_t j) -> bool {
    if (tooMany)
      return true;
    if (i == big.size()) {
      if (j != small.size())
        return false;
      if (sets.size() == limit)
        tooMany = true;
      else
        sets.push_back(dropped);
      return true;
    }
    if (big.size() - i < small.size() - j || deadEnds.count({i, j}))
      return false;
    bool found = false;
    if (big[i] == 1) {
      dropped[i] = true;
      found |= walk(i + 1, j);
      dropped[i] = false;
    }
    if (j < small.size() && big[i] == small[j])
      found |= walk(i + 1, j + 1);
    if (!found)
      deadEnds.insert({i, j});
    return found;
  };
  walk(0, 0);
  if (tooMany)
    sets.clear();
  return sets;
}

namespace {

using builders::typeOf;

/// Shared pieces of the run-time compositions.
struct Runtime {
  NodeContext &ctx;
  Composer c;

  explicit Runtime(NodeContext &ctx) : ctx(ctx), c(ctx) {}

  Value scalar(int64_t v) { return c.ints({v}, SmallVector<int64_t>{}); }
  Value iota(int64_t n) {
    return c.ints(llvm::to_vector(llvm::seq<int64_t>(0, n)));
  }
  Value splatInts(int64_t n, int64_t v) {
    return c.ints(SmallVector<int64_t>(n, v));
  }
  Value where(Value cond, Value a, Value b) {
    return c.create<dlg::WhereOp>({cond, a, b});
  }
  Value max(Value a, Value b) { return c.create<dlg::MaxOp>({a, b}); }
  Value min(Value a, Value b) { return c.create<dlg::MinOp>({a, b}); }
  Value add(Value a, Value b) { return c.create<dlg::AddOp>({a, b}); }
  Value sub(Value a, Value b) { return c.create<dlg::SubOp>({a, b}); }
  Value mul(Value a, Value b) { return c.create<dlg::MulOp>({a, b}); }
  Value div(Value a, Value b) { return c.create<dlg::DivOp>({a, b}); }
  Value less(Value a, Value b) { return c.create<dlg::LessOp>({a, b}); }
  Value equal(Value a, Value b) { return c.create<dlg::EqualOp>({a, b}); }
  Value both(Value a, Value b) {
    if (!a)
      return b;
    return c.create<dlg::BitwiseAndOp>({a, b});
  }
  /// Floored modulo (the result has the sign of `b`).
  Value mod(Value a, Value b) {
    return c.create<dlg::ModOp>(
        {a, b}, {ctx.named("fmod", ctx.builder.getBoolAttr(false))});
  }
  Value gather(Value data, Value indices, int64_t axis) {
    return c.create<dlg::GatherOp>(
        {data, indices},
        {ctx.named("axis", ctx.builder.getI64IntegerAttr(axis))});
  }
  Value unwrap(FailureOr<Value> value) {
    if (failed(value)) {
      c.failedBefore = true;
      return {};
    }
    return *value;
  }

  /// Axes (input `i`, or 0..count-1 when absent) made non-negative, checked
  /// to be in range and distinct; hits[k][d] = whether axes[k] is d.
  Value axisHits(std::optional<size_t> i, int64_t count, int64_t rank,
                 Value &axes) {
    if (i) {
      axes = c.normalizeAxes(c.intsInput(*i), rank);
      Value inRange = both(c.create<dlg::GreaterEqualOp>({axes, scalar(0)}),
                           less(axes, scalar(rank)));
      c.check(c.allOf(inRange),
              "a run-time axis is out of range for rank " + llvm::Twine(rank));
    } else {
      axes = iota(count);
    }
    Value hits = equal(c.reshape(axes, {count, 1}), iota(rank));
    if (i && count > 1) {
      Value perAxis = c.reduce<dlg::ReduceSumOp>(
          c.cast(hits, ctx.builder.getI64Type()), {0}, /*keepDims=*/false);
      c.check(c.allOf(c.create<dlg::LessEqualOp>({perAxis, scalar(1)})),
              "the run-time axes repeat an axis");
    }
    return hits;
  }

  /// Per dimension d: values[k] for the k with axes[k] == d, else
  /// fallback[d]. `hits` is [count, rank], values [count], fallback [rank].
  Value perDim(Value hits, int64_t count, Value values, Value fallback) {
    if (count == 0)
      return fallback;
    Value column = c.reshape(values, {count, 1});
    Value picked = where(hits, column, scalar(0));
    Value sum = c.reduce<dlg::ReduceSumOp>(picked, {0}, /*keepDims=*/false);
    Value any = c.reduce<dlg::ReduceMaxOp>(
        c.cast(hits, ctx.builder.getI64Type()), {0}, /*keepDims=*/false);
    return where(equal(any, scalar(1)), sum, fallback);
  }

  /// The positions (increasing) of the `count` set entries of the rank-1 i64
  /// 0/1 tensor `flags`, checking that exactly `count` are set.
  Value positionsOf(Value flags, int64_t count, const llvm::Twine &what) {
    int64_t n = typeOf(flags).getDimSize(0);
    Value total = c.reduceAll<dlg::ReduceSumOp>(flags);
    c.check(equal(total, scalar(count)),
            what + " selects a different number of elements than the " +
                llvm::Twine(count) + " of the declared output shape");
    return firstPositions(flags, count);
  }

  /// The positions of the first `count` set entries of `flags` (0/1 i64 of
  /// rank 1), in order; slots past the number set hold 0.
  Value firstPositions(Value flags, int64_t count) {
    int64_t n = typeOf(flags).getDimSize(0);
    if (count == 0 || n == 0)
      return c.ints({}, SmallVector<int64_t>{0});
    // Entry i goes to slot "set entries before i"; unset ones (and any
    // beyond `count` when the check fails) go to the spare slot `count`.
    Value before = c.create<dlg::CumSumOp>(
        {flags}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(0)),
                  ctx.named("exclusive", ctx.builder.getBoolAttr(true)),
                  ctx.named("reverse", ctx.builder.getBoolAttr(false))});
    Value slot = where(equal(flags, scalar(1)), min(before, scalar(count)),
                       scalar(count));
    Value positions = c.create<dlg::ScatterElementsOp>(
        {splatInts(count + 1, 0), slot, iota(n)},
        {ctx.named("axis", ctx.builder.getI64IntegerAttr(0)),
         ctx.named("reduction", ctx.builder.getStringAttr("none"))});
    if (!positions)
      return {};
    return unwrap(builders::sliceAxis(ctx, positions, 0, 0, count));
  }

  /// 1 where `value` is non-zero (true), else 0, as i64.
  Value nonZeroFlags(Value value) {
    Type elementType = typeOf(value).getElementType();
    if (elementType.isInteger(1))
      return c.cast(value, ctx.builder.getI64Type());
    Value zero = builders::splat(ctx, {}, elementType, 0.0);
    Value isZero = c.cast(equal(value, zero), ctx.builder.getI64Type());
    return sub(scalar(1), isZero);
  }
};

int64_t numElements(Value value) { return typeOf(value).getNumElements(); }

} // namespace

LogicalResult runtimeSlice(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "starts");
  if (failed(declared))
    return failure();
  Value input = ctx.input(0);
  ArrayRef<int64_t> shape = typeOf(input).getShape();
  int64_t rank = shape.size();
  if ((int64_t)declared->size() != rank)
    return ctx.emitError() << "the declared output shape "
                           << formatDims(*declared) << " has rank "
                           << declared->size() << " but the input has rank "
                           << rank,
           failure();
  int64_t count = numElements(ctx.input(1));
  for (size_t i = 2; i <= 4; ++i)
    if (ctx.input(i) && numElements(ctx.input(i)) != count)
      return ctx.emitError() << "starts, ends, axes and steps differ in length",
             failure();
  if (!ctx.input(3) && count > rank)
    return ctx.emitError() << count << " starts for rank " << rank, failure();
  // Only the listed axes are sliced when they are known.
  SmallVector<bool> sliced(rank, true);
  std::optional<SmallVector<int64_t>> knownAxes;
  if (!ctx.input(3))
    knownAxes = llvm::to_vector(llvm::seq<int64_t>(0, count));
  else
    knownAxes = ctx.constantInts(3);
  if (knownAxes) {
    sliced.assign(rank, false);
    for (int64_t axis : *knownAxes)
      if (std::optional<int64_t> d = dlg::normalizeAxis(axis, rank))
        sliced[*d] = true;
  }
  for (int64_t d = 0; d < rank; ++d)
    if ((*declared)[d] > shape[d] || (!sliced[d] && (*declared)[d] != shape[d]))
      return ctx.emitError()
                 << "the declared output shape " << formatDims(*declared)
                 << " cannot be a slice of the input shape "
                 << formatDims(shape),
             failure();

  Runtime r(ctx);
  Composer &c = r.c;
  Value axes;
  Value hits =
      r.axisHits(ctx.input(3) ? std::optional<size_t>(3) : std::nullopt, count,
                 rank, axes);
  Value dims = r.gather(c.ints(shape), axes, 0);
  Value steps = ctx.input(4) ? c.intsInput(4) : r.splatInts(count, 1);
  c.check(r.equal(c.countEqual(steps, 0), r.scalar(0)), "a run-time step is 0");
  // A step beyond the dimension takes one element at most: clamping it keeps
  // the length arithmetic from overflowing (and a step of 0 becomes 1).
  Value bound = r.max(dims, r.scalar(1));
  Value step = r.min(r.max(steps, c.create<dlg::NegOp>({bound})), bound);
  Value forward = c.create<dlg::GreaterOp>({step, r.scalar(0)});
  step = r.where(r.equal(step, r.scalar(0)), r.scalar(1), step);
  // ONNX: negative indices count from the end; starts clamp to [0, dim]
  // ([0, dim - 1] backwards), ends to [0, dim] ([-1, dim - 1] backwards).
  auto fromEnd = [&](Value v) {
    return r.where(r.less(v, r.scalar(0)), r.add(v, dims), v);
  };
  Value last = r.sub(dims, r.scalar(1));
  Value high = r.where(forward, dims, last);
  Value start = r.min(r.max(fromEnd(c.intsInput(1)), r.scalar(0)), high);
  Value end = r.min(r.max(fromEnd(c.intsInput(2)),
                          r.where(forward, r.scalar(0), r.scalar(-1))),
                    high);
  Value span = r.where(forward, r.sub(end, start), r.sub(start, end));
  Value magnitude = c.create<dlg::AbsOp>({step});
  Value length =
      r.div(r.add(r.max(span, r.scalar(0)), r.sub(magnitude, r.scalar(1))),
            magnitude);

  Value starts = r.perDim(hits, count, start, r.splatInts(rank, 0));
  Value stepsPerDim = r.perDim(hits, count, step, r.splatInts(rank, 1));
  Value lengths = r.perDim(hits, count, length, c.ints(shape));
  c.check(c.allOf(r.equal(lengths, c.ints(*declared))),
          "the run-time starts, ends, axes and steps do not give the declared "
          "output shape " +
              formatDims(*declared));

  Value result = input;
  if (RankedTensorType::get(*declared, ctx.builder.getI64Type())
          .getNumElements() == 0) {
    result =
        builders::splat(ctx, *declared, typeOf(input).getElementType(), 0.0);
  } else {
    for (int64_t d = 0; d < rank; ++d) {
      if (!sliced[d])
        continue;
      Value indices =
          r.add(c.element(starts, d),
                r.mul(r.iota((*declared)[d]), c.element(stepsPerDim, d)));
      result = r.gather(result, indices, d);
    }
  }
  return c.finish({result}, results);
}

LogicalResult runtimePad(NodeContext &ctx, Value input, StringRef mode,
                         Value fill, SmallVectorImpl<Value> &results) {
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "pads");
  if (failed(declared))
    return failure();
  ArrayRef<int64_t> shape = typeOf(input).getShape();
  int64_t rank = shape.size();
  if ((int64_t)declared->size() != rank)
    return ctx.emitError() << "the declared output shape "
                           << formatDims(*declared) << " has rank "
                           << declared->size() << " but the input has rank "
                           << rank,
           failure();
  int64_t count = ctx.input(3) ? numElements(ctx.input(3)) : rank;
  if (numElements(ctx.input(1)) != 2 * count)
    return ctx.emitError() << "expects " << 2 * count << " pads but got "
                           << numElements(ctx.input(1)),
           failure();
  SmallVector<bool> padded(rank, true);
  if (ctx.input(3))
    if (std::optional<SmallVector<int64_t>> axes = ctx.constantInts(3)) {
      padded.assign(rank, false);
      for (int64_t axis : *axes)
        if (std::optional<int64_t> d = dlg::normalizeAxis(axis, rank))
          padded[*d] = true;
    }
  for (int64_t d = 0; d < rank; ++d) {
    if (!padded[d] && (*declared)[d] != shape[d])
      return ctx.emitError()
                 << "the declared output shape " << formatDims(*declared)
                 << " changes dimension " << d << " which is not padded",
             failure();
    if (mode != "constant" && shape[d] == 0 && (*declared)[d] != 0)
      return ctx.emitError() << "cannot pad the empty dimension " << d << " in "
                             << mode << " mode",
             failure();
  }

  Runtime r(ctx);
  Composer &c = r.c;
  Value axes;
  Value hits =
      r.axisHits(ctx.input(3) ? std::optional<size_t>(3) : std::nullopt, count,
                 rank, axes);
  Value pads = c.intsInput(1);
  Value begins =
      pads ? r.unwrap(builders::sliceAxis(ctx, pads, 0, 0, count)) : Value();
  Value ends = pads ? r.unwrap(builders::sliceAxis(ctx, pads, 0, count, count))
                    : Value();
  Value zeros = r.splatInts(rank, 0);
  Value beginPerDim = r.perDim(hits, count, begins, zeros);
  Value endPerDim = r.perDim(hits, count, ends, zeros);
  Value sizes = r.add(r.add(c.ints(shape), beginPerDim), endPerDim);
  c.check(c.allOf(r.equal(sizes, c.ints(*declared))),
          "the run-time pads do not give the declared output shape " +
              formatDims(*declared));

  Type elementType = typeOf(input).getElementType();
  bool empty =
      RankedTensorType::get(*declared, elementType).getNumElements() == 0;
  bool emptyInput = llvm::is_contained(shape, 0);
  Value result = input, inside;
  if (empty || emptyInput) {
    // Nothing to read: the result is all padding (or has no elements).
    Value value = fill && mode == "constant"
                      ? fill
                      : builders::splat(ctx, {}, elementType, 0.0);
    result = r.unwrap(builders::broadcastTo(ctx, value, *declared));
    return c.finish({result}, results);
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (!padded[d])
      continue;
    int64_t dim = shape[d], size = (*declared)[d];
    // Output position j reads input position j - begin, mapped by the mode.
    Value source = r.sub(r.iota(size), c.element(beginPerDim, d));
    Value clamped = r.min(r.max(source, r.scalar(0)), r.scalar(dim - 1));
    Value index = clamped;
    if (mode == "constant") {
      Value valid = r.equal(source, clamped);
      SmallVector<int64_t> maskShape(rank, 1);
      maskShape[d] = size;
      inside = r.both(inside, c.reshape(valid, maskShape));
    } else if (mode == "reflect" || mode == "wrap") {
      // These read from the far side: negative pads crop first, so map into
      // the kept window [low, low + kept) of run-time size.
      Value begin = c.element(beginPerDim, d);
      Value zero = r.scalar(0);
      Value low = r.max(c.create<dlg::NegOp>({begin}), zero);
      Value highCrop =
          r.max(c.create<dlg::NegOp>({c.element(endPerDim, d)}), zero);
      Value kept = r.sub(r.sub(r.scalar(dim), low), highCrop);
      Value offset = r.sub(r.iota(size), r.max(begin, zero));
      Value inWindow;
      if (mode == "wrap") {
        inWindow = r.mod(offset, kept);
      } else {
        // Mirroring without repeating the edge has period 2 * (kept - 1);
        // a window of one element gives period 0 and mod(x, 0) = 0.
        Value period = r.mul(r.scalar(2), r.sub(kept, r.scalar(1)));
        Value phase = r.mod(offset, period);
        inWindow = r.where(r.less(phase, kept), phase, r.sub(period, phase));
      }
      index = r.add(low, inWindow);
    }
    result = r.gather(result, index, d);
  }
  if (inside)
    result = r.where(inside, result, fill);
  return c.finish({result}, results);
}

LogicalResult runtimeCompress(NodeContext &ctx, Value input, int64_t axis,
                              SmallVectorImpl<Value> &results) {
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 1, "condition");
  if (failed(declared))
    return failure();
  SmallVector<int64_t> expected(typeOf(input).getShape());
  Value condition = ctx.input(1);
  int64_t entries = numElements(condition);
  if (typeOf(condition).getRank() != 1 ||
      entries > typeOf(input).getDimSize(axis))
    return ctx.emitError() << "condition has type " << typeOf(condition)
                           << " but the axis has "
                           << typeOf(input).getDimSize(axis) << " elements",
           failure();
  if ((int64_t)declared->size() == typeOf(input).getRank())
    expected[axis] = (*declared)[axis];
  if (ArrayRef<int64_t>(expected) != ArrayRef<int64_t>(*declared) ||
      expected[axis] > entries)
    return ctx.emitError() << "the declared output shape "
                           << formatDims(*declared)
                           << " does not fit a compress of the shape "
                           << formatDims(typeOf(input).getShape()),
           failure();
  Runtime r(ctx);
  int64_t kept = expected[axis];
  Value positions =
      r.positionsOf(r.nonZeroFlags(condition), kept, "the run-time condition");
  Value result = kept == 0
                     ? r.unwrap(builders::sliceAxis(ctx, input, axis, 0, 0))
                     : r.gather(input, positions, axis);
  return r.c.finish({result}, results);
}

/// The row-major coordinates in `shape` of the flat `positions` (rank 1):
/// one row per dim.
Value coordinatesOf(Runtime &r, Value positions, ArrayRef<int64_t> shape) {
  Composer &c = r.c;
  int64_t count = typeOf(positions).getDimSize(0);
  SmallVector<Value> rows;
  int64_t stride = ShapedType::getNumElements(shape);
  for (int64_t size : shape) {
    stride /= size;
    Value coordinate =
        r.mod(r.div(positions, r.scalar(stride)), r.scalar(size));
    rows.push_back(c.reshape(coordinate, {1, count}));
  }
  if (rows.size() == 1)
    return rows[0];
  return c.create<dlg::ConcatOp>(
      rows, {r.ctx.named("axis", r.ctx.builder.getI64IntegerAttr(0))});
}

/// NonZero without a declared output shape: the coordinates of every
/// element, non-zero ones first, truncated to their run-time count (a
/// dynamic dim, returned as a model-allocated output).
LogicalResult dynamicNonZero(NodeContext &ctx,
                             SmallVectorImpl<Value> &results) {
  Value input = ctx.input(0);
  ArrayRef<int64_t> shape = typeOf(input).getShape();
  int64_t rank = shape.size(), total = numElements(input);
  Runtime r(ctx);
  Composer &c = r.c;
  Value flags = r.nonZeroFlags(c.reshape(input, {total}));
  Value count = c.reduceAll<dlg::ReduceSumOp>(flags);
  Value padded = rank == 0 || total == 0
                     ? c.ints({}, SmallVector<int64_t>{rank, 0})
                     : coordinatesOf(r, r.firstPositions(flags, total), shape);
  Value result = c.create<dlg::TruncateOp>(
      {padded, count}, {ctx.named("axis", ctx.builder.getI64IntegerAttr(1))});
  return c.finish({result}, results);
}

LogicalResult nonZero(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value input = ctx.input(0);
  if (!ctx.declaredShape(0) && typeOf(input).hasStaticShape())
    return dynamicNonZero(ctx, results);
  FailureOr<SmallVector<int64_t>> declared =
      ctx.requireDeclaredShape(0, 0, "X");
  if (failed(declared))
    return failure();
  ArrayRef<int64_t> shape = typeOf(input).getShape();
  int64_t rank = shape.size(), total = numElements(input);
  if (declared->size() != 2 || (*declared)[0] != rank || (*declared)[1] > total)
    return ctx.emitError() << "the declared output shape "
                           << formatDims(*declared) << " is not [" << rank
                           << ", n] with n <= " << total,
           failure();
  int64_t kept = (*declared)[1];
  Runtime r(ctx);
  Composer &c = r.c;
  Value flags = r.nonZeroFlags(c.reshape(input, {total}));
  Value positions = r.positionsOf(flags, kept, "the input");
  if (rank == 0 || kept == 0)
    return c.finish({c.ints({}, SmallVector<int64_t>{rank, kept})}, results);
  return c.finish({coordinatesOf(r, positions, shape)}, results);
}

} // namespace dlc::onnx
