// RUN: dlc-opt %s --dlc-cpu-unique-result-buffers --split-input-file | FileCheck %s

// Tests that a buffer returned twice is copied into a fresh allocation for
// its second use.
// CHECK-LABEL: func.func @twice
// CHECK: %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.+]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: return %[[A]], %[[B]]
func.func @twice() -> (memref<4xf32>, memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  return %a, %a : memref<4xf32>, memref<4xf32>
}

// -----

// Tests that distinct buffers are returned unchanged.
// CHECK-LABEL: func.func @distinct
// CHECK-SAME: (%[[X:[^:]+]]: memref<4xf32>, %[[Y:[^:]+]]: memref<4xf32>)
// CHECK-NOT: memref.copy
// CHECK: return %[[X]], %[[Y]]
func.func @distinct(%x: memref<4xf32>, %y: memref<4xf32>) -> (memref<4xf32>, memref<4xf32>) {
  return %x, %y : memref<4xf32>, memref<4xf32>
}
