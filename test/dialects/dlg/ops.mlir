// RUN: dlc-opt %s --split-input-file | dlc-opt --split-input-file | FileCheck %s

// Tests that dense and dense_resource constants round-trip, blob included.
// CHECK-LABEL: func.func @constant
func.func @constant() -> (tensor<2xi64>, tensor<2x2xf32>) {
  // CHECK: %[[SHAPE:.+]] = dlg.constant dense<[1, 2]> : tensor<2xi64>
  %0 = dlg.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: %[[W:.+]] = dlg.constant dense_resource<conv1.weight> : tensor<2x2xf32>
  %1 = dlg.constant dense_resource<conv1.weight> : tensor<2x2xf32>
  // CHECK: return %[[SHAPE]], %[[W]]
  return %0, %1 : tensor<2xi64>, tensor<2x2xf32>
}
// CHECK: dialect_resources
// CHECK: conv1.weight: "0x040000000000803F000000400000404000008040"
{-#
  dialect_resources: {
    builtin: {
      conv1.weight: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Tests that the binary ops round-trip with numpy broadcasting of both sides.
// CHECK-LABEL: func.func @binary
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x1xf32>, %[[B:[^:]+]]: tensor<8xf32>, %[[I:[^:]+]]: tensor<3xi32>
func.func @binary(%a: tensor<4x1xf32>, %b: tensor<8xf32>, %i: tensor<3xi32>) {
  // CHECK: dlg.add %[[A]], %[[B]] : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %0 = dlg.add %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
  // CHECK: dlg.sub %[[B]], %[[A]] : tensor<8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  %1 = dlg.sub %b, %a : tensor<8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  // CHECK: dlg.mul %[[A]], %[[A]] : tensor<4x1xf32>, tensor<4x1xf32> -> tensor<4x1xf32>
  %2 = dlg.mul %a, %a : tensor<4x1xf32>, tensor<4x1xf32> -> tensor<4x1xf32>
  // CHECK: dlg.div %[[A]], %[[B]] : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %3 = dlg.div %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
  // CHECK: dlg.pow %[[B]], %[[B]] : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %4 = dlg.pow %b, %b : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  // CHECK: dlg.max %[[I]], %[[I]] : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  %5 = dlg.max %i, %i : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  // CHECK: dlg.min %[[A]], %[[B]] : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %6 = dlg.min %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return
}

// -----

// Tests that the unary ops round-trip on float and integer tensors.
// CHECK-LABEL: func.func @unary
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[I:[^:]+]]: tensor<5xi64>
func.func @unary(%x: tensor<2x3xf32>, %i: tensor<5xi64>) {
  // CHECK: dlg.relu %[[X]] : tensor<2x3xf32>
  %0 = dlg.relu %x : tensor<2x3xf32>
  // CHECK: dlg.relu %[[I]] : tensor<5xi64>
  %1 = dlg.relu %i : tensor<5xi64>
  // CHECK: dlg.sigmoid %[[X]] : tensor<2x3xf32>
  %2 = dlg.sigmoid %x : tensor<2x3xf32>
  // CHECK: dlg.tanh %[[X]] : tensor<2x3xf32>
  %3 = dlg.tanh %x : tensor<2x3xf32>
  // CHECK: dlg.erf %[[X]] : tensor<2x3xf32>
  %4 = dlg.erf %x : tensor<2x3xf32>
  // CHECK: dlg.exp %[[X]] : tensor<2x3xf32>
  %5 = dlg.exp %x : tensor<2x3xf32>
  // CHECK: dlg.log %[[X]] : tensor<2x3xf32>
  %6 = dlg.log %x : tensor<2x3xf32>
  // CHECK: dlg.sqrt %[[X]] : tensor<2x3xf32>
  %7 = dlg.sqrt %x : tensor<2x3xf32>
  // CHECK: dlg.neg %[[I]] : tensor<5xi64>
  %8 = dlg.neg %i : tensor<5xi64>
  // CHECK: dlg.abs %[[X]] : tensor<2x3xf32>
  %9 = dlg.abs %x : tensor<2x3xf32>
  return
}

// -----

// Tests that leaky_relu, gelu and clip keep their attributes.
// CHECK-LABEL: func.func @activations
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[I:[^:]+]]: tensor<4xi8>
func.func @activations(%x: tensor<2x3xf32>, %i: tensor<4xi8>) {
  // CHECK: dlg.leaky_relu %[[X]] {alpha = 0.00999999977 : f32} : tensor<2x3xf32>
  %0 = dlg.leaky_relu %x {alpha = 0.01 : f32} : tensor<2x3xf32>
  // CHECK: dlg.gelu %[[X]] {approximate = false} : tensor<2x3xf32>
  %1 = dlg.gelu %x {approximate = false} : tensor<2x3xf32>
  // CHECK: dlg.gelu %[[X]] {approximate = true} : tensor<2x3xf32>
  %2 = dlg.gelu %x {approximate = true} : tensor<2x3xf32>
  // CHECK: dlg.clip %[[X]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<2x3xf32>
  %3 = dlg.clip %x {min = 0.0, max = 6.0} : tensor<2x3xf32>
  // CHECK: dlg.clip %[[I]] {max = 1.000000e+01 : f64} : tensor<4xi8>
  %4 = dlg.clip %i {max = 10.0} : tensor<4xi8>
  // CHECK: dlg.clip %[[X]] : tensor<2x3xf32>
  %5 = dlg.clip %x : tensor<2x3xf32>
  return
}

// -----

// Tests that cast round-trips between float, integer and i1 element types.
// CHECK-LABEL: func.func @cast
// CHECK-SAME: %[[X:[^:]+]]: tensor<4xf32>
func.func @cast(%x: tensor<4xf32>) -> (tensor<4xi64>, tensor<4xi1>, tensor<4xf16>) {
  // CHECK: %[[I:.+]] = dlg.cast %[[X]] {to = i64} : tensor<4xf32> -> tensor<4xi64>
  %0 = dlg.cast %x {to = i64} : tensor<4xf32> -> tensor<4xi64>
  // CHECK: dlg.cast %[[I]] {to = i1} : tensor<4xi64> -> tensor<4xi1>
  %1 = dlg.cast %0 {to = i1} : tensor<4xi64> -> tensor<4xi1>
  // CHECK: dlg.cast %[[X]] {to = f16} : tensor<4xf32> -> tensor<4xf16>
  %2 = dlg.cast %x {to = f16} : tensor<4xf32> -> tensor<4xf16>
  return %0, %1, %2 : tensor<4xi64>, tensor<4xi1>, tensor<4xf16>
}

// -----

// Tests that where round-trips with all three operands broadcast.
// CHECK-LABEL: func.func @where
// CHECK-SAME: %[[C:[^:]+]]: tensor<4x1xi1>, %[[X:[^:]+]]: tensor<5xf32>, %[[Y:[^:]+]]: tensor<1xf32>
func.func @where(%c: tensor<4x1xi1>, %x: tensor<5xf32>, %y: tensor<1xf32>) -> tensor<4x5xf32> {
  // CHECK: dlg.where %[[C]], %[[X]], %[[Y]] : tensor<4x1xi1>, tensor<5xf32>, tensor<1xf32> -> tensor<4x5xf32>
  %0 = dlg.where %c, %x, %y : tensor<4x1xi1>, tensor<5xf32>, tensor<1xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Tests that matmul round-trips for matrices, broadcast batches and vectors.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<8x16xf32>, %[[BA:[^:]+]]: tensor<3x1x4x8xf32>, %[[BB:[^:]+]]: tensor<5x8x16xf32>, %[[V:[^:]+]]: tensor<8xf32>
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>,
                  %ba: tensor<3x1x4x8xf32>, %bb: tensor<5x8x16xf32>,
                  %v: tensor<8xf32>) {
  // CHECK: dlg.matmul %[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %0 = dlg.matmul %a, %b : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  // CHECK: dlg.matmul %[[BA]], %[[BB]] : tensor<3x1x4x8xf32>, tensor<5x8x16xf32> -> tensor<3x5x4x16xf32>
  %1 = dlg.matmul %ba, %bb : tensor<3x1x4x8xf32>, tensor<5x8x16xf32> -> tensor<3x5x4x16xf32>
  // CHECK: dlg.matmul %[[BA]], %[[B]] : tensor<3x1x4x8xf32>, tensor<8x16xf32> -> tensor<3x1x4x16xf32>
  %2 = dlg.matmul %ba, %b : tensor<3x1x4x8xf32>, tensor<8x16xf32> -> tensor<3x1x4x16xf32>
  // CHECK: dlg.matmul %[[A]], %[[V]] : tensor<4x8xf32>, tensor<8xf32> -> tensor<4xf32>
  %3 = dlg.matmul %a, %v : tensor<4x8xf32>, tensor<8xf32> -> tensor<4xf32>
  // CHECK: dlg.matmul %[[V]], %[[B]] : tensor<8xf32>, tensor<8x16xf32> -> tensor<16xf32>
  %4 = dlg.matmul %v, %b : tensor<8xf32>, tensor<8x16xf32> -> tensor<16xf32>
  // CHECK: dlg.matmul %[[V]], %[[V]] : tensor<8xf32>, tensor<8xf32> -> tensor<f32>
  %5 = dlg.matmul %v, %v : tensor<8xf32>, tensor<8xf32> -> tensor<f32>
  return
}

// -----

// Tests that matmul_integer round-trips its signedness and infers i32 sums.
// CHECK-LABEL: func.func @matmul_integer
func.func @matmul_integer(%a: tensor<2x4x8xi8>, %b: tensor<8x16xi8>, %v: tensor<8xi8>) {
  // CHECK: dlg.matmul_integer %{{.+}}, %{{.+}} {lhs_unsigned} : tensor<2x4x8xi8>, tensor<8x16xi8> -> tensor<2x4x16xi32>
  %0 = dlg.matmul_integer %a, %b {lhs_unsigned} : tensor<2x4x8xi8>, tensor<8x16xi8> -> tensor<2x4x16xi32>
  // CHECK: dlg.matmul_integer %{{.+}}, %{{.+}} : tensor<8xi8>, tensor<8x16xi8> -> tensor<16xi32>
  %1 = dlg.matmul_integer %v, %b : tensor<8xi8>, tensor<8x16xi8> -> tensor<16xi32>
  return
}

// -----

// Tests that gemm round-trips with and without its optional C operand.
// CHECK-LABEL: func.func @gemm
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<16x8xf32>, %[[C:[^:]+]]: tensor<16xf32>, %[[AT:[^:]+]]: tensor<8x4xf32>
func.func @gemm(%a: tensor<4x8xf32>, %b: tensor<16x8xf32>, %c: tensor<16xf32>,
                %at: tensor<8x4xf32>) {
  // CHECK: dlg.gemm %[[A]], %[[B]], %[[C]] {alpha = 1.000000e+00 : f32, beta = 5.000000e-01 : f32, trans_a = false, trans_b = true} : tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32> -> tensor<4x16xf32>
  %0 = dlg.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 0.5 : f32, trans_a = false, trans_b = true}
      : tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32> -> tensor<4x16xf32>
  // CHECK: dlg.gemm %[[AT]], %[[B]] {alpha = 2.000000e+00 : f32, beta = 1.000000e+00 : f32, trans_a = true, trans_b = true} : tensor<8x4xf32>, tensor<16x8xf32> -> tensor<4x16xf32>
  %1 = dlg.gemm %at, %b {alpha = 2.0 : f32, beta = 1.0 : f32, trans_a = true, trans_b = true}
      : tensor<8x4xf32>, tensor<16x8xf32> -> tensor<4x16xf32>
  return
}

