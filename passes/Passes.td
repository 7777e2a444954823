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

//===----------------------------------------------------------------------===//
// Dynamic shapes
//===----------------------------------------------------------------------===//

def InsertDynamicDimChecks : Pass<"dlc-graph-insert-dynamic-dim-checks"> {
  let summary = "Checks at run time the dynamic dims that ops assume equal";
  let description = [{
    Shape inference lets a dynamic dim meet another size where an op needs
    them equal: broadcasting operands (a dynamic dim only broadcasts when it
    equals the result's), the contracted dim of matmul and gemm, the
    non-axis dims of concat, the normalized dims of layer_norm, the channels
    of batch_norm and conv, and a reshape of a dynamic input to a static
    shape. Before such an op reads memory on that assumption, this pass adds
    a `dlg.check` of it, naming the node, so that a model run with
    inconsistent input sizes fails with a message instead of reading out of
    bounds.

    ```mlir
    %r = dlg.add %a, %b : tensor<?x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
    // becomes, before the add:
    %d = dlg.dim %a {dim = 0 : i64} : tensor<?x4xf32> -> tensor<i64>
    %ok = dlg.equal %d, %c8 : tensor<i64>, tensor<i64> -> tensor<i1>
    dlg.check %ok, "node 'add': dim 0 of operand 0 ..." : tensor<i1>
    ```
  }];
  let dependentDialects = ["::dlc::dlg::DlgDialect"];
}

#endif // DLC_PASSES_PASSES_TD
