//===- ConvertDlgToLinalg.cpp - The dlg -> linalg conversion pass ---------===//

#include "codegen/Passes.h"
#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Transforms/DialectConversion.h"

namespace dlc {
#define GEN_PASS_DEF_CONVERTDLGTOLINALG
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// Whether the lowering of `op` handles its dynamic dims. Convolutions and
/// pooling take a dynamic batch dim only.
bool lowersDynamicDims(Operation *op) {
  if (op->hasTrait<OpTrait::DlgBroadcastsOperands>())
    return true;
  if (isa<dlg::HardmaxOp, dlg::CumSumOp, dlg::CumProdOp>(op))
    return false;
  if (op->hasTrait<OpTrait::SameOperandsAndResultType>())
    return true; // Unary elementwise ops and softmax.
  if (isa<dlg::ConvOp, dlg::MaxPoolOp, dlg::AvgPoolOp>(op)) {
    auto input = cast<RankedTensorType>(op->getOperand(0).getType());
    for (int64_t d = 1; d < input.getRank(); ++d)
      if (input.isDynamicDim(d))
        return false;
    return llvm::all_of(op->getOperands().drop_front(), [](Value operand) {
      return cast<RankedTensorType>(operand.getType()).hasStaticShape();
    });
  }
  return isa<dlg::BatchNormOp, dlg::CastOp, dlg::CheckOp, dlg::ConcatOp,
             dlg::ConstantOp, dlg::DimOp, dlg::DynamicReshapeOp,
             dlg::FlattenOp, dlg::GatherOp, dlg::GemmOp, dlg::GlobalAvgPoolOp,
             dlg::LayerNormOp, dlg::MatMulOp, dlg::MatMulIntegerOp,
             dlg::ReduceMaxOp,
             dlg::ReduceMeanOp, dlg::ReduceSumOp, dlg::ReshapeOp,
             dlg::SqueezeOp, dlg::TransposeOp, dlg::TruncateOp,
             dlg::UnsqueezeOp>(op);
}

struct ConvertDlgToLinalgPass
    : impl::ConvertDlgToLinalgBase<ConvertDlgToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Fusion regions group ops for the graph passes and reports; the CPU
    // backend fuses the lowered linalg ops itself.
    dlg::FusionOp::inlineAll(getOperation());
    // Report the ops whose patterns build static shapes only, rather than
    // emit invalid tensor.empty / reshape ops.
    bool unsupported = false;
    getOperation()->walk([&](Operation *op) {
      if (!isa<dlg::DlgDialect>(op->getDialect()) || lowersDynamicDims(op))
        return;
      for (Type type :
           llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
        auto shaped = dyn_cast<ShapedType>(type);
        if (shaped && !shaped.hasStaticShape()) {
          op->emitOpError("cannot be lowered to linalg with the dynamic shape ")
              << type << " yet; give the model's inputs static sizes with "
              << "--input-shape";
          unsupported = true;
          return;
        }
      }
    });
    if (unsupported)
      return signalPassFailure();
    RewritePatternSet patterns(ctx);
    populateElementwiseLoweringPatterns(patterns);
    populateContractionLoweringPatterns(patterns);
    populateNormalizationLoweringPatterns(patterns);
    populateShapeLoweringPatterns(patterns);
    populateMathLoweringPatterns(patterns);
    populateReductionLoweringPatterns(patterns);
    populateIndexingLoweringPatterns(patterns);
    populateSequenceLoweringPatterns(patterns);
    populateCheckLoweringPatterns(patterns);
    populateExtraLoweringPatterns(patterns);
    populateDynamicLoweringPatterns(patterns);
    ConversionTarget target(*ctx);
    target.addIllegalDialect<dlg::DlgDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace dlc
