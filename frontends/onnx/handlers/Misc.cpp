//===- Misc.cpp - Newer ONNX ops decomposed into dlg ops ------------------===//
//
// SwiGLU, TensorScatter, BitCast (integers), the window generators,
// AffineGrid, Col2Im, MaxUnpool, Det, DFT, GridSample, RoiAlign, DeformConv
// and FlexAttention. None needs a primitive of its own: sizes are import-time
// constants, so windows, DFT matrices and sampling grids fold to constants,
// scatters and data-dependent sampling become scatter_elements / gathers
// with computed indices, and the rest is elementwise math and matmuls.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/Composer.h"
#include "frontends/onnx/handlers/DlgEmitter.h"

#include "onnx/onnx_pb.h"

#include "llvm/Support/MathExtras.h"

#include <array>
#include <cmath>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// Y = A * sigmoid(alpha * A) * B, A and B of identical shapes.
LogicalResult swiglu(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value a = ctx.input(0), b = ctx.input(1);
  auto aType = DlgEmitter::typeOf(a), bType = DlgEmitter::typeOf(b);
  if (!isa<FloatType>(aType.getElementType()))
    return ctx.emitError() << "expects float inputs", failure();
  if (aType != bType)
    return ctx.emitError() << "expects A and B of identical types but got "
                           << aType << " and " << bType,
           failure();
  DlgEmitter e(ctx);
  double alpha = ctx.floatAttr("alpha", 1.0);
  Value gateIn =
      alpha == 1.0 ? a : e.mul(a, e.scalar(aType.getElementType(), alpha));
  Value y = e.mul(e.mul(a, e.sigmoid(gateIn)), b);
  if (!y)
    return failure();
  results.push_back(y);
  return success();
}

/// present = past with update written along `axis` at write_indices[batch]
/// (+ modulo the cache length in "circular" mode).
LogicalResult tensorScatter(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value past = ctx.input(0), update = ctx.input(1), writes = ctx.input(2);
  std::string mode = ctx.stringAttr("mode", "linear");
  if (mode != "linear" && mode != "circular")
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported",
           failure();
  ArrayRef<int64_t> pastShape = DlgEmitter::shapeOf(past);
  ArrayRef<int64_t> updShape = DlgEmitter::shapeOf(update);
  int64_t rank = pastShape.size();
  if (rank < 2 || (int64_t)updShape.size() != rank)
    return ctx.emitError() << "expects past_cache and update of the same rank "
                              ">= 2 but got ranks "
                           << rank << " and " << updShape.size(),
           failure();
  std::optional<int64_t> axis =
      dlg::normalizeAxis(ctx.intAttr("axis", -2), rank);
  if (!axis || *axis == 0)
    return ctx.emitError() << "axis " << ctx.intAttr("axis", -2)
                           << " is out of range (1.." << rank - 1 << ")",
           failure();
  for (int64_t i = 0; i < rank; ++i)
    if (i == *axis ? updShape[i] > pastShape[i] : updShape[i] != pastShape[i])
      return ctx.emitError()
                 << "update dimension " << i << " is " << updShape[i]
                 << " but past_cache has " << pastShape[i],
             failure();
  DlgEmitter e(ctx);
  Type i64 = e.b.getI64Type();
  int64_t seqLen = updShape[*axis], maxLen = pastShape[*axis];
  // indices[p] = write_indices[p0] + p_axis, broadcast to the update shape.
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[*axis] = seqLen;
  SmallVector<double> iotaValues;
  for (int64_t s = 0; s < seqLen; ++s)
    iotaValues.push_back(s);
  Value indices = e.constant(i64, iotaShape, iotaValues);
  if (writes) {
    ArrayRef<int64_t> writeShape = DlgEmitter::shapeOf(writes);
    if (writeShape.size() != 1 || writeShape[0] != pastShape[0])
      return ctx.emitError()
                 << "expects write_indices of shape [" << pastShape[0] << "]",
             failure();
    SmallVector<int64_t> batchShape(rank, 1);
    batchShape[0] = pastShape[0];
    indices = e.add(e.reshape(e.cast(writes, i64), batchShape), indices);
  }
  SmallVector<double> zeros(*dlg::checkedNumElements(updShape), 0.0);
  indices = e.add(indices, e.constant(i64, updShape, zeros));
  if (mode == "circular")
    indices = e.op<dlg::ModOp>({indices, e.scalar(i64, maxLen)},
                               {e.named("fmod", e.b.getBoolAttr(false))});
  if (!indices)
    return failure();
  return pushResult(ctx.create<dlg::ScatterElementsOp>(
                        {past, indices, update},
                        {ctx.named("axis", e.b.getI64IntegerAttr(*axis)),
                         ctx.named("reduction", e.b.getStringAttr("none"))}),
                    results);
}

/// Hann, Hamming and Blackman windows: constants of import-time `size`.
template <int Kind>
LogicalResult window(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  std::optional<SmallVector<int64_t>> size = ctx.constantInts(0);
  Composer c(ctx);
  if (!size) {
    // A run-time size is the declared length, checked at run time.
    if (DlgEmitter::typeOf(ctx.input(0)).getNumElements() != 1)
      return ctx.emitError() << "expects a scalar size", failure();
    FailureOr<SmallVector<int64_t>> out =
        ctx.requireDeclaredShape(0, 0, "size");
    if (failed(out))
      return failure();
    if (out->size() != 1)
      return ctx.emitError() << "expects a declared output of rank 1",
             failure();
    size = *out;
    c.check(c.allOf(c.create<dlg::EqualOp>({c.intsInput(0), c.ints(*size)})),
            "size must equal the declared window length " +
                llvm::Twine((*size)[0]));
    SmallVector<Value> none;
    if (failed(c.finish({}, none)))
      return failure();
  }
  if (size->size() != 1 || (*size)[0] < 0)
    return ctx.emitError() << "expects a nonnegative scalar size", failure();
  int64_t n = (*size)[0];
  int64_t dataType = ctx.intAttr("output_datatype", ::onnx::TensorProto::FLOAT);
  Type type = convertElementType(ctx.builder.getContext(), dataType);
  if (!type || !(isa<FloatType>(type) || type.isSignlessInteger()) ||
      type.isInteger(1))
    return ctx.emitError() << "output_datatype " << dataTypeName(dataType)
                           << " is not supported",
           failure();
  double denom = ctx.intAttr("periodic", 1) ? n : n - 1;
  SmallVector<double> values;
  for (int64_t i = 0; i < n; ++i) {
    double x = i / denom;
    if (Kind == 0)
      values.push_back(std::pow(std::sin(M_PI * x), 2));
    else if (Kind == 1)
      values.push_back(25.0 / 46.0 - (21.0 / 46.0) * std::cos(2 * M_PI * x));
    else
      values.push_back(0.42 - 0.5 * std::cos(2 * M_PI * x) +
                       0.08 * std::cos(4 * M_PI * x));
  }
  DlgEmitter e(ctx);
  ctx.setResultUnsigned(0, isUnsignedDataType(dataType));
  results.push_back(e.constant(type, {n}, values));
  return success();
}

