//===- Passes.td - dlc graph-level passes ------------------*- tablegen -*-===//

#ifndef DLC_PASSES_PASSES_TD
#define DLC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Canonicalization
//===----------------------------------------------------------------------===//

def SimplifyReshapes : Pass<"dlc-graph-simplify-reshapes"> {
  let summary = "Rewrites flatten, squeeze and unsqueeze as dlg.reshape";
  let description = [{
    Every op that only changes a static shape becomes a `dlg.reshape`, so
    that chains of them fold into one reshape (or vanish) and later passes
    match a single op.
  }];
  let dependentDialects = ["::dlc::dlg::DlgDialect"];
}

#endif // DLC_PASSES_PASSES_TD
