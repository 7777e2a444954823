//===- DlgIndexingOps.td - dlg gather and scatter ops ------*- tablegen -*-===//
//
// Indexing ops whose indices are tensors known only at run time. Shape
// construction ops (Expand, Tile, Pad, Split, ...) decompose into the ops of
// DlgOps.td in the importer. Included by DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGINDEXINGOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGINDEXINGOPS_TD


def Dlg_GatherElementsOp : Dlg_Op<"gather_elements", [InferTypeOpAdaptor]> {
  let summary = "Gathers single elements along `axis` (numpy.take_along_axis)";
  let description = [{
    `out[i0, ..., in] = data[i0, ..., indices[i0, ..., in], ..., in]` with
    the index replacing coordinate `axis`. The result has the shape of
    `indices`; every other dimension of `indices` is at most that of `data`.
    Negative indices count from the end; indices still out of range are
    clamped into the axis.

    ```mlir
    %r = dlg.gather_elements %x, %i {axis = 1 : i64}
        : tensor<3x4xf32>, tensor<3x2xi64> -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices,
                       I64Attr:$axis);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` type($data) `,` "
                       "type($indices) `->` type($output)";
}

def Dlg_GatherNDOp : Dlg_Op<"gather_nd", [InferTypeOpAdaptor]> {
  let summary = "Gathers slices addressed by index tuples (ONNX GatherND)";
  let description = [{
    The last dimension `k` of `indices` holds tuples that address the
    dimensions [batch_dims, batch_dims + k) of `data`; the first `batch_dims`
    dimensions are shared by `data` and `indices`. The result shape is
    indices.shape[:-1] + data.shape[batch_dims + k:]. Negative indices count
    from the end; indices still out of range are clamped.

    ```mlir
    %r = dlg.gather_nd %x, %i {batch_dims = 0 : i64}
        : tensor<2x2xf32>, tensor<2x2xi64> -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices,
                       I64Attr:$batch_dims);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` type($data) `,` "
                       "type($indices) `->` type($output)";
}

def Dlg_ScatterElementsOp : Dlg_Op<"scatter_elements", [InferTypeOpAdaptor]> {
  let summary = "Writes `updates` into a copy of `data` at per-element indices";
  let description = [{
    For every position p of `updates` (and `indices`, which has the same
    shape), the result element at p with coordinate `axis` replaced by
    `indices[p]` becomes `updates[p]` (`reduction = "none"`) or is combined
    with it by `add`, `mul`, `max` or `min`. Updates apply in row-major
    order, so with `none` the last duplicate wins. Negative indices count
    from the end; indices still out of range are clamped.

    ```mlir
    %r = dlg.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "add"}
        : tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32> -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices,
                       Dlg_Tensor:$updates, I64Attr:$axis,
                       StrAttr:$reduction);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` "
                       "type($data) `,` type($indices) `,` type($updates) "
                       "`->` type($output)";
}

def Dlg_ScatterNDOp : Dlg_Op<"scatter_nd", [InferTypeOpAdaptor]> {
  let summary = "Writes slices of `updates` into a copy of `data` at index tuples";
  let description = [{
    The last dimension `k` of `indices` holds tuples addressing the first k
    dimensions of `data`; `updates` has the shape
    indices.shape[:-1] + data.shape[k:]. Each addressed slice is replaced
    (`reduction = "none"`) or combined by `add`, `mul`, `max` or `min`, in
    row-major order of the tuples. Negative indices count from the end;
    indices still out of range are clamped.

    ```mlir
    %r = dlg.scatter_nd %x, %i, %u {reduction = "none"}
        : tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32> -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices,
                       Dlg_Tensor:$updates, StrAttr:$reduction);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` "
                       "type($data) `,` type($indices) `,` type($updates) "
                       "`->` type($output)";
}

#endif // DLC_DIALECTS_DLG_IR_DLGINDEXINGOPS_TD
