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

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

def FoldBatchNorm : Pass<"dlc-graph-fold-batch-norm"> {
  let summary = "Folds inference batch norm into the preceding conv, matmul or gemm";
  let description = [{
    A `dlg.conv` with a constant weight (and optional constant bias) whose
    only user is a `dlg.batch_norm` with constant parameters becomes one conv
    with scaled weights and a new bias, computed in double and rounded to
    the element type (f32, f64, f16, bf16):

    ```mlir
    %c = dlg.conv %x, %w, %b {...} : ...
    %y = dlg.batch_norm %c, %s, %t, %m, %v {epsilon = 1.0e-05 : f32} : ...
    // becomes, with W' = W * s / sqrt(v + eps), b' = (b - m) * s / sqrt(v + eps) + t:
    %y = dlg.conv %x, %w2, %b2 {...} : ...
    ```

    A `dlg.matmul` or `dlg.gemm` with a constant 2-D weight and an [M, N]
    result folds the same way over its N columns: the offset becomes the
    gemm's `c` (merged with a constant per-column `c`), or a bias add after
    the matmul.
  }];
  let dependentDialects = ["::dlc::dlg::DlgDialect"];
}

def FuseAttention : Pass<"dlc-graph-fuse-attention"> {
  let summary = "Forms attention dlg.fusion regions from scaled dot-product attention";
  let description = [{
    `matmul(q, k^T)`, a scalar scale (mul or div), an optional mask (an add
    that broadcasts, or a `dlg.where` with a constant condition), a softmax
    over the last axis and `matmul(., v)`, each intermediate with no other
    user, become one fusion, together with the single-use transposes and
    reshapes (head split) that produce q, k and v.
  }];
  let dependentDialects = ["::dlc::dlg::DlgDialect"];
}

def FuseContractions : Pass<"dlc-graph-fuse-contractions"> {
  let summary = "Forms contraction dlg.fusion regions: matmul/gemm/conv with epilogues";
  let description = [{
    A `dlg.matmul`, `dlg.gemm` or `dlg.conv` joins with its single-use
    epilogue chain: a bias add (broadcast along the last dim, or the
    channels for conv), activations (relu, clip, leaky_relu, sigmoid, tanh,
    gelu and GELU spelled with erf), a residual add of the output's shape,
    mul or div by a scalar constant; and with the single-use transposes and
    reshapes that produce its operands.

    ```mlir
    %m = dlg.matmul %x, %w : ...
    %b = dlg.add %m, %bias : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
    %r = dlg.relu %b : tensor<4x16xf32>
    // becomes
    %r = dlg.fusion "contraction" (%x, %w, %bias) : ... { ... }
    ```
  }];
  let dependentDialects = ["::dlc::dlg::DlgDialect"];
}

def FuseReductions : Pass<"dlc-graph-fuse-reductions"> {
  let summary = "Forms reduction dlg.fusion regions around softmax, norms and reduce ops";
  let description = [{
    A softmax, layer_norm or reduce op grows over neighbouring elementwise
    ops and reductions: producers whose users are all in the group and
    consumers whose other operands come from before it. Decomposed layer and
    RMS norms become one fusion. A group of one op is left alone.
  }];
  let dependentDialects = ["::dlc::dlg::DlgDialect"];
}

def FuseElementwiseChains : Pass<"dlc-graph-fuse-elementwise"> {
  let summary = "Forms elementwise dlg.fusion regions from connected elementwise ops";
  let description = [{
    Elementwise ops that no other fusion took are grouped into maximal
    connected DAGs (with the same growth rule as the reduction fusion); a
    group of one op is left alone.
  }];
  let dependentDialects = ["::dlc::dlg::DlgDialect"];
}

#endif // DLC_PASSES_PASSES_TD
