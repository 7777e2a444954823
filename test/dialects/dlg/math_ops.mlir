// RUN: dlc-opt %s --split-input-file | dlc-opt --split-input-file | FileCheck %s

// Tests that comparisons round-trip, broadcast, and produce i1.
// CHECK-LABEL: func.func @compare
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x1xf32>, %[[B:[^:]+]]: tensor<8xf32>, %[[I:[^:]+]]: tensor<3xi8>
func.func @compare(%a: tensor<4x1xf32>, %b: tensor<8xf32>, %i: tensor<3xi8>) {
  // CHECK: dlg.equal %[[A]], %[[B]] : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xi1>
  %0 = dlg.equal %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xi1>
  // CHECK: dlg.less %[[I]], %[[I]] {is_unsigned} : tensor<3xi8>, tensor<3xi8> -> tensor<3xi1>
  %1 = dlg.less %i, %i {is_unsigned} : tensor<3xi8>, tensor<3xi8> -> tensor<3xi1>
  // CHECK: dlg.less_equal %[[I]], %[[I]] : tensor<3xi8>, tensor<3xi8> -> tensor<3xi1>
  %2 = dlg.less_equal %i, %i : tensor<3xi8>, tensor<3xi8> -> tensor<3xi1>
  // CHECK: dlg.greater %[[B]], %[[A]] : tensor<8xf32>, tensor<4x1xf32> -> tensor<4x8xi1>
  %3 = dlg.greater %b, %a : tensor<8xf32>, tensor<4x1xf32> -> tensor<4x8xi1>
  // CHECK: dlg.greater_equal %[[B]], %[[B]] : tensor<8xf32>, tensor<8xf32> -> tensor<8xi1>
  %4 = dlg.greater_equal %b, %b : tensor<8xf32>, tensor<8xf32> -> tensor<8xi1>
  return
}

// -----

// Tests that bitwise ops and shifts round-trip on integers, i1 included.
// CHECK-LABEL: func.func @bitwise
// CHECK-SAME: %[[P:[^:]+]]: tensor<4xi1>, %[[I:[^:]+]]: tensor<2x4xi32>, %[[J:[^:]+]]: tensor<4xi32>
func.func @bitwise(%p: tensor<4xi1>, %i: tensor<2x4xi32>, %j: tensor<4xi32>) {
  // CHECK: dlg.bitwise_and %[[P]], %[[P]] : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  %0 = dlg.bitwise_and %p, %p : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  // CHECK: dlg.bitwise_or %[[I]], %[[J]] : tensor<2x4xi32>, tensor<4xi32> -> tensor<2x4xi32>
  %1 = dlg.bitwise_or %i, %j : tensor<2x4xi32>, tensor<4xi32> -> tensor<2x4xi32>
  // CHECK: dlg.bitwise_xor %[[J]], %[[J]] : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %2 = dlg.bitwise_xor %j, %j : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  // CHECK: dlg.bitwise_not %[[P]] : tensor<4xi1>
  %3 = dlg.bitwise_not %p : tensor<4xi1>
  // CHECK: dlg.shift_left %[[I]], %[[J]] : tensor<2x4xi32>, tensor<4xi32> -> tensor<2x4xi32>
  %4 = dlg.shift_left %i, %j : tensor<2x4xi32>, tensor<4xi32> -> tensor<2x4xi32>
  // CHECK: dlg.shift_right %[[J]], %[[J]] {is_unsigned} : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %5 = dlg.shift_right %j, %j {is_unsigned} : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

// Tests that mod keeps its fmod and is_unsigned attributes.
// CHECK-LABEL: func.func @mod
// CHECK-SAME: %[[X:[^:]+]]: tensor<4xf32>, %[[I:[^:]+]]: tensor<4xi64>
func.func @mod(%x: tensor<4xf32>, %i: tensor<4xi64>) {
  // CHECK: dlg.mod %[[X]], %[[X]] {fmod = true} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %0 = dlg.mod %x, %x {fmod = true} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // CHECK: dlg.mod %[[I]], %[[I]] {fmod = false, is_unsigned} : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %1 = dlg.mod %i, %i {fmod = false, is_unsigned} : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  return
}

// -----

// Tests that sign takes integers and the float functions round-trip.
// CHECK-LABEL: func.func @unary
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[I:[^:]+]]: tensor<5xi32>
func.func @unary(%x: tensor<2x3xf32>, %i: tensor<5xi32>) {
  // CHECK: dlg.sign %[[I]] : tensor<5xi32>
  %0 = dlg.sign %i : tensor<5xi32>
  // CHECK: dlg.sign %[[X]] : tensor<2x3xf32>
  %1 = dlg.sign %x : tensor<2x3xf32>
  // CHECK: dlg.sign %[[I]] {is_unsigned} : tensor<5xi32>
  %16 = dlg.sign %i {is_unsigned} : tensor<5xi32>
  // CHECK: dlg.floor %[[X]]
  %2 = dlg.floor %x : tensor<2x3xf32>
  // CHECK: dlg.ceil %[[X]]
  %3 = dlg.ceil %x : tensor<2x3xf32>
  // CHECK: dlg.round %[[X]]
  %4 = dlg.round %x : tensor<2x3xf32>
  // CHECK: dlg.sin %[[X]]
  %5 = dlg.sin %x : tensor<2x3xf32>
  // CHECK: dlg.cos %[[X]]
  %6 = dlg.cos %x : tensor<2x3xf32>
  // CHECK: dlg.tan %[[X]]
  %7 = dlg.tan %x : tensor<2x3xf32>
  // CHECK: dlg.asin %[[X]]
  %8 = dlg.asin %x : tensor<2x3xf32>
  // CHECK: dlg.acos %[[X]]
  %9 = dlg.acos %x : tensor<2x3xf32>
  // CHECK: dlg.atan %[[X]]
  %10 = dlg.atan %x : tensor<2x3xf32>
  // CHECK: dlg.sinh %[[X]]
  %11 = dlg.sinh %x : tensor<2x3xf32>
  // CHECK: dlg.cosh %[[X]]
  %12 = dlg.cosh %x : tensor<2x3xf32>
  // CHECK: dlg.asinh %[[X]]
  %13 = dlg.asinh %x : tensor<2x3xf32>
  // CHECK: dlg.acosh %[[X]]
  %14 = dlg.acosh %x : tensor<2x3xf32>
  // CHECK: dlg.atanh %[[X]] : tensor<2x3xf32>
  %15 = dlg.atanh %x : tensor<2x3xf32>
  return
}
