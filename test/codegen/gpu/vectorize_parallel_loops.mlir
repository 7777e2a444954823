// RUN: dlc-opt %s --dlc-gpu-vectorize-parallel-loops --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-gpu-vectorize-parallel-loops=width=8 --split-input-file | FileCheck %s --check-prefix=WIDE

// Tests a bias add: the innermost dim shrinks 4 times, the row loads and
// the store become aligned 4-element vector accesses at 4 * j, the bias
// load (independent of j) stays scalar and is broadcast.
// CHECK-LABEL: func.func @bias_add
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C192:.+]] = arith.constant 192 : index
// CHECK: scf.parallel (%[[I:.+]], %[[J:.+]]) = (%{{.+}}, %{{.+}}) to (%{{.+}}, %[[C192]])
// CHECK-NEXT: %[[FIRST:.+]] = arith.muli %[[J]], %[[C4]] : index
// CHECK-NEXT: %[[X:.+]] = vector.load %arg0[%[[I]], %[[FIRST]]] {alignment = 16 : i64} : memref<64x768xf32>, vector<4xf32>
// CHECK-NEXT: %[[B:.+]] = memref.load %arg1[%[[I]]] : memref<64xf32>
// CHECK-NEXT: %[[BV:.+]] = vector.broadcast %[[B]] : f32 to vector<4xf32>
// CHECK-NEXT: %[[Y:.+]] = arith.addf %[[X]], %[[BV]] : vector<4xf32>
// CHECK-NEXT: vector.store %[[Y]], %arg2[%[[I]], %[[FIRST]]] {alignment = 16 : i64} : memref<64x768xf32>, vector<4xf32>
// WIDE-LABEL: func.func @bias_add
// WIDE: vector.load %arg0[%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<64x768xf32>, vector<8xf32>
func.func @bias_add(%in: memref<64x768xf32>, %bias: memref<64xf32>, %out: memref<64x768xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c768 = arith.constant 768 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c768) step (%c1, %c1) {
    %x = memref.load %in[%i, %j] : memref<64x768xf32>
    %b = memref.load %bias[%i] : memref<64xf32>
    %y = arith.addf %x, %b : f32
    memref.store %y, %out[%i, %j] : memref<64x768xf32>
    scf.reduce
  }
  return
}

// -----

// Tests mixed element types and a select: casts, comparisons (to i1
// vectors) and selects apply to vectors; constants are broadcast; a bf16
// row of 8 elements is 8-byte aligned per 4 elements.
// CHECK-LABEL: func.func @relu_cast
// CHECK: %[[X:.+]] = vector.load %arg0[%{{.+}}] {alignment = 8 : i64} : memref<8xbf16>, vector<4xbf16>
// CHECK: %[[W:.+]] = arith.extf %[[X]] : vector<4xbf16> to vector<4xf32>
// CHECK: %[[Z:.+]] = vector.broadcast %{{.+}} : f32 to vector<4xf32>
// CHECK: %[[P:.+]] = arith.cmpf ogt, %[[W]], %[[Z]] : vector<4xf32>
// CHECK: %[[R:.+]] = arith.select %[[P]], %[[W]], %{{.+}} : vector<4xi1>, vector<4xf32>
// CHECK: vector.store %[[R]], %arg1[%{{.+}}] {alignment = 16 : i64} : memref<8xf32>, vector<4xf32>
func.func @relu_cast(%in: memref<8xbf16>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %in[%i] : memref<8xbf16>
    %w = arith.extf %x : bf16 to f32
    %p = arith.cmpf ogt, %w, %zero : f32
    %r = arith.select %p, %w, %zero : f32
    memref.store %r, %out[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// Tests a strided view: its rows are contiguous but not known to be
// aligned, so the accesses keep the element's alignment.
// CHECK-LABEL: func.func @strided_view
// CHECK: vector.load %{{.+}} {alignment = 4 : i64} : memref<4x8xf32, strided<[16, 1], offset: 4>>, vector<4xf32>
func.func @strided_view(%in: memref<4x8xf32, strided<[16, 1], offset: 4>>, %out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %x = memref.load %in[%i, %j] : memref<4x8xf32, strided<[16, 1], offset: 4>>
    memref.store %x, %out[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// -----

// Tests loops that stay scalar: a transpose (the innermost variable indexes
// a row), index arithmetic on the variable, a trip count that is not a
// multiple of 4, a nested reduction loop, and i1 buffers (a byte per
// element, where vectors of i1 are bit-packed).
// CHECK-LABEL: func.func @not_vectorized
// CHECK-NOT: vector.
// CHECK: return
func.func @not_vectorized(%in: memref<8x8xf32>, %out: memref<8x8xf32>, %odd: memref<6xf32>, %idx: memref<8xi64>, %mask: memref<8xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c8) step (%c1, %c1) {
    %x = memref.load %in[%j, %i] : memref<8x8xf32>
    memref.store %x, %out[%i, %j] : memref<8x8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = arith.index_cast %i : index to i64
    memref.store %v, %idx[%i] : memref<8xi64>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c6) step (%c1) {
    %x = memref.load %odd[%i] : memref<6xf32>
    %y = arith.negf %x : f32
    memref.store %y, %odd[%i] : memref<6xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c8) step (%c1, %c1) {
    %s = scf.for %k = %c0 to %c8 step %c1 iter_args(%acc = %c0) -> index {
      scf.yield %acc : index
    }
    %x = memref.load %in[%i, %j] : memref<8x8xf32>
    memref.store %x, %out[%i, %j] : memref<8x8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %idx[%i] : memref<8xi64>
    %zero = arith.constant 0 : i64
    %p = arith.cmpi sgt, %x, %zero : i64
    memref.store %p, %mask[%i] : memref<8xi1>
    scf.reduce
  }
  return
}

// -----

// Tests that the width must be a power of 2.
// RUN: not dlc-opt %s --dlc-gpu-vectorize-parallel-loops=width=3 --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: width must be a power of 2 of at least 2, got 3
func.func @any() {
  return
}
