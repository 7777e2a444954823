// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// Tests that the gather ops round-trip.
// CHECK-LABEL: func.func @gathers
func.func @gathers(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %j: tensor<2x1xi32>)
    -> (tensor<3x2xf32>, tensor<2x4xf32>) {
  // CHECK: dlg.gather_elements %{{.+}}, %{{.+}} {axis = 1 : i64} : tensor<3x4xf32>, tensor<3x2xi64> -> tensor<3x2xf32>
  %0 = dlg.gather_elements %x, %i {axis = 1 : i64} : tensor<3x4xf32>, tensor<3x2xi64> -> tensor<3x2xf32>
  // CHECK: dlg.gather_nd %{{.+}}, %{{.+}} {batch_dims = 0 : i64} : tensor<3x4xf32>, tensor<2x1xi32> -> tensor<2x4xf32>
  %1 = dlg.gather_nd %x, %j {batch_dims = 0 : i64} : tensor<3x4xf32>, tensor<2x1xi32> -> tensor<2x4xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<2x4xf32>
}

// Tests that the scatter ops round-trip with their reduction.
// CHECK-LABEL: func.func @scatters
func.func @scatters(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>,
                    %j: tensor<2x1xi64>, %v: tensor<2x4xf32>)
    -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  // CHECK: dlg.scatter_elements %{{.+}}, %{{.+}}, %{{.+}} {axis = 1 : i64, reduction = "add"}
  %0 = dlg.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "add"} : tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32> -> tensor<3x4xf32>
  // CHECK: dlg.scatter_nd %{{.+}}, %{{.+}}, %{{.+}} {reduction = "none"}
  %1 = dlg.scatter_nd %x, %j, %v {reduction = "none"} : tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x4xf32> -> tensor<3x4xf32>
  return %0, %1 : tensor<3x4xf32>, tensor<3x4xf32>
}
