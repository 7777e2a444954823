// RUN: dlc-opt %s --split-input-file --verify-diagnostics

// Tests that two shapes that do not broadcast are rejected.
func.func @f0(%a: tensor<4x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{cannot broadcast shapes [4,3] and [5]}}
  // expected-error @+1 {{'dlg.add' op failed to infer returned types}}
  %0 = dlg.add %a, %b : tensor<4x3xf32>, tensor<5xf32> -> tensor<4x5xf32>
  return
}

// -----

// Tests that a binary op rejects operands of different element types.
func.func @f1(%a: tensor<4xf32>, %b: tensor<4xi32>) {
  // expected-error @+2 {{expects operands of one element type but got 'f32' and 'i32'}}
  // expected-error @+1 {{'dlg.mul' op failed to infer returned types}}
  %0 = dlg.mul %a, %b : tensor<4xf32>, tensor<4xi32> -> tensor<4xf32>
  return
}

// -----

// Tests that a result type that differs from the inferred one is rejected.
func.func @f2(%a: tensor<4x1xf32>, %b: tensor<8xf32>) {
  // expected-error @+2 {{'dlg.sub' op inferred type(s) 'tensor<4x8xf32>' are incompatible with return type(s) of operation 'tensor<4x4xf32>'}}
  // expected-error @+1 {{'dlg.sub' op failed to infer returned types}}
  %0 = dlg.sub %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x4xf32>
  return
}

// -----

