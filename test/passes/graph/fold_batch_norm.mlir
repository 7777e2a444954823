// RUN: dlc-opt %s --dlc-graph-fold-batch-norm --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-graph-fold-batch-norm --split-input-file --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=LOC

// Tests that batch norm folds into a conv with a bias: W' = W * s, with
// s = scale / sqrt(var + eps) = [2, 0.5], and b' = (b - mean) * s + shift.
// CHECK-LABEL: func.func @conv_bias
// CHECK-DAG: %[[W:.+]] = dlg.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}5.000000e-01]], {{\[\[}}1.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.+]] = dlg.constant dense<[3.000000e+00, 1.500000e+00]> : tensor<2xf32>
// CHECK: %[[R:.+]] = dlg.conv %{{.+}}, %[[W]], %[[B]]
// CHECK-NOT: dlg.batch_norm
// CHECK: return %[[R]]
func.func @conv_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = dlg.constant dense<[[[[1.0]], [[2.0]]], [[[1.0]], [[2.0]]]]> : tensor<2x2x1x1xf32>
  %b = dlg.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = dlg.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %t = dlg.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %m = dlg.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %v = dlg.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %c = dlg.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32> -> tensor<1x2x4x4xf32>
  %y = dlg.batch_norm %c, %s, %t, %m, %v {epsilon = 0.0 : f32} : tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests a conv without bias (the bias becomes shift - mean * s) and the
// location fusing both nodes.
// CHECK-LABEL: func.func @conv_no_bias
// CHECK-DAG: %[[W:.+]] = dlg.constant dense<2.000000e+00> : tensor<1x1x3x3xf32>
// CHECK-DAG: %[[B:.+]] = dlg.constant dense<-1.000000e+00> : tensor<1xf32>
// CHECK: dlg.conv %{{.+}}, %[[W]], %[[B]]
// LOC: loc(fused["conv1", "bn1"])
func.func @conv_no_bias(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %w = dlg.constant dense<1.0> : tensor<1x1x3x3xf32>
  %s = dlg.constant dense<2.0> : tensor<1xf32>
  %t = dlg.constant dense<1.0> : tensor<1xf32>
  %m = dlg.constant dense<1.0> : tensor<1xf32>
  %v = dlg.constant dense<1.0> : tensor<1xf32>
  %c = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32> -> tensor<1x1x3x3xf32> loc("conv1")
  %y = dlg.batch_norm %c, %s, %t, %m, %v {epsilon = 0.0 : f32} : tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32> -> tensor<1x1x3x3xf32> loc("bn1")
  return %y : tensor<1x1x3x3xf32>
}

// -----

// Tests f16 weights, rounded back to f16.
// CHECK-LABEL: func.func @conv_f16
// CHECK-DAG: dlg.constant dense<3.000000e+00> : tensor<1x1x1x1xf16>
// CHECK-DAG: dlg.constant dense<5.000000e-01> : tensor<1xf16>
// CHECK-NOT: dlg.batch_norm
func.func @conv_f16(%x: tensor<1x1x2x2xf16>) -> tensor<1x1x2x2xf16> {
  %w = dlg.constant dense<1.5> : tensor<1x1x1x1xf16>
  %s = dlg.constant dense<2.0> : tensor<1xf16>
  %t = dlg.constant dense<0.5> : tensor<1xf16>
  %m = dlg.constant dense<0.0> : tensor<1xf16>
  %v = dlg.constant dense<1.0> : tensor<1xf16>
  %c = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x2x2xf16>, tensor<1x1x1x1xf16> -> tensor<1x1x2x2xf16>
  %y = dlg.batch_norm %c, %s, %t, %m, %v {epsilon = 0.0 : f32} : tensor<1x1x2x2xf16>, tensor<1xf16>, tensor<1xf16>, tensor<1xf16>, tensor<1xf16> -> tensor<1x1x2x2xf16>
  return %y : tensor<1x1x2x2xf16>
}

// -----

// Tests that a conv with a second user keeps its batch norm.
// CHECK-LABEL: func.func @conv_two_users
// CHECK: dlg.conv
// CHECK: dlg.batch_norm
func.func @conv_two_users(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = dlg.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = dlg.constant dense<1.0> : tensor<1xf32>
  %c = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32> -> tensor<1x1x2x2xf32>
  %y = dlg.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0e-05 : f32} : tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32> -> tensor<1x1x2x2xf32>
  return %y, %c : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// Tests that parameters that are not constants are not folded.
