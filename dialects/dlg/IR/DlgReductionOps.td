//===- DlgReductionOps.td - dlg reductions ops ---------------*- tablegen -*-===//
//
// dlg ops for reductions, arg-reductions, scans, top-k and the softmax and
// pooling variants that need their own lowering. Included by DlgOps.td.
// Reductions that are compositions (L1, L2, log-sum-exp, ...) and the
// normalizations are decomposed by the importer instead.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGREDUCTIONOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGREDUCTIONOPS_TD

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Dlg_ReduceMinOp : Dlg_ReduceOp<"reduce_min", "taking the minimum">;
def Dlg_ReduceProdOp : Dlg_ReduceOp<"reduce_prod", "multiplying">;

class Dlg_ArgReduceOp<string mnemonic, string what>
    : Dlg_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "Index of the " # what # " element along `axis`";
  let description = [{
    Returns, as i64, the position along `axis` of the }] # what # [{
    element: the first one among equal candidates, or the last one with
    `select_last_index`. `keepdims` keeps `axis` as a size-1 dimension.
    Integers are signed unless `is_unsigned` is set.

    ```mlir
    %r = dlg.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = true,
                             select_last_index = false}
        : tensor<2x8xf32> -> tensor<2x1xi64>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, I64Attr:$axis, BoolAttr:$keepdims,
                       BoolAttr:$select_last_index, UnitAttr:$is_unsigned);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_ArgMaxOp : Dlg_ArgReduceOp<"arg_max", "largest">;
def Dlg_ArgMinOp : Dlg_ArgReduceOp<"arg_min", "smallest">;

//===----------------------------------------------------------------------===//
// Softmax variants
//===----------------------------------------------------------------------===//

def Dlg_HardmaxOp : Dlg_Op<"hardmax", [SameOperandsAndResultType]> {
  let summary = "One-hot of the first largest element along `axis`";
  let description = [{
    The result is 1 at the first position of the maximum along `axis` and 0
    elsewhere.

    ```mlir
    %r = dlg.hardmax %x {axis = -1 : i64} : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, I64Attr:$axis);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Scans and selection
//===----------------------------------------------------------------------===//

class Dlg_ScanOp<string mnemonic, string what>
    : Dlg_Op<mnemonic, [SameOperandsAndResultType]> {
  let summary = "Cumulative " # what # " along `axis`";
  let description = [{
    Element i of `axis` combines elements 0..i (`exclusive`: 0..i-1, the
    first being the identity); `reverse` scans from the end instead.

    ```mlir
    %r = dlg.}] # mnemonic # [{ %x {axis = 1 : i64, exclusive = false, reverse = true}
        : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Dlg_CumSumOp : Dlg_ScanOp<"cum_sum", "sum">;
def Dlg_CumProdOp : Dlg_ScanOp<"cum_prod", "product">;

def Dlg_TopKOp : Dlg_Op<"top_k", [InferTypeOpAdaptor]> {
  let summary = "The `k` largest (or smallest) elements along `axis`, sorted";
  let description = [{
    Returns the values and their i64 positions along `axis`, best first;
    among equal values the lower position comes first. Integers are signed
    unless `is_unsigned` is set.

    ```mlir
    %v, %i = dlg.top_k %x {k = 3 : i64, axis = -1 : i64, largest = true}
        : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, I64Attr:$k, I64Attr:$axis,
                       BoolAttr:$largest, UnitAttr:$is_unsigned);
  let results = (outs Dlg_Tensor:$values, RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($values) "
                       "`,` type($indices)";
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Dlg_LpPoolOp : Dlg_PoolOp<"lp_pool"> {
  let summary = "N-D Lp pooling: (sum over the window of |x|^p)^(1/p)";
  let description = [{
    Padded positions count as 0. `pads` lists begin paddings, then end
    paddings.

    ```mlir
    %r = dlg.lp_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                         pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                         ceil_mode = false, p = 2 : i64}
        : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode,
                       I64Attr:$p);
  let hasVerifier = 1;
}

def Dlg_MaxPoolIndicesOp : Dlg_Op<"max_pool_indices", [InferTypeOpAdaptor]> {
  let summary = "Row-major flat input index of each max pooling result";
  let description = [{
    For every window of the matching `dlg.max_pool`, the flat index into the
    NC[D]HW input (counting the batch and channel dimensions) of the first
    largest element. Padded positions never win. With `column_major` the
    spatial dimensions count in column-major order (the first varies
    fastest), as with ONNX's storage_order = 1.

    ```mlir
    %i = dlg.max_pool_indices %x {kernel_shape = array<i64: 2, 2>,
                                  strides = array<i64: 2, 2>,
                                  pads = array<i64: 0, 0, 0, 0>,
                                  dilations = array<i64: 1, 1>, ceil_mode = false,
                                  column_major = false}
        : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xi64>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode,
                       BoolAttr:$column_major);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

#endif // DLC_DIALECTS_DLG_IR_DLGREDUCTIONOPS_TD
