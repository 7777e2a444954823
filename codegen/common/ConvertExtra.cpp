//===- ConvertExtra.cpp - dlg bitcast and NMS -> linalg / scf -------------===//
//
// dlg.bitcast is an elementwise arith.bitcast. dlg.non_max_suppression is a
// greedy, data-dependent selection with no linalg form: it becomes scf loops
// over tensors (bufferization turns the inserts into stores). Each step
// picks the best remaining candidate by a linear scan rather than sorting,
// which keeps the order of the ONNX reference (score, then lowest index).
//
//===----------------------------------------------------------------------===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace dlc {
namespace {

struct BitcastPattern : ElementwisePattern<dlg::BitcastOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(dlg::BitcastOp op, OpBuilder &b, Location loc,
               ValueRange args) const override {
    return arith::BitcastOp::create(b, loc, op.getTo(), args[0]);
  }
};

using BodyBuilder = function_ref<SmallVector<Value>(OpBuilder &)>;

/// scf.if yielding the values built by `thenBody` or `elseBody`.
ValueRange ifElse(OpBuilder &b, Location loc, Value cond, TypeRange types,
                  BodyBuilder thenBody, BodyBuilder elseBody) {
  auto ifOp = scf::IfOp::create(b, loc, types, cond, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  scf::YieldOp::create(b, loc, thenBody(b));
  b.setInsertionPointToStart(&ifOp.getElseRegion().front());
  scf::YieldOp::create(b, loc, elseBody(b));
  return ifOp.getResults();
}

/// Python's min/max of two floats: the first argument unless the second is
/// strictly smaller (larger).
Value pyMin(OpBuilder &b, Location loc, Value x, Value y) {
  Value less = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, y, x);
  return arith::SelectOp::create(b, loc, less, y, x);
}
Value pyMax(OpBuilder &b, Location loc, Value x, Value y) {
  Value more = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, y, x);
  return arith::SelectOp::create(b, loc, more, y, x);
}

