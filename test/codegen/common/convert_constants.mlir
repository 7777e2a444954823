// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file | FileCheck %s

// Tests that a large splat constant becomes a fill of a scalar, so no
// constant of its full size is emitted.
// CHECK-LABEL: func.func @large_splat
func.func @large_splat() -> tensor<64x64xf32> {
  // CHECK: %[[C:.+]] = arith.constant 2.000000e-02 : f32
  // CHECK: %[[E:.+]] = tensor.empty() : tensor<64x64xf32>
  // CHECK: %[[F:.+]] = linalg.fill ins(%[[C]] : f32) outs(%[[E]] : tensor<64x64xf32>)
  // CHECK: return %[[F]]
  %0 = dlg.constant dense<0.02> : tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// Tests that a small splat stays a dense constant.
// CHECK-LABEL: func.func @small_splat
func.func @small_splat() -> tensor<4xi64> {
  // CHECK: arith.constant dense<1> : tensor<4xi64>
  // CHECK-NOT: linalg.fill
  %0 = dlg.constant dense<1> : tensor<4xi64>
  return %0 : tensor<4xi64>
}