// CHECK-LABEL: func.func @runtime_scale
// CHECK: dlg.conv
// CHECK: dlg.batch_norm
func.func @runtime_scale(%x: tensor<1x1x2x2xf32>, %s: tensor<1xf32>) -> tensor<1x1x2x2xf32> {
  %w = dlg.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = dlg.constant dense<1.0> : tensor<1xf32>
  %c = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32> -> tensor<1x1x2x2xf32>
  %y = dlg.batch_norm %c, %s, %p, %p, %p {epsilon = 1.0e-05 : f32} : tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// Tests that a non-constant weight is not folded.
// CHECK-LABEL: func.func @runtime_weight
// CHECK: dlg.batch_norm
func.func @runtime_weight(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32> {
  %p = dlg.constant dense<1.0> : tensor<1xf32>
  %c = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32> -> tensor<1x1x2x2xf32>
  %y = dlg.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0e-05 : f32} : tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// Tests a weight held as a dense_resource blob, as the importer stores
// weights: [1, 2] scaled by s = 2 per channel.
// CHECK-LABEL: func.func @resource_weight
// CHECK-DAG: %[[W:.+]] = dlg.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.+]] = dlg.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: dlg.conv %{{.+}}, %[[W]], %[[B]]
func.func @resource_weight(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = dlg.constant dense_resource<conv_w> : tensor<2x1x1x1xf32>
  %s = dlg.constant dense<2.0> : tensor<2xf32>
  %z = dlg.constant dense<0.0> : tensor<2xf32>
  %v = dlg.constant dense<1.0> : tensor<2xf32>
  %c = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32> -> tensor<1x2x2x2xf32>
  %y = dlg.batch_norm %c, %s, %z, %z, %v {epsilon = 0.0 : f32} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Tests batch norm over the columns of a matmul: W's columns are scaled by
// s = [2, 1] and the offset shift - mean * s = [1, -1] becomes a bias add.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[W:.+]] = dlg.constant dense<{{\[\[}}2.000000e+00, 2.000000e+00], [6.000000e+00, 4.000000e+00], [1.000000e+01, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-DAG: %[[B:.+]] = dlg.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[M:.+]] = dlg.matmul %{{.+}}, %[[W]]
// CHECK: %[[R:.+]] = dlg.add %[[M]], %[[B]]
// CHECK-NOT: dlg.batch_norm
// CHECK: return %[[R]]
func.func @matmul(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = dlg.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %s = dlg.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %t = dlg.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = dlg.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %v = dlg.constant dense<1.0> : tensor<2xf32>
  %0 = dlg.matmul %x, %w : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %1 = dlg.batch_norm %0, %s, %t, %m, %v {epsilon = 0.0 : f32} : tensor<4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

// -----

// Tests a gemm with trans_b (rows of B scaled) and a per-column c with
// beta = 2: c' = offset + s * beta * c = [5, 1], beta' = 1.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[W:.+]] = dlg.constant dense<{{\[\[}}2.000000e+00, 6.000000e+00, 1.000000e+01], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[C:.+]] = dlg.constant dense<[5.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[R:.+]] = dlg.gemm %{{.+}}, %[[W]], %[[C]] {alpha = 5.000000e-01 : f32, beta = 1.000000e+00 : f32, trans_a = false, trans_b = true}
// CHECK-NOT: dlg.batch_norm
// CHECK: return %[[R]]
func.func @gemm(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = dlg.constant dense<[[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]> : tensor<2x3xf32>
  %c = dlg.constant dense<1.0> : tensor<2xf32>
  %s = dlg.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %t = dlg.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = dlg.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %v = dlg.constant dense<1.0> : tensor<2xf32>
  %0 = dlg.gemm %x, %w, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = false, trans_b = true} : tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32> -> tensor<4x2xf32>
  %1 = dlg.batch_norm %0, %s, %t, %m, %v {epsilon = 0.0 : f32} : tensor<4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

// -----

// Tests that a gemm whose c varies per row, and a batch norm over dim 1 of a
// 3-D matmul (not the contracted columns), are not folded.
// CHECK-LABEL: func.func @gemm_full_c
// CHECK: dlg.gemm
// CHECK: dlg.batch_norm
func.func @gemm_full_c(%x: tensor<2x3xf32>, %c0: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = dlg.constant dense<1.0> : tensor<3x2xf32>
  %c = dlg.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %p = dlg.constant dense<1.0> : tensor<2xf32>
  %0 = dlg.gemm %x, %w, %c {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  %1 = dlg.batch_norm %0, %p, %p, %p, %p {epsilon = 1.0e-05 : f32} : tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @matmul_3d
// CHECK: dlg.matmul
// CHECK: dlg.batch_norm
func.func @matmul_3d(%x: tensor<2x4x3xf32>) -> tensor<2x4x2xf32> {
  %w = dlg.constant dense<1.0> : tensor<3x2xf32>
  %p = dlg.constant dense<1.0> : tensor<4xf32>
  %0 = dlg.matmul %x, %w : tensor<2x4x3xf32>, tensor<3x2xf32> -> tensor<2x4x2xf32>
  %1 = dlg.batch_norm %0, %p, %p, %p, %p {epsilon = 1.0e-05 : f32} : tensor<2x4x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<2x4x2xf32>
  return %1 : tensor<2x4x2xf32>
}
