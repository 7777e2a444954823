//===- DlgIndexingOps.cpp - Verifiers and type inference of DlgIndexingOps.td ===//

#include "dialects/dlg/IR/DlgOps.h"

using namespace mlir;
using namespace dlc::dlg;