/// grid[n, ..., :] = theta[n] @ (x, y[, z], 1) over a constant base grid.
LogicalResult affineGrid(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value theta = ctx.input(0);
  std::optional<SmallVector<int64_t>> size = ctx.constantInts(1);
  Composer c(ctx);
  if (!size) {
    // A run-time size (N, C, H, W[, D]): the declared grid (N, H, W[, D],
    // dims) gives all but C, which does not matter; checked at run time.
    FailureOr<SmallVector<int64_t>> out =
        ctx.requireDeclaredShape(0, 1, "size");
    if (failed(out))
      return failure();
    int64_t length = DlgEmitter::typeOf(ctx.input(1)).getNumElements();
    if (length < 3 || (int64_t)out->size() != length ||
        out->back() != length - 2)
      return ctx.emitError() << "expects a declared output of rank " << length
                             << " ending in " << length - 2,
             failure();
    size = SmallVector<int64_t>{(*out)[0], 1};
    size->append(out->begin() + 1, out->end() - 1);
    SmallVector<SmallVector<int64_t>> allowed;
    for (int64_t i = 0; i < length; ++i)
      allowed.push_back(i == 1 ? SmallVector<int64_t>{}
                               : SmallVector<int64_t>{(*size)[i]});
    c.check(c.valuesIn(c.intsInput(1), allowed),
            "size must match the declared output shape");
    SmallVector<Value> none;
    if (failed(c.finish({}, none)))
      return failure();
  }
  auto thetaType = DlgEmitter::typeOf(theta);
  Type type = thetaType.getElementType();
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects float theta", failure();
  if (size->size() != 4 && size->size() != 5)
    return ctx.emitError() << "expects size of length 4 or 5 but got "
                           << size->size(),
           failure();
  int64_t dims = size->size() - 2;
  int64_t batch = (*size)[0];
  ArrayRef<int64_t> thetaShape = thetaType.getShape();
  if (thetaShape.size() != 3 || thetaShape[0] != batch ||
      thetaShape[1] != dims || thetaShape[2] != dims + 1)
    return ctx.emitError() << "expects theta of shape [" << batch << ", "
                           << dims << ", " << dims + 1 << "]",
           failure();
  SmallVector<int64_t> spatial(size->begin() + 2, size->end());
  for (int64_t s : spatial)
    if (s <= 0)
      return ctx.emitError() << "expects positive spatial sizes", failure();
  bool alignCorners = ctx.intAttr("align_corners", 0) != 0;
  auto coord = [&](int64_t i, int64_t n) -> double {
    if (alignCorners)
      return n == 1 ? -1.0 : -1.0 + 2.0 * i / (n - 1);
    return -1.0 + (2.0 * i + 1.0) / n;
  };
  // Base rows (x, y[, z], 1), x along the last spatial dim.
  int64_t points = *dlg::checkedNumElements(spatial);
  SmallVector<double> base;
  SmallVector<int64_t> index(dims, 0);
  for (int64_t p = 0; p < points; ++p) {
    for (int64_t d = dims - 1; d >= 0; --d)
      base.push_back(coord(index[d], spatial[d]));
    base.push_back(1.0);
    for (int64_t d = dims - 1; d >= 0; --d) {
      if (++index[d] < spatial[d])
        break;
      index[d] = 0;
    }
  }
  DlgEmitter e(ctx);
  Value baseGrid = e.constant(type, {1, points, dims + 1}, base);
  Value grid = e.matmul(baseGrid, e.transpose(theta, {0, 2, 1}));
  SmallVector<int64_t> outShape = {batch};
  outShape.append(spatial);
  outShape.push_back(dims);
  Value out = e.reshape(grid, outShape);
  if (!out)
    return failure();
  results.push_back(out);
  return success();
}

/// Sums the sliding blocks of [N, C * prod(block), L] into [N, C, *image]:
/// one scatter-add along the flattened image, with a constant target index
/// per column element (positions in the padding go to a dropped extra slot).
LogicalResult col2im(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value x = ctx.input(0);
  std::optional<SmallVector<int64_t>> image = ctx.constantInts(1);
  std::optional<SmallVector<int64_t>> block = ctx.constantInts(2);
  int64_t dims = DlgEmitter::typeOf(ctx.input(1)).getNumElements();
  int64_t blockDims = DlgEmitter::typeOf(ctx.input(2)).getNumElements();
  if (dims == 0 || blockDims != dims)
    return ctx.emitError() << "expects image_shape and block_shape of the same "
                              "nonzero length but got "
                           << dims << " and " << blockDims,
           failure();
  auto attrOr = [&](StringRef name, int64_t count, int64_t fallback) {
    SmallVector<int64_t> values = ctx.intsAttr(name);
    if (values.empty())
      values.assign(count, fallback);
    return values;
  };
  SmallVector<int64_t> dilations = attrOr("dilations", dims, 1);
  SmallVector<int64_t> strides = attrOr("strides", dims, 1);
  SmallVector<int64_t> pads = attrOr("pads", 2 * dims, 0);
  if ((int64_t)dilations.size() != dims || (int64_t)strides.size() != dims ||
      (int64_t)pads.size() != 2 * dims)
    return ctx.emitError() << "expects " << dims
                           << " dilations and strides and " << 2 * dims
                           << " pads",
           failure();
  ArrayRef<int64_t> xShape = DlgEmitter::shapeOf(x);
  if (xShape.size() != 3)
    return ctx.emitError() << "expects a 3-D input but got rank "
                           << xShape.size(),
           failure();

  // Run-time arguments: image_shape is the declared one; block_shape is any
  // that fits the static shapes (several may), selected at run time.
  Composer c(ctx);
  std::optional<SmallVector<int64_t>> declared;
  if (!image || !block) {
    FailureOr<SmallVector<int64_t>> out = ctx.requireDeclaredShape(
        0, !image ? 1 : 2, !image ? "image_shape" : "block_shape");
    if (failed(out))
      return failure();
    if ((int64_t)out->size() != dims + 2)
      return ctx.emitError()
                 << "expects a declared output of rank " << dims + 2,
             failure();
    declared = *out;
  }
  if (!image) {
    image = SmallVector<int64_t>(declared->begin() + 2, declared->end());
    c.check(c.allOf(c.create<dlg::EqualOp>({c.intsInput(1), c.ints(*image)})),
            "image_shape must equal the declared output's spatial shape");
  }

  // Why `blk` does not fit, or "" with its block grid.
  auto problem = [&](ArrayRef<int64_t> blk,
                     SmallVectorImpl<int64_t> &grid) -> std::string {
    int64_t kernelSize = 1, blocks = 1;
    for (int64_t d = 0; d < dims; ++d) {
      if (blk[d] <= 0 || (*image)[d] <= 0 || dilations[d] <= 0 ||
          strides[d] <= 0)
        return "expects positive sizes, dilations and strides";
      constexpr int64_t kLimit = dlg::kMaxNumElements;
      int64_t span = 0;
      if ((*image)[d] > kLimit || std::abs(pads[d]) > kLimit ||
          std::abs(pads[d + dims]) > kLimit ||
          llvm::MulOverflow(kernelSize, blk[d], kernelSize) ||
          kernelSize > kLimit ||
          llvm::MulOverflow(dilations[d], blk[d] - 1, span) || span > kLimit)
        return "block, image or pad sizes are too large";
      span += 1;
      int64_t count =
          ((*image)[d] + pads[d] + pads[d + dims] - span) / strides[d] + 1;
      if ((*image)[d] + pads[d] + pads[d + dims] < span || count < 1)
        return "no sliding block fits dimension " + std::to_string(d);
      grid.push_back(count);
      if (llvm::MulOverflow(blocks, count, blocks) || blocks > kLimit)
        return "block, image or pad sizes are too large";
    }
    if (xShape[1] % kernelSize != 0 || xShape[2] != blocks)
      return "expects input of shape [N, C * " + std::to_string(kernelSize) +
             ", " + std::to_string(blocks) + "] but got [" +
             std::to_string(xShape[0]) + ", " + std::to_string(xShape[1]) +
             ", " + std::to_string(xShape[2]) + "]";
    if (declared && ((*declared)[0] != xShape[0] ||
                     (*declared)[1] != xShape[1] / kernelSize))
      return "the declared output shape does not fit";
    return "";
  };
  SmallVector<SmallVector<int64_t>> candidates;
  if (block) {
    SmallVector<int64_t> grid;
    std::string why = problem(*block, grid);
    if (!why.empty())
      return ctx.emitError() << why, failure();
    candidates.push_back(*block);
  } else {
    // Every block shape whose sliding blocks fit the image.
    SmallVector<int64_t> limits, blk(dims, 1);
    int64_t combinations = 1;
    for (int64_t d = 0; d < dims; ++d) {
      int64_t extent = (*image)[d] + pads[d] + pads[d + dims];
      limits.push_back(std::max<int64_t>(
          1, (extent - 1) / std::max<int64_t>(dilations[d], 1) + 1));
      combinations *= limits.back();
      if (combinations > (1 << 20))
        return ctx.emitError() << "too many block shapes to consider for a "
                                  "run-time block_shape",
               failure();
    }
    for (int64_t i = 0; i < combinations; ++i) {
      SmallVector<int64_t> grid;
      if (problem(blk, grid).empty())
        candidates.push_back(blk);
      for (int64_t d = dims - 1; d >= 0 && ++blk[d] > limits[d]; --d)
        blk[d] = 1;
    }
    if (candidates.empty())
      return ctx.emitError()
                 << "no block_shape fits the input and the declared output",
             failure();
    if (candidates.size() > 8)
      return ctx.emitError() << candidates.size()
                             << " block shapes fit the input and the declared "
                                "output; at most 8 are supported",
             failure();
  }

  DlgEmitter e(ctx);
  auto build = [&](ArrayRef<int64_t> blk) -> Value {
    SmallVector<int64_t> grid;
    (void)problem(blk, grid);
    int64_t kernelSize = 1, imageSize = 1, blocks = 1;
    for (int64_t d = 0; d < dims; ++d) {
      kernelSize *= blk[d];
      imageSize *= (*image)[d];
      blocks *= grid[d];
    }
    int64_t batch = xShape[0], channels = xShape[1] / kernelSize;
    // Target of kernel offset k and block b, row-major over both.
    SmallVector<double> targets;
    SmallVector<int64_t> k(dims, 0);
    for (int64_t kk = 0; kk < kernelSize; ++kk) {
      SmallVector<int64_t> g(dims, 0);
      for (int64_t bb = 0; bb < blocks; ++bb) {
        int64_t flat = 0;
        bool inside = true;
        for (int64_t d = 0; d < dims; ++d) {
          int64_t pos = g[d] * strides[d] - pads[d] + k[d] * dilations[d];
          inside &= pos >= 0 && pos < (*image)[d];
          flat = flat * (*image)[d] + pos;
        }
        targets.push_back(inside ? flat : imageSize);
        for (int64_t d = dims - 1; d >= 0 && ++g[d] == grid[d]; --d)
          g[d] = 0;
      }
      for (int64_t d = dims - 1; d >= 0 && ++k[d] == blk[d]; --d)
        k[d] = 0;
    }
    Type type = DlgEmitter::elementOf(x), i64 = e.b.getI64Type();
    int64_t columns = kernelSize * blocks;
    SmallVector<double> tiled;
    for (int64_t i = 0; i < batch * channels; ++i)
      tiled.append(targets);
    Value indices = e.constant(i64, {batch, channels, columns}, tiled);
    Value updates = e.reshape(x, {batch, channels, columns});
    SmallVector<double> zeros(batch * channels * (imageSize + 1), 0.0);
    Value init = e.constant(type, {batch, channels, imageSize + 1}, zeros);
    Value summed = e.op<dlg::ScatterElementsOp>(
        {init, indices, updates},
        {e.named("axis", e.b.getI64IntegerAttr(2)),
         e.named("reduction", e.b.getStringAttr("add"))});
    SmallVector<int64_t> outShape = {batch, channels};
    outShape.append(*image);
    return e.reshape(e.sliceAxis(summed, 2, 0, imageSize), outShape);
  };
  SmallVector<Value> conditions, values;
  Value blockValue = block ? Value() : c.intsInput(2);
  for (ArrayRef<int64_t> blk : candidates) {
    if (blockValue)
      conditions.push_back(
          c.allOf(c.create<dlg::EqualOp>({blockValue, c.ints(blk)})));
    Value value = build(blk);
    if (!value)
      return failure();
    values.push_back(value);
  }
  if (blockValue) {
    Value any = conditions[0];
    for (Value condition : ArrayRef<Value>(conditions).drop_front())
      any = c.create<dlg::BitwiseOrOp>({any, condition});
    c.check(any, "block_shape must fit the input and the declared output");
  }
  return c.finish({c.select(conditions, values)}, results);
}

