// RUN: dlc-opt %s --dlc-cpu-serialize-nested-parallel=min-parallel-work=0 --split-input-file --verify-diagnostics | FileCheck %s
// RUN: dlc-opt %s --dlc-cpu-serialize-nested-parallel --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=SMALL

// Tests that a 2-D parallel loop nested in a parallel loop becomes two scf.for.
// CHECK-LABEL: func.func @nested
// CHECK-SAME: %[[M:[^:]+]]: memref<4x8x16xf32>, %[[V:[^:]+]]: f32
func.func @nested(%m: memref<4x8x16xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  // CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%{{.+}}) step (%{{.+}}) {
  // CHECK-NEXT: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step
  // CHECK-NEXT: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step
  // CHECK-NEXT: memref.store %[[V]], %[[M]][%[[I]], %[[J]], %[[K]]]
  // CHECK-NOT: scf.parallel
  // CHECK: return
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.parallel (%j, %k) = (%c0, %c0) to (%c8, %c16) step (%c1, %c1) {
      memref.store %v, %m[%i, %j, %k] : memref<4x8x16xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

// Tests that every level below the outermost parallel loop is serialized,
// also through an scf.for in between.
// CHECK-LABEL: func.func @deep
func.func @deep(%m: memref<2x3x4xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  // CHECK: scf.parallel
  // CHECK-NEXT: scf.for
  // CHECK-NEXT: scf.for
  // CHECK-NEXT: scf.for
  // CHECK-NEXT: memref.store
  // CHECK-NOT: scf.parallel
  // CHECK: return
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    scf.for %t = %c0 to %c3 step %c1 {
      scf.parallel (%j) = (%c0) to (%c3) step (%c1) {
        scf.parallel (%k) = (%c0) to (%c4) step (%c1) {
          memref.store %v, %m[%i, %j, %k] : memref<2x3x4xf32>
          scf.reduce
        }
        scf.reduce
      }
    }
    scf.reduce
  }
  return
}

// -----

// Tests that outermost parallel loops, also ones inside a sequential loop,
// stay parallel, and that a multi-dimensional one keeps only the outer dims
// that give 64 iterations parallel: the inner dims become scf.for, so OpenMP
// does not linearize them and the innermost dim vectorizes.
// CHECK-LABEL: func.func @outermost
func.func @outermost(%m: memref<4x32x16xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  // CHECK: scf.parallel (%[[I:.+]], %[[J:.+]]) = (%{{.+}}, %{{.+}}) to (%{{.+}}, %{{.+}})
  // CHECK-NEXT: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
  // CHECK-NEXT: memref.store %{{.+}}, %{{.+}}[%[[I]], %[[J]], %[[K]]]
  // CHECK-NEXT: } {dlc.parallel}
  // CHECK: scf.for
  // CHECK-NEXT: scf.parallel (%{{.+}}) =
  // CHECK-NOT: scf.for
  // CHECK: return
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c4, %c32, %c16) step (%c1, %c1, %c1) {
    memref.store %v, %m[%i, %j, %k] : memref<4x32x16xf32>
    scf.reduce
  }
  scf.for %i = %c0 to %c4 step %c1 {
    scf.parallel (%j) = (%c0) to (%c32) step (%c1) {
      memref.store %v, %m[%i, %j, %c0] : memref<4x32x16xf32>
      scf.reduce
    }
  }
  return
}

// -----

// Tests that a nested parallel loop with a reduction is reported, not dropped.
func.func @nested_reduction(%m: memref<4x8xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    // expected-error @+1 {{cannot serialize nested parallel loop}}
    %s = scf.parallel (%j) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
      %x = memref.load %m[%i, %j] : memref<4x8xf32>
      scf.reduce(%x : f32) {
      ^bb0(%a: f32, %b: f32):
        %r = arith.addf %a, %b : f32
        scf.reduce.return %r : f32
      }
    }
    memref.store %s, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

// Tests that a nest with fewer innermost iterations than min-parallel-work
// (4 x 8 = 32 < 16384) runs sequentially, its loops marked dlc.parallel.
// SMALL-LABEL: func.func @small
// SMALL-NOT: scf.parallel
// SMALL: scf.for
// SMALL: scf.for
// SMALL: } {dlc.parallel}
// SMALL: } {dlc.parallel}
func.func @small(%m: memref<4x8xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
      memref.store %v, %m[%i, %j] : memref<4x8xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}
