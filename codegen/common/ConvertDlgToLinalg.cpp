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

struct ConvertDlgToLinalgPass
    : impl::ConvertDlgToLinalgBase<ConvertDlgToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // The patterns build static shapes only: report dynamic ones here rather
    // than emit invalid tensor.empty / reshape ops.
    bool dynamic = false;
    getOperation()->walk([&](Operation *op) {
      if (!isa<dlg::DlgDialect>(op->getDialect()))
        return;
      for (Type type :
           llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
        auto shaped = dyn_cast<ShapedType>(type);
        if (shaped && !shaped.hasStaticShape()) {
          op->emitOpError("cannot be lowered to linalg: dynamic shape ")
              << type;
          dynamic = true;
          return;
        }
      }
    });
    if (dynamic)
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
