// RUN: dlc-opt %s --dlc-cpu-outline-loop-nests --split-input-file | FileCheck %s

// Tests that each top-level parallel loop becomes a call to its own private
// function, in order, and that constants and views used by the nest are
// cloned into it instead of being passed.
// CHECK-LABEL: func.func @model
// CHECK-SAME: (%[[IN:[^:]+]]: memref<4x8xf32>, %[[OUT:[^:]+]]: memref<8xf32>)
// CHECK: %[[ALLOC:.+]] = memref.alloc() : memref<4x8xf32>
// CHECK-NEXT: call @model_nest0(%[[ALLOC]], %[[IN]]) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
// CHECK: call @model_nest1(%[[OUT]], %[[ALLOC]]) : (memref<8xf32>, memref<4x8xf32>) -> ()
// CHECK: return
// CHECK: func.func private @model_nest0(%[[A:[^:]+]]: memref<4x8xf32>, %[[B:[^:]+]]: memref<4x8xf32>)
// CHECK: scf.parallel
// CHECK: func.func private @model_nest1(%[[O:[^:]+]]: memref<8xf32>, %[[T:[^:]+]]: memref<4x8xf32>)
// CHECK: %[[ROW:.+]] = memref.subview %[[T]][1, 0] [1, 8] [1, 1]
// CHECK: scf.parallel
// CHECK: memref.load %[[ROW]]
func.func @model(%in: memref<4x8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %tmp = memref.alloc() : memref<4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %in[%i, %j] : memref<4x8xf32>
    memref.store %v, %tmp[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  %row = memref.subview %tmp[1, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: 8>>
  scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %row[%j] : memref<8xf32, strided<[1], offset: 8>>
    memref.store %v, %out[%j] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// Tests that a top-level sequential loop is outlined too, while a loop that
// yields results stays put.
// CHECK-LABEL: func.func @sequential
// CHECK-SAME: (%[[M:[^:]+]]: memref<8xf32>, %[[V:[^:]+]]: f32)
// CHECK: call @sequential_nest0(%[[M]], %[[V]])
// CHECK: scf.for {{.*}} iter_args
// CHECK: func.func private @sequential_nest0
// CHECK: scf.for
// CHECK: memref.store
func.func @sequential(%m: memref<8xf32>, %v: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %v, %m[%i] : memref<8xf32>
  }
  %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %v) -> f32 {
    %x = memref.load %m[%i] : memref<8xf32>
    %next = arith.addf %acc, %x : f32
    scf.yield %next : f32
  }
  return %sum : f32
}
