// RUN: dlc-opt %s --split-input-file | dlc-opt | FileCheck %s
// RUN: dlc-opt %s --split-input-file --canonicalize --cse | FileCheck %s --check-prefix=CANON

// Tests the round trip of a contraction fusion with its body.
// CHECK-LABEL: func.func @contraction
// CHECK: %[[R:.+]] = dlg.fusion "contraction" (%{{.+}}, %{{.+}}, %{{.+}}) : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
// CHECK-NEXT: ^bb0(%[[A:.+]]: tensor<4x8xf32>, %[[B:.+]]: tensor<8x16xf32>, %[[C:.+]]: tensor<16xf32>):
// CHECK-NEXT: %[[M:.+]] = dlg.matmul %[[A]], %[[B]]
// CHECK-NEXT: %[[Y:.+]] = dlg.add %[[M]], %[[C]]
// CHECK-NEXT: dlg.yield %[[Y]] : tensor<4x16xf32>
// CHECK-NEXT: }
// CHECK: return %[[R]]
// CANON-LABEL: func.func @contraction
// CANON: dlg.fusion "contraction"
// CANON: dlg.matmul
// CANON: dlg.add
// CANON: dlg.yield
func.func @contraction(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = dlg.fusion "contraction" (%x, %w, %b) : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
  ^bb0(%a: tensor<4x8xf32>, %c: tensor<8x16xf32>, %d: tensor<16xf32>):
    %m = dlg.matmul %a, %c : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
    %y = dlg.add %m, %d : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
    dlg.yield %y : tensor<4x16xf32>
  }
  return %0 : tensor<4x16xf32>
}

// -----

// Tests a fusion with two results and dynamic shapes; canonicalize keeps
// the constant inside the isolated body and CSE merges its duplicate ops.
// CHECK-LABEL: func.func @two_results
// CHECK: %[[R:.+]]:2 = dlg.fusion "elementwise" (%{{.+}}) : (tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK: dlg.yield %{{.+}}, %{{.+}} : tensor<?x4xf32>, tensor<?x4xf32>
// CHECK: return %[[R]]#0, %[[R]]#1
// CANON-LABEL: func.func @two_results
// CANON: dlg.fusion "elementwise"
// CANON-NEXT: ^bb0(%[[A:.+]]: tensor<?x4xf32>):
// CANON-NEXT: %[[E:.+]] = dlg.exp %[[A]]
// CANON-NEXT: %[[N:.+]] = dlg.neg %[[E]]
// CANON-NEXT: dlg.yield %[[N]], %[[N]]
func.func @two_results(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %0:2 = dlg.fusion "elementwise" (%x) : (tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  ^bb0(%a: tensor<?x4xf32>):
    %e = dlg.exp %a : tensor<?x4xf32>
    %n1 = dlg.neg %e : tensor<?x4xf32>
    %n2 = dlg.neg %e : tensor<?x4xf32>
    dlg.yield %n1, %n2 : tensor<?x4xf32>, tensor<?x4xf32>
  }
  return %0#0, %0#1 : tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

// Tests that an unused fusion of pure ops is erased by canonicalize.
// CHECK-LABEL: func.func @unused
// CHECK: dlg.fusion "reduction"
// CANON-LABEL: func.func @unused
// CANON-NOT: dlg.fusion
// CANON: return
func.func @unused(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = dlg.fusion "reduction" (%x) : (tensor<2x8xf32>) -> tensor<2x8xf32> {
  ^bb0(%a: tensor<2x8xf32>):
    %s = dlg.softmax %a {axis = -1 : i64} : tensor<2x8xf32>
    dlg.yield %s : tensor<2x8xf32>
  }
  return %x : tensor<2x8xf32>
}

// -----

// Tests the attention kind and a fusion without operands.
// CHECK-LABEL: func.func @attention_no_operands
// CHECK: dlg.fusion "attention" () : () -> tensor<2xf32>
func.func @attention_no_operands() -> tensor<2xf32> {
  %0 = dlg.fusion "attention" () : () -> tensor<2xf32> {
    %c = dlg.constant dense<1.0> : tensor<2xf32>
    dlg.yield %c : tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}
