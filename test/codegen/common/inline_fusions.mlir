// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file | FileCheck %s

// Tests that the lowering inlines dlg.fusion regions and lowers their ops:
// the kernel's body reads the fusion's operands and its yield feeds the uses.
// CHECK-LABEL: func.func @contraction
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x8xf32>, %[[W:[^:]+]]: tensor<8x16xf32>
// CHECK-NOT: dlg.
// CHECK: %[[M:.+]] = linalg.{{.+}}ins(%[[X]], %[[W]] : tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: ins(%[[M]] : tensor<4x16xf32>)
// CHECK-NOT: dlg.
// CHECK: return %[[R]]
func.func @contraction(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = dlg.fusion "contraction" (%x, %w) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32> {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>):
    %m = dlg.matmul %a, %b : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
    %r = dlg.relu %m : tensor<4x16xf32>
    dlg.yield %r : tensor<4x16xf32>
  }
  return %0 : tensor<4x16xf32>
}

// -----

// Tests a fusion with two results used outside.
// CHECK-LABEL: func.func @two_results
// CHECK-NOT: dlg.
// CHECK: %[[E:.+]] = linalg.generic
// CHECK: %[[N:.+]] = linalg.generic
// CHECK-SAME: ins(%[[E]] : tensor<4xf32>)
// CHECK: return %[[N]], %[[E]]
func.func @two_results(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0:2 = dlg.fusion "elementwise" (%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%a: tensor<4xf32>):
    %e = dlg.exp %a : tensor<4xf32>
    %n = dlg.neg %e : tensor<4xf32>
    dlg.yield %e, %n : tensor<4xf32>, tensor<4xf32>
  }
  return %0#1, %0#0 : tensor<4xf32>, tensor<4xf32>
}
