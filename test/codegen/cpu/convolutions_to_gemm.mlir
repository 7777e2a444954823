// RUN: dlc-opt %s --dlc-cpu-convolutions-to-gemm --split-input-file | FileCheck %s

// Tests that an f32 NCHW convolution becomes an im2col copy with affine
// window indices (stride 2) and a contraction of the filter [F, C*KH*KW]
// with the columns [N, C*KH*KW, OH*OW], reshaped back to the output.
// CHECK-DAG: #[[GATHER:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-DAG: #[[FILTER:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[COLS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-LABEL: func.func @conv
// CHECK: %[[COL:.+]] = linalg.generic {indexing_maps = [#[[GATHER]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%{{.+}} : tensor<1x3x9x9xf32>) outs(%{{.+}} : tensor<1x3x3x3x4x4xf32>)
// CHECK: tensor.collapse_shape %[[COL]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<1x3x3x3x4x4xf32> into tensor<1x27x16xf32>
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<8x3x3x3xf32> into tensor<8x27xf32>
// CHECK: linalg.generic {indexing_maps = [#[[FILTER]], #[[COLS]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [1, 8, 4, 4]
// CHECK-NOT: linalg.conv_2d
func.func @conv(%x: tensor<1x3x9x9xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that integer and dynamically shaped convolutions are left alone,
// and so are constant filters: dlc_uk_conv2d packs them at compile time
// and never stores the im2col matrix.
// CHECK-LABEL: func.func @not_rewritten
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.conv_2d_nchw_fchw
func.func @not_rewritten(%x: tensor<1x3x9x9xi32>, %w: tensor<8x3x3x3xi32>, %init: tensor<1x8x7x7xi32>,
                         %dx: tensor<?x3x9x9xf32>, %dw: tensor<8x3x3x3xf32>, %dinit: tensor<?x8x7x7xf32>)
    -> (tensor<1x8x7x7xi32>, tensor<?x8x7x7xf32>, tensor<1x8x7x7xf32>) {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x9x9xi32>, tensor<8x3x3x3xi32>) outs(%init : tensor<1x8x7x7xi32>) -> tensor<1x8x7x7xi32>
  %1 = linalg.conv_2d_nchw_fchw ins(%dx, %dw : tensor<?x3x9x9xf32>, tensor<8x3x3x3xf32>) outs(%dinit : tensor<?x8x7x7xf32>) -> tensor<?x8x7x7xf32>
  %cw = arith.constant dense<0.5> : tensor<8x3x3x3xf32>
  %fx = arith.constant dense<1.0> : tensor<1x3x9x9xf32>
  %finit = arith.constant dense<0.0> : tensor<1x8x7x7xf32>
  %2 = linalg.conv_2d_nchw_fchw ins(%fx, %cw : tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>) outs(%finit : tensor<1x8x7x7xf32>) -> tensor<1x8x7x7xf32>
  return %0, %1, %2 : tensor<1x8x7x7xi32>, tensor<?x8x7x7xf32>, tensor<1x8x7x7xf32>
}
