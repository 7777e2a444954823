// RUN: dlc-opt %s --split-input-file | dlc-opt --split-input-file | FileCheck %s

// Tests that min and product reductions round-trip.
// CHECK-LABEL: func.func @reduce_min_prod
func.func @reduce_min_prod(%x: tensor<2x8xf32>) -> (tensor<2x1xf32>, tensor<8xf32>) {
  // CHECK: dlg.reduce_min %{{.+}} {axes = array<i64: 1>, keepdims = true} : tensor<2x8xf32> -> tensor<2x1xf32>
  %0 = dlg.reduce_min %x {axes = array<i64: 1>, keepdims = true} : tensor<2x8xf32> -> tensor<2x1xf32>
  // CHECK: dlg.reduce_prod %{{.+}} {axes = array<i64: 0>, keepdims = false} : tensor<2x8xf32> -> tensor<8xf32>
  %1 = dlg.reduce_prod %x {axes = array<i64: 0>, keepdims = false} : tensor<2x8xf32> -> tensor<8xf32>
  return %0, %1 : tensor<2x1xf32>, tensor<8xf32>
}

// -----

// Tests that arg-reductions round-trip with an i64 result.
// CHECK-LABEL: func.func @arg_reduce
func.func @arg_reduce(%x: tensor<2x8xf32>) -> (tensor<2x1xi64>, tensor<8xi64>) {
  // CHECK: dlg.arg_max %{{.+}} {axis = 1 : i64, keepdims = true, select_last_index = false} : tensor<2x8xf32> -> tensor<2x1xi64>
  %0 = dlg.arg_max %x {axis = 1 : i64, keepdims = true, select_last_index = false} : tensor<2x8xf32> -> tensor<2x1xi64>
  // CHECK: dlg.arg_min %{{.+}} {axis = -2 : i64, keepdims = false, select_last_index = true} : tensor<2x8xf32> -> tensor<8xi64>
  %1 = dlg.arg_min %x {axis = -2 : i64, keepdims = false, select_last_index = true} : tensor<2x8xf32> -> tensor<8xi64>
  return %0, %1 : tensor<2x1xi64>, tensor<8xi64>
}

// -----

// Tests that hardmax, scans and top_k round-trip.
// CHECK-LABEL: func.func @select_and_scan
func.func @select_and_scan(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x3xf32>, tensor<2x3xi64>) {
  // CHECK: dlg.hardmax %{{.+}} {axis = -1 : i64} : tensor<2x8xf32>
  %0 = dlg.hardmax %x {axis = -1 : i64} : tensor<2x8xf32>
  // CHECK: dlg.cum_sum %{{.+}} {axis = 1 : i64, exclusive = true, reverse = false} : tensor<2x8xf32>
  %1 = dlg.cum_sum %x {axis = 1 : i64, exclusive = true, reverse = false} : tensor<2x8xf32>
  // CHECK: dlg.cum_prod %{{.+}} {axis = 0 : i64, exclusive = false, reverse = true} : tensor<2x8xf32>
  %2 = dlg.cum_prod %x {axis = 0 : i64, exclusive = false, reverse = true} : tensor<2x8xf32>
  // CHECK: dlg.top_k %{{.+}} {axis = -1 : i64, k = 3 : i64, largest = true} : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
  %3, %4 = dlg.top_k %x {k = 3 : i64, axis = -1 : i64, largest = true} : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
  return %0, %1, %2, %3, %4 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

// Tests that Lp pooling and max pooling indices round-trip.
// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x3x8x8xf32>) -> (tensor<1x3x7x7xf32>, tensor<1x3x4x4xi64>) {
  // CHECK: dlg.lp_pool %{{.+}} {{.*}}p = 2 : i64{{.*}} : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
  %0 = dlg.lp_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                       pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                       ceil_mode = false, p = 2 : i64} : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
  // CHECK: dlg.max_pool_indices %{{.+}} {{.*}}column_major = true{{.*}} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xi64>
  %1 = dlg.max_pool_indices %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                                pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                                ceil_mode = false, column_major = true} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xi64>
  return %0, %1 : tensor<1x3x7x7xf32>, tensor<1x3x4x4xi64>
}
