// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file --verify-diagnostics --mlir-print-local-scope | FileCheck %s

// Tests that reduce_min starts from +inf and combines with minimumf.
// CHECK-LABEL: func.func @reduce_min
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
func.func @reduce_min(%x: tensor<2x8xf32>) -> tensor<2xf32> {
  // CHECK: %[[INF:.+]] = arith.constant 0x7F800000 : f32
  // CHECK: %[[INIT:.+]] = linalg.fill ins(%[[INF]] : f32)
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x8xf32>) outs(%[[INIT]] : tensor<2xf32>)
  // CHECK: arith.minimumf
  // CHECK: return %[[R]]
  %0 = dlg.reduce_min %x {axes = array<i64: 1>, keepdims = false} : tensor<2x8xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Tests that reduce_prod starts from 1 and multiplies.
// CHECK-LABEL: func.func @reduce_prod
func.func @reduce_prod(%x: tensor<2x8xi32>) -> tensor<1x8xi32> {
  // CHECK: %[[ONE:.+]] = arith.constant 1 : i32
  // CHECK: linalg.fill ins(%[[ONE]] : i32)
  // CHECK: linalg.generic
  // CHECK-SAME: affine_map<(d0, d1) -> (0, d1)>
  // CHECK-SAME: iterator_types = ["reduction", "parallel"]
  // CHECK: arith.muli
  %0 = dlg.reduce_prod %x {axes = array<i64: 0>, keepdims = true} : tensor<2x8xi32> -> tensor<1x8xi32>
  return %0 : tensor<1x8xi32>
}

// -----

