// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file --verify-diagnostics | FileCheck %s

// Tests that an unsigned reduce_max starts from 0 and combines with maxui.
// CHECK-LABEL: func.func @reduce_max_unsigned
func.func @reduce_max_unsigned(%x: tensor<2x3xi8>) -> tensor<2xi8> {
  // CHECK: %[[ZERO:.+]] = arith.constant 0 : i8
  // CHECK: linalg.fill ins(%[[ZERO]] : i8)
  // CHECK: linalg.generic
  // CHECK: arith.maxui
  %0 = dlg.reduce_max %x {axes = array<i64: 1>, keepdims = false, is_unsigned} : tensor<2x3xi8> -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// -----

// Tests that an unsigned reduce_min starts from all ones and combines with minui.
// CHECK-LABEL: func.func @reduce_min_unsigned
func.func @reduce_min_unsigned(%x: tensor<2x3xi8>) -> tensor<2xi8> {
  // CHECK: %[[ONES:.+]] = arith.constant -1 : i8
  // CHECK: linalg.fill ins(%[[ONES]] : i8)
  // CHECK: linalg.generic
  // CHECK: arith.minui
  %0 = dlg.reduce_min %x {axes = array<i64: 1>, keepdims = false, is_unsigned} : tensor<2x3xi8> -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// -----

// Tests that an unsigned arg_max compares with ugt (ties keep the first).
// CHECK-LABEL: func.func @arg_max_unsigned
func.func @arg_max_unsigned(%x: tensor<2x3xi32>) -> tensor<2xi64> {
  // CHECK: linalg.generic
  // CHECK: arith.cmpi ugt
  %0 = dlg.arg_max %x {axis = 1 : i64, keepdims = false, select_last_index = false, is_unsigned} : tensor<2x3xi32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Tests that an unsigned arg_min with select_last_index compares with ule.
// CHECK-LABEL: func.func @arg_min_unsigned_last
func.func @arg_min_unsigned_last(%x: tensor<2x3xi32>) -> tensor<2xi64> {
  // CHECK: linalg.generic
  // CHECK: arith.cmpi ule
  %0 = dlg.arg_min %x {axis = 1 : i64, keepdims = false, select_last_index = true, is_unsigned} : tensor<2x3xi32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Tests that an unsigned top_k selects with unsigned comparisons.
// CHECK-LABEL: func.func @top_k_unsigned
func.func @top_k_unsigned(%x: tensor<2x4xi64>) -> (tensor<2x2xi64>, tensor<2x2xi64>) {
  // CHECK: scf.for
  // CHECK: arith.cmpi ugt
  %v, %i = dlg.top_k %x {k = 2 : i64, axis = 1 : i64, largest = true, is_unsigned} : tensor<2x4xi64> -> tensor<2x2xi64>, tensor<2x2xi64>
  return %v, %i : tensor<2x2xi64>, tensor<2x2xi64>
}

// -----

// Tests that an unsigned integer reduce_mean divides with divui.
// CHECK-LABEL: func.func @reduce_mean_unsigned
func.func @reduce_mean_unsigned(%x: tensor<2x3xi8>) -> tensor<2xi8> {
  // CHECK: arith.addi
  // CHECK: arith.divui
  %0 = dlg.reduce_mean %x {axes = array<i64: 1>, keepdims = false, is_unsigned} : tensor<2x3xi8> -> tensor<2xi8>
  return %0 : tensor<2xi8>
}
