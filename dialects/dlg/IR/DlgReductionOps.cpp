//===- DlgReductionOps.cpp - Verifiers and type inference of DlgReductionOps.td ===//

#include "dialects/dlg/IR/DlgOps.h"

using namespace mlir;
using namespace dlc::dlg;
