//===- Passes.h - dlc graph-level passes ------------------------*- C++ -*-===//

#ifndef DLC_PASSES_PASSES_H
#define DLC_PASSES_PASSES_H

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Pass/Pass.h"

namespace dlc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

inline void registerGraphPasses() { registerDlcGraphPasses(); }

} // namespace dlc

#endif // DLC_PASSES_PASSES_H