/// Writes X at the flat `indices` (as MaxPool returns them) of a zero tensor
/// of the inferred unpooled shape, then zero-pads it to `output_shape`.
LogicalResult maxUnpool(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value x = ctx.input(0), indices = ctx.input(1);
  ArrayRef<int64_t> xShape = DlgEmitter::shapeOf(x);
  int64_t dims = (int64_t)xShape.size() - 2;
  SmallVector<int64_t> kernel = ctx.intsAttr("kernel_shape");
  if (dims < 1 || (int64_t)kernel.size() != dims)
    return ctx.emitError() << "expects kernel_shape with one entry per spatial "
                              "dimension",
           failure();
  SmallVector<int64_t> strides = ctx.intsAttr("strides");
  SmallVector<int64_t> pads = ctx.intsAttr("pads");
  if (strides.empty())
    strides.assign(dims, 1);
  if (pads.empty())
    pads.assign(2 * dims, 0);
  if ((int64_t)strides.size() != dims || (int64_t)pads.size() != 2 * dims)
    return ctx.emitError() << "expects " << dims << " strides and " << 2 * dims
                           << " pads",
           failure();
  if (DlgEmitter::shapeOf(indices) != xShape)
    return ctx.emitError() << "expects indices of the shape of X", failure();
  SmallVector<int64_t> inferred = {xShape[0], xShape[1]};
  for (int64_t d = 0; d < dims; ++d)
    inferred.push_back((xShape[d + 2] - 1) * strides[d] -
                       (pads[d] + pads[d + dims]) + kernel[d]);
  SmallVector<int64_t> outShape = inferred;
  if (ctx.input(2)) {
    std::optional<SmallVector<int64_t>> shape = ctx.constantInts(2);
    if (!shape) {
      // A run-time output_shape is the declared one, checked at run time.
      FailureOr<SmallVector<int64_t>> out =
          ctx.requireDeclaredShape(0, 2, "output_shape");
      if (failed(out))
        return failure();
      if (DlgEmitter::typeOf(ctx.input(2)).getNumElements() !=
          (int64_t)out->size())
        return ctx.emitError()
                   << "expects output_shape of length " << out->size(),
               failure();
      Composer c(ctx);
      c.check(c.allOf(c.create<dlg::EqualOp>({c.intsInput(2), c.ints(*out)})),
              "output_shape must equal the declared output shape");
      SmallVector<Value> none;
      if (failed(c.finish({}, none)))
        return failure();
      shape = *out;
    }
    outShape = *shape;
    if (outShape.size() != inferred.size())
      return ctx.emitError()
                 << "expects output_shape of length " << inferred.size(),
             failure();
    for (size_t d = 0; d < outShape.size(); ++d)
      if (outShape[d] < inferred[d] || (d < 2 && outShape[d] != inferred[d]))
        return ctx.emitError()
                   << "output_shape[" << d << "] = " << outShape[d]
                   << " is smaller than the unpooled size " << inferred[d],
               failure();
  }
  for (int64_t s : inferred)
    if (s <= 0)
      return ctx.emitError() << "unpooled shape is empty", failure();
  DlgEmitter e(ctx);
  Type type = DlgEmitter::elementOf(x);
  int64_t total = *dlg::checkedNumElements(inferred);
  int64_t count = *dlg::checkedNumElements(xShape);
  Value zeros = e.constant(type, {total}, SmallVector<double>(total, 0.0));
  Value y = e.op<dlg::ScatterElementsOp>(
      {zeros, e.reshape(e.cast(indices, e.b.getI64Type()), {count}),
       e.reshape(x, {count})},
      {e.named("axis", e.b.getI64IntegerAttr(0)),
       e.named("reduction", e.b.getStringAttr("none"))});
  y = e.reshape(y, inferred);
  // Zero-pad at the end of each dimension up to output_shape.
  for (size_t d = 2; d < outShape.size(); ++d) {
    if (!y || outShape[d] == inferred[d])
      continue;
    SmallVector<int64_t> padShape(DlgEmitter::shapeOf(y));
    padShape[d] = outShape[d] - inferred[d];
    Value pad = e.constant(
        type, padShape,
        SmallVector<double>(*dlg::checkedNumElements(padShape), 0.0));
    y = e.concat({y, pad}, d);
  }
  if (!y)
    return failure();
  results.push_back(y);
  return success();
}

