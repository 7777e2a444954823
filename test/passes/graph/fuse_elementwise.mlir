// RUN: dlc-opt %s --dlc-graph-fuse-elementwise --split-input-file | FileCheck %s

// Tests a chain of elementwise ops with broadcasting and a cast.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x8xf32>, %[[Y:[^:]+]]: tensor<8xf32>
// CHECK: %[[R:.+]] = dlg.fusion "elementwise" (%[[X]], %[[Y]]) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf16> {
// CHECK: dlg.add
// CHECK-NEXT: dlg.exp
// CHECK-NEXT: dlg.neg
// CHECK-NEXT: dlg.cast
// CHECK-NEXT: dlg.yield
// CHECK: return %[[R]]
func.func @chain(%x: tensor<4x8xf32>, %y: tensor<8xf32>) -> tensor<4x8xf16> {
  %0 = dlg.add %x, %y : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %1 = dlg.exp %0 : tensor<4x8xf32>
  %2 = dlg.neg %1 : tensor<4x8xf32>
  %3 = dlg.cast %2 {to = f16} : tensor<4x8xf32> -> tensor<4x8xf16>
  return %3 : tensor<4x8xf16>
}

// -----

// Tests a DAG with a value used twice inside and once outside: the fusion
// has two results.
// CHECK-LABEL: func.func @dag
// CHECK: %[[R:.+]]:2 = dlg.fusion "elementwise"
// CHECK: dlg.sigmoid
// CHECK-NEXT: dlg.mul
// CHECK-NEXT: dlg.yield
// CHECK: return %[[R]]#1, %[[R]]#0
func.func @dag(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %0 = dlg.sigmoid %x : tensor<?x8xf32>
  %1 = dlg.mul %x, %0 : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  return %1, %0 : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// Tests that ops separated by a non-elementwise op form two groups, that a
// single op is not wrapped, and that ops in a fusion are left alone.
// CHECK-LABEL: func.func @split
// CHECK: dlg.fusion "elementwise"
// CHECK: dlg.relu
// CHECK-NEXT: dlg.tanh
// CHECK-NEXT: dlg.yield
// CHECK: dlg.softmax
// CHECK-NOT: dlg.fusion "elementwise"
// CHECK: dlg.exp
// CHECK: dlg.fusion "contraction"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: dlg.matmul
// CHECK-NEXT: dlg.abs
// CHECK-NEXT: dlg.neg
// CHECK-NEXT: dlg.yield
func.func @split(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %0 = dlg.relu %x : tensor<4x4xf32>
  %1 = dlg.tanh %0 : tensor<4x4xf32>
  %2 = dlg.softmax %1 {axis = -1 : i64} : tensor<4x4xf32>
  %3 = dlg.exp %2 : tensor<4x4xf32>
  %4 = dlg.fusion "contraction" (%x) : (tensor<4x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%a: tensor<4x4xf32>):
    %m = dlg.matmul %a, %a : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
    %b = dlg.abs %m : tensor<4x4xf32>
    %n = dlg.neg %b : tensor<4x4xf32>
    dlg.yield %n : tensor<4x4xf32>
  }
  return %3, %4 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Tests that a group whose value is used outside before the group ends is
// cut so the dominance holds: the add after the matmul stays outside.
// CHECK-LABEL: func.func @early_use
// CHECK: %[[F:.+]] = dlg.fusion "elementwise"
// CHECK: dlg.exp
// CHECK-NEXT: dlg.neg
// CHECK-NEXT: dlg.yield
// CHECK: %[[M:.+]] = dlg.matmul %[[F]], %[[F]]
// CHECK: dlg.add %[[F]], %[[M]]
func.func @early_use(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = dlg.exp %x : tensor<4x4xf32>
  %1 = dlg.neg %0 : tensor<4x4xf32>
  %2 = dlg.matmul %1, %1 : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  %3 = dlg.add %1, %2 : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  return %3 : tensor<4x4xf32>
}
