// RUN: dlc-opt %s --split-input-file | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @dim
func.func @dim(%x: tensor<?x4xf32>) -> tensor<i64> {
  // CHECK: dlg.dim %{{.+}} {dim = 0 : i64} : tensor<?x4xf32> -> tensor<i64>
  %0 = dlg.dim %x {dim = 0 : i64} : tensor<?x4xf32> -> tensor<i64>
  return %0 : tensor<i64>
}

// CHECK-LABEL: func.func @dynamic_reshape
func.func @dynamic_reshape(%x: tensor<?x64xf32>, %s: tensor<3xi64>) -> tensor<?x4x16xf32> {
  // CHECK: dlg.dynamic_reshape %{{.+}}, %{{.+}} : tensor<?x64xf32>, tensor<3xi64> -> tensor<?x4x16xf32>
  %0 = dlg.dynamic_reshape %x, %s : tensor<?x64xf32>, tensor<3xi64> -> tensor<?x4x16xf32>
  return %0 : tensor<?x4x16xf32>
}