/// Determinant by Gaussian elimination with partial pivoting (as LAPACK's LU
/// in the reference), unrolled over the static matrix size: each step swaps
/// the largest remaining pivot into place with gather_elements.
LogicalResult det(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  Type type = DlgEmitter::elementOf(x);
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects a float input", failure();
  int64_t rank = shape.size();
  if (rank < 2 || shape[rank - 1] != shape[rank - 2])
    return ctx.emitError() << "expects [..., M, M] square matrices", failure();
  int64_t n = shape.back();
  SmallVector<int64_t> batchShape(shape.drop_back(2));
  int64_t batch = *dlg::checkedNumElements(batchShape);
  if (n == 0 || batch == 0)
    return ctx.emitError() << "expects nonempty matrices", failure();
  DlgEmitter e(ctx);
  Type i64 = e.b.getI64Type();
  Value a = e.reshape(x, {batch, n, n});
  Value sign = e.constant(type, {batch, 1, 1}, SmallVector<double>(batch, 1));
  SmallVector<double> iota;
  for (int64_t r = 0; r < n; ++r)
    iota.push_back(r);
  Value rows = e.constant(i64, {1, n, 1}, iota);
  Value zerosIdx =
      e.constant(i64, {batch, n, n}, SmallVector<double>(batch * n * n, 0));
  Value zero = e.scalar(type, 0), one = e.scalar(type, 1);
  for (int64_t k = 0; k + 1 < n; ++k) {
    Value column = e.sliceAxis(e.sliceAxis(a, 2, k, 1), 1, k, n - k);
    Value offset = e.op<dlg::ArgMaxOp>(
        {e.op<dlg::AbsOp>({column})},
        {e.named("axis", e.b.getI64IntegerAttr(1)),
         e.named("keepdims", e.b.getBoolAttr(true)),
         e.named("select_last_index", e.b.getBoolAttr(false))});
    Value kConst = e.scalar(i64, k);
    Value pivotRow = e.add(offset, kConst);
    // Row r of the swapped matrix reads row k <-> pivotRow, else r.
    Value isK = e.op<dlg::EqualOp>({rows, kConst});
    Value isPivot = e.op<dlg::EqualOp>({rows, pivotRow});
    Value source = e.where(isK, pivotRow, e.where(isPivot, kConst, rows));
    a = e.op<dlg::GatherElementsOp>(
        {a, e.add(source, zerosIdx)},
        {e.named("axis", e.b.getI64IntegerAttr(1))});
    Value swapped = e.op<dlg::EqualOp>({offset, e.scalar(i64, 0)});
    sign = e.mul(sign, e.where(swapped, one, e.scalar(type, -1)));
    // Eliminate below the pivot; a zero pivot leaves a zero determinant.
    Value pivot = e.sliceAxis(e.sliceAxis(a, 1, k, 1), 2, k, 1);
    Value safe = e.where(e.op<dlg::EqualOp>({pivot, zero}), one, pivot);
    Value lower = e.sliceAxis(a, 1, k + 1, n - k - 1);
    Value factor = e.div(e.sliceAxis(lower, 2, k, 1), safe);
    lower = e.sub(lower, e.mul(factor, e.sliceAxis(a, 1, k, 1)));
    a = e.concat({e.sliceAxis(a, 1, 0, k + 1), lower}, 1);
  }
  Value result = sign;
  for (int64_t k = 0; k < n; ++k)
    result = e.mul(result, e.sliceAxis(e.sliceAxis(a, 1, k, 1), 2, k, 1));
  result = e.reshape(result, batchShape);
  if (!result)
    return failure();
  results.push_back(result);
  return success();
}

/// BitCast between types of the same width. Integer <-> integer (dlg
/// tensors are signless, so only the tracked signedness changes) and bool
/// <-> 8-bit integers are same-width casts; a float on either side needs the
/// bit reinterpretation of dlg.bitcast.
LogicalResult bitCast(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  int64_t to = ctx.intAttr("to", 0);
  Type from = DlgEmitter::elementOf(x);
  Type type = convertElementType(ctx.builder.getContext(), to);
  if (!type)
    return ctx.emitError() << "bitcast to unsupported data type "
                           << dataTypeName(to),
           failure();
  auto width = [](Type t) {
    return t.isInteger(1) ? 8u : t.getIntOrFloatBitWidth();
  };
  if (width(from) != width(type))
    return ctx.emitError() << "bitcast from " << from << " to "
                           << dataTypeName(to) << " changes the bit width ("
                           << width(from) << " vs " << width(type) << ")",
           failure();
  bool toUnsigned = isUnsignedDataType(to);
  bool isFloatCast = isa<FloatType>(from) || isa<FloatType>(type);
  // Only types whose elements are stored in their own width (f16 and up,
  // integers of 8 bits and up) have bits to reinterpret directly.
  auto plain = [](Type t) {
    return t.isF16() || t.isBF16() || t.isF32() || t.isF64() ||
           (t.isSignlessInteger() && t.getIntOrFloatBitWidth() >= 8);
  };
  if (isFloatCast && (!plain(from) || !plain(type)))
    return ctx.emitError() << "bitcast between " << from << " and "
                           << dataTypeName(to)
                           << " is not supported (floats of 16 to 64 bits "
                              "and integers of 8 bits and up)",
           failure();
  if (!isFloatCast && (!from.isSignlessInteger() || !type.isSignlessInteger()))
    return ctx.emitError() << "bitcast between " << from << " and "
                           << dataTypeName(to) << " is not supported",
           failure();
  SmallVector<NamedAttribute> attrs = {ctx.named("to", TypeAttr::get(type))};
  FailureOr<Value> result;
  if (isFloatCast) {
    result = ctx.create<dlg::BitcastOp>({x}, attrs);
  } else {
    if (ctx.inputIsUnsigned(0))
      attrs.push_back(ctx.named("from_unsigned", ctx.builder.getUnitAttr()));
    if (toUnsigned)
      attrs.push_back(ctx.named("to_unsigned", ctx.builder.getUnitAttr()));
    // A same-width integer cast wraps, which is the bit reinterpretation; it
    // also gives the result its own value for the signedness to attach to.
    result = ctx.create<dlg::CastOp>({x}, attrs);
  }
  if (failed(result))
    return failure();
  ctx.setUnsigned(*result, toUnsigned);
  ctx.setResultUnsigned(0, toUnsigned);
  results.push_back(*result);
  return success();
}