// Tests that where rejects a condition that does not broadcast to x and y.
func.func @f3(%c: tensor<3xi1>, %x: tensor<4xf32>, %y: tensor<4xf32>) {
  // expected-error @+2 {{cannot broadcast shapes [3] and [4] and [4]}}
  // expected-error @+1 {{'dlg.where' op failed to infer returned types}}
  %0 = dlg.where %c, %x, %y : tensor<3xi1>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests that where rejects x and y of different element types.
func.func @f4(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xf16>) {
  // expected-error @+2 {{expects operands of one element type but got 'f32' and 'f16'}}
  // expected-error @+1 {{'dlg.where' op failed to infer returned types}}
  %0 = dlg.where %c, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

// Tests that a float-only unary op rejects integer tensors.
func.func @f5(%x: tensor<4xi32>) {
  // expected-error @+1 {{'dlg.sigmoid' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = dlg.sigmoid %x : tensor<4xi32>
  return
}

// -----

// Tests that matmul rejects different contracting dimensions.
func.func @f7(%a: tensor<4x8xf32>, %b: tensor<7x16xf32>) {
  // expected-error @+2 {{contracting dimensions differ: 8 vs 7 (shapes [4,8] and [7,16])}}
  // expected-error @+1 {{'dlg.matmul' op failed to infer returned types}}
  %0 = dlg.matmul %a, %b : tensor<4x8xf32>, tensor<7x16xf32> -> tensor<4x16xf32>
  return
}

// -----

// Tests that matmul_integer takes 8-bit integers only.
func.func @matmul_integer_i32(%a: tensor<4x8xi32>, %b: tensor<8x16xi32>) {
  // expected-error @+1 {{'dlg.matmul_integer' op operand #0 must be ranked tensor of 8-bit signless integer values}}
  %0 = dlg.matmul_integer %a, %b : tensor<4x8xi32>, tensor<8x16xi32> -> tensor<4x16xi32>
  return
}

// -----

// Tests that matmul_integer checks the contracting dimensions like matmul.
func.func @matmul_integer_k(%a: tensor<4x8xi8>, %b: tensor<7x16xi8>) {
  // expected-error @+2 {{contracting dimensions differ: 8 vs 7 (shapes [4,8] and [7,16])}}
  // expected-error @+1 {{'dlg.matmul_integer' op failed to infer returned types}}
  %0 = dlg.matmul_integer %a, %b : tensor<4x8xi8>, tensor<7x16xi8> -> tensor<4x16xi32>
  return
}

// -----

// Tests that matmul rejects batch dimensions that do not broadcast.
func.func @f8(%a: tensor<3x4x8xf32>, %b: tensor<5x8x16xf32>) {
  // expected-error @+2 {{cannot broadcast batch dimensions [3] and [5]}}
  // expected-error @+1 {{'dlg.matmul' op failed to infer returned types}}
  %0 = dlg.matmul %a, %b : tensor<3x4x8xf32>, tensor<5x8x16xf32> -> tensor<3x4x16xf32>
  return
}

// -----

// Tests that matmul rejects a rank-0 operand.
func.func @f9(%a: tensor<f32>, %b: tensor<8x16xf32>) {
  // expected-error @+2 {{expects operands of rank >= 1}}
  // expected-error @+1 {{'dlg.matmul' op failed to infer returned types}}
  %0 = dlg.matmul %a, %b : tensor<f32>, tensor<8x16xf32> -> tensor<16xf32>
  return
}

// -----

// Tests that matmul rejects operands of different element types.
func.func @f10(%a: tensor<4x8xf32>, %b: tensor<8x16xf16>) {
  // expected-error @+2 {{expects operands of one element type but got 'f32' and 'f16'}}
  // expected-error @+1 {{'dlg.matmul' op failed to infer returned types}}
  %0 = dlg.matmul %a, %b : tensor<4x8xf32>, tensor<8x16xf16> -> tensor<4x16xf32>
  return
}

// -----

// Tests that gemm rejects operands that are not matrices.
func.func @f11(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>) {
  // expected-error @+2 {{expects rank-2 A and B but got ranks 3 and 2}}
  // expected-error @+1 {{'dlg.gemm' op failed to infer returned types}}
  %0 = dlg.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return
}

// -----

// Tests that gemm checks the contracting dimension after the transposes.
func.func @f12(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) {
  // expected-error @+2 {{contracting dimensions differ: 8 vs 16}}
  // expected-error @+1 {{'dlg.gemm' op failed to infer returned types}}
  %0 = dlg.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x8xf32>
  return
}

// -----

// Tests that gemm rejects a C that does not broadcast to [M, N].
func.func @f13(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x1x16xf32>) {
  // expected-error @+2 {{C of shape [4,1,16] does not broadcast to [4,16]}}
  // expected-error @+1 {{'dlg.gemm' op failed to infer returned types}}
  %0 = dlg.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x1x16xf32> -> tensor<4x16xf32>
  return
}

// -----

// Tests that conv rejects an input of unsupported rank.
func.func @f14(%x: tensor<3x8xf32>, %w: tensor<16x3xf32>) {
  // expected-error @+2 {{expects an input of rank 3, 4 or 5 but got 2}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64>, pads = array<i64>, dilations = array<i64>, group = 1 : i64} : tensor<3x8xf32>, tensor<16x3xf32> -> tensor<3x16xf32>
  return
}

// -----

// Tests that conv rejects a weight whose rank differs from the input's.
func.func @f15(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3xf32>) {
  // expected-error @+2 {{expects a weight of rank 4 but got 3}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<16x3x3xf32> -> tensor<1x16x6x6xf32>
  return
}

// -----

// Tests that conv rejects a group that does not divide the channels.
func.func @f16(%x: tensor<1x3x8x8xf32>, %w: tensor<16x1x3x3xf32>) {
  // expected-error @+2 {{group 2 does not divide 3 input channels and 16 filters}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x3x8x8xf32>, tensor<16x1x3x3xf32> -> tensor<1x16x6x6xf32>
  return
}

// -----

// Tests that conv rejects a group that does not divide the filters.
func.func @f17(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{group 4 does not divide 4 input channels and 6 filters}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64} : tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32> -> tensor<1x6x6x6xf32>
  return
}

// -----

// Tests that conv rejects a weight with the wrong channels per group.
func.func @f18(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+2 {{expects weight dimension 1 to be 2 (channels / group) but got 4}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32> -> tensor<1x8x6x6xf32>
  return
}

// -----

// Tests that conv rejects a bias that is not one value per filter.
func.func @f19(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+2 {{expects a bias of shape [16] but got [8]}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<8xf32> -> tensor<1x16x6x6xf32>
  return
}

// -----

// Tests that conv rejects attribute lists of the wrong length.
func.func @f20(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+2 {{expects 'strides' to have 2 values but got 1}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32> -> tensor<1x16x6x6xf32>
  return
}

// -----

// Tests that conv rejects a window larger than the padded input.
func.func @f21(%x: tensor<1x3x4x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+2 {{window of size 3 (dilation 2) does not fit spatial dimension 0 of size 4}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 1>, group = 1 : i64} : tensor<1x3x4x8xf32>, tensor<16x3x3x3xf32> -> tensor<1x16x1x6xf32>
  return
}

// -----

// Tests that max_pool rejects a kernel_shape of the wrong length.
func.func @f22(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{expects 'kernel_shape' to have 2 values but got 3}}
  // expected-error @+1 {{'dlg.max_pool' op failed to infer returned types}}
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return
}

// -----

// Tests that avg_pool rejects pads that do not list begins and ends.
func.func @f23(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{expects 'pads' to have 4 values but got 2}}
  // expected-error @+1 {{'dlg.avg_pool' op failed to infer returned types}}
  %0 = dlg.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false, count_include_pad = true} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return
}

// -----

// Tests that pooling rejects dilations of the wrong length.
func.func @f24(%x: tensor<1x3x8xf32>) {
  // expected-error @+2 {{expects 'dilations' to have 1 values but got 0}}
  // expected-error @+1 {{'dlg.max_pool' op failed to infer returned types}}
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64>, ceil_mode = false} : tensor<1x3x8xf32> -> tensor<1x3x4xf32>
  return
}

