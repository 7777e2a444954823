// RUN: dlc-opt %s --dlc-graph-fuse-attention --split-input-file | FileCheck %s

// Tests BERT's attention: MatMul(Q, Transpose(K)) / 8 + mask -> Softmax ->
// MatMul V, with the head split of q and the transposes of q, k and v
// inside the kernel.
// CHECK-LABEL: func.func @bert
// CHECK-SAME: %[[Q:[^:]+]]: tensor<2x16x32xf32>, %[[K:[^:]+]]: tensor<2x16x4x8xf32>, %[[V:[^:]+]]: tensor<2x16x4x8xf32>, %[[M:[^:]+]]: tensor<2x1x1x16xf32>
// CHECK: %[[R:.+]] = dlg.fusion "attention" (%[[Q]], %[[K]], %[[V]], %{{.+}}, %[[M]]) : (tensor<2x16x32xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<f32>, tensor<2x1x1x16xf32>) -> tensor<2x4x16x8xf32> {
// CHECK: dlg.reshape
// CHECK-NEXT: dlg.transpose
// CHECK-NEXT: dlg.transpose
// CHECK-NEXT: dlg.transpose
// CHECK-NEXT: dlg.matmul
// CHECK-NEXT: dlg.div
// CHECK-NEXT: dlg.add
// CHECK-NEXT: dlg.softmax
// CHECK-NEXT: dlg.matmul
// CHECK-NEXT: dlg.yield
// CHECK: return %[[R]]
func.func @bert(%q0: tensor<2x16x32xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>, %mask: tensor<2x1x1x16xf32>) -> tensor<2x4x16x8xf32> {
  %c8 = dlg.constant dense<8.0> : tensor<f32>
  %q = dlg.reshape %q0 {shape = array<i64: 2, 16, 4, 8>} : tensor<2x16x32xf32> -> tensor<2x16x4x8xf32>
  %qt = dlg.transpose %q {perm = array<i64: 0, 2, 1, 3>} : tensor<2x16x4x8xf32> -> tensor<2x4x16x8xf32>
  %kt = dlg.transpose %k {perm = array<i64: 0, 2, 3, 1>} : tensor<2x16x4x8xf32> -> tensor<2x4x8x16xf32>
  %vt = dlg.transpose %v {perm = array<i64: 0, 2, 1, 3>} : tensor<2x16x4x8xf32> -> tensor<2x4x16x8xf32>
  %s = dlg.matmul %qt, %kt : tensor<2x4x16x8xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x16x16xf32>
  %d = dlg.div %s, %c8 : tensor<2x4x16x16xf32>, tensor<f32> -> tensor<2x4x16x16xf32>
  %a = dlg.add %d, %mask : tensor<2x4x16x16xf32>, tensor<2x1x1x16xf32> -> tensor<2x4x16x16xf32>
  %p = dlg.softmax %a {axis = -1 : i64} : tensor<2x4x16x16xf32>
  %o = dlg.matmul %p, %vt : tensor<2x4x16x16xf32>, tensor<2x4x16x8xf32> -> tensor<2x4x16x8xf32>
  return %o : tensor<2x4x16x8xf32>
}

// -----

// Tests GPT-2's causal mask: a where with a constant condition, after the
// scale, on dynamic batch.
// CHECK-LABEL: func.func @gpt2_causal
// CHECK: %[[R:.+]] = dlg.fusion "attention"
// CHECK: dlg.matmul
// CHECK-NEXT: dlg.mul
// CHECK-NEXT: dlg.where
// CHECK-NEXT: dlg.softmax
// CHECK-NEXT: dlg.matmul
// CHECK-NEXT: dlg.yield
// CHECK: return %[[R]]
func.func @gpt2_causal(%q: tensor<?x4x8x16xf32>, %k: tensor<?x4x16x8xf32>, %v: tensor<?x4x8x16xf32>) -> tensor<?x4x8x16xf32> {
  %scale = dlg.constant dense<0.25> : tensor<1xf32>
  %causal = dlg.constant dense<true> : tensor<1x1x8x8xi1>
  %fill = dlg.constant dense<-1.0e+04> : tensor<f32>
  %s = dlg.matmul %q, %k : tensor<?x4x8x16xf32>, tensor<?x4x16x8xf32> -> tensor<?x4x8x8xf32>
  %d = dlg.mul %s, %scale : tensor<?x4x8x8xf32>, tensor<1xf32> -> tensor<?x4x8x8xf32>
  %w = dlg.where %causal, %d, %fill : tensor<1x1x8x8xi1>, tensor<?x4x8x8xf32>, tensor<f32> -> tensor<?x4x8x8xf32>
  %p = dlg.softmax %w {axis = 3 : i64} : tensor<?x4x8x8xf32>
  %o = dlg.matmul %p, %v : tensor<?x4x8x8xf32>, tensor<?x4x8x16xf32> -> tensor<?x4x8x16xf32>
  return %o : tensor<?x4x8x16xf32>
}