// -----

// Tests that 1-D, 2-D and 3-D convolutions round-trip with groups and bias.
// CHECK-LABEL: func.func @conv
func.func @conv(%x1: tensor<1x4x10xf32>, %w1: tensor<6x2x3xf32>,
                %x2: tensor<1x3x8x8xf32>, %w2: tensor<16x3x3x3xf32>, %b2: tensor<16xf32>,
                %x3: tensor<2x4x6x6x6xf32>, %w3: tensor<4x1x2x2x2xf32>, %b3: tensor<4xf32>) {
  // CHECK: dlg.conv %{{.+}}, %{{.+}} {dilations = array<i64: 2>, group = 2 : i64, pads = array<i64: 1, 1>, strides = array<i64: 1>} : tensor<1x4x10xf32>, tensor<6x2x3xf32> -> tensor<1x6x8xf32>
  %0 = dlg.conv %x1, %w1 {strides = array<i64: 1>, pads = array<i64: 1, 1>,
                          dilations = array<i64: 2>, group = 2 : i64}
      : tensor<1x4x10xf32>, tensor<6x2x3xf32> -> tensor<1x6x8xf32>
  // CHECK: dlg.conv %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32> -> tensor<1x16x8x8xf32>
  %1 = dlg.conv %x2, %w2, %b2 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                               dilations = array<i64: 1, 1>, group = 1 : i64}
      : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32> -> tensor<1x16x8x8xf32>
  // CHECK: dlg.conv %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1, 1>, group = 4 : i64, pads = array<i64: 0, 0, 0, 1, 1, 1>, strides = array<i64: 2, 2, 2>} : tensor<2x4x6x6x6xf32>, tensor<4x1x2x2x2xf32>, tensor<4xf32> -> tensor<2x4x3x3x3xf32>
  %2 = dlg.conv %x3, %w3, %b3 {strides = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 1, 1, 1>,
                               dilations = array<i64: 1, 1, 1>, group = 4 : i64}
      : tensor<2x4x6x6x6xf32>, tensor<4x1x2x2x2xf32>, tensor<4xf32> -> tensor<2x4x3x3x3xf32>
  return
}