// -----

// Tests that pooling rejects a zero stride.
func.func @f25(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{expects positive kernel, stride and dilation and non-negative pads in spatial dimension 1}}
  // expected-error @+1 {{'dlg.max_pool' op failed to infer returned types}}
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 0>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return
}

// -----

// Tests that pooling rejects negative pads.
func.func @f26(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{expects positive kernel, stride and dilation and non-negative pads in spatial dimension 1}}
  // expected-error @+1 {{'dlg.avg_pool' op failed to infer returned types}}
  %0 = dlg.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, -1, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false, count_include_pad = true} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return
}

// -----

// Tests that pooling rejects a window larger than the padded input.
func.func @f27(%x: tensor<1x3x8x2xf32>) {
  // expected-error @+2 {{window of size 3 (dilation 1) does not fit spatial dimension 1 of size 2}}
  // expected-error @+1 {{'dlg.max_pool' op failed to infer returned types}}
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : tensor<1x3x8x2xf32> -> tensor<1x3x7x1xf32>
  return
}

// -----

// Tests that pooling rejects an input without spatial dimensions.
func.func @f28(%x: tensor<3x8xf32>) {
  // expected-error @+2 {{expects an input of rank >= 3 but got 2}}
  // expected-error @+1 {{'dlg.max_pool' op failed to infer returned types}}
  %0 = dlg.max_pool %x {kernel_shape = array<i64>, strides = array<i64>, pads = array<i64>, dilations = array<i64>, ceil_mode = false} : tensor<3x8xf32> -> tensor<3x8xf32>
  return
}

// -----

// Tests that global_avg_pool rejects an input without spatial dimensions.
func.func @f29(%x: tensor<3x8xf32>) {
  // expected-error @+2 {{expects an input of rank >= 3 but got 2}}
  // expected-error @+1 {{'dlg.global_avg_pool' op failed to infer returned types}}
  %0 = dlg.global_avg_pool %x : tensor<3x8xf32> -> tensor<3x8xf32>
  return
}

// -----

// Tests that batch_norm rejects a rank-1 input.
func.func @f30(%x: tensor<16xf32>, %p: tensor<16xf32>) {
  // expected-error @+2 {{expects an input of rank >= 2 but got 1}}
  // expected-error @+1 {{'dlg.batch_norm' op failed to infer returned types}}
  %0 = dlg.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-05 : f32} : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<16xf32>
  return
}