/// GridSample as gathers: per output point, the 1 (nearest), 2^D (linear) or
/// 4^D (cubic) neighbours are gathered from X flattened over its spatial
/// dims, weighted, and summed. Coordinates, padding and weights are
/// elementwise dlg ops, following the reference (PyTorch's GridSampler.h).
LogicalResult gridSample(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(2)))
    return failure();
  Value x = ctx.input(0), grid = ctx.input(1);
  ArrayRef<int64_t> xShape = DlgEmitter::shapeOf(x);
  ArrayRef<int64_t> gShape = DlgEmitter::shapeOf(grid);
  Type type = DlgEmitter::elementOf(x);
  if (!isa<FloatType>(type) || !isa<FloatType>(DlgEmitter::elementOf(grid)))
    return ctx.emitError() << "expects float X and grid", failure();
  int64_t dims = (int64_t)xShape.size() - 2;
  if (dims < 1 || (int64_t)gShape.size() != dims + 2 ||
      gShape[0] != xShape[0] || gShape.back() != dims)
    return ctx.emitError() << "expects grid of shape [N, ..., " << dims
                           << "] for X of rank " << xShape.size(),
           failure();
  std::string mode =
      ctx.stringAttr("mode", ctx.opset >= 20 ? "linear" : "bilinear");
  int kind = mode == "nearest"                          ? 0
             : (mode == "linear" || mode == "bilinear") ? 1
             : (mode == "cubic" || mode == "bicubic")   ? 2
                                                        : -1;
  if (kind < 0)
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported",
           failure();
  std::string padding = ctx.stringAttr("padding_mode", "zeros");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return ctx.emitError() << "attribute 'padding_mode' = '" << padding
                           << "' is not supported",
           failure();
  bool align = ctx.intAttr("align_corners", 0) != 0;
  DlgEmitter e(ctx);
  int64_t batch = xShape[0], channels = xShape[1];
  SmallVector<int64_t> spatial(xShape.drop_front(2));
  SmallVector<int64_t> outSpatial(gShape.drop_front().drop_back());
  int64_t points = *dlg::checkedNumElements(outSpatial);
  int64_t size = *dlg::checkedNumElements(spatial);
  if (points == 0 || size == 0 || batch == 0 || channels == 0)
    return ctx.emitError() << "expects nonempty X and grid", failure();
  // Coordinates in at least f32, as the reference computes them.
  Type ct = DlgEmitter::elementOf(grid);
  if (ct.getIntOrFloatBitWidth() < 32)
    ct = e.b.getF32Type();
  Type i64 = e.b.getI64Type();
  auto c = [&](double v) { return e.scalar(ct, v); };
  auto lt = [&](Value a, Value b) { return e.op<dlg::LessOp>({a, b}); };
  auto floorOf = [&](Value v) { return e.op<dlg::FloorOp>({v}); };
  auto trunc = [&](Value v) { return e.cast(e.cast(v, i64), ct); };
  // Reflects v into [lo, hi] by the nearer border, repeatedly.
  // Reflects v into [lo, hi] by the nearer border, repeatedly:
  // lo + R - |fmod(|v - lo|, 2R) - R|. A closed form whose intermediates have
  // one use each, so elementwise fusion does not duplicate them.
  auto reflect = [&](Value v, double lo, double hi) {
    double range = hi - lo;
    if (range <= 0)
      return e.add(e.mul(v, c(0)), c(lo));
    Value u = e.op<dlg::AbsOp>({e.sub(v, c(lo))});
    Value m = e.op<dlg::ModOp>({u, c(2 * range)},
                               {e.named("fmod", e.b.getBoolAttr(true))});
    Value fromHi = e.op<dlg::AbsOp>({e.sub(m, c(range))});
    return e.sub(c(lo + range), fromHi);
  };
  // Per data dim i: coordinate from grid channel dims-1-i, shape [N, 1, P].
  SmallVector<Value> coords;
  Value g = e.cast(grid, ct);
  for (int64_t i = 0; i < dims; ++i) {
    double d = spatial[i];
    Value n = e.reshape(e.sliceAxis(g, dims + 1, dims - 1 - i, 1),
                        {batch, 1, points});
    Value v = align ? e.mul(e.add(n, c(1)), c((d - 1) / 2))
                    : e.div(e.sub(e.mul(e.add(n, c(1)), c(d)), c(1)), c(2));
    if (kind == 0)
      v = e.op<dlg::RoundOp>({v});
    double lo = align ? 0 : -0.5, hi = align ? d - 1 : d - 0.5;
    if (padding == "border") {
      Value outside = e.op<dlg::BitwiseOrOp>({lt(v, c(lo)), lt(c(hi), v)});
      v = e.where(outside, e.clip(v, 0, d - 1), v);
    } else if (padding == "reflection") {
      v = reflect(v, lo, hi);
    }
    coords.push_back(v);
  }
  // The index along dim i of integer position j (float), and whether it is
  // inside (zeros padding); other modes map it inside.
  auto pixel = [&](int64_t i, Value j) -> std::pair<Value, Value> {
    double d = spatial[i];
    Value valid;
    if (padding == "zeros")
      valid = e.op<dlg::BitwiseAndOp>(
          {e.op<dlg::GreaterEqualOp>({j, c(0)}), lt(j, c(d))});
    else if (padding == "reflection")
      j = trunc(reflect(j, align ? 0 : -0.5, align ? d - 1 : d - 0.5));
    return {e.cast(e.clip(j, 0, d - 1), i64), valid};
  };
  // Taps per dim: (offset from the base, weight).
  int taps = kind == 0 ? 1 : kind == 1 ? 2 : 4;
  SmallVector<Value> base;
  SmallVector<SmallVector<Value>> weights(dims);
  for (int64_t i = 0; i < dims; ++i) {
    Value v = coords[i];
    if (kind == 0) {
      base.push_back(trunc(v));
      continue;
    }
    Value b0 = floorOf(v);
    Value t = e.sub(v, b0);
    if (kind == 1) {
      base.push_back(b0);
      weights[i] = {e.sub(c(1), t), t};
      continue;
    }
    base.push_back(e.sub(b0, c(1)));
    const double a = -0.75;
    auto outer = [&](Value s) { // s in [1, 2]
      return e.sub(
          e.mul(e.add(e.mul(e.sub(e.mul(s, c(a)), c(5 * a)), s), c(8 * a)), s),
          c(4 * a));
    };
    auto inner = [&](Value s) { // s in [0, 1]
      return e.add(e.mul(e.mul(e.sub(e.mul(s, c(a + 2)), c(a + 3)), s), s),
                   c(1));
    };
    Value oneMinus = e.sub(c(1), t);
    weights[i] = {outer(e.add(t, c(1))), inner(t), inner(oneMinus),
                  outer(e.add(oneMinus, c(1)))};
  }
  Value flatX = e.reshape(x, {batch, channels, size});
  Value zerosIdx =
      e.constant(i64, {batch, channels, points},
                 SmallVector<double>(batch * channels * points, 0));
  Value sum;
  int64_t combos = 1;
  for (int64_t i = 0; i < dims; ++i)
    combos *= taps;
  for (int64_t combo = 0; combo < combos; ++combo) {
    Value index = e.scalar(i64, 0), weight, valid;
    int64_t rest = combo, stride = size;
    for (int64_t i = 0; i < dims; ++i) {
      int64_t tap = rest % taps;
      rest /= taps;
      stride /= spatial[i];
      auto [j, inside] = pixel(i, tap ? e.add(base[i], c(tap)) : base[i]);
      index = e.add(index, e.mul(j, e.scalar(i64, stride)));
      if (inside)
        valid = valid ? e.op<dlg::BitwiseAndOp>({valid, inside}) : inside;
      if (kind != 0)
        weight = weight ? e.mul(weight, weights[i][tap]) : weights[i][tap];
    }
    Value picked = e.op<dlg::GatherElementsOp>(
        {flatX, e.add(index, zerosIdx)},
        {e.named("axis", e.b.getI64IntegerAttr(2))});
    Value term = weight ? e.mul(picked, e.cast(weight, type)) : picked;
    if (valid)
      term = e.where(valid, term, e.scalar(type, 0));
    sum = sum ? e.add(sum, term) : term;
  }
  SmallVector<int64_t> outShape = {batch, channels};
  outShape.append(outSpatial);
  Value out = e.reshape(sum, outShape);
  if (!out)
    return failure();
  results.push_back(out);
  return success();
}