// Tests that arg_max tracks value and position in one reduction; the
// position starts at -1 ("none yet") and select_last_index takes ties (oge).
// CHECK-LABEL: func.func @arg_max
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
func.func @arg_max(%x: tensor<2x8xf32>) -> tensor<2x1xi64> {
  // CHECK: %[[NONE:.+]] = arith.constant -1 : i64
  // CHECK: %[[POS0:.+]] = linalg.fill ins(%[[NONE]] : i64)
  // CHECK: %[[R:.+]]:2 = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, 0)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x8xf32>)
  // CHECK: linalg.index 1
  // CHECK: arith.cmpi slt
  // CHECK: arith.cmpf oge
  // CHECK: return %[[R]]#1
  %0 = dlg.arg_max %x {axis = 1 : i64, keepdims = true, select_last_index = true} : tensor<2x8xf32> -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// Tests that arg_min of the first position compares strictly (olt).
// CHECK-LABEL: func.func @arg_min
func.func @arg_min(%x: tensor<2x8xf32>) -> tensor<8xi64> {
  // CHECK: linalg.generic
  // CHECK-SAME: iterator_types = ["reduction", "parallel"]
  // CHECK: arith.cmpf olt
  %0 = dlg.arg_min %x {axis = 0 : i64, keepdims = false, select_last_index = false} : tensor<2x8xf32> -> tensor<8xi64>
  return %0 : tensor<8xi64>
}

// -----

// Tests that an exclusive reverse cum_sum walks the axis backwards, stores
// the running sum from before each step and updates it in place.
// CHECK-LABEL: func.func @cum_sum
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
func.func @cum_sum(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[R:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}, %[[OUT:.+]] = %{{.+}}) -> (tensor<2x1xf32>, tensor<2x8xf32>)
  // CHECK: %[[POS:.+]] = arith.subi %{{.+}}, %[[I]] : index
  // CHECK: %[[SLICE:.+]] = tensor.extract_slice %[[X]][0, %[[POS]]] [2, 1] [1, 1]
  // CHECK: %[[STORED:.+]] = tensor.insert_slice %[[ACC]] into %[[OUT]][0, %[[POS]]] [2, 1] [1, 1]
  // CHECK: %[[NEXT:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[SLICE]] : tensor<2x1xf32>) outs(%[[ACC]] : tensor<2x1xf32>)
  // CHECK: arith.addf
  // CHECK: scf.yield %[[NEXT]], %[[STORED]]
  // CHECK: return %[[R]]#1
  %0 = dlg.cum_sum %x {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that cum_prod multiplies from 1.
// CHECK-LABEL: func.func @cum_prod
func.func @cum_prod(%x: tensor<4xi32>) -> tensor<4xi32> {
  // CHECK: arith.constant 1 : i32
  // CHECK: scf.for
  // CHECK: arith.muli
  %0 = dlg.cum_prod %x {axis = 0 : i64, exclusive = false, reverse = false} : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Tests that a scan along a middle axis runs on a transposed copy with the
// axis innermost and transposes the result back.
// CHECK-LABEL: func.func @cum_sum_middle
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x5x3xf32>
func.func @cum_sum_middle(%x: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  // CHECK: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<2x5x3xf32>) outs(%{{.+}} : tensor<2x3x5xf32>) permutation = [0, 2, 1]
  // CHECK: %[[R:.+]]:2 = scf.for
  // CHECK: tensor.extract_slice %[[T]][0, 0, %{{.+}}] [2, 3, 1] [1, 1, 1]
  // CHECK: %[[B:.+]] = linalg.transpose ins(%[[R]]#1 : tensor<2x3x5xf32>) outs(%{{.+}} : tensor<2x5x3xf32>) permutation = [0, 2, 1]
  // CHECK: return %[[B]]
  %0 = dlg.cum_sum %x {axis = 1 : i64, exclusive = false, reverse = false} : tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----

// Tests that top_k runs k rounds of a masked arg-reduction, marks the
// position it took and inserts value and position at the round's index.
// CHECK-LABEL: func.func @top_k
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
func.func @top_k(%x: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  // CHECK: %[[C3:.+]] = arith.constant 3 : index
  // CHECK: %[[R:.+]]:3 = scf.for %[[I:.+]] = %{{.+}} to %[[C3]] step %{{.+}} iter_args(%[[MASK:.+]] = %{{.+}}, %[[VALS:.+]] = %{{.+}}, %[[IDXS:.+]] = %{{.+}})
  // CHECK: %[[BEST:.+]]:2 = linalg.generic
  // CHECK-SAME: ins(%[[X]], %[[MASK]] : tensor<2x8xf32>, tensor<2x8xi1>)
  // CHECK: arith.cmpf ogt
  // CHECK: %[[MARKED:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[BEST]]#1 : tensor<2x1xi64>) outs(%[[MASK]] : tensor<2x8xi1>)
  // CHECK: %[[V:.+]] = tensor.insert_slice %[[BEST]]#0 into %[[VALS]][0, %[[I]]] [2, 1] [1, 1]
  // CHECK: %[[P:.+]] = tensor.insert_slice %[[BEST]]#1 into %[[IDXS]][0, %[[I]]] [2, 1] [1, 1]
  // CHECK: scf.yield %[[MARKED]], %[[V]], %[[P]]
  // CHECK: return %[[R]]#1, %[[R]]#2
  %0, %1 = dlg.top_k %x {k = 3 : i64, axis = -1 : i64, largest = true} : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

// Tests that hardmax is 1 where the position equals the first argmax.
// CHECK-LABEL: func.func @hardmax
func.func @hardmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[BEST:.+]]:2 = linalg.generic
  // CHECK: arith.cmpf ogt
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[BEST]]#1 : tensor<2x1xi64>)
  // CHECK: arith.cmpi eq
  // CHECK: arith.select
  // CHECK: return %[[R]]
  %0 = dlg.hardmax %x {axis = -1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that lp_pool with p = 2 sums squares over the window, then sqrt.
// CHECK-LABEL: func.func @lp_pool
func.func @lp_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
  // CHECK: arith.mulf
  // CHECK-NEXT: arith.addf
  // CHECK: math.sqrt
  %0 = dlg.lp_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                       pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                       ceil_mode = false, p = 2 : i64} : tensor<1x1x4x4xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Tests that max_pool_indices reduces the window to (value, flat index) and
// only lets in-bounds positions win.
// CHECK-LABEL: func.func @max_pool_indices
func.func @max_pool_indices(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64> {
  // CHECK: %[[R:.+]]:2 = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
  // CHECK: arith.cmpi sge
  // CHECK: arith.cmpi slt
  // CHECK: arith.cmpf ogt
  // CHECK: return %[[R]]#1
  %0 = dlg.max_pool_indices %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                                pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                                ceil_mode = false, column_major = false} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xi64>
  return %0 : tensor<1x1x2x2xi64>
}