// -----

// Tests that batch_norm rejects parameters that are not one value per channel.
func.func @f31(%x: tensor<1x16x8x8xf32>, %p: tensor<16xf32>, %v: tensor<8xf32>) {
  // expected-error @+2 {{expects parameters of shape [16] but got [8]}}
  // expected-error @+1 {{'dlg.batch_norm' op failed to infer returned types}}
  %0 = dlg.batch_norm %x, %p, %p, %p, %v {epsilon = 1.0e-05 : f32} : tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<8xf32> -> tensor<1x16x8x8xf32>
  return
}

// -----

// Tests that layer_norm rejects an axis out of range.
func.func @f32(%x: tensor<2x8x32xf32>, %g: tensor<32xf32>) {
  // expected-error @+2 {{axis 3 is out of range [-3, 2]}}
  // expected-error @+1 {{'dlg.layer_norm' op failed to infer returned types}}
  %0 = dlg.layer_norm %x, %g {axis = 3 : i64, epsilon = 1.0e-05 : f32} : tensor<2x8x32xf32>, tensor<32xf32> -> tensor<2x8x32xf32>
  return
}

// -----

// Tests that layer_norm rejects a scale that does not broadcast to the normalized dims.
func.func @f33(%x: tensor<2x8x32xf32>, %g: tensor<16xf32>) {
  // expected-error @+2 {{parameter of shape [16] does not broadcast to [32]}}
  // expected-error @+1 {{'dlg.layer_norm' op failed to infer returned types}}
  %0 = dlg.layer_norm %x, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32} : tensor<2x8x32xf32>, tensor<16xf32> -> tensor<2x8x32xf32>
  return
}

// -----

// Tests that layer_norm rejects a bias larger than the normalized dims.
func.func @f34(%x: tensor<2x8x32xf32>, %g: tensor<32xf32>, %b: tensor<8x32xf32>) {
  // expected-error @+2 {{parameter of shape [8,32] does not broadcast to [32]}}
  // expected-error @+1 {{'dlg.layer_norm' op failed to infer returned types}}
  %0 = dlg.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<2x8x32xf32>, tensor<32xf32>, tensor<8x32xf32> -> tensor<2x8x32xf32>
  return
}

// -----

// Tests that softmax rejects an axis out of range.
func.func @f35(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'dlg.softmax' op axis 2 is out of range [-2, 1]}}
  %0 = dlg.softmax %x {axis = 2 : i64} : tensor<2x8xf32>
  return
}

// -----

// Tests that a reduction rejects an axis out of range.
func.func @f36(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{axis -3 is out of range [-2, 1]}}
  // expected-error @+1 {{'dlg.reduce_sum' op failed to infer returned types}}
  %0 = dlg.reduce_sum %x {axes = array<i64: -3>, keepdims = true} : tensor<2x8xf32> -> tensor<2x1xf32>
  return
}

// -----

// Tests that a reduction rejects an axis listed twice.
func.func @f37(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{axis -1 is reduced twice}}
  // expected-error @+1 {{'dlg.reduce_mean' op failed to infer returned types}}
  %0 = dlg.reduce_mean %x {axes = array<i64: 1, -1>, keepdims = false} : tensor<2x8xf32> -> tensor<2xf32>
  return
}

// -----

// Tests that reduce_max checks its result type.
func.func @f38(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{'dlg.reduce_max' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @+1 {{'dlg.reduce_max' op failed to infer returned types}}
  %0 = dlg.reduce_max %x {axes = array<i64: 1>, keepdims = true} : tensor<2x8xf32> -> tensor<2xf32>
  return
}

// -----

// Tests that reshape rejects a different element count.
func.func @f39(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{cannot reshape 24 elements [2,3,4] to [5,5]}}
  // expected-error @+1 {{'dlg.reshape' op failed to infer returned types}}
  %0 = dlg.reshape %x {shape = array<i64: 5, 5>} : tensor<2x3x4xf32> -> tensor<5x5xf32>
  return
}