/// DFT of constant length as matmuls with constant cos/sin matrices over the
/// signal axis moved last: Y = X W with W[t, k] = exp(-+2 pi i t k / n).
LogicalResult dft(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(1)))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> shape = DlgEmitter::shapeOf(x);
  Type type = DlgEmitter::elementOf(x);
  int64_t rank = shape.size();
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects a float input", failure();
  if (rank < 3 || (shape.back() != 1 && shape.back() != 2))
    return ctx.emitError() << "expects input of shape [batch, ..., 1 or 2]",
           failure();
  bool inverse = ctx.intAttr("inverse", 0) != 0;
  bool onesided = ctx.intAttr("onesided", 0) != 0;
  bool irfft = inverse && onesided;
  Composer c(ctx);
  // Opset 20 takes the axis as an input; a run-time one is any signal axis
  // that gives the declared output shape.
  SmallVector<int64_t> axes;
  Value axisValue;
  int64_t axis = ctx.intAttr("axis", 1);
  if (ctx.opset >= 20) {
    axis = -2;
    if (ctx.input(2)) {
      if (DlgEmitter::typeOf(ctx.input(2)).getNumElements() != 1)
        return ctx.emitError() << "expects a scalar axis", failure();
      if (std::optional<SmallVector<int64_t>> a = ctx.constantInts(2))
        axis = (*a)[0];
      else
        axisValue = c.normalizeAxes(c.element(c.intsInput(2), 0), rank);
    }
  }
  if (axisValue) {
    for (int64_t d = 0; d < rank - 1; ++d)
      axes.push_back(d);
  } else {
    std::optional<int64_t> normalized = dlg::normalizeAxis(axis, rank);
    if (!normalized || *normalized == rank - 1)
      return ctx.emitError() << "axis " << axis << " is not a signal axis",
             failure();
    axes.push_back(*normalized);
  }
  // A run-time dft_length is one giving the declared output length.
  Value lengthValue;
  std::optional<int64_t> knownN;
  if (ctx.input(1)) {
    if (DlgEmitter::typeOf(ctx.input(1)).getNumElements() != 1)
      return ctx.emitError() << "expects a scalar dft_length", failure();
    if (std::optional<SmallVector<int64_t>> l = ctx.constantInts(1))
      knownN = (*l)[0];
    else
      lengthValue = c.element(c.intsInput(1), 0);
  }
  std::optional<SmallVector<int64_t>> declared;
  if (axisValue || lengthValue) {
    FailureOr<SmallVector<int64_t>> out = ctx.requireDeclaredShape(
        0, axisValue ? 2 : 1, axisValue ? "axis" : "dft_length");
    if (failed(out))
      return failure();
    declared = *out;
  }
  // The (axis, length) pairs consistent with the static shapes.
  SmallVector<std::pair<int64_t, int64_t>> candidates;
  for (int64_t a : axes) {
    SmallVector<int64_t> lengths;
    if (lengthValue) {
      int64_t o = (int64_t)declared->size() == rank ? (*declared)[a] : 0;
      lengths.push_back(irfft || !onesided ? o : 2 * (o - 1));
      if (onesided && !irfft)
        lengths.push_back(2 * (o - 1) + 1);
    } else {
      lengths.push_back(knownN ? *knownN
                               : (irfft ? 2 * (shape[a] - 1) : shape[a]));
    }
    for (int64_t n : lengths) {
      if (n <= 0) {
        if (!declared)
          return ctx.emitError() << "dft_length " << n << " is not positive",
                 failure();
        continue;
      }
      if (declared) {
        SmallVector<int64_t> expected(shape);
        expected[a] = irfft || !onesided ? n : n / 2 + 1;
        expected.back() = irfft ? 1 : 2;
        if (ArrayRef<int64_t>(expected) != ArrayRef<int64_t>(*declared))
          continue;
      }
      candidates.push_back({a, n});
    }
  }
  if (candidates.empty())
    return ctx.emitError() << "no signal axis and dft_length give the "
                              "declared output shape",
           failure();
  if (candidates.size() > 8)
    return ctx.emitError() << candidates.size()
                           << " signal axes and dft_lengths give the declared "
                              "output shape; at most 8 are supported",
           failure();
  auto transform = [&](int64_t axis, int64_t n) -> Value {
    int64_t length = shape[axis];
    // Input samples used and output samples produced along the axis.
    int64_t inLen = irfft ? n / 2 + 1 : n;
    int64_t outLen = irfft || !onesided ? n : n / 2 + 1;
    DlgEmitter e(ctx);
    SmallVector<int64_t> perm, inversePerm(rank - 1);
    for (int64_t d = 0; d < rank - 1; ++d)
      if (d != axis)
        perm.push_back(d);
    perm.push_back(axis);
    for (int64_t d = 0; d < rank - 1; ++d)
      inversePerm[perm[d]] = d;
    SmallVector<int64_t> squeezed(shape.drop_back());
    auto part = [&](int64_t index) -> Value {
      Value v = e.reshape(e.sliceAxis(x, rank - 1, index, 1), squeezed);
      v = e.transpose(v, perm);
      if (!v)
        return v;
      int64_t last = rank - 2;
      if (length >= inLen)
        return e.sliceAxis(v, last, 0, inLen);
      SmallVector<int64_t> padShape(DlgEmitter::shapeOf(v));
      padShape[last] = inLen - length;
      Value pad = e.constant(
          type, padShape,
          SmallVector<double>(*dlg::checkedNumElements(padShape), 0));
      return e.concat({v, pad}, last);
    };
    // numpy's FFT (the reference) computes in double and rounds once.
    Type f64 = e.b.getF64Type();
    Value re = e.cast(part(0), f64);
    Value im = shape.back() == 2 ? e.cast(part(1), f64) : Value();
    // Matrices [inLen, outLen] for re -> re, im -> re, re -> im, im -> im.
    SmallVector<double> rr, ir, ri, ii;
    double scale = inverse ? 1.0 / n : 1.0, sign = inverse ? 1.0 : -1.0;
    for (int64_t t = 0; t < inLen; ++t)
      for (int64_t k = 0; k < outLen; ++k) {
        double theta = 2 * M_PI * (double)((t * k) % n) / n;
        double w = scale;
        // irfft: the input is one side of a Hermitian spectrum.
        if (irfft && t != 0 && !(n % 2 == 0 && t == n / 2))
          w *= 2;
        rr.push_back(w * std::cos(theta));
        ir.push_back(-sign * w * std::sin(theta));
        ri.push_back(sign * w * std::sin(theta));
        ii.push_back(w * std::cos(theta));
      }
    auto apply = [&](ArrayRef<double> fromRe, ArrayRef<double> fromIm) {
      Value y = e.matmul(re, e.constant(f64, {inLen, outLen}, fromRe));
      if (im)
        y = e.add(y, e.matmul(im, e.constant(f64, {inLen, outLen}, fromIm)));
      y = e.cast(e.transpose(y, inversePerm), type);
      if (!y)
        return y;
      SmallVector<int64_t> withLast(DlgEmitter::shapeOf(y));
      withLast.push_back(1);
      return e.reshape(y, withLast);
    };
    Value out = apply(rr, ir);
    if (!irfft)
      out = e.concat({out, apply(ri, ii)}, rank - 1);
    return out;
  };
  // One transform per candidate, the one of the run-time values selected.
  SmallVector<Value> conditions, values;
  for (auto [a, n] : candidates) {
    Value condition;
    if (axisValue)
      condition = c.create<dlg::EqualOp>(
          {axisValue, c.ints({a}, SmallVector<int64_t>{})});
    if (lengthValue) {
      Value same = c.create<dlg::EqualOp>(
          {lengthValue, c.ints({n}, SmallVector<int64_t>{})});
      condition =
          condition ? c.create<dlg::BitwiseAndOp>({condition, same}) : same;
    }
    conditions.push_back(condition);
    Value value = transform(a, n);
    if (!value)
      return failure();
    values.push_back(value);
  }
  if (axisValue || lengthValue) {
    Value any = conditions[0];
    for (Value condition : ArrayRef<Value>(conditions).drop_front())
      any = c.create<dlg::BitwiseOrOp>({any, condition});
    c.check(any, "axis and dft_length must give the declared output shape");
  }
  return c.finish({c.select(conditions, values)}, results);
}

