// RUN: dlc-opt %s --dlc-gpu-map-parallel-loops-to-threads --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-gpu-map-parallel-loops-to-threads=block-size=128 --split-input-file | FileCheck %s --check-prefix=BLOCK128
// RUN: not dlc-opt %s --dlc-gpu-map-parallel-loops-to-threads=block-size=2048 --split-input-file 2>&1 | FileCheck %s --check-prefix=TOO-MANY
// TOO-MANY: block-size must be in [1, 1024], got 2048

// Tests that a 2-D parallel loop becomes one launch of 64*768/256 = 192
// blocks of 256 threads, each guarded by id < 49152, with the innermost dim
// fastest (id % 768) and the loop body cloned inside.
// CHECK-LABEL: func.func @elementwise
// CHECK-DAG: %[[C256:.+]] = arith.constant 256 : index
// CHECK-DAG: %[[C768:.+]] = arith.constant 768 : index
// CHECK-DAG: %[[TOTAL:.+]] = arith.constant 49152 : index
// CHECK-DAG: %[[BLOCKS:.+]] = arith.constant 192 : index
// CHECK: gpu.launch blocks(%[[BX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %[[BLOCKS]], %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C256]],
// CHECK: %[[BASE:.+]] = arith.muli %[[BX]], %[[C256]]
// CHECK: %[[ID:.+]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: %[[IN:.+]] = arith.cmpi slt, %[[ID]], %[[TOTAL]]
// CHECK: scf.if %[[IN]] {
// CHECK: %[[J:.+]] = arith.remsi %[[ID]], %[[C768]]
// CHECK: %[[I:.+]] = arith.divsi %[[ID]], %[[C768]]
// CHECK: %[[X:.+]] = memref.load %{{.+}}[%[[I]], %[[J]]]
// CHECK: %[[Y:.+]] = arith.addf %[[X]], %[[X]]
// CHECK: memref.store %[[Y]], %{{.+}}[%[[I]], %[[J]]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
// BLOCK128-LABEL: func.func @elementwise
// BLOCK128: arith.constant 128 : index
func.func @elementwise(%a: memref<64x768xf32>, %b: memref<64x768xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c768 = arith.constant 768 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c768) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<64x768xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %b[%i, %j] : memref<64x768xf32>
    scf.reduce
  }
  return
}

// -----

// Tests that a reduction dim stays a sequential loop inside each thread,
// and that a nested parallel loop is not launched on its own.
// CHECK-LABEL: func.func @row_sum
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK: scf.for
// CHECK-NOT: gpu.launch
func.func @row_sum(%a: memref<?x512xf32>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c512 = arith.constant 512 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %a, %c0 : memref<?x512xf32>
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %sum = scf.for %k = %c0 to %c512 step %c1 iter_args(%acc = %zero) -> f32 {
      %x = memref.load %a[%i, %k] : memref<?x512xf32>
      %s = arith.addf %acc, %x : f32
      scf.yield %s : f32
    }
    memref.store %sum, %out[%i] : memref<?xf32>
    scf.reduce
  }
  return
}


// -----

// Tests that a loop with no iterations launches nothing (a zero-block launch
// is a CUDA error), and that a dynamic trip count guards the launch.
// CHECK-LABEL: func.func @empty_and_dynamic
// CHECK-NOT: gpu.launch
// CHECK: %[[ANY:.+]] = arith.cmpi sgt
// CHECK-NEXT: scf.if %[[ANY]] {
// CHECK-NEXT: gpu.launch
// CHECK-NOT: gpu.launch
func.func @empty_and_dynamic(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c1) to (%c0) step (%c1) {
    memref.store %zero, %a[%i] : memref<?xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %zero, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}