// -----

// Tests that max_pool, avg_pool and global_avg_pool round-trip.
// CHECK-LABEL: func.func @pool
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x3x8x8xf32>
func.func @pool(%x: tensor<1x3x8x8xf32>) {
  // CHECK: dlg.max_pool %[[X]] {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = false} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  // CHECK: dlg.max_pool %[[X]] {ceil_mode = true, {{.*}}} : tensor<1x3x8x8xf32> -> tensor<1x3x3x3xf32>
  %1 = dlg.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 3, 3>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = true} : tensor<1x3x8x8xf32> -> tensor<1x3x3x3xf32>
  // CHECK: dlg.avg_pool %[[X]] {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  %2 = dlg.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
                        ceil_mode = false, count_include_pad = false}
      : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  // CHECK: dlg.global_avg_pool %[[X]] : tensor<1x3x8x8xf32> -> tensor<1x3x1x1xf32>
  %3 = dlg.global_avg_pool %x : tensor<1x3x8x8xf32> -> tensor<1x3x1x1xf32>
  return
}

// -----

// Tests that batch_norm, layer_norm and softmax round-trip.
// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<1x16x8x8xf32>, %p: tensor<16xf32>,
                         %y: tensor<2x8x32xf32>, %g: tensor<32xf32>, %b: tensor<8x32xf32>) {
  // CHECK: dlg.batch_norm %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 9.99999974E-6 : f32} : tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x8x8xf32>
  %0 = dlg.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-05 : f32}
      : tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
      -> tensor<1x16x8x8xf32>
  // CHECK: dlg.layer_norm %{{.+}}, %{{.+}}, %{{.+}} {axis = -1 : i64, epsilon = 9.99999974E-6 : f32} : tensor<2x8x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<2x8x32xf32>
  %1 = dlg.layer_norm %y, %g, %g {axis = -1 : i64, epsilon = 1.0e-05 : f32}
      : tensor<2x8x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<2x8x32xf32>
  // CHECK: dlg.layer_norm %{{.+}}, %{{.+}} {axis = 1 : i64, epsilon = 1.000000e-03 : f32} : tensor<2x8x32xf32>, tensor<8x32xf32> -> tensor<2x8x32xf32>
  %2 = dlg.layer_norm %y, %b {axis = 1 : i64, epsilon = 1.0e-03 : f32}
      : tensor<2x8x32xf32>, tensor<8x32xf32> -> tensor<2x8x32xf32>
  // CHECK: dlg.softmax %{{.+}} {axis = -1 : i64} : tensor<2x8x32xf32>
  %3 = dlg.softmax %y {axis = -1 : i64} : tensor<2x8x32xf32>
  // CHECK: dlg.softmax %{{.+}} {axis = 0 : i64} : tensor<2x8x32xf32>
  %4 = dlg.softmax %y {axis = 0 : i64} : tensor<2x8x32xf32>
  return
}

