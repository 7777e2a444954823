// RUN: dlc-opt %s --split-input-file --verify-diagnostics

// Tests that bitcast rejects a change of bit width.
func.func @f0(%x: tensor<4xf32>) {
  // expected-error @+2 {{cannot bitcast 'f32' (32 bits) to 'i64' (64 bits)}}
  // expected-error @+1 {{'dlg.bitcast' op failed to infer returned types}}
  %0 = dlg.bitcast %x {to = i64} : tensor<4xf32> -> tensor<4xi64>
  return
}

// -----

// Tests that bitcast rejects i1, whose storage width differs from its bits.
func.func @f1(%x: tensor<4xi1>) {
  // expected-error @+2 {{cannot bitcast 'i1' to 'i1' (expects non-i1 integer or float types)}}
  // expected-error @+1 {{'dlg.bitcast' op failed to infer returned types}}
  %0 = dlg.bitcast %x {to = i1} : tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

// Tests that non_max_suppression rejects scores whose box count differs.
func.func @f2(%b: tensor<1x6x4xf32>, %s: tensor<1x2x5xf32>, %m: tensor<1xi64>,
              %t: tensor<1xf32>) {
  // expected-error @+2 {{expects scores of shape [1, C, 6] but got 'tensor<1x2x5xf32>'}}
  // expected-error @+1 {{'dlg.non_max_suppression' op failed to infer returned types}}
  %0, %1 = dlg.non_max_suppression %b, %s, %m, %t, %t {num_selected = 1 : i64}
      : tensor<1x6x4xf32>, tensor<1x2x5xf32>, tensor<1xi64>, tensor<1xf32>,
        tensor<1xf32> -> tensor<1x3xi64>, tensor<i64>
  return
}

// -----

// Tests that non_max_suppression rejects a threshold of several elements.
func.func @f3(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<1xi64>,
              %t: tensor<1xf32>, %u: tensor<2xf32>) {
  // expected-error @+2 {{expects iou_threshold to hold one element but got 'tensor<2xf32>'}}
  // expected-error @+1 {{'dlg.non_max_suppression' op failed to infer returned types}}
  %0, %1 = dlg.non_max_suppression %b, %s, %m, %u, %t {num_selected = 1 : i64}
      : tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<2xf32>,
        tensor<1xf32> -> tensor<1x3xi64>, tensor<i64>
  return
}
