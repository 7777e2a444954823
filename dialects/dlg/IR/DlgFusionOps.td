//===- DlgFusionOps.td - dlg fusion regions ----------------*- tablegen -*-===//
//
// A fusion region groups the ops that one kernel computes: graph passes form
// them (passes/Fuse*.cpp), reports count them, and the lowering inlines them
// back before conversion. Included by DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGFUSIONOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGFUSIONOPS_TD

// Not Dlg_Op: the region decides the effects (a dlg.check inside makes the
// kernel effectful), so the op must not claim Pure unconditionally.
def Dlg_FusionOp : Op<Dlg_Dialect, "fusion", [IsolatedFromAbove,
    RecursiveMemoryEffects, RecursivelySpeculatable]> {
  let summary = "A group of dlg ops computed as one kernel";
  let description = [{
    The body computes the results from the block arguments, which take the
    operands in order; it is isolated from above, so a kernel is
    self-contained: everything it reads is an operand (weights included).
    `kind` names the kernel class: `elementwise`, `contraction` (matmul,
    gemm or conv with fused prologue and epilogue), `reduction` (softmax,
    normalizations, reductions with their neighbours) or `attention`. The
    location fuses the locations, hence the ONNX node names, of the members.

    ```mlir
    %r = dlg.fusion "contraction" (%x, %w, %b)
        : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
    ^bb0(%a: tensor<4x8xf32>, %c: tensor<8x16xf32>, %d: tensor<16xf32>):
      %m = dlg.matmul %a, %c : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
      %y = dlg.add %m, %d : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
      dlg.yield %y : tensor<4x16xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind ` ` `(` $inputs `)` attr-dict `:` functional-type($inputs, results)
    $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The kinds a fusion may have.
    static ::llvm::ArrayRef<::llvm::StringLiteral> getKinds();
    ::mlir::Block &getBlock() { return getBody().front(); }
    /// Inlines the body of every dlg.fusion under `root` in its place.
    static void inlineAll(::mlir::Operation *root);
  }];
}

def Dlg_YieldOp : Op<Dlg_Dialect, "yield", [Pure, Terminator,
                                             HasParent<"FusionOp">]> {
  let summary = "Returns the results of a dlg.fusion body";
  let description = [{
    ```mlir
    dlg.yield %y, %z : tensor<4xf32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // DLC_DIALECTS_DLG_IR_DLGFUSIONOPS_TD