// -----

// Tests that the reductions round-trip with and without keepdims.
// CHECK-LABEL: func.func @reduce
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8x4xf32>, %[[I:[^:]+]]: tensor<3x5xi32>
func.func @reduce(%x: tensor<2x8x4xf32>, %i: tensor<3x5xi32>) {
  // CHECK: dlg.reduce_sum %[[X]] {axes = array<i64: 1>, keepdims = true} : tensor<2x8x4xf32> -> tensor<2x1x4xf32>
  %0 = dlg.reduce_sum %x {axes = array<i64: 1>, keepdims = true} : tensor<2x8x4xf32> -> tensor<2x1x4xf32>
  // CHECK: dlg.reduce_mean %[[X]] {axes = array<i64: 0, -1>, keepdims = false} : tensor<2x8x4xf32> -> tensor<8xf32>
  %1 = dlg.reduce_mean %x {axes = array<i64: 0, -1>, keepdims = false} : tensor<2x8x4xf32> -> tensor<8xf32>
  // CHECK: dlg.reduce_max %[[I]] {axes = array<i64: 0, 1>, keepdims = false} : tensor<3x5xi32> -> tensor<i32>
  %2 = dlg.reduce_max %i {axes = array<i64: 0, 1>, keepdims = false} : tensor<3x5xi32> -> tensor<i32>
  return
}

