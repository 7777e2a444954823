//===- DlgOps.td - dlg dialect operations ------------------*- tablegen -*-===//
//
// Operations of the dlg dialect. Every op infers its result type
// (InferTypeOpAdaptor); the inference functions in DlgShapeInference.cpp emit
// the verifier diagnostics, so a bad shape reports the numbers involved.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGOPS_TD

include "dialects/dlg/IR/DlgDialect.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Dlg_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dlg_Dialect, mnemonic, !listconcat(traits, [Pure])>;

/// Operands broadcast to the result shape with numpy rules.
def Dlg_BroadcastsOperands : NativeOpTrait<"DlgBroadcastsOperands">;

def Dlg_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Dlg_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger]>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Dlg_ConstantOp : Dlg_Op<"constant", [ConstantLike,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "A constant tensor (weights, shapes, scalars)";
  let description = [{
    Materializes a constant tensor. Weights imported from a model are held as
    `dense_resource` blobs so that they are never copied element by element.

    ```mlir
    %w = dlg.constant dense_resource<conv1.weight> : tensor<16x3x3x3xf32>
    %s = dlg.constant dense<[1, 2]> : tensor<2xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Dlg_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Dlg_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor,
                                            Dlg_BroadcastsOperands])> {
  let summary = "Elementwise `" # mnemonic # "` with numpy-style broadcasting";
  let description = [{
    Applies `}] # mnemonic # [{` to each pair of elements after broadcasting
    both operands to a common shape (numpy rules: dimensions are aligned from
    the right; a dimension of size 1 stretches).

    ```mlir
    %r = dlg.}] # mnemonic # [{ %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$lhs, Dlg_Tensor:$rhs);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferBroadcastType(loc, {adaptor.getLhs(), adaptor.getRhs()},
                                /*elementType=*/nullptr, types);
    }
  }];
}

def Dlg_AddOp : Dlg_BinaryOp<"add", [Commutative]>;
def Dlg_SubOp : Dlg_BinaryOp<"sub">;
def Dlg_MulOp : Dlg_BinaryOp<"mul", [Commutative]>;
def Dlg_PowOp : Dlg_BinaryOp<"pow">;

// Tensors are signless like arith: ops whose integer semantics depend on the
// sign carry `is_unsigned` (ignored for floats).
class Dlg_SignedBinaryOp<string mnemonic, list<Trait> traits = []>
    : Dlg_BinaryOp<mnemonic, traits> {
  let description = [{
    Applies `}] # mnemonic # [{` to each pair of elements after broadcasting
    both operands to a common shape (numpy rules). Integers are signed unless
    `is_unsigned` is set.

    ```mlir
    %r = dlg.}] # mnemonic # [{ %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$lhs, Dlg_Tensor:$rhs, UnitAttr:$is_unsigned);
}

def Dlg_DivOp : Dlg_SignedBinaryOp<"div">;
def Dlg_MaxOp : Dlg_SignedBinaryOp<"max", [Commutative]>;
def Dlg_MinOp : Dlg_SignedBinaryOp<"min", [Commutative]>;

class Dlg_UnaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : Dlg_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let summary = "Elementwise `" # mnemonic # "`";
  let description = [{
    Applies `}] # mnemonic # [{` to every element.

    ```mlir
    %r = dlg.}] # mnemonic # [{ %x : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins type:$input);
  let results = (outs type:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dlg_ReluOp : Dlg_UnaryOp<"relu", Dlg_Tensor>;
def Dlg_SigmoidOp : Dlg_UnaryOp<"sigmoid", Dlg_FloatTensor>;
def Dlg_TanhOp : Dlg_UnaryOp<"tanh", Dlg_FloatTensor>;
def Dlg_ErfOp : Dlg_UnaryOp<"erf", Dlg_FloatTensor>;
def Dlg_ExpOp : Dlg_UnaryOp<"exp", Dlg_FloatTensor>;
def Dlg_LogOp : Dlg_UnaryOp<"log", Dlg_FloatTensor>;
def Dlg_SqrtOp : Dlg_UnaryOp<"sqrt", Dlg_FloatTensor>;
def Dlg_NegOp : Dlg_UnaryOp<"neg", Dlg_Tensor>;
def Dlg_AbsOp : Dlg_UnaryOp<"abs", Dlg_Tensor>;

def Dlg_LeakyReluOp : Dlg_UnaryOp<"leaky_relu", Dlg_FloatTensor> {
  let summary = "Elementwise leaky ReLU: x < 0 ? alpha * x : x";
  let description = [{
    ```mlir
    %r = dlg.leaky_relu %x {alpha = 0.01 : f32} : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input, F32Attr:$alpha);
}

