// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file --verify-diagnostics | FileCheck %s

// Tests that a failed check stores its code to the status argument unless an
// earlier check stored one.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[STATUS:.*]]: memref<i32> {dlc.status}, %[[OK:.*]]: tensor<i1>)
// CHECK: %[[HOLDS:.*]] = tensor.extract %[[OK]][] : tensor<i1>
// CHECK: %[[FAILS:.*]] = arith.xori %[[HOLDS]], %{{.*}} : i1
// CHECK: scf.if %[[FAILS]] {
// CHECK-NEXT: %[[CURRENT:.*]] = memref.load %[[STATUS]][] : memref<i32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[FIRST:.*]] = arith.cmpi eq, %[[CURRENT]], %[[ZERO]] : i32
// CHECK-NEXT: %[[CODE:.*]] = arith.constant 3 : i32
// CHECK-NEXT: %[[STORED:.*]] = arith.select %[[FIRST]], %[[CODE]], %[[CURRENT]] : i32
// CHECK-NEXT: memref.store %[[STORED]], %[[STATUS]][] : memref<i32>
// CHECK-NOT: dlg.check
func.func @main_graph(%status: memref<i32> {dlc.status}, %ok: tensor<i1>) {
  dlg.check %ok, "bad shape" {dlc.check_code = 3 : i32} : tensor<i1>
  return
}

// -----

// Tests that a check without a code (the interface was not recorded) is
// reported rather than dropped.
func.func @main_graph(%ok: tensor<i1>) {
  // expected-error @+1 {{failed to legalize operation 'dlg.check'}}
  dlg.check %ok, "bad shape" : tensor<i1>
  return
}
