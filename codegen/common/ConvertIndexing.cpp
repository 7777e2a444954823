//===- ConvertIndexing.cpp - dlg shape construction and indexing ops (expand ops -> linalg ---===//

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace dlc {

void populateIndexingLoweringPatterns(RewritePatternSet &patterns) {}

} // namespace dlc
