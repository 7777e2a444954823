// RUN: dlc-opt %s --dlc-cpu-annotate-parallel-loops --split-input-file | FileCheck %s

// Tests that a loop marked dlc.parallel gets an access group on its loads and
// stores and a parallelAccesses loop annotation, and loses the marker.
// CHECK-DAG: #[[GROUP:.+]] = #llvm.access_group<id = distinct
// CHECK-DAG: #[[ANNOTATION:.+]] = #llvm.loop_annotation<parallelAccesses = #[[GROUP]]>
// CHECK-LABEL: func.func @marked
// CHECK: scf.for
// CHECK: llvm.load %{{.+}} {access_groups = [#[[GROUP]]]}
// CHECK: llvm.store %{{.+}} {access_groups = [#[[GROUP]]]}
// CHECK: } {loop_annotation = #[[ANNOTATION]]}
// CHECK-NOT: dlc.parallel
func.func @marked(%p: !llvm.ptr, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %ii = arith.index_cast %i : index to i64
    %g = llvm.getelementptr %p[%ii] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %v = llvm.load %g : !llvm.ptr -> f32
    llvm.store %v, %g : f32, !llvm.ptr
  } {dlc.parallel}
  return
}

// -----

// Tests that an unmarked loop (a reduction) is left alone.
// CHECK-LABEL: func.func @unmarked
// CHECK: llvm.load %{{.+}} : !llvm.ptr -> f32
// CHECK-NOT: access_groups
// CHECK-NOT: loop_annotation
func.func @unmarked(%p: !llvm.ptr, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %v = llvm.load %p : !llvm.ptr -> f32
    llvm.store %v, %p : f32, !llvm.ptr
  }
  return
}
