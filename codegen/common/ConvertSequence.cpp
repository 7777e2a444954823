//===- ConvertSequence.cpp - dlg recurrent ops -> linalg ----------------===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace dlc {

void populateSequenceLoweringPatterns(RewritePatternSet &patterns) {}

} // namespace dlc
