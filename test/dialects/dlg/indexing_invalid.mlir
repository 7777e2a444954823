// RUN: dlc-opt %s --split-input-file --verify-diagnostics

// Tests that gather_elements rejects an indices dim larger than the data's.
func.func @f0(%x: tensor<3x4xf32>, %i: tensor<5x2xi64>) {
  // expected-error @+2 {{indices dim 0 is 5 but data dim 0 is only 3}}
  // expected-error @+1 {{'dlg.gather_elements' op failed to infer returned types}}
  %0 = dlg.gather_elements %x, %i {axis = 1 : i64} : tensor<3x4xf32>, tensor<5x2xi64> -> tensor<5x2xf32>
  return
}

// -----

// Tests that gather_nd rejects index tuples longer than the data rank.
func.func @f1(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+2 {{index tuples of length 3 do not fit data of rank 2 after 0 batch dims}}
  // expected-error @+1 {{'dlg.gather_nd' op failed to infer returned types}}
  %0 = dlg.gather_nd %x, %i {batch_dims = 0 : i64} : tensor<3x4xf32>, tensor<2x3xi64> -> tensor<2xf32>
  return
}

// -----

// Tests that scatter_elements rejects an unknown reduction.
func.func @f2(%x: tensor<3xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+2 {{reduction 'sub' is not one of none, add, mul, max, min}}
  // expected-error @+1 {{'dlg.scatter_elements' op failed to infer returned types}}
  %0 = dlg.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "sub"} : tensor<3xf32>, tensor<2xi64>, tensor<2xf32> -> tensor<3xf32>
  return
}

// -----

// Tests that scatter_nd states the updates shape it expects.
func.func @f3(%x: tensor<4x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+2 {{expects updates of shape indices.shape[:-1] + data.shape[1:] = 'tensor<2x5xf32>' but got 'tensor<2x4xf32>'}}
  // expected-error @+1 {{'dlg.scatter_nd' op failed to infer returned types}}
  %0 = dlg.scatter_nd %x, %i, %u {reduction = "none"} : tensor<4x5xf32>, tensor<2x1xi64>, tensor<2x4xf32> -> tensor<4x5xf32>
  return
}
