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

// CHECK-LABEL: func.func @truncate
func.func @truncate(%x: tensor<2x12xi64>, %n: tensor<i64>) -> tensor<2x?xi64> {
  // CHECK: dlg.truncate %{{.+}}, %{{.+}} {axis = 1 : i64} : tensor<2x12xi64>, tensor<i64> -> tensor<2x?xi64>
  %0 = dlg.truncate %x, %n {axis = 1 : i64} : tensor<2x12xi64>, tensor<i64> -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}