// -----

// Tests that a softmax over another axis does not fuse.
// CHECK-LABEL: func.func @other_axis
// CHECK-NOT: dlg.fusion
func.func @other_axis(%q: tensor<4x8x16xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %c = dlg.constant dense<0.25> : tensor<f32>
  %s = dlg.matmul %q, %k : tensor<4x8x16xf32>, tensor<4x16x8xf32> -> tensor<4x8x8xf32>
  %d = dlg.mul %s, %c : tensor<4x8x8xf32>, tensor<f32> -> tensor<4x8x8xf32>
  %p = dlg.softmax %d {axis = 1 : i64} : tensor<4x8x8xf32>
  %o = dlg.matmul %p, %v : tensor<4x8x8xf32>, tensor<4x8x16xf32> -> tensor<4x8x16xf32>
  return %o : tensor<4x8x16xf32>
}

// -----

// Tests that scores with another user (returned attention weights) and
// probabilities with another user do not fuse.
// CHECK-LABEL: func.func @scores_used
// CHECK-NOT: dlg.fusion
func.func @scores_used(%q: tensor<4x8x16xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x8x16xf32>) -> (tensor<4x8x16xf32>, tensor<4x8x8xf32>) {
  %c = dlg.constant dense<0.25> : tensor<f32>
  %s = dlg.matmul %q, %k : tensor<4x8x16xf32>, tensor<4x16x8xf32> -> tensor<4x8x8xf32>
  %d = dlg.mul %s, %c : tensor<4x8x8xf32>, tensor<f32> -> tensor<4x8x8xf32>
  %p = dlg.softmax %d {axis = -1 : i64} : tensor<4x8x8xf32>
  %o = dlg.matmul %p, %v : tensor<4x8x8xf32>, tensor<4x8x16xf32> -> tensor<4x8x16xf32>
  return %o, %s : tensor<4x8x16xf32>, tensor<4x8x8xf32>
}

// CHECK-LABEL: func.func @probs_used
// CHECK-NOT: dlg.fusion
func.func @probs_used(%q: tensor<4x8x16xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x8x16xf32>) -> (tensor<4x8x16xf32>, tensor<4x8x8xf32>) {
  %s = dlg.matmul %q, %k : tensor<4x8x16xf32>, tensor<4x16x8xf32> -> tensor<4x8x8xf32>
  %p = dlg.softmax %s {axis = -1 : i64} : tensor<4x8x8xf32>
  %o = dlg.matmul %p, %v : tensor<4x8x8xf32>, tensor<4x8x16xf32> -> tensor<4x8x16xf32>
  return %o, %p : tensor<4x8x16xf32>, tensor<4x8x8xf32>
}

// -----

// Tests that a non-scalar scale does not fuse.
// CHECK-LABEL: func.func @vector_scale
// CHECK-NOT: dlg.fusion
func.func @vector_scale(%q: tensor<4x8x16xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %c = dlg.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %s = dlg.matmul %q, %k : tensor<4x8x16xf32>, tensor<4x16x8xf32> -> tensor<4x8x8xf32>
  %d = dlg.mul %s, %c : tensor<4x8x8xf32>, tensor<8xf32> -> tensor<4x8x8xf32>
  %p = dlg.softmax %d {axis = -1 : i64} : tensor<4x8x8xf32>
  %o = dlg.matmul %p, %v : tensor<4x8x8xf32>, tensor<4x8x16xf32> -> tensor<4x8x16xf32>
  return %o : tensor<4x8x16xf32>
}
