// RUN: dlc-opt %s --dlc-cpu-expand-memref-copies --split-input-file | FileCheck %s

// Tests that a strided memref.copy becomes a linalg.copy, which lowers to
// loops instead of a call into the MLIR C runtime.
// CHECK-LABEL: func.func @strided
// CHECK-SAME: %[[SRC:[^:]+]]: memref<4x4xf32, strided<[8, 1]>>, %[[DST:[^:]+]]: memref<4x4xf32>
// CHECK: linalg.copy ins(%[[SRC]] : memref<4x4xf32, strided<[8, 1]>>) outs(%[[DST]] : memref<4x4xf32>)
// CHECK-NOT: memref.copy
func.func @strided(%src: memref<4x4xf32, strided<[8, 1]>>, %dst: memref<4x4xf32>) {
  memref.copy %src, %dst : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}

// -----

// Tests that a function without memref.copy is left unchanged.
// CHECK-LABEL: func.func @no_copy
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: return
func.func @no_copy(%dst: memref<4xf32>, %v: f32) {
  linalg.fill ins(%v : f32) outs(%dst : memref<4xf32>)
  return
}
