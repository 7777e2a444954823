//===- DlgMathOps.td - dlg math ops --------------------------------*- tablegen -*-===//
//
// dlg ops for math, logic, comparison, bitwise and activation ops. Included by DlgOps.td.
// Activations are decomposed into these and the elementwise ops of DlgOps.td
// by the frontends; only real primitives live here.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGMATHOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGMATHOPS_TD

def Dlg_IntTensor : RankedTensorOf<[AnySignlessInteger]>;
def Dlg_BoolTensor : RankedTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// Comparisons
//===----------------------------------------------------------------------===//

class Dlg_CompareOp<string mnemonic, string what, list<Trait> traits = []>
    : Dlg_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor,
                                            Dlg_BroadcastsOperands])> {
  let summary = "Elementwise `lhs " # what # " rhs` with broadcasting, as i1";
  let description = [{
    Compares each pair of elements after numpy-style broadcasting of both
    operands, which share one element type. Floats compare ordered (any
    comparison with NaN is false). Integers are signed unless `is_unsigned`
    is set.

    ```mlir
    %r = dlg.}] # mnemonic # [{ %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xi1>
    %u = dlg.}] # mnemonic # [{ %c, %d {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$lhs, Dlg_Tensor:$rhs, UnitAttr:$is_unsigned);
  let results = (outs Dlg_BoolTensor:$output);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)";
}

def Dlg_EqualOp : Dlg_CompareOp<"equal", "==", [Commutative]>;
def Dlg_LessOp : Dlg_CompareOp<"less", "<">;
def Dlg_LessEqualOp : Dlg_CompareOp<"less_equal", "<=">;
def Dlg_GreaterOp : Dlg_CompareOp<"greater", ">">;
def Dlg_GreaterEqualOp : Dlg_CompareOp<"greater_equal", ">=">;

//===----------------------------------------------------------------------===//
// Bitwise and logic (logic is bitwise on i1)
//===----------------------------------------------------------------------===//

class Dlg_IntBinaryOp<string mnemonic, list<Trait> traits = []>
    : Dlg_BinaryOp<mnemonic, traits> {
  let arguments = (ins Dlg_IntTensor:$lhs, Dlg_IntTensor:$rhs);
  let results = (outs Dlg_IntTensor:$output);
}

def Dlg_BitwiseAndOp : Dlg_IntBinaryOp<"bitwise_and", [Commutative]>;
def Dlg_BitwiseOrOp : Dlg_IntBinaryOp<"bitwise_or", [Commutative]>;
def Dlg_BitwiseXorOp : Dlg_IntBinaryOp<"bitwise_xor", [Commutative]>;
def Dlg_BitwiseNotOp : Dlg_UnaryOp<"bitwise_not", Dlg_IntTensor>;

def Dlg_ShiftLeftOp : Dlg_IntBinaryOp<"shift_left"> {
  let summary = "Elementwise `lhs << rhs` with broadcasting";
  let description = [{
    Shift amounts are unsigned; an amount of at least the bit width gives 0.

    ```mlir
    %r = dlg.shift_left %a, %b : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
    ```
  }];
}

def Dlg_ShiftRightOp : Dlg_IntBinaryOp<"shift_right"> {
  let summary = "Elementwise `lhs >> rhs` with broadcasting";
  let description = [{
    Arithmetic shift, or logical with `is_unsigned`. Shift amounts are
    unsigned; an amount of at least the bit width shifts out every bit (the
    result is 0, or -1 for a negative signed `lhs`).

    ```mlir
    %r = dlg.shift_right %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
    ```
  }];
  let arguments = (ins Dlg_IntTensor:$lhs, Dlg_IntTensor:$rhs,
                       UnitAttr:$is_unsigned);
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

def Dlg_ModOp : Dlg_BinaryOp<"mod"> {
  let summary = "Elementwise remainder with broadcasting";
  let description = [{
    With `fmod` the remainder takes the sign of `lhs` (C fmod, truncated
    division); without it, the sign of `rhs` (Python %, floored division).
    Integers are signed unless `is_unsigned` is set; an integer remainder by
    zero is 0.

    ```mlir
    %r = dlg.mod %a, %b {fmod = false} : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$lhs, Dlg_Tensor:$rhs, BoolAttr:$fmod,
                       UnitAttr:$is_unsigned);
}

def Dlg_SignOp : Dlg_UnaryOp<"sign", Dlg_Tensor> {
  let summary = "Elementwise sign: -1, 0 or 1 (NaN stays NaN)";
  let description = [{
    Integers are signed unless `is_unsigned` is set (then the result is 0 or
    1).

    ```mlir
    %r = dlg.sign %x : tensor<4xf32>
    %u = dlg.sign %i {is_unsigned} : tensor<4xi8>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, UnitAttr:$is_unsigned);
}

// Float functions that lower to one math dialect op.
def Dlg_FloorOp : Dlg_UnaryOp<"floor", Dlg_FloatTensor>;
def Dlg_CeilOp : Dlg_UnaryOp<"ceil", Dlg_FloatTensor>;
def Dlg_RoundOp : Dlg_UnaryOp<"round", Dlg_FloatTensor> {
  let summary = "Elementwise rounding to the nearest integer, halves to even";
}
def Dlg_SinOp : Dlg_UnaryOp<"sin", Dlg_FloatTensor>;
def Dlg_CosOp : Dlg_UnaryOp<"cos", Dlg_FloatTensor>;
def Dlg_TanOp : Dlg_UnaryOp<"tan", Dlg_FloatTensor>;
def Dlg_AsinOp : Dlg_UnaryOp<"asin", Dlg_FloatTensor>;
def Dlg_AcosOp : Dlg_UnaryOp<"acos", Dlg_FloatTensor>;
def Dlg_AtanOp : Dlg_UnaryOp<"atan", Dlg_FloatTensor>;
def Dlg_SinhOp : Dlg_UnaryOp<"sinh", Dlg_FloatTensor>;
def Dlg_CoshOp : Dlg_UnaryOp<"cosh", Dlg_FloatTensor>;
def Dlg_AsinhOp : Dlg_UnaryOp<"asinh", Dlg_FloatTensor>;
def Dlg_AcoshOp : Dlg_UnaryOp<"acosh", Dlg_FloatTensor>;
def Dlg_AtanhOp : Dlg_UnaryOp<"atanh", Dlg_FloatTensor>;

#endif // DLC_DIALECTS_DLG_IR_DLGMATHOPS_TD
