// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @dim_out_of_range(%x: tensor<?x4xf32>) -> tensor<i64> {
  // expected-error @+2 {{dim 2 is out of range [0, 1] of 'tensor<?x4xf32>'}}
  // expected-error @+1 {{'dlg.dim' op failed to infer returned types}}
  %0 = dlg.dim %x {dim = 2 : i64} : tensor<?x4xf32> -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

func.func @shape_length(%x: tensor<?x64xf32>, %s: tensor<2xi64>) -> tensor<?x4x16xf32> {
  // expected-error @+1 {{'dlg.dynamic_reshape' op expects a shape of 3 entries (the result rank) but got 'tensor<2xi64>'}}
  %0 = dlg.dynamic_reshape %x, %s : tensor<?x64xf32>, tensor<2xi64> -> tensor<?x4x16xf32>
  return %0 : tensor<?x4x16xf32>
}

// -----

func.func @element_count(%x: tensor<2x64xf32>, %s: tensor<2xi64>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'dlg.dynamic_reshape' op reshapes 128 elements into 64}}
  %0 = dlg.dynamic_reshape %x, %s : tensor<2x64xf32>, tensor<2xi64> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
