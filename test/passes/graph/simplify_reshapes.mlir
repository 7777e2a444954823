// RUN: dlc-opt %s --dlc-graph-simplify-reshapes --split-input-file | FileCheck %s

// Tests that flatten becomes a reshape to its 2-D result shape.
// CHECK-LABEL: func.func @flatten
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
func.func @flatten(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  // CHECK: %[[R:.+]] = dlg.reshape %[[X]] {shape = array<i64: 2, 12>} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  // CHECK-NOT: dlg.flatten
  // CHECK: return %[[R]]
  %0 = dlg.flatten %x {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

// Tests that squeeze and unsqueeze become reshapes.
// CHECK-LABEL: func.func @squeeze_unsqueeze
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x3x1xf32>, %[[Y:[^:]+]]: tensor<3xf32>
func.func @squeeze_unsqueeze(%x: tensor<1x3x1xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<1x3xf32>) {
  // CHECK-DAG: %[[S:.+]] = dlg.reshape %[[X]] {shape = array<i64: 3>} : tensor<1x3x1xf32> -> tensor<3xf32>
  // CHECK-DAG: %[[U:.+]] = dlg.reshape %[[Y]] {shape = array<i64: 1, 3>} : tensor<3xf32> -> tensor<1x3xf32>
  // CHECK: return %[[S]], %[[U]]
  %0 = dlg.squeeze %x {axes = array<i64>} : tensor<1x3x1xf32> -> tensor<3xf32>
  %1 = dlg.unsqueeze %y {axes = array<i64: 0>} : tensor<3xf32> -> tensor<1x3xf32>
  return %0, %1 : tensor<3xf32>, tensor<1x3xf32>
}

// -----

// Tests that a chain of shape-only ops folds into a single reshape.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x6x1xf32>
func.func @chain(%x: tensor<1x6x1xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[R:.+]] = dlg.reshape %[[X]] {shape = array<i64: 2, 3>} : tensor<1x6x1xf32> -> tensor<2x3xf32>
  // CHECK-NEXT: return %[[R]]
  %0 = dlg.squeeze %x {axes = array<i64: 0>} : tensor<1x6x1xf32> -> tensor<6x1xf32>
  %1 = dlg.flatten %0 {axis = 0 : i64} : tensor<6x1xf32> -> tensor<1x6xf32>
  %2 = dlg.reshape %1 {shape = array<i64: 2, 3>} : tensor<1x6xf32> -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// Tests that a chain that restores the input shape vanishes.
// CHECK-LABEL: func.func @round_trip
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x4xf32>
func.func @round_trip(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // CHECK-NOT: dlg.
  // CHECK: return %[[X]]
  %0 = dlg.unsqueeze %x {axes = array<i64: 0>} : tensor<3x4xf32> -> tensor<1x3x4xf32>
  %1 = dlg.squeeze %0 {axes = array<i64: 0>} : tensor<1x3x4xf32> -> tensor<3x4xf32>
  return %1 : tensor<3x4xf32>
}

// -----

// Tests that a reshape of a constant folds into a reshaped constant.
// CHECK-LABEL: func.func @constant
func.func @constant() -> tensor<2x2xi64> {
  // CHECK: %[[C:.+]] = dlg.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
  // CHECK-NOT: dlg.reshape
  // CHECK: return %[[C]]
  %0 = dlg.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %1 = dlg.unsqueeze %0 {axes = array<i64: 0>} : tensor<4xi64> -> tensor<1x4xi64>
  %2 = dlg.reshape %1 {shape = array<i64: 2, 2>} : tensor<1x4xi64> -> tensor<2x2xi64>
  return %2 : tensor<2x2xi64>
}

// -----

// Tests that ops with a dynamic result shape are left alone.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x1xf32>
func.func @dynamic(%x: tensor<?x1xf32>) -> tensor<?xf32> {
  // CHECK: %[[S:.+]] = dlg.squeeze %[[X]] {axes = array<i64: 1>} : tensor<?x1xf32> -> tensor<?xf32>
  // CHECK: return %[[S]]
  %0 = dlg.squeeze %x {axes = array<i64: 1>} : tensor<?x1xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Tests that ops that move data, like transpose, are not turned into reshapes.
// CHECK-LABEL: func.func @transpose
func.func @transpose(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // CHECK: dlg.transpose
  // CHECK-NOT: dlg.reshape
  %0 = dlg.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
