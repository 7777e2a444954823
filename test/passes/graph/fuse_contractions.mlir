// RUN: dlc-opt %s --dlc-graph-fuse-contractions --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-graph-fuse-contractions --split-input-file --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=LOC

// Tests matmul + bias + relu as one kernel whose location names the nodes.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x8xf32>, %[[W:[^:]+]]: tensor<8x16xf32>, %[[B:[^:]+]]: tensor<16xf32>
// CHECK: %[[R:.+]] = dlg.fusion "contraction" (%[[X]], %[[W]], %[[B]]) : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
// CHECK-NEXT: ^bb0(%[[A0:.+]]: tensor<4x8xf32>, %[[A1:.+]]: tensor<8x16xf32>, %[[A2:.+]]: tensor<16xf32>):
// CHECK-NEXT: %[[M:.+]] = dlg.matmul %[[A0]], %[[A1]]
// CHECK-NEXT: %[[S:.+]] = dlg.add %[[M]], %[[A2]]
// CHECK-NEXT: %[[Y:.+]] = dlg.relu %[[S]]
// CHECK-NEXT: dlg.yield %[[Y]] : tensor<4x16xf32>
// CHECK-NEXT: }
// CHECK: return %[[R]]
// LOC: loc(fused["mm", "bias", "relu"])
func.func @matmul_bias_relu(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = dlg.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32> loc("mm")
  %1 = dlg.add %0, %b : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32> loc("bias")
  %2 = dlg.relu %1 : tensor<4x16xf32> loc("relu")
  return %2 : tensor<4x16xf32>
}

// -----

// Tests conv + channel bias [C,1,1] + residual add + clip, and a scalar scale.
// CHECK-LABEL: func.func @conv_epilogue
// CHECK: %[[R:.+]] = dlg.fusion "contraction"
// CHECK: dlg.conv
// CHECK-NEXT: dlg.add
// CHECK-NEXT: dlg.add
// CHECK-NEXT: dlg.clip
// CHECK-NEXT: dlg.mul
// CHECK-NEXT: dlg.yield
// CHECK: return %[[R]]
func.func @conv_epilogue(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16x1x1xf32>, %res: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %s = dlg.constant dense<0.5> : tensor<f32>
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32> -> tensor<1x16x8x8xf32>
  %1 = dlg.add %0, %b : tensor<1x16x8x8xf32>, tensor<16x1x1xf32> -> tensor<1x16x8x8xf32>
  %2 = dlg.add %res, %1 : tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  %3 = dlg.clip %2 {min = 0.0, max = 6.0} : tensor<1x16x8x8xf32>
  %4 = dlg.mul %3, %s : tensor<1x16x8x8xf32>, tensor<f32> -> tensor<1x16x8x8xf32>
  return %4 : tensor<1x16x8x8xf32>
}

// -----

// Tests that single-use transposes and reshapes of the operands join (the
// layout is folded into the kernel), with dynamic shapes and a scalar div.
// CHECK-LABEL: func.func @layout_prologue
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x8xf32>, %[[W:[^:]+]]: tensor<4x16x2xf32>
// CHECK: dlg.fusion "contraction" (%[[W]], %[[X]], %{{.+}})
// CHECK: dlg.reshape
// CHECK-NEXT: dlg.transpose
// CHECK-NEXT: dlg.matmul
// CHECK-NEXT: dlg.div
// CHECK-NEXT: dlg.yield
func.func @layout_prologue(%x: tensor<?x8xf32>, %w: tensor<4x16x2xf32>) -> tensor<?x16xf32> {
  %c = dlg.constant dense<8.0> : tensor<1xf32>
  %0 = dlg.reshape %w {shape = array<i64: 16, 8>} : tensor<4x16x2xf32> -> tensor<16x8xf32>
  %1 = dlg.transpose %0 {perm = array<i64: 1, 0>} : tensor<16x8xf32> -> tensor<8x16xf32>
  %2 = dlg.matmul %x, %1 : tensor<?x8xf32>, tensor<8x16xf32> -> tensor<?x16xf32>
  %3 = dlg.div %2, %c : tensor<?x16xf32>, tensor<1xf32> -> tensor<?x16xf32>
  return %3 : tensor<?x16xf32>
}

// -----

