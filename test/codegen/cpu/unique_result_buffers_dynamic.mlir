// RUN: dlc-opt %s --dlc-cpu-unique-result-buffers --split-input-file | FileCheck %s

// Tests that a fresh allocation returned once as a dynamic result is kept.
// CHECK-LABEL: func.func @fresh
// CHECK: %[[A:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK-NOT: memref.copy
// CHECK: return %[[A]]
func.func @fresh(%n: index) -> memref<?xf32> {
  %a = memref.alloc(%n) : memref<?xf32>
  return %a : memref<?xf32>
}

// -----

// Tests that a returned argument is copied into an allocation sized with
// memref.dim, so that the caller may free it.
// CHECK-LABEL: func.func @argument
// CHECK-SAME: (%[[X:[^:]+]]: memref<?x4x?xf32>)
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[D0:.+]] = memref.dim %[[X]], %[[C0]]
// CHECK-DAG: %[[D2:.+]] = memref.dim %[[X]], %[[C2]]
// CHECK: %[[COPY:.+]] = memref.alloc(%[[D0]], %[[D2]]) : memref<?x4x?xf32>
// CHECK: memref.copy %[[X]], %[[COPY]]
// CHECK: return %[[COPY]]
func.func @argument(%x: memref<?x4x?xf32>) -> memref<?x4x?xf32> {
  return %x : memref<?x4x?xf32>
}

// -----

// Tests that a view (a reshape of an input) is copied.
// CHECK-LABEL: func.func @view
// CHECK: %[[V:.+]] = memref.expand_shape
// CHECK: %[[COPY:.+]] = memref.alloc(%{{.+}}) : memref<?x4x4xf32>
// CHECK: memref.copy %[[V]], %[[COPY]]
// CHECK: return %[[COPY]]
func.func @view(%x: memref<?x16xf32>) -> memref<?x4x4xf32> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  %v = memref.expand_shape %x [[0], [1, 2]] output_shape [%n, 4, 4] : memref<?x16xf32> into memref<?x4x4xf32>
  return %v : memref<?x4x4xf32>
}

// -----

// Tests that a dynamic allocation returned twice, and one cast from a static
// allocation, get copies; the first return of the allocation keeps it.
// CHECK-LABEL: func.func @twice_and_cast
// CHECK: %[[A:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK: %[[S:.+]] = memref.alloc() : memref<3xf32>
// CHECK: %[[C:.+]] = memref.cast %[[S]]
// CHECK: %[[B:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: %[[D:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK: memref.copy %[[C]], %[[D]]
// CHECK: return %[[A]], %[[B]], %[[D]]
func.func @twice_and_cast(%n: index) -> (memref<?xf32>, memref<?xf32>, memref<?xf32>) {
  %a = memref.alloc(%n) : memref<?xf32>
  %s = memref.alloc() : memref<3xf32>
  %c = memref.cast %s : memref<3xf32> to memref<?xf32>
  return %a, %a, %c : memref<?xf32>, memref<?xf32>, memref<?xf32>
}

// -----

// Tests that a static result that is an argument is left alone (it is copied
// into its out-parameter later).
// CHECK-LABEL: func.func @static_argument
// CHECK-NOT: memref.alloc
// CHECK: return %{{.+}} : memref<4xf32>
func.func @static_argument(%x: memref<4xf32>) -> memref<4xf32> {
  return %x : memref<4xf32>
}
