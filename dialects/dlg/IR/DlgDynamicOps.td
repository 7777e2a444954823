//===- DlgDynamicOps.td - dlg ops of dynamic dims ----------*- tablegen -*-===//
//
// Sizes that are only known when the model runs: the run-time size of a
// dynamic dim, and a reshape to a shape computed at run time. Included by
// DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGDYNAMICOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGDYNAMICOPS_TD

def Dlg_DimOp : Dlg_Op<"dim", [Pure, InferTypeOpAdaptor]> {
  let summary = "The run-time size of one dim of a tensor";
  let description = [{
    The size of dim `dim` of `input` as an i64 scalar; for a dynamic dim it
    is known only when the model runs.

    ```mlir
    %n = dlg.dim %x {dim = 0 : i64} : tensor<?x4xf32> -> tensor<i64>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, I64Attr:$dim);
  let results = (outs 0DTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def Dlg_DynamicReshapeOp : Dlg_Op<"dynamic_reshape", [Pure]> {
  let summary = "Reinterprets the elements in a shape given at run time";
  let description = [{
    Reads the row-major elements of `input` in the shape held by `shape`
    (one non-negative entry per result dim, no -1 or 0 placeholders). The
    static dims of the result type must agree with `shape`, and its element
    count with the input's: frontends check both at run time (`dlg.check`)
    before the reshape reinterprets memory.

    ```mlir
    %r = dlg.dynamic_reshape %x, %shape
        : tensor<?x64xf32>, tensor<3xi64> -> tensor<?x4x16xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, 1DTensorOf<[I64]>:$shape);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $shape attr-dict `:` type($input) `,` type($shape) `->`
    type($output)
  }];
  let hasVerifier = 1;
}

def Dlg_TruncateOp : Dlg_Op<"truncate", [InferTypeOpAdaptor]> {
  let summary = "Keeps the first `size` entries along `axis`, a run-time count";
  let description = [{
    The result is `input` cut to its first `size` entries along `axis`
    (`size`, a rank-0 i64, is clamped to [0, dim]); that dim of the result
    is dynamic. Data-dependent results (NonZero) are computed at their
    static bound and truncated to the count found at run time.

    ```mlir
    %r = dlg.truncate %x, %n {axis = 1 : i64}
        : tensor<2x12xi64>, tensor<i64> -> tensor<2x?xi64>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, 0DTensorOf<[I64]>:$size,
                       I64Attr:$axis);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $size attr-dict `:` type($input) `,` type($size) `->`
    type($output)
  }];
}

#endif // DLC_DIALECTS_DLG_IR_DLGDYNAMICOPS_TD