/// RoiAlign with a fixed sampling_ratio: the sh x sw bilinear samples of every
/// output bin of every ROI are gathered from X laid out as [N*H*W, C] and
/// averaged (or maxed). The adaptive ratio (0) depends on the ROI values, so
/// the number of samples would not be static.
LogicalResult roiAlign(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value x = ctx.input(0), rois = ctx.input(1), batchIdx = ctx.input(2);
  ArrayRef<int64_t> xShape = DlgEmitter::shapeOf(x);
  ArrayRef<int64_t> rShape = DlgEmitter::shapeOf(rois);
  Type type = DlgEmitter::elementOf(x);
  if (!isa<FloatType>(type) || xShape.size() != 4)
    return ctx.emitError() << "expects a 4-D float X", failure();
  if (rShape.size() != 2 || rShape[1] != 4 ||
      DlgEmitter::shapeOf(batchIdx).size() != 1 ||
      DlgEmitter::shapeOf(batchIdx)[0] != rShape[0])
    return ctx.emitError() << "expects rois [R, 4] and batch_indices [R]",
           failure();
  std::string mode = ctx.stringAttr("mode", "avg");
  if (mode != "avg" && mode != "max")
    return ctx.emitError() << "attribute 'mode' = '" << mode
                           << "' is not supported",
           failure();
  std::string transform =
      ctx.stringAttr("coordinate_transformation_mode",
                     ctx.opset >= 16 ? "half_pixel" : "output_half_pixel");
  if (transform != "half_pixel" && transform != "output_half_pixel")
    return ctx.emitError() << "attribute 'coordinate_transformation_mode' = '"
                           << transform << "' is not supported",
           failure();
  bool halfPixel = transform == "half_pixel";
  int64_t oh = ctx.intAttr("output_height", 1);
  int64_t ow = ctx.intAttr("output_width", 1);
  int64_t ratio = ctx.intAttr("sampling_ratio", 0);
  double scale = ctx.floatAttr("spatial_scale", 1.0);
  if (oh <= 0 || ow <= 0)
    return ctx.emitError() << "expects positive output sizes", failure();
  if (ratio <= 0)
    return ctx.emitError() << "attribute 'sampling_ratio' = " << ratio
                           << " is not supported (the adaptive sample count "
                              "depends on run-time ROIs; expects > 0)",
           failure();
  int64_t n = xShape[0], c = xShape[1], h = xShape[2], w = xShape[3];
  int64_t r = rShape[0], samples = ratio * ratio;
  int64_t points = oh * ow * samples;
  if (r == 0 || n == 0 || c == 0 || h == 0 || w == 0)
    return ctx.emitError() << "expects nonempty X and rois", failure();
  DlgEmitter e(ctx);
  Type i64 = e.b.getI64Type();
  auto k = [&](double v) { return e.scalar(type, v); };
  auto lt = [&](Value a, Value b) { return e.op<dlg::LessOp>({a, b}); };
  auto orOp = [&](Value a, Value b) { return e.op<dlg::BitwiseOrOp>({a, b}); };
  // Sample offsets in bins, [1, P] in (ph, pw, iy, ix) order.
  SmallVector<double> fy, fx;
  for (int64_t ph = 0; ph < oh; ++ph)
    for (int64_t pw = 0; pw < ow; ++pw)
      for (int64_t iy = 0; iy < ratio; ++iy)
        for (int64_t ix = 0; ix < ratio; ++ix) {
          fy.push_back(ph + (iy + 0.5) / ratio);
          fx.push_back(pw + (ix + 0.5) / ratio);
        }
  Value roisT = e.cast(rois, type);
  auto coord = [&](int64_t col) {
    Value v = e.mul(e.sliceAxis(roisT, 1, col, 1), k(scale));
    return halfPixel ? e.sub(v, k(0.5)) : v;
  };
  Value x1 = coord(0), y1 = coord(1), x2 = coord(2), y2 = coord(3);
  Value roiW = e.sub(x2, x1), roiH = e.sub(y2, y1);
  if (!halfPixel) {
    roiW = e.max(roiW, k(1));
    roiH = e.max(roiH, k(1));
  }
  Value y =
      e.add(y1, e.mul(e.constant(type, {1, points}, fy), e.div(roiH, k(oh))));
  Value xs =
      e.add(x1, e.mul(e.constant(type, {1, points}, fx), e.div(roiW, k(ow))));
  Value outside =
      orOp(orOp(lt(y, k(-1)), lt(k(h), y)), orOp(lt(xs, k(-1)), lt(k(w), xs)));
  // Per axis: low and high indices and the weights of each.
  auto axis = [&](Value v, int64_t size) {
    v = e.clip(v, 0, std::nullopt);
    Value low = e.op<dlg::FloorOp>({v});
    Value atEnd = e.op<dlg::GreaterEqualOp>({low, k(size - 1)});
    Value last = k(size - 1);
    Value lowIdx = e.where(atEnd, last, low);
    Value highIdx = e.where(atEnd, last, e.add(low, k(1)));
    Value frac = e.sub(e.where(atEnd, last, v), lowIdx);
    return std::array<Value, 4>{e.cast(lowIdx, i64), e.cast(highIdx, i64),
                                e.sub(k(1), frac), frac};
  };
  auto [yLow, yHigh, hy, ly] = axis(y, h);
  auto [xLow, xHigh, hx, lx] = axis(xs, w);
  Value batchBase =
      e.mul(e.reshape(e.clip(e.cast(batchIdx, i64), 0, n - 1), {r, 1}),
            e.scalar(i64, h * w));
  Value flatX = e.reshape(e.transpose(x, {0, 2, 3, 1}), {n * h * w, c});
  Value acc;
  for (auto [yi, wy] : {std::pair{yLow, hy}, std::pair{yHigh, ly}})
    for (auto [xi, wx] : {std::pair{xLow, hx}, std::pair{xHigh, lx}}) {
      Value index = e.add(batchBase, e.add(e.mul(yi, e.scalar(i64, w)), xi));
      Value weight = e.where(outside, k(0), e.mul(wy, wx));
      Value value =
          e.mul(e.gather(flatX, index, 0), e.reshape(weight, {r, points, 1}));
      acc = !acc            ? value
            : mode == "avg" ? e.add(acc, value)
                            : e.max(acc, value);
    }
  Value grouped = e.reshape(acc, {r, oh * ow, samples, c});
  SmallVector<NamedAttribute> reduceAttrs = {
      e.named("axes", e.b.getDenseI64ArrayAttr({2})),
      e.named("keepdims", e.b.getBoolAttr(false))};
  Value pooled =
      mode == "avg"
          ? e.div(e.op<dlg::ReduceSumOp>({grouped}, reduceAttrs), k(samples))
          : e.op<dlg::ReduceMaxOp>({grouped}, reduceAttrs);
  Value out = e.transpose(e.reshape(pooled, {r, oh, ow, c}), {0, 3, 1, 2});
  if (!out)
    return failure();
  results.push_back(out);
  return success();
}

/// 2-D DeformConv: every kernel tap samples X bilinearly (zero outside) at its
/// offset position with gathers, scaled by the mask, and the sampled columns
/// [N, C * kh * kw, oh * ow] are contracted with W per group by a matmul.
LogicalResult deformConv(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value x = ctx.input(0), weights = ctx.input(1), offset = ctx.input(2);
  Value bias = ctx.input(3), mask = ctx.input(4);
  ArrayRef<int64_t> xShape = DlgEmitter::shapeOf(x);
  ArrayRef<int64_t> wShape = DlgEmitter::shapeOf(weights);
  ArrayRef<int64_t> oShape = DlgEmitter::shapeOf(offset);
  Type type = DlgEmitter::elementOf(x);
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects float inputs", failure();
  if (xShape.size() != 4 || wShape.size() != 4 || oShape.size() != 4)
    return ctx.emitError() << "only 2-D deformable convolution is supported",
           failure();
  int64_t n = xShape[0], c = xShape[1], h = xShape[2], w = xShape[3];
  int64_t oc = wShape[0], kh = wShape[2], kw = wShape[3];
  int64_t group = ctx.intAttr("group", 1);
  int64_t og = ctx.intAttr("offset_group", 1);
  SmallVector<int64_t> kernel = ctx.intsAttr("kernel_shape");
  if (!kernel.empty() &&
      (kernel.size() != 2 || kernel[0] != kh || kernel[1] != kw))
    return ctx.emitError() << "kernel_shape does not match W", failure();
  SmallVector<int64_t> strides = ctx.intsAttr("strides");
  SmallVector<int64_t> dilations = ctx.intsAttr("dilations");
  SmallVector<int64_t> pads = ctx.intsAttr("pads");
  if (strides.empty())
    strides = {1, 1};
  if (dilations.empty())
    dilations = {1, 1};
  if (pads.empty())
    pads = {0, 0, 0, 0};
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return ctx.emitError() << "expects 2 strides and dilations and 4 pads",
           failure();
  if (group <= 0 || og <= 0 || c != wShape[1] * group || oc % group != 0 ||
      c % og != 0)
    return ctx.emitError() << "channels " << c << " and " << oc
                           << " do not fit group " << group
                           << " and offset_group " << og,
           failure();
  int64_t oh =
      (h + pads[0] + pads[2] - ((kh - 1) * dilations[0] + 1)) / strides[0] + 1;
  int64_t ow =
      (w + pads[1] + pads[3] - ((kw - 1) * dilations[1] + 1)) / strides[1] + 1;
  if (oShape[0] != n || oShape[1] != og * kh * kw * 2 || oShape[2] != oh ||
      oShape[3] != ow)
    return ctx.emitError() << "expects offset of shape [" << n << ", "
                           << og * kh * kw * 2 << ", " << oh << ", " << ow
                           << "]",
           failure();
  DlgEmitter e(ctx);
  Type i64 = e.b.getI64Type();
  int64_t taps = kh * kw, q = taps * oh * ow, cpg = c / og;
  auto k = [&](double v) { return e.scalar(type, v); };
  // Positions without offsets, [1, 1, Q] in (ki, kj, oy, ox) order.
  SmallVector<double> baseY, baseX;
  for (int64_t i = 0; i < kh; ++i)
    for (int64_t j = 0; j < kw; ++j)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < ow; ++xx) {
          baseY.push_back(y * strides[0] - pads[0] + i * dilations[0]);
          baseX.push_back(xx * strides[1] - pads[1] + j * dilations[1]);
        }
  Value off = e.reshape(e.cast(offset, type), {n, og, taps, 2, oh * ow});
  auto coordinate = [&](int64_t which, ArrayRef<double> base) {
    Value d = e.reshape(e.sliceAxis(off, 3, which, 1), {n, og, q});
    return e.add(d, e.constant(type, {1, 1, q}, base));
  };
  Value ys = coordinate(0, baseY), xs = coordinate(1, baseX);
  Value m = mask ? e.reshape(e.cast(mask, type), {n, og, q}) : Value();
  if (mask &&
      DlgEmitter::shapeOf(mask) != ArrayRef<int64_t>({n, og * taps, oh, ow}))
    return ctx.emitError() << "expects mask of shape [" << n << ", "
                           << og * taps << ", " << oh << ", " << ow << "]",
           failure();
  Value flatX = e.reshape(x, {n, og, cpg, h * w});
  Value zerosIdx = e.constant(i64, {n, og, cpg, q},
                              SmallVector<double>(n * og * cpg * q, 0));
  Value y0 = e.op<dlg::FloorOp>({ys}), x0 = e.op<dlg::FloorOp>({xs});
  Value ly = e.sub(ys, y0), lx = e.sub(xs, x0);
  Value cols;
  for (int64_t dy = 0; dy < 2; ++dy)
    for (int64_t dx = 0; dx < 2; ++dx) {
      Value yi = dy ? e.add(y0, k(1)) : y0;
      Value xi = dx ? e.add(x0, k(1)) : x0;
      Value inside = e.op<dlg::BitwiseAndOp>(
          {e.op<dlg::BitwiseAndOp>({e.op<dlg::GreaterEqualOp>({yi, k(0)}),
                                    e.op<dlg::LessOp>({yi, k(h)})}),
           e.op<dlg::BitwiseAndOp>({e.op<dlg::GreaterEqualOp>({xi, k(0)}),
                                    e.op<dlg::LessOp>({xi, k(w)})})});
      Value wy = dy ? ly : e.sub(k(1), ly);
      Value wx = dx ? lx : e.sub(k(1), lx);
      Value weight = e.where(inside, e.mul(wy, wx), k(0));
      if (m)
        weight = e.mul(weight, m);
      Value index =
          e.add(e.mul(e.cast(e.clip(yi, 0, h - 1), i64), e.scalar(i64, w)),
                e.cast(e.clip(xi, 0, w - 1), i64));
      Value picked = e.op<dlg::GatherElementsOp>(
          {flatX, e.add(e.reshape(index, {n, og, 1, q}), zerosIdx)},
          {e.named("axis", e.b.getI64IntegerAttr(3))});
      Value term =
          e.where(e.reshape(inside, {n, og, 1, q}),
                  e.mul(picked, e.reshape(weight, {n, og, 1, q})), k(0));
      cols = cols ? e.add(cols, term) : term;
    }
  int64_t kSize = (c / group) * taps;
  cols = e.reshape(cols, {n, group, kSize, oh * ow});
  Value wMat = e.reshape(weights, {1, group, oc / group, kSize});
  Value out = e.reshape(e.matmul(wMat, cols), {n, oc, oh, ow});
  if (bias)
    out = e.add(out, e.reshape(bias, {1, oc, 1, 1}));
  if (!out)
    return failure();
  results.push_back(out);
  return success();
}