// -----

// Tests that reshape, flatten, squeeze and unsqueeze round-trip.
// CHECK-LABEL: func.func @reshapes
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>, %[[Y:[^:]+]]: tensor<1x3x1xf32>
func.func @reshapes(%x: tensor<2x3x4xf32>, %y: tensor<1x3x1xf32>) {
  // CHECK: dlg.reshape %[[X]] {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %0 = dlg.reshape %x {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: dlg.flatten %[[X]] {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  %1 = dlg.flatten %x {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  // CHECK: dlg.flatten %[[X]] {axis = 0 : i64} : tensor<2x3x4xf32> -> tensor<1x24xf32>
  %2 = dlg.flatten %x {axis = 0 : i64} : tensor<2x3x4xf32> -> tensor<1x24xf32>
  // CHECK: dlg.squeeze %[[Y]] {axes = array<i64: 0>} : tensor<1x3x1xf32> -> tensor<3x1xf32>
  %3 = dlg.squeeze %y {axes = array<i64: 0>} : tensor<1x3x1xf32> -> tensor<3x1xf32>
  // CHECK: dlg.squeeze %[[Y]] {axes = array<i64>} : tensor<1x3x1xf32> -> tensor<3xf32>
  %4 = dlg.squeeze %y {axes = array<i64>} : tensor<1x3x1xf32> -> tensor<3xf32>
  // CHECK: dlg.unsqueeze %[[X]] {axes = array<i64: 0, -1>} : tensor<2x3x4xf32> -> tensor<1x2x3x4x1xf32>
  %5 = dlg.unsqueeze %x {axes = array<i64: 0, -1>} : tensor<2x3x4xf32> -> tensor<1x2x3x4x1xf32>
  return
}

// -----

// Tests that transpose and concat round-trip.
// CHECK-LABEL: func.func @transpose_concat
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3xf32>, %[[B:[^:]+]]: tensor<4x3xf32>
func.func @transpose_concat(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) {
  // CHECK: dlg.transpose %[[A]] {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %0 = dlg.transpose %a {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  // CHECK: dlg.concat %[[A]], %[[B]], %[[A]] {axis = 0 : i64} : tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x3xf32> -> tensor<8x3xf32>
  %1 = dlg.concat %a, %b, %a {axis = 0 : i64} : tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x3xf32> -> tensor<8x3xf32>
  // CHECK: dlg.concat %[[A]] {axis = -1 : i64} : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = dlg.concat %a {axis = -1 : i64} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

// Tests that slice round-trips with a negative step.
// CHECK-LABEL: func.func @slice
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
func.func @slice(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  // CHECK: dlg.slice %[[X]] {sizes = array<i64: 2, 4>, starts = array<i64: 0, 7>, steps = array<i64: 1, -2>} : tensor<2x8xf32> -> tensor<2x4xf32>
  %0 = dlg.slice %x {starts = array<i64: 0, 7>, sizes = array<i64: 2, 4>,
                     steps = array<i64: 1, -2>} : tensor<2x8xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that gather round-trips with i64 and i32 indices.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: %[[E:[^:]+]]: tensor<100x32xf32>, %[[IDS:[^:]+]]: tensor<2x8xi64>, %[[J:[^:]+]]: tensor<3xi32>
func.func @gather(%emb: tensor<100x32xf32>, %ids: tensor<2x8xi64>, %j: tensor<3xi32>) {
  // CHECK: dlg.gather %[[E]], %[[IDS]] {axis = 0 : i64} : tensor<100x32xf32>, tensor<2x8xi64> -> tensor<2x8x32xf32>
  %0 = dlg.gather %emb, %ids {axis = 0 : i64} : tensor<100x32xf32>, tensor<2x8xi64> -> tensor<2x8x32xf32>
  // CHECK: dlg.gather %[[E]], %[[J]] {axis = -1 : i64} : tensor<100x32xf32>, tensor<3xi32> -> tensor<100x3xf32>
  %1 = dlg.gather %emb, %j {axis = -1 : i64} : tensor<100x32xf32>, tensor<3xi32> -> tensor<100x3xf32>
  return
}
