// RUN: dlc-opt %s --dlc-cpu-duplicate-shared-fills --split-input-file | FileCheck %s

// Tests that a fill shared by two products is cloned for the second, right
// before it, so each product bufferizes into its own filled buffer.
// CHECK-LABEL: func.func @shared
// CHECK: %[[F1:.+]] = linalg.fill
// CHECK: linalg.matmul {{.+}} outs(%[[F1]] :
// CHECK: %[[F2:.+]] = linalg.fill
// CHECK: linalg.matmul {{.+}} outs(%[[F2]] :
func.func @shared(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0, %1 : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Tests that a fill with one user and fills on buffers are left alone.
// CHECK-LABEL: func.func @not_shared
// CHECK-COUNT-2: linalg.fill
// CHECK-NOT: linalg.fill
func.func @not_shared(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %m: memref<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%m : memref<4x16xf32>)
  return %0 : tensor<4x16xf32>
}
