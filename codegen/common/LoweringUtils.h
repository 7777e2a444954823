//===- LoweringUtils.h - Helpers for dlg -> linalg lowering -----*- C++ -*-===//

#ifndef DLC_CODEGEN_COMMON_LOWERINGUTILS_H
#define DLC_CODEGEN_COMMON_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <functional>
#include <optional>

namespace dlc {

/// The entry function's argument that failed dlg.check ops write their code
/// to (a memref<i32>, set by dlc-codegen-record-model-interface).
inline constexpr llvm::StringLiteral kStatusArgAttr = "dlc.status";
/// The 1-based code of a dlg.check op, as listed in the model metadata.
inline constexpr llvm::StringLiteral kCheckCodeAttr = "dlc.check_code";

/// Builds the scalar computation of an elementwise op from its block arguments.
using ScalarBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// Creates tensor.empty of the given shape.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

/// Creates tensor.empty of the given shape whose dynamic dims have
/// `dynamicSizes` (index values, in order).
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> shape, mlir::Type elementType,
                        mlir::ValueRange dynamicSizes);

/// The size of dim `dim` of `tensor` as an index (a constant when static).
mlir::Value dimSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                    int64_t dim);

/// The sizes of the dynamic dims of `shape`, the output of an iteration space
/// that `operands` are read through `maps` and the output through `outMap`:
/// each comes from an operand dim indexed by the same loop dim alone (shape
/// inference made the dims that loop dim indexes agree).
llvm::SmallVector<mlir::Value>
dynamicSizesFromMaps(mlir::OpBuilder &b, mlir::Location loc,
                     llvm::ArrayRef<int64_t> shape, mlir::AffineMap outMap,
                     mlir::ValueRange operands,
                     llvm::ArrayRef<mlir::AffineMap> maps);

/// Creates tensor.empty of `shape` filled with `value`; dynamic dims have
/// `dynamicSizes`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<int64_t> shape, mlir::Value value,
                         mlir::ValueRange dynamicSizes);

/// Creates tensor.empty of `shape` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<int64_t> shape, mlir::Value value);

/// A scalar constant of `type` (float or integer) holding `value`.
/// The f32 values of a constant (dense or a dense resource), read in place;
/// none for other element types or unreadable resources.
std::optional<std::function<float(int64_t)>>
constantF32Values(mlir::Attribute value);

mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// The lowest (or highest) finite-or-infinite value of `type`: -inf / +inf
/// for floats, the signed extremes for integers.
mlir::Value lowestValue(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Type type);

/// Indexing map that reads an operand of `shape` broadcast (numpy rules) to an
/// iteration space of `outRank` dimensions.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<int64_t> outShape);

/// Elementwise linalg.generic over `resultType` reading `operands` with
/// numpy broadcasting.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange operands, ScalarBuilder body);

/// Reduces `input` over `reduced` dims (kept as size 1 when keepDims) with a
/// combiner starting from `init`.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<bool> reduced,
                           bool keepDims, mlir::Value init,
                           ScalarBuilder combine);

/// Reinterprets a static-shaped tensor in `shape` through a rank-1 collapse.
/// A dynamic input or shape reshapes with the run-time sizes `dynamicSizes`
/// of the dynamic dims of `shape`.
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value input, llvm::ArrayRef<int64_t> shape,
                          mlir::ValueRange dynamicSizes = {});

/// The sizes of the dynamic dims of `tensor`, in order.
llvm::SmallVector<mlir::Value> dynamicDimSizes(mlir::OpBuilder &b,
                                               mlir::Location loc,
                                               mlir::Value tensor);

/// Pads spatial dims (from dim 2 on) with `padValue`; pads = begins then ends.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> pads,
                       mlir::Value padValue);

/// `input` with its float elements converted to `elementType` (extf/truncf);
/// `input` itself when the type already matches.
mlir::Value convertElementType(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value input, mlir::Type elementType);

/// Arithmetic that dispatches on float or integer element type.
mlir::Value createAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);
mlir::Value createMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);

/// Lowers an elementwise op by giving the scalar body for its operands.
template <typename OpTy>
struct ElementwisePattern : mlir::OpConversionPattern<OpTy> {
  using mlir::OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpTy::Adaptor;

  virtual mlir::Value scalar(OpTy op, mlir::OpBuilder &b, mlir::Location loc,
                             mlir::ValueRange args) const = 0;

  mlir::LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  mlir::ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<mlir::RankedTensorType>(op.getType());
    mlir::Value result = buildElementwise(
        rewriter, op.getLoc(), type, adaptor.getOperands(),
        [&](mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange args) {
          return scalar(op, b, loc, args);
        });
    rewriter.replaceOp(op, result);
    return mlir::success();
  }
};

void populateElementwiseLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateContractionLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateShapeLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateMathLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateReductionLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateIndexingLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateSequenceLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateCheckLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateExtraLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateDynamicLoweringPatterns(mlir::RewritePatternSet &patterns);

} // namespace dlc

#endif // DLC_CODEGEN_COMMON_LOWERINGUTILS_H