// -----

// Tests that reshape rejects a negative (unresolved) dimension.
func.func @f40(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{expects a non-negative static shape but got [-1,4]}}
  // expected-error @+1 {{'dlg.reshape' op failed to infer returned types}}
  %0 = dlg.reshape %x {shape = array<i64: -1, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return
}

// -----

// Tests that flatten rejects an axis out of range.
func.func @f41(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{axis 4 is out of range [-3, 3]}}
  // expected-error @+1 {{'dlg.flatten' op failed to infer returned types}}
  %0 = dlg.flatten %x {axis = 4 : i64} : tensor<2x3x4xf32> -> tensor<24x1xf32>
  return
}

// -----

// Tests that squeeze rejects a dimension that is not 1.
func.func @f42(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{cannot squeeze dimension 1 of size 3}}
  // expected-error @+1 {{'dlg.squeeze' op failed to infer returned types}}
  %0 = dlg.squeeze %x {axes = array<i64: 1>} : tensor<1x3xf32> -> tensor<1xf32>
  return
}

// -----

// Tests that squeeze rejects an axis out of range.
func.func @f43(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range [-2, 1]}}
  // expected-error @+1 {{'dlg.squeeze' op failed to infer returned types}}
  %0 = dlg.squeeze %x {axes = array<i64: 2>} : tensor<1x3xf32> -> tensor<1x3xf32>
  return
}

// -----

// Tests that unsqueeze rejects an axis out of range of the result.
func.func @f44(%x: tensor<3xf32>) {
  // expected-error @+2 {{axis 2 is out of range [-2, 1]}}
  // expected-error @+1 {{'dlg.unsqueeze' op failed to infer returned types}}
  %0 = dlg.unsqueeze %x {axes = array<i64: 2>} : tensor<3xf32> -> tensor<3x1xf32>
  return
}

// -----

// Tests that unsqueeze rejects an axis listed twice.
func.func @f45(%x: tensor<3xf32>) {
  // expected-error @+2 {{axis -3 is listed twice}}
  // expected-error @+1 {{'dlg.unsqueeze' op failed to infer returned types}}
  %0 = dlg.unsqueeze %x {axes = array<i64: 0, -3>} : tensor<3xf32> -> tensor<1x1x3xf32>
  return
}

// -----

// Tests that transpose rejects a perm of the wrong length.
func.func @f46(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{expects 'perm' to have 2 values but got 3}}
  // expected-error @+1 {{'dlg.transpose' op failed to infer returned types}}
  %0 = dlg.transpose %x {perm = array<i64: 1, 0, 2>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

// Tests that transpose rejects a perm that repeats a dimension.
func.func @f47(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{perm [0,2,0] is not a permutation of [0, 3)}}
  // expected-error @+1 {{'dlg.transpose' op failed to infer returned types}}
  %0 = dlg.transpose %x {perm = array<i64: 0, 2, 0>} : tensor<2x3x4xf32> -> tensor<2x4x2xf32>
  return
}

// -----

// Tests that concat rejects inputs whose other dimensions differ.
func.func @f48(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{input 1 has size 4 in dimension 1 but input 0 has 3}}
  // expected-error @+1 {{'dlg.concat' op failed to infer returned types}}
  %0 = dlg.concat %a, %b {axis = 0 : i64} : tensor<2x3xf32>, tensor<2x4xf32> -> tensor<4x3xf32>
  return
}

// -----

// Tests that concat rejects inputs of different element types.
func.func @f49(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) {
  // expected-error @+2 {{input 1 has type 'tensor<2x3xi32>' which does not match 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'dlg.concat' op failed to infer returned types}}
  %0 = dlg.concat %a, %b {axis = 0 : i64} : tensor<2x3xf32>, tensor<2x3xi32> -> tensor<4x3xf32>
  return
}

// -----

