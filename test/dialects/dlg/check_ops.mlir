// RUN: dlc-opt %s --split-input-file | dlc-opt --split-input-file | FileCheck %s
// RUN: dlc-opt %s --split-input-file --canonicalize | FileCheck %s --check-prefix=CANON

// Tests the round trip of dlg.check, and that canonicalization keeps a check
// of a run-time condition.
// CHECK-LABEL: func.func @runtime_condition
// CHECK: dlg.check %{{.*}}, "node 'Reshape_0': bad shape" : tensor<i1>
// CANON-LABEL: func.func @runtime_condition
// CANON: dlg.check
func.func @runtime_condition(%ok: tensor<i1>) {
  dlg.check %ok, "node 'Reshape_0': bad shape" : tensor<i1>
  return
}

// -----

// Tests that a check of a condition that holds at compile time is removed,
// and one that fails at compile time is kept (it fails every run).
// CANON-LABEL: func.func @constant_conditions
// CANON-NEXT: %[[FALSE:.*]] = dlg.constant dense<false>
// CANON-NEXT: dlg.check %[[FALSE]], "always fails"
// CANON-NEXT: return
func.func @constant_conditions() {
  %true = dlg.constant dense<true> : tensor<i1>
  %false = dlg.constant dense<false> : tensor<i1>
  dlg.check %true, "never fails" : tensor<i1>
  dlg.check %false, "always fails" : tensor<i1>
  return
}