/// FlexAttention (ai.onnx.preview): softmax(score_mod(Q K^T * scale)) V with
/// the optional score_mod / prob_mod subgraphs imported inline.
LogicalResult flexAttention(NodeContext &ctx, SmallVectorImpl<Value> &results) {
  if (failed(ctx.requireInputs(3)))
    return failure();
  Value q = ctx.input(0), key = ctx.input(1), v = ctx.input(2);
  Type type = DlgEmitter::elementOf(q);
  if (!isa<FloatType>(type))
    return ctx.emitError() << "expects float Q, K and V", failure();
  ArrayRef<int64_t> qs = DlgEmitter::shapeOf(q), ks = DlgEmitter::shapeOf(key),
                    vs = DlgEmitter::shapeOf(v);
  if (qs.size() != 4 || ks.size() != 4 || vs.size() != 4)
    return ctx.emitError() << "expects rank-4 Q, K and V", failure();
  if (ks[1] != vs[1] || ks[2] != vs[2] || ks[3] != qs[3] || ks[1] <= 0 ||
      qs[1] % ks[1] != 0)
    return ctx.emitError() << "Q, K and V shapes are inconsistent", failure();
  DlgEmitter e(ctx);
  int64_t reps = qs[1] / ks[1];
  auto repeatHeads = [&](Value x) {
    if (reps == 1 || !x)
      return x;
    ArrayRef<int64_t> s = DlgEmitter::shapeOf(x);
    SmallVector<int64_t> shape = {s[0], s[1], 1, s[2], s[3]};
    SmallVector<Value> copies(reps, e.reshape(x, shape));
    return e.reshape(e.concat(copies, 2), {s[0], s[1] * reps, s[2], s[3]});
  };
  Type compute = type.getIntOrFloatBitWidth() < 32 ? e.b.getF32Type() : type;
  if (ctx.attribute("softmax_precision")) {
    int64_t precision = ctx.intAttr("softmax_precision", 1);
    compute = convertElementType(ctx.builder.getContext(), precision);
    if (!compute || !isa<FloatType>(compute))
      return ctx.emitError() << "softmax_precision " << dataTypeName(precision)
                             << " is not supported",
             failure();
  }
  double scale = ctx.attribute("scale")
                     ? ctx.floatAttr("scale", 1)
                     : 1.0 / std::sqrt(static_cast<double>(qs[3]));
  // sqrt(scale) on Q and K, rounded as the reference does.
  Value sqrtScale = e.scalar(type, std::sqrt(static_cast<float>(scale)));
  Value kAligned = repeatHeads(key), vAligned = repeatHeads(v);
  Value scores =
      e.matmul(e.mul(q, sqrtScale),
               e.transpose(e.mul(kAligned, sqrtScale), {0, 1, 3, 2}));
  scores = e.cast(scores, compute);
  auto applyMod = [&](StringRef name, Value x) -> Value {
    if (!x || !ctx.attribute(name))
      return x;
    const ::onnx::GraphProto *graph = ctx.graphAttr(name);
    if (!graph && ctx.hadAttributeTypeError())
      return Value();
    if (!graph)
      return ctx.emitError() << "attribute '" << name << "' is not a graph",
             Value();
    SmallVector<GraphValue> outputs;
    if (failed(
            ctx.importSubgraph(*graph, {GraphValue{x, std::nullopt}}, outputs)))
      return Value();
    if (outputs.size() != 1 || !outputs[0].tensor ||
        outputs[0].tensor.getType() != x.getType())
      return ctx.emitError()
                 << "attribute '" << name
                 << "' must produce one tensor of type " << x.getType(),
             Value();
    return outputs[0].tensor;
  };
  scores = applyMod("score_mod", scores);
  Value probs = scores ? e.softmax(scores, -1) : Value();
  probs = applyMod("prob_mod", probs);
  Value out = e.cast(e.matmul(probs, e.cast(vAligned, compute)), type);
  if (!out)
    return failure();
  results.push_back(out);
  return success();
}

} // namespace

void registerMiscHandlers(OpRegistry &registry) {
  registry.add("", "SwiGLU", {28}, swiglu);
  registry.add("", "TensorScatter", {24}, tensorScatter);
  registry.add("", "HannWindow", {17}, window<0>);
  registry.add("", "HammingWindow", {17}, window<1>);
  registry.add("", "BlackmanWindow", {17}, window<2>);
  registry.add("", "AffineGrid", {20}, affineGrid);
  registry.add("", "Col2Im", {18}, col2im);
  registry.add("ai.onnx.preview", "FlexAttention", {1}, flexAttention);
  registry.add("", "DeformConv", {19, 22}, deformConv);
  registry.add("", "RoiAlign", {10, 16, 22}, roiAlign);
  registry.add("", "DFT", {17, 20}, dft);
  registry.add("", "GridSample", {16, 20, 22}, gridSample);
  registry.add("", "BitCast", {26}, bitCast);
  registry.add("", "Det", {11, 22}, det);
  registry.add("", "MaxUnpool", {9, 11, 22}, maxUnpool);
}

} // namespace dlc::onnx