// Tests GELU spelled with erf after gemm: x * (1 + erf(x / sqrt2)) * 0.5.
// CHECK-LABEL: func.func @gemm_erf_gelu
// CHECK: %[[R:.+]] = dlg.fusion "contraction"
// CHECK: dlg.gemm
// CHECK: dlg.div
// CHECK: dlg.erf
// CHECK: dlg.add
// CHECK: dlg.mul
// CHECK: dlg.mul
// CHECK-NEXT: dlg.yield
// CHECK: return %[[R]]
func.func @gemm_erf_gelu(%a: tensor<4x8xf32>, %b: tensor<16x8xf32>, %c: tensor<16xf32>) -> tensor<4x16xf32> {
  %sqrt2 = dlg.constant dense<1.41421354> : tensor<f32>
  %one = dlg.constant dense<1.0> : tensor<f32>
  %half = dlg.constant dense<0.5> : tensor<f32>
  %0 = dlg.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32> -> tensor<4x16xf32>
  %1 = dlg.div %0, %sqrt2 : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %2 = dlg.erf %1 : tensor<4x16xf32>
  %3 = dlg.add %2, %one : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %4 = dlg.mul %0, %3 : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
  %5 = dlg.mul %4, %half : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  return %5 : tensor<4x16xf32>
}

// -----

// Tests that the chain stops at an intermediate with a second user: the
// matmul and bias fuse, the relu stays outside.
// CHECK-LABEL: func.func @second_user
// CHECK: %[[F:.+]] = dlg.fusion "contraction"
// CHECK: dlg.matmul
// CHECK-NEXT: dlg.add
// CHECK-NEXT: dlg.yield
// CHECK: %[[R:.+]] = dlg.relu %[[F]]
// CHECK: return %[[R]], %[[F]]
func.func @second_user(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %0 = dlg.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %1 = dlg.add %0, %b : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
  %2 = dlg.relu %1 : tensor<4x16xf32>
  return %2, %1 : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Tests that nothing fuses when the matmul result itself has two users, and
// that a transpose with a second user stays outside.
// CHECK-LABEL: func.func @shared_result
// CHECK-NOT: dlg.fusion
// CHECK: dlg.transpose
// CHECK: dlg.matmul
// CHECK: dlg.relu
// CHECK: dlg.sigmoid
func.func @shared_result(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<8x16xf32>) {
  %t = dlg.transpose %w {perm = array<i64: 1, 0>} : tensor<16x8xf32> -> tensor<8x16xf32>
  %0 = dlg.matmul %x, %t : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %1 = dlg.relu %0 : tensor<4x16xf32>
  %2 = dlg.sigmoid %0 : tensor<4x16xf32>
  return %1, %2, %t : tensor<4x16xf32>, tensor<4x16xf32>, tensor<8x16xf32>
}

// -----

// Tests that a bias along the wrong dim ([4,1] on a [4,16] matmul) and a
// non-scalar scale do not fuse.
// CHECK-LABEL: func.func @wrong_bias
// CHECK-NOT: dlg.fusion
// CHECK: dlg.matmul
// CHECK: dlg.add
func.func @wrong_bias(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<4x1xf32>) -> tensor<4x16xf32> {
  %0 = dlg.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %1 = dlg.add %0, %b : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @vector_scale
// CHECK-NOT: dlg.fusion
// CHECK: dlg.mul
func.func @vector_scale(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %s = dlg.constant dense<[1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0]> : tensor<16xf32>
  %0 = dlg.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %1 = dlg.mul %0, %s : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}

// -----

// Tests that a conv bias broadcast along the last dim ([16] on NCHW) does
// not fuse, and that an add that grows the result does not either.
// CHECK-LABEL: func.func @conv_wrong_bias
// CHECK-NOT: dlg.fusion
func.func @conv_wrong_bias(%x: tensor<1x16x16x16xf32>, %w: tensor<16x16x1x1xf32>, %b: tensor<16xf32>, %big: tensor<2x1x16x16x16xf32>) -> (tensor<1x16x16x16xf32>, tensor<2x1x16x16x16xf32>) {
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x16x16x16xf32>, tensor<16x16x1x1xf32> -> tensor<1x16x16x16xf32>
  %1 = dlg.add %0, %b : tensor<1x16x16x16xf32>, tensor<16xf32> -> tensor<1x16x16x16xf32>
  %2 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x16x16x16xf32>, tensor<16x16x1x1xf32> -> tensor<1x16x16x16xf32>
  %3 = dlg.add %2, %big : tensor<1x16x16x16xf32>, tensor<2x1x16x16x16xf32> -> tensor<2x1x16x16x16xf32>
  return %1, %3 : tensor<1x16x16x16xf32>, tensor<2x1x16x16x16xf32>
}
