// RUN: dlc-opt %s --dlc-graph-fuse-reductions --split-input-file | FileCheck %s

// Tests RMS norm as exporters decompose it: x / sqrt(mean(x^2) + eps) * g.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8x32xf32>, %[[G:[^:]+]]: tensor<32xf32>
// CHECK: %[[R:.+]] = dlg.fusion "reduction" (%[[X]], %{{.+}}, %{{.+}}, %[[G]]) : (tensor<2x8x32xf32>, tensor<f32>, tensor<f32>, tensor<32xf32>) -> tensor<2x8x32xf32> {
// CHECK: dlg.pow
// CHECK-NEXT: dlg.reduce_mean
// CHECK-NEXT: dlg.add
// CHECK-NEXT: dlg.sqrt
// CHECK-NEXT: dlg.div
// CHECK-NEXT: dlg.mul
// CHECK-NEXT: dlg.yield
// CHECK: return %[[R]]
func.func @rms_norm(%x: tensor<2x8x32xf32>, %g: tensor<32xf32>) -> tensor<2x8x32xf32> {
  %two = dlg.constant dense<2.0> : tensor<f32>
  %eps = dlg.constant dense<1.0e-06> : tensor<f32>
  %0 = dlg.pow %x, %two : tensor<2x8x32xf32>, tensor<f32> -> tensor<2x8x32xf32>
  %1 = dlg.reduce_mean %0 {axes = array<i64: -1>, keepdims = true} : tensor<2x8x32xf32> -> tensor<2x8x1xf32>
  %2 = dlg.add %1, %eps : tensor<2x8x1xf32>, tensor<f32> -> tensor<2x8x1xf32>
  %3 = dlg.sqrt %2 : tensor<2x8x1xf32>
  %4 = dlg.div %x, %3 : tensor<2x8x32xf32>, tensor<2x8x1xf32> -> tensor<2x8x32xf32>
  %5 = dlg.mul %4, %g : tensor<2x8x32xf32>, tensor<32xf32> -> tensor<2x8x32xf32>
  return %5 : tensor<2x8x32xf32>
}

// -----

// Tests a decomposed layer norm with its residual-add producer: the two
// reductions and every elementwise op form one kernel.
// CHECK-LABEL: func.func @layer_norm_decomposed
// CHECK: %[[R:.+]] = dlg.fusion "reduction"
// CHECK: dlg.add
// CHECK-NEXT: dlg.reduce_mean
// CHECK-NEXT: dlg.sub
// CHECK-NEXT: dlg.pow
// CHECK-NEXT: dlg.reduce_mean
// CHECK-NEXT: dlg.add
// CHECK-NEXT: dlg.sqrt
// CHECK-NEXT: dlg.div
// CHECK-NEXT: dlg.mul
// CHECK-NEXT: dlg.add
// CHECK-NEXT: dlg.yield
// CHECK-NOT: dlg.
// CHECK: return %[[R]]
func.func @layer_norm_decomposed(%x: tensor<4x64xf32>, %res: tensor<4x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<4x64xf32> {
  %two = dlg.constant dense<2.0> : tensor<f32>
  %eps = dlg.constant dense<1.0e-05> : tensor<f32>
  %in = dlg.add %x, %res : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %mean = dlg.reduce_mean %in {axes = array<i64: 1>, keepdims = true} : tensor<4x64xf32> -> tensor<4x1xf32>
  %d = dlg.sub %in, %mean : tensor<4x64xf32>, tensor<4x1xf32> -> tensor<4x64xf32>
  %sq = dlg.pow %d, %two : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %var = dlg.reduce_mean %sq {axes = array<i64: 1>, keepdims = true} : tensor<4x64xf32> -> tensor<4x1xf32>
  %ve = dlg.add %var, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %sd = dlg.sqrt %ve : tensor<4x1xf32>
  %n = dlg.div %d, %sd : tensor<4x64xf32>, tensor<4x1xf32> -> tensor<4x64xf32>
  %s = dlg.mul %n, %g : tensor<4x64xf32>, tensor<64xf32> -> tensor<4x64xf32>
  %y = dlg.add %s, %b : tensor<4x64xf32>, tensor<64xf32> -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

// Tests a softmax with its scaling producer and a layer_norm with its
// residual add; two separate kernels.
// CHECK-LABEL: func.func @softmax_and_layer_norm
// CHECK: dlg.fusion "reduction"
// CHECK: dlg.mul
// CHECK-NEXT: dlg.softmax
// CHECK-NEXT: dlg.yield
// CHECK: dlg.fusion "reduction"
// CHECK: dlg.add
// CHECK-NEXT: dlg.layer_norm
// CHECK-NEXT: dlg.yield
func.func @softmax_and_layer_norm(%x: tensor<2x8xf32>, %r: tensor<2x8xf32>, %g: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %c = dlg.constant dense<0.5> : tensor<f32>
  %0 = dlg.mul %x, %c : tensor<2x8xf32>, tensor<f32> -> tensor<2x8xf32>
  %1 = dlg.softmax %0 {axis = -1 : i64} : tensor<2x8xf32>
  %2 = dlg.add %x, %r : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  %3 = dlg.layer_norm %2, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32} : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return %1, %3 : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Tests that a producer with a user outside the group stays outside, and
// that a lone reduction is not wrapped.
// CHECK-LABEL: func.func @shared_producer
// CHECK-NOT: dlg.fusion
// CHECK: dlg.exp
// CHECK: dlg.reduce_sum
func.func @shared_producer(%x: tensor<2x8xf32>) -> (tensor<2x1xf32>, tensor<2x8xf32>) {
  %0 = dlg.exp %x : tensor<2x8xf32>
  %1 = dlg.reduce_sum %0 {axes = array<i64: 1>, keepdims = true} : tensor<2x8xf32> -> tensor<2x1xf32>
  return %1, %0 : tensor<2x1xf32>, tensor<2x8xf32>
}

// -----

// Tests that a consumer whose other operand is computed after the reduction
// from it (a cycle through an outside op) is not absorbed: the matmul
// stays outside and so does the add that reads it.
// CHECK-LABEL: func.func @no_cycle
// CHECK: %[[F:.+]] = dlg.fusion "reduction"
// CHECK: dlg.softmax
// CHECK-NEXT: dlg.exp
// CHECK-NEXT: dlg.yield
// CHECK: %[[M:.+]] = dlg.matmul %[[F]]
// CHECK: dlg.add %[[F]], %[[M]]
func.func @no_cycle(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = dlg.softmax %x {axis = -1 : i64} : tensor<8x8xf32>
  %1 = dlg.exp %0 : tensor<8x8xf32>
  %2 = dlg.matmul %1, %1 : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  %3 = dlg.add %1, %2 : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %3 : tensor<8x8xf32>
}