def Dlg_GeluOp : Dlg_UnaryOp<"gelu", Dlg_FloatTensor> {
  let summary = "Elementwise GELU, exact (erf) or tanh-approximated";
  let description = [{
    `approximate = false` computes 0.5 x (1 + erf(x / sqrt(2))); `true` uses
    the tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    ```mlir
    %r = dlg.gelu %x {approximate = false} : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input, BoolAttr:$approximate);
}

def Dlg_ClipOp : Dlg_UnaryOp<"clip", Dlg_Tensor> {
  let summary = "Elementwise clamp to [min, max]";
  let description = [{
    Either bound may be absent. Bounds are stored as f64 and converted
    (saturating) to the element type. As in ONNX, min > max yields max.

    ```mlir
    %r = dlg.clip %x {min = 0.0, max = 6.0} : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max, UnitAttr:$is_unsigned);
}

def Dlg_CastOp : Dlg_Op<"cast", [InferTypeOpAdaptor]> {
  let summary = "Elementwise conversion to another element type";
  let description = [{
    Converts every element to `to`. Float to integer truncates toward zero;
    conversion to i1 tests for non-zero. Integers are signed unless
    `from_unsigned` (source) or `to_unsigned` (result) says otherwise; they
    are zero-extended or converted with uitofp / fptoui accordingly.
    `saturate` (default true) clamps out-of-range values when converting to a
    float8 type; otherwise they become NaN (or infinity where the type has
    one).

    ```mlir
    %r = dlg.cast %x {to = i64} : tensor<4xf32> -> tensor<4xi64>
    %u = dlg.cast %y {to = f32, from_unsigned} : tensor<4xi8> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, TypeAttr:$to,
                       UnitAttr:$from_unsigned, UnitAttr:$to_unsigned,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_WhereOp : Dlg_Op<"where", [InferTypeOpAdaptor,
                                   Dlg_BroadcastsOperands]> {
  let summary = "Elementwise select with broadcasting";
  let description = [{
    `condition ? x : y` after broadcasting all three operands.

    ```mlir
    %r = dlg.where %c, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<1xf32> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, Dlg_Tensor:$x,
                       Dlg_Tensor:$y);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$condition `,` $x `,` $y attr-dict `:` type($condition) "
                       "`,` type($x) `,` type($y) `->` type($output)";
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Dlg_MatMulOp : Dlg_Op<"matmul", [InferTypeOpAdaptor]> {
  let summary = "Batched matrix product with numpy broadcasting";
  let description = [{
    numpy.matmul semantics: rank-1 operands are promoted to matrices and the
    added dimension removed from the result; batch dimensions broadcast.

    ```mlir
    %r = dlg.matmul %a, %b : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<2x4x16xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$lhs, Dlg_Tensor:$rhs);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)";
}

def Dlg_MatMulIntegerOp : Dlg_Op<"matmul_integer", [InferTypeOpAdaptor]> {
  let summary = "Batched product of 8-bit integers with 32-bit sums";
  let description = [{
    numpy.matmul of 8-bit integers, each operand sign-extended, or
    zero-extended when marked unsigned, with i32 sums that wrap around: ONNX
    MatMulInteger's product before its zero points are subtracted.

    ```mlir
    %r = dlg.matmul_integer %a, %b {lhs_unsigned}
        : tensor<4x64xi8>, tensor<64x16xi8> -> tensor<4x16xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$lhs, RankedTensorOf<[I8]>:$rhs,
                       UnitAttr:$lhs_unsigned, UnitAttr:$rhs_unsigned);
  let results = (outs RankedTensorOf<[I32]>:$output);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)";
}

def Dlg_GemmOp : Dlg_Op<"gemm", [InferTypeOpAdaptor]> {
  let summary = "General matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    `op(X)` is X or its transpose per `trans_a` / `trans_b`. The optional `c`
    broadcasts to the [M, N] result.

    ```mlir
    %r = dlg.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32,
                              trans_a = false, trans_b = true}
        : tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32> -> tensor<4x16xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$a, Dlg_FloatTensor:$b,
                       Optional<Dlg_FloatTensor>:$c, F32Attr:$alpha,
                       F32Attr:$beta, BoolAttr:$trans_a, BoolAttr:$trans_b);
  let results = (outs Dlg_FloatTensor:$output);
  let assemblyFormat = "$a `,` $b (`,` $c^)? attr-dict `:` type($a) `,` type($b) "
                       "(`,` type($c)^)? `->` type($output)";
}

def Dlg_ConvOp : Dlg_Op<"conv", [InferTypeOpAdaptor]> {
  let summary = "N-D grouped convolution (NC[D]HW input, F C/group K... weight)";
  let description = [{
    1-D, 2-D and 3-D cross-correlation. `pads` lists the begin paddings of
    every spatial dimension, then the end paddings. The optional bias has one
    value per output channel.

    ```mlir
    %r = dlg.conv %x, %w, %b {strides = array<i64: 1, 1>,
                              pads = array<i64: 1, 1, 1, 1>,
                              dilations = array<i64: 1, 1>, group = 1 : i64}
        : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>
        -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input, Dlg_FloatTensor:$weight,
                       Optional<Dlg_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$group);
  let results = (outs Dlg_FloatTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` "
                       "type($input) `,` type($weight) (`,` type($bias)^)? "
                       "`->` type($output)";
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

class Dlg_PoolOp<string mnemonic> : Dlg_Op<mnemonic, [InferTypeOpAdaptor]> {
  let arguments = (ins Dlg_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode);
  let results = (outs Dlg_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferPoolType(loc, adaptor.getInput(), adaptor.getKernelShape(),
                           adaptor.getStrides(), adaptor.getPads(),
                           adaptor.getDilations(), adaptor.getCeilMode(),
                           types);
    }
  }];
}

def Dlg_MaxPoolOp : Dlg_PoolOp<"max_pool"> {
  let summary = "N-D max pooling over the spatial dimensions of NC[D]HW data";
  let description = [{
    Padded positions never win. `pads` lists begin paddings, then end paddings.
    Integer elements are signed unless `is_unsigned` is set.

    ```mlir
    %r = dlg.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          ceil_mode = false} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode,
                       UnitAttr:$is_unsigned);
  let results = (outs Dlg_Tensor:$output);
}

def Dlg_AvgPoolOp : Dlg_PoolOp<"avg_pool"> {
  let summary = "N-D average pooling over the spatial dimensions of NC[D]HW data";
  let description = [{
    With `count_include_pad = false` the divisor is the number of non-padded
    positions in each window.

    ```mlir
    %r = dlg.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                          pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
                          ceil_mode = false, count_include_pad = false}
        : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode,
                       BoolAttr:$count_include_pad);
}

def Dlg_GlobalAvgPoolOp : Dlg_Op<"global_avg_pool", [InferTypeOpAdaptor]> {
  let summary = "Mean over all spatial dimensions, kept as size 1";
  let description = [{
    ```mlir
    %r = dlg.global_avg_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input);
  let results = (outs Dlg_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_BatchNormOp : Dlg_Op<"batch_norm", [InferTypeOpAdaptor]> {
  let summary = "Inference-mode batch normalization over channel dimension 1";
  let description = [{
    y = scale * (x - mean) / sqrt(variance + epsilon) + bias, with the 1-D
    parameters broadcast along dimension 1.

    ```mlir
    %r = dlg.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
          tensor<16xf32> -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input, Dlg_FloatTensor:$scale,
                       Dlg_FloatTensor:$bias, Dlg_FloatTensor:$mean,
                       Dlg_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Dlg_FloatTensor:$output);
  let assemblyFormat = "$input `,` $scale `,` $bias `,` $mean `,` $variance "
                       "attr-dict `:` type(operands) `->` type($output)";
}

def Dlg_LayerNormOp : Dlg_Op<"layer_norm", [InferTypeOpAdaptor]> {
  let summary = "Layer normalization over the dimensions from `axis` on";
  let description = [{
    Normalizes over dimensions [axis, rank) and applies `scale` and optional
    `bias`, which broadcast to those dimensions.

    ```mlir
    %r = dlg.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.0e-05 : f32}
        : tensor<2x8x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<2x8x32xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input, Dlg_FloatTensor:$scale,
                       Optional<Dlg_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Dlg_FloatTensor:$output);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` "
                       "type($input) `,` type($scale) (`,` type($bias)^)? "
                       "`->` type($output)";
}

def Dlg_SoftmaxOp : Dlg_Op<"softmax", [SameOperandsAndResultType]> {
  let summary = "Softmax along one axis";
  let description = [{
    Computed stably as exp(x - max) / sum(exp(x - max)) along `axis`.

    ```mlir
    %r = dlg.softmax %x {axis = -1 : i64} : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Dlg_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Dlg_ReduceOp<string mnemonic, string what>
    : Dlg_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "Reduces `axes` by " # what;
  let description = [{
    Reduces the listed axes (negative values count from the end; every axis
    at most once). `keepdims` keeps them as size-1 dimensions. Integers are
    signed unless `is_unsigned` is set.

    ```mlir
    %r = dlg.}] # mnemonic # [{ %x {axes = array<i64: 1>, keepdims = true}
        : tensor<2x8xf32> -> tensor<2x1xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, DenseI64ArrayAttr:$axes,
                       BoolAttr:$keepdims, UnitAttr:$is_unsigned);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferReduceType(loc, adaptor.getInput(), adaptor.getAxes(),
                             adaptor.getKeepdims(), types);
    }
  }];
}

def Dlg_ReduceSumOp : Dlg_ReduceOp<"reduce_sum", "summing">;
def Dlg_ReduceMeanOp : Dlg_ReduceOp<"reduce_mean", "averaging">;
def Dlg_ReduceMaxOp : Dlg_ReduceOp<"reduce_max", "taking the maximum">;

//===----------------------------------------------------------------------===//
// Shape manipulation and indexing
//===----------------------------------------------------------------------===//

def Dlg_ReshapeOp : Dlg_Op<"reshape", [InferTypeOpAdaptor]> {
  let summary = "Reinterprets the elements in a new static shape";
  let description = [{
    ```mlir
    %r = dlg.reshape %x {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def Dlg_FlattenOp : Dlg_Op<"flatten", [InferTypeOpAdaptor]> {
  let summary = "Collapses to 2-D: dims [0, axis) and [axis, rank)";
  let description = [{
    ```mlir
    %r = dlg.flatten %x {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, I64Attr:$axis);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_SqueezeOp : Dlg_Op<"squeeze", [InferTypeOpAdaptor]> {
  let summary = "Removes size-1 dimensions (all of them when `axes` is empty)";
  let description = [{
    ```mlir
    %r = dlg.squeeze %x {axes = array<i64: 0>} : tensor<1x3xf32> -> tensor<3xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_UnsqueezeOp : Dlg_Op<"unsqueeze", [InferTypeOpAdaptor]> {
  let summary = "Inserts size-1 dimensions at `axes` of the result";
  let description = [{
    ```mlir
    %r = dlg.unsqueeze %x {axes = array<i64: 0, 2>} : tensor<3xf32> -> tensor<1x3x1xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_TransposeOp : Dlg_Op<"transpose", [InferTypeOpAdaptor]> {
  let summary = "Permutes dimensions: result dim i is input dim perm[i]";
  let description = [{
    ```mlir
    %r = dlg.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def Dlg_ConcatOp : Dlg_Op<"concat", [InferTypeOpAdaptor]> {
  let summary = "Concatenates tensors along `axis`";
  let description = [{
    ```mlir
    %r = dlg.concat %a, %b {axis = 0 : i64} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<6x3xf32>
    ```
  }];
  let arguments = (ins Variadic<Dlg_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` type($inputs) `->` type($output)";
}

def Dlg_SliceOp : Dlg_Op<"slice", [InferTypeOpAdaptor]> {
  let summary = "Strided slice with a start, size and (possibly negative) step per dim";
  let description = [{
    Result element i of dimension d reads input index starts[d] + i * steps[d].
    Frontends normalize their slicing conventions (clamping, negative indices)
    into these per-dimension values.

    ```mlir
    %r = dlg.slice %x {starts = array<i64: 0, 7>, sizes = array<i64: 2, 4>,
                       steps = array<i64: 1, -2>} : tensor<2x8xf32> -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$steps);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_GatherOp : Dlg_Op<"gather", [InferTypeOpAdaptor]> {
  let summary = "Gathers slices along `axis` at integer indices";
  let description = [{
    numpy.take semantics; negative indices count from the end of `axis`.
    The result shape is data[:axis] + indices + data[axis+1:].

    ```mlir
    %r = dlg.gather %emb, %ids {axis = 0 : i64}
        : tensor<100x32xf32>, tensor<2x8xi64> -> tensor<2x8x32xf32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$data,
                       RankedTensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` type($data) `,` "
                       "type($indices) `->` type($output)";
}

//===----------------------------------------------------------------------===//
// Run-time checks
//===----------------------------------------------------------------------===//

def Dlg_CheckOp : Op<Dlg_Dialect, "check", [MemoryEffects<[MemWrite]>]> {
  let summary = "Fails the model run when a run-time condition does not hold";
  let description = [{
    Checks, when the model runs, a condition that compile-time shapes rely
    on: for example that a `shape` argument that is a graph input gives the
    output shape the model declares. When `condition` is false the run
    returns an error carrying `message`; the computation itself must stay
    memory-safe either way, so kernels that read run-time indices clamp them.

    ```mlir
    dlg.check %ok, "node 'Reshape_0' (Reshape): the run-time 'shape' does not match the declared shape 2x3" : tensor<i1>
    ```
  }];
  let arguments = (ins 0DTensorOf<[I1]>:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict `:` type($condition)";
  let hasCanonicalizeMethod = 1;
}

include "dialects/dlg/IR/DlgMathOps.td"
include "dialects/dlg/IR/DlgReductionOps.td"
include "dialects/dlg/IR/DlgIndexingOps.td"
include "dialects/dlg/IR/DlgSequenceOps.td"
include "dialects/dlg/IR/DlgExtraOps.td"
include "dialects/dlg/IR/DlgDynamicOps.td"
include "dialects/dlg/IR/DlgFusionOps.td"

#endif // DLC_DIALECTS_DLG_IR_DLGOPS_TD
