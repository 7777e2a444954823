//===- DlgSequenceOps.cpp - Verifiers and type inference of DlgSequenceOps.td ===//

#include "dialects/dlg/IR/DlgOps.h"

using namespace mlir;
using namespace dlc::dlg;
