// RUN: dlc-opt %s --dlc-cpu-interchange-window-reductions --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-cpu-interchange-window-reductions="max-window=4" --split-input-file | FileCheck %s --check-prefix=SMALL

// Tests that a 3x3 max pool (stride 2) runs its window loops outside the
// output row: the row loop (d3) becomes the last loop, the maps follow.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d3, d5 * 2 + d4)>
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @max_pool
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %{{.+}}: f32, %[[B:.+]]: f32):
// CHECK-NEXT: arith.maximumf %[[B]], %[[A]]
// A window of 9 points is larger than max-window=4: unchanged.
// SMALL-LABEL: func.func @max_pool
// SMALL: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
func.func @max_pool(%in: tensor<1x8x17x17xf32>) -> tensor<1x8x8x8xf32> {
  %lowest = arith.constant 0xFF800000 : f32
  %window = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x8x8x8xf32>
  %init = linalg.fill ins(%lowest : f32) outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %0 = linalg.generic {
      indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>,
                       affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>,
                       affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%in, %window : tensor<1x8x17x17xf32>, tensor<3x3xf32>) outs(%init : tensor<1x8x8x8xf32>) {
  ^bb0(%a: f32, %w: f32, %b: f32):
    %m = arith.maximumf %b, %a : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// Tests that a sum along the rows stays innermost: the last parallel loop
// (the row index) does not walk the input's innermost dim.
// CHECK-LABEL: func.func @row_sum
// CHECK: iterator_types = ["parallel", "reduction"]
func.func @row_sum(%in: tensor<16x8xf32>, %init: tensor<16xf32>) -> tensor<16xf32> {
  %0 = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%in : tensor<16x8xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// Tests that a matrix product with a short K is left alone: the filter
// operand is not indexed by the pixel loop.
// CHECK-LABEL: func.func @pointwise_conv
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
func.func @pointwise_conv(%filter: tensor<32x16xf32>, %in: tensor<1x16x64xf32>, %init: tensor<1x32x64xf32>) -> tensor<1x32x64xf32> {
  %0 = linalg.generic {
      indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d3)>,
                       affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>,
                       affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%filter, %in : tensor<32x16xf32>, tensor<1x16x64xf32>) outs(%init : tensor<1x32x64xf32>) {
  ^bb0(%f: f32, %a: f32, %b: f32):
    %p = arith.mulf %f, %a : f32
    %s = arith.addf %b, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x32x64xf32>
  return %0 : tensor<1x32x64xf32>
}

// -----

// Tests that a window of dynamic size is left alone.
// CHECK-LABEL: func.func @dynamic_window
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
func.func @dynamic_window(%in: tensor<4x?xf32>, %window: tensor<?xf32>, %init: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = linalg.generic {
      indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1 + d2)>,
                       affine_map<(d0, d1, d2) -> (d2)>,
                       affine_map<(d0, d1, d2) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%in, %window : tensor<4x?xf32>, tensor<?xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%a: f32, %w: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Tests that a body reading linalg.index keeps reading the same loop: the
// row index is now loop 2.
// CHECK-DAG: #[[ROWMAP:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @indexed
// CHECK: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-DAG: %[[I0:.+]] = linalg.index 0 : index
// CHECK-DAG: %[[I1:.+]] = linalg.index 1 : index
// CHECK-DAG: %[[I2:.+]] = linalg.index 2 : index
// CHECK: %[[ROW:.+]] = affine.apply #[[ROWMAP]](%[[I0]], %[[I1]], %[[I2]])
// CHECK: arith.index_cast %[[ROW]]
func.func @indexed(%in: tensor<4x10xf32>, %init: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %window = tensor.empty() : tensor<3xf32>
  %0 = linalg.generic {
      indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1 + d2)>,
                       affine_map<(d0, d1, d2) -> (d2)>,
                       affine_map<(d0, d1, d2) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%in, %window : tensor<4x10xf32>, tensor<3xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%a: f32, %w: f32, %b: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %s = arith.addf %a, %f : f32
    %m = arith.maximumf %b, %s : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Tests that a generic with one parallel loop is left alone: moved inside
// the window, it would leave no parallel loop outside.
// CHECK-LABEL: func.func @one_parallel_loop
// CHECK: iterator_types = ["parallel", "reduction"]
func.func @one_parallel_loop(%in: tensor<10xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %window = tensor.empty() : tensor<3xf32>
  %0 = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0 + d1)>,
                       affine_map<(d0, d1) -> (d1)>,
                       affine_map<(d0, d1) -> (d0)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%in, %window : tensor<10xf32>, tensor<3xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%a: f32, %w: f32, %b: f32):
    %m = arith.maximumf %b, %a : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
