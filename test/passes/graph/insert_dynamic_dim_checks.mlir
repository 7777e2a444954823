// RUN: dlc-opt %s --dlc-graph-insert-dynamic-dim-checks --split-input-file | FileCheck %s

// Tests that a dynamic dim meeting a static one checks that size.
// CHECK-LABEL: func.func @broadcast_static
// CHECK-SAME: %[[A:[^:]+]]: tensor<?x4xf32>
func.func @broadcast_static(%a: tensor<?x4xf32>, %b: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // CHECK: %[[D:.+]] = dlg.dim %[[A]] {dim = 0 : i64}
  // CHECK: %[[C8:.+]] = dlg.constant dense<8> : tensor<i64>
  // CHECK: %[[OK:.+]] = dlg.equal %[[D]], %[[C8]]
  // CHECK: dlg.check %[[OK]], "node 'add' (dlg.add): the run-time size of dim 0 of operand 0 differs from 8 (a dynamic dim broadcasts only to its own size)"
  // CHECK: dlg.add
  %0 = dlg.add %a, %b : tensor<?x4xf32>, tensor<8x4xf32> -> tensor<8x4xf32> loc("add")
  return %0 : tensor<8x4xf32>
}

// -----

// Tests that two dynamic dims are checked equal, and a static 1 needs nothing.
// CHECK-LABEL: func.func @broadcast_dynamic
// CHECK-SAME: %[[A:[^:]+]]: tensor<?x4xf32>, %[[B:[^:]+]]: tensor<?x4xf32>
func.func @broadcast_dynamic(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>, %c: tensor<1x4xf32>) -> tensor<?x4xf32> {
  // CHECK: %[[DB:.+]] = dlg.dim %[[B]] {dim = 0 : i64}
  // CHECK: %[[DA:.+]] = dlg.dim %[[A]] {dim = 0 : i64}
  // CHECK: %[[OK:.+]] = dlg.equal %[[DB]], %[[DA]]
  // CHECK: dlg.check %[[OK]], "node 'op' (dlg.add): the run-time size of dim 0 of operand 1 differs from dim 0 of operand 0
  %0 = dlg.add %a, %b : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK-NOT: dlg.check
  // CHECK: dlg.mul
  %1 = dlg.mul %0, %c : tensor<?x4xf32>, tensor<1x4xf32> -> tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// -----

// Tests that the contracted dims of a matmul are checked.
// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x?xf32>, %b: tensor<8x3xf32>) -> tensor<2x3xf32> {
  // CHECK: dlg.check %{{.+}}, "node 'op' (dlg.matmul): the run-time size of dim 1 of operand 0 differs from 8 (the contracted dims of matmul)"
  %0 = dlg.matmul %a, %b : tensor<2x?xf32>, tensor<8x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that a dynamic input reshaped to a static shape checks its count.
// CHECK-LABEL: func.func @reshape
func.func @reshape(%a: tensor<?x4xf32>) -> tensor<2x8xf32> {
  // CHECK: dlg.mul
  // CHECK: dlg.check %{{.+}}, "node 'op' (dlg.reshape): the input does not have the 16 elements of the result shape at run time"
  %0 = dlg.reshape %a {shape = array<i64: 2, 8>} : tensor<?x4xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that static ops and ops without such assumptions get no check.
// CHECK-LABEL: func.func @none
func.func @none(%a: tensor<?x4xf32>, %b: tensor<2x4xf32>) -> tensor<?x4xf32> {
  // CHECK-NOT: dlg.check
  %0 = dlg.add %b, %b : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x4xf32>
  %1 = dlg.softmax %a {axis = 1 : i64} : tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}
