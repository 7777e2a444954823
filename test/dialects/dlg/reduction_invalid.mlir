// RUN: dlc-opt %s --split-input-file --verify-diagnostics

// Tests that an arg-reduction rejects an axis outside the rank.
func.func @f0(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{axis 2 is out of range [-2, 1]}}
  // expected-error @+1 {{'dlg.arg_max' op failed to infer returned types}}
  %0 = dlg.arg_max %x {axis = 2 : i64, keepdims = true, select_last_index = false} : tensor<2x8xf32> -> tensor<2x1xi64>
  return
}

// -----

// Tests that an arg-reduction over an empty axis is rejected.
func.func @f1(%x: tensor<2x0xf32>) {
  // expected-error @+2 {{cannot take the position of an element along the empty axis 1}}
  // expected-error @+1 {{'dlg.arg_min' op failed to infer returned types}}
  %0 = dlg.arg_min %x {axis = 1 : i64, keepdims = true, select_last_index = false} : tensor<2x0xf32> -> tensor<2x1xi64>
  return
}

// -----

// Tests that top_k rejects a k larger than the axis.
func.func @f2(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{k = 9 is out of range [0, 8] of axis 1}}
  // expected-error @+1 {{'dlg.top_k' op failed to infer returned types}}
  %0, %1 = dlg.top_k %x {k = 9 : i64, axis = 1 : i64, largest = true} : tensor<2x8xf32> -> tensor<2x9xf32>, tensor<2x9xi64>
  return
}

// -----

// Tests that a scan rejects an axis outside the rank.
func.func @f3(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'dlg.cum_sum' op axis -3 is out of range [-2, 1]}}
  %0 = dlg.cum_sum %x {axis = -3 : i64, exclusive = false, reverse = false} : tensor<2x8xf32>
  return
}

// -----

// Tests that hardmax rejects an axis outside the rank.
func.func @f4(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'dlg.hardmax' op axis 2 is out of range [-2, 1]}}
  %0 = dlg.hardmax %x {axis = 2 : i64} : tensor<2x8xf32>
  return
}

// -----

// Tests that Lp pooling needs p >= 1.
func.func @f5(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{'dlg.lp_pool' op expects p >= 1 but got 0}}
  %0 = dlg.lp_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                       pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                       ceil_mode = false, p = 0 : i64} : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
  return
}
