//===- DlgMathOps.cpp - Verifiers and type inference of DlgMathOps.td ===//

#include "dialects/dlg/IR/DlgOps.h"

using namespace mlir;
using namespace dlc::dlg;
