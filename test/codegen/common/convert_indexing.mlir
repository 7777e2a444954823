// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file | FileCheck %s

// Tests that gather_elements reads data at the wrapped, clamped index in a
// generic over the indices.
// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x4xf32>, %[[I:[^:]+]]: tensor<3x2xi64>
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%[[I]] : tensor<3x2xi64>)
  // CHECK: %[[ROW:.+]] = linalg.index 0
  // CHECK: arith.index_cast
  // CHECK: arith.select
  // CHECK: arith.maxsi
  // CHECK: %[[C:.+]] = arith.minsi
  // CHECK: tensor.extract %[[X]][%[[ROW]], %[[C]]]
  %0 = dlg.gather_elements %x, %i {axis = 1 : i64} : tensor<3x4xf32>, tensor<3x2xi64> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Tests that gather_nd extracts each tuple entry from the indices.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x4xf32>, %[[I:[^:]+]]: tensor<2x1xi64>
func.func @gather_nd(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>) -> tensor<2x4xf32> {
  // CHECK: linalg.generic
  // CHECK: %[[T:.+]] = linalg.index 0
  // CHECK: tensor.extract %[[I]][%[[T]], %{{.+}}]
  // CHECK: %[[COL:.+]] = linalg.index 1
  // CHECK: tensor.extract %[[X]][%{{.+}}, %[[COL]]]
  %0 = dlg.gather_nd %x, %i {batch_dims = 0 : i64} : tensor<3x4xf32>, tensor<2x1xi64> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that scatter_elements with add is a sequential loop that combines
// the old element with the update.
// CHECK-LABEL: func.func @scatter_elements_add
// CHECK-SAME: %[[X:[^:]+]]: tensor<3x4xf32>
func.func @scatter_elements_add(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x4xf32> {
  // CHECK: %[[R:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[X]]) -> (tensor<3x4xf32>)
  // CHECK: %[[OLD:.+]] = tensor.extract %[[ACC]]
  // CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %{{.+}} : f32
  // CHECK: %[[INS:.+]] = tensor.insert %[[NEW]] into %[[ACC]]
  // CHECK: scf.yield %[[INS]]
  // CHECK: return %[[R]]
  %0 = dlg.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "add"} : tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Tests that scatter_nd without reduction overwrites, one update per
// iteration.
// CHECK-LABEL: func.func @scatter_nd
func.func @scatter_nd(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  // CHECK: arith.constant 8 : index
  // CHECK: scf.for
  // CHECK-NOT: arith.addf
  // CHECK: tensor.insert
  %0 = dlg.scatter_nd %x, %i, %u {reduction = "none"} : tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