// Tests that concat rejects an axis out of range.
func.func @f50(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range [-2, 1]}}
  // expected-error @+1 {{'dlg.concat' op failed to infer returned types}}
  %0 = dlg.concat %a, %a {axis = 2 : i64} : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x6xf32>
  return
}

// -----

// Tests that slice rejects a slice that leaves the input.
func.func @f51(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{slice [start 2, size 4, step 2] leaves dimension 1 of size 8}}
  // expected-error @+1 {{'dlg.slice' op failed to infer returned types}}
  %0 = dlg.slice %x {starts = array<i64: 0, 2>, sizes = array<i64: 2, 4>, steps = array<i64: 1, 2>} : tensor<2x8xf32> -> tensor<2x4xf32>
  return
}

// -----

// Tests that slice rejects a negative step that runs past the start.
func.func @f52(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{slice [start 2, size 4, step -1] leaves dimension 1 of size 8}}
  // expected-error @+1 {{'dlg.slice' op failed to infer returned types}}
  %0 = dlg.slice %x {starts = array<i64: 0, 2>, sizes = array<i64: 2, 4>, steps = array<i64: 1, -1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  return
}

// -----

// Tests that slice rejects a zero step.
func.func @f53(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{expects a non-zero step and a non-negative size in dimension 1}}
  // expected-error @+1 {{'dlg.slice' op failed to infer returned types}}
  %0 = dlg.slice %x {starts = array<i64: 0, 0>, sizes = array<i64: 2, 4>, steps = array<i64: 1, 0>} : tensor<2x8xf32> -> tensor<2x4xf32>
  return
}

// -----

// Tests that slice rejects starts of the wrong length.
func.func @f54(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{expects 'starts' to have 2 values but got 1}}
  // expected-error @+1 {{'dlg.slice' op failed to infer returned types}}
  %0 = dlg.slice %x {starts = array<i64: 0>, sizes = array<i64: 2, 4>, steps = array<i64: 1, 1>} : tensor<2x8xf32> -> tensor<2x4xf32>
  return
}

// -----

// Tests that gather rejects an axis out of range.
func.func @f55(%e: tensor<100x32xf32>, %i: tensor<4xi64>) {
  // expected-error @+2 {{axis 2 is out of range [-2, 1]}}
  // expected-error @+1 {{'dlg.gather' op failed to infer returned types}}
  %0 = dlg.gather %e, %i {axis = 2 : i64} : tensor<100x32xf32>, tensor<4xi64> -> tensor<4x32xf32>
  return
}

// -----

// Tests that gather rejects float indices.
func.func @f56(%e: tensor<100x32xf32>, %i: tensor<4xf32>) {
  // expected-error @+1 {{'dlg.gather' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = dlg.gather %e, %i {axis = 0 : i64} : tensor<100x32xf32>, tensor<4xf32> -> tensor<4x32xf32>
  return
}

// -----

// Tests that gather rejects indices into an empty axis.
func.func @gather_empty_axis(%x: tensor<0x3xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{cannot gather 2 indices from the empty axis 0}}
  // expected-error @+1 {{'dlg.gather' op failed to infer returned types}}
  %0 = dlg.gather %x, %i {axis = 0 : i64} : tensor<0x3xf32>, tensor<2xi64> -> tensor<2x3xf32>
  return
}

// -----

// Tests that conv rejects operands of different element types.
func.func @conv_mixed_types(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf16>) {
  // expected-error @+2 {{expects operands of one element type but got 'f32' and 'f16'}}
  // expected-error @+1 {{'dlg.conv' op failed to infer returned types}}
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf16> -> tensor<1x1x2x2xf32>
  return
}

// -----

// Tests that a reshape whose element count overflows is rejected.
func.func @reshape_overflow(%x: tensor<6xf32>) {
  // expected-error @+2 {{has more than 1099511627776 elements}}
  // expected-error @+1 {{'dlg.reshape' op failed to infer returned types}}
  %0 = dlg.reshape %x {shape = array<i64: 3, 6148914691236517206, 3>} : tensor<6xf32> -> tensor<3x6148914691236517206x3xf32>
  return
}