struct NonMaxSuppressionPattern
    : OpConversionPattern<dlg::NonMaxSuppressionOp> {
  using OpConversionPattern::OpConversionPattern;

  /// The one element of a scalar operand.
  static Value element(OpBuilder &b, Location loc, Value tensor) {
    auto type = cast<RankedTensorType>(tensor.getType());
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    SmallVector<Value> indices(type.getRank(), zero);
    return tensor::ExtractOp::create(b, loc, tensor, indices);
  }

  /// The [min, max] extents of box `box` of batch `batch` along x (axis 1)
  /// and y (axis 0), in the order x_min, x_max, y_min, y_max.
  static std::array<Value, 4> extents(OpBuilder &b, Location loc, Value boxes,
                                      Value batch, Value box,
                                      bool centerPoint) {
    Value c[4];
    for (int64_t k = 0; k < 4; ++k)
      c[k] = tensor::ExtractOp::create(
          b, loc, boxes,
          ValueRange{batch, box, arith::ConstantIndexOp::create(b, loc, k)});
    if (centerPoint) {
      // [x_center, y_center, width, height].
      Value two = scalarConstant(b, loc, c[0].getType(), 2.0);
      Value halfW = arith::DivFOp::create(b, loc, c[2], two);
      Value halfH = arith::DivFOp::create(b, loc, c[3], two);
      return {arith::SubFOp::create(b, loc, c[0], halfW),
              arith::AddFOp::create(b, loc, c[0], halfW),
              arith::SubFOp::create(b, loc, c[1], halfH),
              arith::AddFOp::create(b, loc, c[1], halfH)};
    }
    // [y1, x1, y2, x2] corners in either order (the reference's max_min).
    auto minMax = [&](Value lhs, Value rhs) {
      Value ge =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, lhs, rhs);
      return std::pair<Value, Value>{
          arith::SelectOp::create(b, loc, ge, rhs, lhs),
          arith::SelectOp::create(b, loc, ge, lhs, rhs)};
    };
    auto [xMin, xMax] = minMax(c[1], c[3]);
    auto [yMin, yMax] = minMax(c[0], c[2]);
    return {xMin, xMax, yMin, yMax};
  }

  /// Whether box `i` is suppressed by box `j`: IoU > threshold, with the
  /// reference's early outs (empty intersection or areas) folded in.
  static Value suppresses(OpBuilder &b, Location loc, Value boxes, Value batch,
                          Value i, Value j, Value threshold, bool centerPoint) {
    auto b1 = extents(b, loc, boxes, batch, i, centerPoint);
    auto b2 = extents(b, loc, boxes, batch, j, centerPoint);
    auto gt = [&](Value x, Value y) {
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
    };
    auto sub = [&](Value x, Value y) {
      return arith::SubFOp::create(b, loc, x, y);
    };
    auto mul = [&](Value x, Value y) {
      return arith::MulFOp::create(b, loc, x, y);
    };
    auto both = [&](Value x, Value y) {
      return arith::AndIOp::create(b, loc, x, y);
    };
    Value zero = scalarConstant(b, loc, threshold.getType(), 0.0);
    Value ixMin = pyMax(b, loc, b1[0], b2[0]);
    Value ixMax = pyMin(b, loc, b1[1], b2[1]);
    Value iyMin = pyMax(b, loc, b1[2], b2[2]);
    Value iyMax = pyMin(b, loc, b1[3], b2[3]);
    Value inter = mul(sub(ixMax, ixMin), sub(iyMax, iyMin));
    Value area1 = mul(sub(b1[1], b1[0]), sub(b1[3], b1[2]));
    Value area2 = mul(sub(b2[1], b2[0]), sub(b2[3], b2[2]));
    Value uni = sub(arith::AddFOp::create(b, loc, area1, area2), inter);
    Value valid = both(both(gt(ixMax, ixMin), gt(iyMax, iyMin)),
                       both(both(gt(inter, zero), gt(area1, zero)),
                            both(gt(area2, zero), gt(uni, zero))));
    Value iou = arith::DivFOp::create(b, loc, inter, uni);
    return both(valid, gt(iou, threshold));
  }

  LogicalResult
  matchAndRewrite(dlg::NonMaxSuppressionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value boxes = adaptor.getBoxes(), scores = adaptor.getScores();
    auto scoresType = cast<RankedTensorType>(scores.getType());
    Type floatType = scoresType.getElementType();
    int64_t numBatches = scoresType.getDimSize(0);
    int64_t numClasses = scoresType.getDimSize(1);
    int64_t numBoxes = scoresType.getDimSize(2);
    int64_t numSelected = op.getNumSelected();
    bool centerPoint = op.getCenterPointBox();
    bool hasScoreThreshold = op.getHasScoreThreshold();
    Type i64 = b.getI64Type(), idx = b.getIndexType();
    auto cIdx = [&](OpBuilder &bb, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(bb, loc, v);
    };
    auto toI64 = [&](OpBuilder &bb, Value v) -> Value {
      return arith::IndexCastOp::create(bb, loc, i64, v);
    };
    Value maxOut = arith::IndexCastOp::create(
        b, loc, idx, element(b, loc, adaptor.getMaxOutputBoxesPerClass()));
    Value iouThreshold = element(b, loc, adaptor.getIouThreshold());
    Value scoreThreshold = element(b, loc, adaptor.getScoreThreshold());
    Value zero = cIdx(b, 0), one = cIdx(b, 1);
    Value out =
        filledTensor(b, loc, {numSelected, 3},
                     arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0)));
    Value falseV = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
    Value trueV = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
    Value notDone = filledTensor(b, loc, {numBoxes}, falseV);
    Value noneSelected = filledTensor(b, loc, {numBoxes}, zero);
    Type doneType = notDone.getType(), selType = noneSelected.getType();
    Type outType = out.getType();

    auto batchLoop = scf::ForOp::create(
        b, loc, zero, cIdx(b, numBatches), one, ValueRange{out, zero},
        [&](OpBuilder &b, Location, Value batch, ValueRange batchArgs) {
          auto classLoop = scf::ForOp::create(
              b, loc, zero, cIdx(b, numClasses), one, batchArgs,
              [&](OpBuilder &b, Location, Value cls, ValueRange classArgs) {
                // Per step: done mask, selected boxes of this class, their
                // count, the output and the total count.
                auto stepLoop = scf::ForOp::create(
                    b, loc, zero, cIdx(b, numBoxes), one,
                    ValueRange{notDone, noneSelected, zero, classArgs[0],
                               classArgs[1]},
                    [&](OpBuilder &b, Location, Value, ValueRange s) {
                      Value done = s[0], sel = s[1], selCount = s[2];
                      Value cur = s[3], total = s[4];
                      // The best remaining candidate (found, index, score).
                      Value lowest = lowestValue(b, loc, floatType);
                      auto scan = scf::ForOp::create(
                          b, loc, zero, cIdx(b, numBoxes), one,
                          ValueRange{falseV, zero, lowest},
                          [&](OpBuilder &b, Location, Value j, ValueRange a) {
                            Value score = tensor::ExtractOp::create(
                                b, loc, scores, ValueRange{batch, cls, j});
                            Value isDone =
                                tensor::ExtractOp::create(b, loc, done, j);
                            Value cand =
                                arith::XOrIOp::create(b, loc, isDone, trueV);
                            if (hasScoreThreshold)
                              cand = arith::AndIOp::create(
                                  b, loc, cand,
                                  arith::CmpFOp::create(
                                      b, loc, arith::CmpFPredicate::OGT, score,
                                      scoreThreshold));
                            Value higher = arith::CmpFOp::create(
                                b, loc, arith::CmpFPredicate::OGT, score, a[2]);
                            Value first =
                                arith::XOrIOp::create(b, loc, a[0], trueV);
                            Value better = arith::AndIOp::create(
                                b, loc, cand,
                                arith::OrIOp::create(b, loc, first, higher));
                            scf::YieldOp::create(
                                b, loc,
                                ValueRange{
                                    arith::OrIOp::create(b, loc, a[0], better),
                                    arith::SelectOp::create(b, loc, better, j,
                                                            a[1]),
                                    arith::SelectOp::create(b, loc, better,
                                                            score, a[2])});
                          });
                      Value found = scan.getResult(0);
                      Value best = scan.getResult(1);
                      Value room = arith::CmpIOp::create(
                          b, loc, arith::CmpIPredicate::slt, selCount, maxOut);
                      Value visit = arith::AndIOp::create(b, loc, found, room);
                      ValueRange next = ifElse(
                          b, loc, visit, {doneType, selType, idx, outType, idx},
                          [&](OpBuilder &b) -> SmallVector<Value> {
                            Value marked = tensor::InsertOp::create(
                                b, loc, trueV, done, best);
                            auto check = scf::ForOp::create(
                                b, loc, zero, selCount, one, ValueRange{falseV},
                                [&](OpBuilder &b, Location, Value k,
                                    ValueRange a) {
                                  Value other =
                                      tensor::ExtractOp::create(b, loc, sel, k);
                                  Value hit = suppresses(
                                      b, loc, boxes, batch, best, other,
                                      iouThreshold, centerPoint);
                                  scf::YieldOp::create(
                                      b, loc,
                                      ValueRange{arith::OrIOp::create(
                                          b, loc, a[0], hit)});
                                });
                            ValueRange kept = ifElse(
                                b, loc, check.getResult(0),
                                {selType, idx, outType, idx},
                                [&](OpBuilder &) -> SmallVector<Value> {
                                  return {sel, selCount, cur, total};
                                },
                                [&](OpBuilder &b) -> SmallVector<Value> {
                                  Value newSel = tensor::InsertOp::create(
                                      b, loc, best, sel, selCount);
                                  // Selections past the declared count are
                                  // dropped; the caller checks the count.
                                  Value fits = arith::CmpIOp::create(
                                      b, loc, arith::CmpIPredicate::slt, total,
                                      cIdx(b, numSelected));
                                  ValueRange written = ifElse(
                                      b, loc, fits, {outType},
                                      [&](OpBuilder &b) -> SmallVector<Value> {
                                        Value row = cur;
                                        Value entries[3] = {batch, cls, best};
                                        for (int64_t k = 0; k < 3; ++k)
                                          row = tensor::InsertOp::create(
                                              b, loc, toI64(b, entries[k]), row,
                                              ValueRange{total, cIdx(b, k)});
                                        return {row};
                                      },
                                      [&](OpBuilder &) -> SmallVector<Value> {
                                        return {cur};
                                      });
                                  return {newSel,
                                          arith::AddIOp::create(b, loc,
                                                                selCount, one),
                                          written[0],
                                          arith::AddIOp::create(b, loc, total,
                                                                one)};
                                });
                            return {marked, kept[0], kept[1], kept[2], kept[3]};
                          },
                          [&](OpBuilder &) -> SmallVector<Value> {
                            return {done, sel, selCount, cur, total};
                          });
                      scf::YieldOp::create(b, loc, next);
                    });
                scf::YieldOp::create(
                    b, loc,
                    ValueRange{stepLoop.getResult(3), stepLoop.getResult(4)});
              });
          scf::YieldOp::create(b, loc, classLoop.getResults());
        });
    Value count = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({}, i64),
        ValueRange{toI64(b, batchLoop.getResult(1))});
    rewriter.replaceOp(op, {batchLoop.getResult(0), count});
    return success();
  }
};

} // namespace

void populateExtraLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<BitcastPattern, NonMaxSuppressionPattern>(patterns.getContext());
}

} // namespace dlc
