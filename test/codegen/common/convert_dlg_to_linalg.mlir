// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file --verify-diagnostics --mlir-print-local-scope | FileCheck %s

// Tests that broadcasting is expressed in the indexing maps, never materialized.
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x1xf32>, %[[B:[^:]+]]: tensor<8xf32>
func.func @add_broadcast(%a: tensor<4x1xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<4x8xf32>
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel"]
  // CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4x1xf32>, tensor<8xf32>) outs(%[[INIT]] : tensor<4x8xf32>)
  // CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[X]], %[[Y]] : f32
  // CHECK-NEXT: linalg.yield %[[SUM]]
  // CHECK: return %[[R]]
  %0 = dlg.add %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Tests that integer division never traps: a zero divisor gives 0 and -1
// negates, so idiv never sees either.
// CHECK-LABEL: func.func @div_int
func.func @div_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  // CHECK: linalg.generic
  // CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
  // CHECK: %[[ZERO:.+]] = arith.cmpi eq, %[[B]], %{{.+}} : i32
  // CHECK: %[[MINUS_ONE:.+]] = arith.cmpi eq, %[[B]], %{{.+}} : i32
  // CHECK: %[[SPECIAL:.+]] = arith.ori %[[ZERO]], %[[MINUS_ONE]] : i1
  // CHECK: %[[DIVISOR:.+]] = arith.select %[[SPECIAL]], %{{.+}}, %[[B]] : i32
  // CHECK: %[[Q:.+]] = arith.divsi %[[A]], %[[DIVISOR]] : i32
  // CHECK: %[[NEG:.+]] = arith.subi %{{.+}}, %[[A]] : i32
  // CHECK: %[[Q2:.+]] = arith.select %[[MINUS_ONE]], %[[NEG]], %[[Q]] : i32
  // CHECK: arith.select %[[ZERO]], %{{.+}}, %[[Q2]] : i32
  %0 = dlg.div %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Tests that where selects with the i1 condition broadcast like x and y.
// CHECK-LABEL: func.func @where
func.func @where(%c: tensor<4x1xi1>, %x: tensor<5xf32>, %y: tensor<1xf32>) -> tensor<4x5xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (0)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK: ^bb0(%[[C:.+]]: i1, %[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: arith.select %[[C]], %[[X]], %[[Y]] : f32
  %0 = dlg.where %c, %x, %y : tensor<4x1xi1>, tensor<5xf32>, tensor<1xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Tests that cast picks the conversion from the source and target types.
// CHECK-LABEL: func.func @cast
func.func @cast(%x: tensor<4xf32>, %i: tensor<4xi1>) -> (tensor<4xi64>, tensor<4xi1>, tensor<4xf32>) {
  // CHECK: arith.fptosi %{{.+}} : f32 to i64
  // CHECK: arith.cmpf une, %{{.+}}, %{{.+}} : f32
  // CHECK: arith.uitofp %{{.+}} : i1 to f32
  %0 = dlg.cast %x {to = i64} : tensor<4xf32> -> tensor<4xi64>
  %1 = dlg.cast %x {to = i1} : tensor<4xf32> -> tensor<4xi1>
  %2 = dlg.cast %i {to = f32} : tensor<4xi1> -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xi64>, tensor<4xi1>, tensor<4xf32>
}

// -----

// Tests that a batched matmul iterates (batch..., m, k, n) and broadcasts batch dims.
// CHECK-LABEL: func.func @matmul_batched
// CHECK-SAME: %[[A:[^:]+]]: tensor<3x1x4x8xf32>, %[[B:[^:]+]]: tensor<5x8x16xf32>
func.func @matmul_batched(%a: tensor<3x1x4x8xf32>, %b: tensor<5x8x16xf32>) -> tensor<3x5x4x16xf32> {
  // CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<3x5x4x16xf32>
  // CHECK: %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<3x5x4x16xf32>)
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]
  // CHECK-SAME: ins(%[[A]], %[[B]] : {{.*}}) outs(%[[ACC]] : tensor<3x5x4x16xf32>)
  // CHECK: %[[P:.+]] = arith.mulf
  // CHECK-NEXT: %[[S:.+]] = arith.addf %{{.+}}, %[[P]] : f32
  // CHECK-NEXT: linalg.yield %[[S]]
  // CHECK: return %[[R]]
  %0 = dlg.matmul %a, %b : tensor<3x1x4x8xf32>, tensor<5x8x16xf32> -> tensor<3x5x4x16xf32>
  return %0 : tensor<3x5x4x16xf32>
}

// -----

// Tests that matmul_integer extends each 8-bit operand by its signedness
// and sums in i32 from a zero fill.
// CHECK-LABEL: func.func @matmul_integer
func.func @matmul_integer(%a: tensor<4x8xi8>, %b: tensor<8x16xi8>) -> tensor<4x16xi32> {
  // CHECK: %[[ZERO:.+]] = arith.constant 0 : i32
  // CHECK: %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : i32) outs(%{{.+}} : tensor<4x16xi32>)
  // CHECK: linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
  // CHECK-SAME: outs(%[[ACC]] : tensor<4x16xi32>)
  // CHECK: ^bb0(%[[X:.+]]: i8, %[[Y:.+]]: i8, %[[OUT:.+]]: i32):
  // CHECK-NEXT: %[[XW:.+]] = arith.extsi %[[X]] : i8 to i32
  // CHECK-NEXT: %[[YW:.+]] = arith.extui %[[Y]] : i8 to i32
  // CHECK-NEXT: %[[P:.+]] = arith.muli %[[XW]], %[[YW]] : i32
  // CHECK-NEXT: %[[S:.+]] = arith.addi %[[OUT]], %[[P]] : i32
  // CHECK-NEXT: linalg.yield %[[S]]
  %0 = dlg.matmul_integer %a, %b {rhs_unsigned} : tensor<4x8xi8>, tensor<8x16xi8> -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// -----

// Tests that vector operands of matmul drop the m or n loop.
// CHECK-LABEL: func.func @matmul_vectors
func.func @matmul_vectors(%a: tensor<4x8xf32>, %v: tensor<8xf32>) -> (tensor<4xf32>, tensor<f32>) {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>]
  // CHECK-SAME: iterator_types = ["reduction"]
  %0 = dlg.matmul %a, %v : tensor<4x8xf32>, tensor<8xf32> -> tensor<4xf32>
  %1 = dlg.matmul %v, %v : tensor<8xf32>, tensor<8xf32> -> tensor<f32>
  return %0, %1 : tensor<4xf32>, tensor<f32>
}

// -----

// Tests that gemm transposes in the maps and scales in an elementwise epilogue.
// CHECK-LABEL: func.func @gemm
// CHECK-SAME: %[[A:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<16x8xf32>, %[[C:[^:]+]]: tensor<16xf32>
func.func @gemm(%a: tensor<4x8xf32>, %b: tensor<16x8xf32>, %c: tensor<16xf32>) -> tensor<4x16xf32> {
  // CHECK: %[[AB:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d2)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[AB]], %[[C]] : tensor<4x16xf32>, tensor<16xf32>)
  // CHECK: %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f32
  // CHECK: arith.mulf %{{.+}}, %[[ALPHA]] : f32
  // CHECK: %[[BETA:.+]] = arith.constant 5.000000e-01 : f32
  // CHECK: arith.mulf %{{.+}}, %[[BETA]] : f32
  // CHECK: arith.addf
  // CHECK: return %[[R]]
  %0 = dlg.gemm %a, %b, %c {alpha = 2.0 : f32, beta = 0.5 : f32, trans_a = false, trans_b = true}
      : tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Tests that a gemm without C and with unit alpha is a single contraction.
// CHECK-LABEL: func.func @gemm_no_c
func.func @gemm_no_c(%a: tensor<8x4xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>]
  // CHECK-NOT: linalg.generic
  // CHECK: return %[[R]]
  %0 = dlg.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = true, trans_b = false}
      : tensor<8x4xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Tests that a grouped, strided, padded 2-D conv pads, splits channels into
// groups by reshaping and contracts in one generic before adding the bias.
// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x8x8xf32>, %[[W:[^:]+]]: tensor<6x2x3x3xf32>, %[[BIAS:[^:]+]]: tensor<6xf32>
func.func @conv2d(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  // CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
  // CHECK: } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  // CHECK: %[[XF:.+]] = tensor.collapse_shape %[[PAD]]
  // CHECK: %[[XG:.+]] = tensor.expand_shape %[[XF]] {{.+}} into tensor<1x2x2x10x10xf32>
  // CHECK: %[[WF:.+]] = tensor.collapse_shape %[[W]]
  // CHECK: %[[WG:.+]] = tensor.expand_shape %[[WF]] {{.+}} into tensor<2x3x2x3x3xf32>
  // CHECK: %[[CONV:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d4, d3 * 2 + d5, d7 * 2 + d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d7)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]
  // CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<1x2x2x10x10xf32>, tensor<2x3x2x3x3xf32>)
  // CHECK: %[[OF:.+]] = tensor.collapse_shape %[[CONV]]
  // CHECK: %[[OUT:.+]] = tensor.expand_shape %[[OF]] {{.+}} into tensor<1x6x4x4xf32>
  // CHECK: %[[B3:.+]] = tensor.expand_shape %[[BIAS]] {{.+}} into tensor<6x1x1xf32>
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: ins(%[[OUT]], %[[B3]]
  // CHECK: return %[[R]]
  %0 = dlg.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
                            dilations = array<i64: 1, 1>, group = 2 : i64}
      : tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32> -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// Tests that a bf16 2-D conv is the named NCHW op summing in f32 (the
// input padded with bf16 zeros), rounded to bf16 once.
// CHECK-LABEL: func.func @conv2d_bf16
func.func @conv2d_bf16(%x: tensor<1x8x6x6xbf16>, %w: tensor<4x8x3x3xbf16>) -> tensor<1x4x6x6xbf16> {
  // CHECK: %[[X:.+]] = tensor.pad %arg0
  // CHECK: %[[ACC:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x4x6x6xf32>)
  // CHECK: %[[SUMS:.+]] = linalg.conv_2d_nchw_fchw {{.+}} ins(%[[X]], %arg1 : tensor<1x8x8x8xbf16>, tensor<4x8x3x3xbf16>) outs(%[[ACC]] : tensor<1x4x6x6xf32>)
  // CHECK: %[[R:.+]] = linalg.generic {{.+}} ins(%[[SUMS]] : tensor<1x4x6x6xf32>) outs(%{{.+}} : tensor<1x4x6x6xbf16>)
  // CHECK: return %[[R]]
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                        dilations = array<i64: 1, 1>, group = 1 : i64}
      : tensor<1x8x6x6xbf16>, tensor<4x8x3x3xbf16> -> tensor<1x4x6x6xbf16>
  return %0 : tensor<1x4x6x6xbf16>
}

// -----

// Tests that a dilated 1-D conv without padding or bias is one generic.
// CHECK-LABEL: func.func @conv1d
func.func @conv1d(%x: tensor<1x3x10xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6xf32> {
  // CHECK-NOT: tensor.pad
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5 + d4 * 2)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]
  // CHECK-NOT: linalg.generic
  %0 = dlg.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>,
                        dilations = array<i64: 2>, group = 1 : i64}
      : tensor<1x3x10xf32>, tensor<4x3x3xf32> -> tensor<1x4x6xf32>
  return %0 : tensor<1x4x6xf32>
}

// -----

// Tests that a 3-D conv puts the innermost output dim last in the iteration.
// CHECK-LABEL: func.func @conv3d
func.func @conv3d(%x: tensor<1x2x4x4x4xf32>, %w: tensor<2x2x2x2x2xf32>) -> tensor<1x2x3x3x3xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d0, d1, d5, d3 + d6, d4 + d7, d8 + d9)>
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction", "parallel"]
  %0 = dlg.conv %x, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>,
                        dilations = array<i64: 1, 1, 1>, group = 1 : i64}
      : tensor<1x2x4x4x4xf32>, tensor<2x2x2x2x2xf32> -> tensor<1x2x3x3x3xf32>
  return %0 : tensor<1x2x3x3x3xf32>
}

// -----

// Tests that max_pool is a windowed max reduction starting from -inf.
// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x3x8x8xf32>
func.func @max_pool(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // CHECK: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[WINDOW:.+]] = tensor.empty() : tensor<2x2xf32>
  // CHECK: %[[ACC:.+]] = linalg.fill ins(%[[NEG_INF]] : f32)
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
  // CHECK-SAME: ins(%[[X]], %[[WINDOW]] : tensor<1x3x8x8xf32>, tensor<2x2xf32>) outs(%[[ACC]] : tensor<1x3x4x4xf32>)
  // CHECK: arith.maximumf
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = false} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// Tests that ceil_mode pads the end so the last partial window is read.
// CHECK-LABEL: func.func @max_pool_ceil
func.func @max_pool_ceil(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x3x3xf32> {
  // CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
  // CHECK: tensor<1x1x8x8xf32> to tensor<1x1x9x9xf32>
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 3, 3>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = true} : tensor<1x1x8x8xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Tests that avg_pool without count_include_pad divides by a pooled count of ones.
// CHECK-LABEL: func.func @avg_pool
func.func @avg_pool(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
  // CHECK: %[[PAD:.+]] = tensor.pad
  // CHECK: %[[SUM:.+]] = linalg.generic
  // CHECK-SAME: affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
  // CHECK-SAME: ins(%[[PAD]], %{{.+}} : tensor<1x3x10x10xf32>, tensor<3x3xf32>)
  // CHECK: %[[ONES:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x1x8x8xf32>)
  // CHECK: %[[PADDED_ONES:.+]] = tensor.pad %[[ONES]]
  // CHECK: %[[COUNT:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[PADDED_ONES]], %{{.+}} : tensor<1x1x10x10xf32>, tensor<3x3xf32>)
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: ins(%[[SUM]], %[[COUNT]]
  // CHECK: arith.divf
  // CHECK: return %[[R]]
  %0 = dlg.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
                        ceil_mode = false, count_include_pad = false}
      : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return %0 : tensor<1x3x8x8xf32>
}

// -----

// Tests that global_avg_pool reduces the spatial dims and divides by their size.
// CHECK-LABEL: func.func @global_avg_pool
func.func @global_avg_pool(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
  // CHECK: %[[N:.+]] = arith.constant 4.900000e+01 : f32
  // CHECK: linalg.generic
  // CHECK: arith.divf %{{.+}}, %[[N]] : f32
  %0 = dlg.global_avg_pool %x : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
  return %0 : tensor<1x8x1x1xf32>
}

// -----

// Tests that reductions without keepdims drop the reduced dims from the output map.
// CHECK-LABEL: func.func @reduce
func.func @reduce(%x: tensor<2x8x4xf32>, %i: tensor<3x5xi32>) -> (tensor<8xf32>, tensor<3xi32>) {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>]
  // CHECK-SAME: iterator_types = ["reduction", "parallel", "reduction"]
  // CHECK: arith.addf
  // CHECK: %[[LOWEST:.+]] = arith.constant -2147483648 : i32
  // CHECK: linalg.fill ins(%[[LOWEST]] : i32)
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK: arith.maxsi
  %0 = dlg.reduce_sum %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x8x4xf32> -> tensor<8xf32>
  %1 = dlg.reduce_max %i {axes = array<i64: 1>, keepdims = false} : tensor<3x5xi32> -> tensor<3xi32>
  return %0, %1 : tensor<8xf32>, tensor<3xi32>
}

// -----

// Tests that softmax is max, exp(x - max), sum and divide along the axis.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[MAX:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x8xf32>)
  // CHECK: arith.maximumf
  // CHECK: %[[EXP:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x8xf32>, tensor<2x1xf32>)
  // CHECK: arith.subf
  // CHECK-NEXT: math.exp
  // CHECK: %[[SUM:.+]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[EXP]] : tensor<2x8xf32>)
  // CHECK: arith.addf
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[EXP]], %[[SUM]] : tensor<2x8xf32>, tensor<2x1xf32>)
  // CHECK: arith.divf
  // CHECK: return %[[R]]
  %0 = dlg.softmax %x {axis = -1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that layer_norm centers, takes the variance and scales with rsqrt.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>, %[[G:[^:]+]]: tensor<8xf32>, %[[B:[^:]+]]: tensor<8xf32>
func.func @layer_norm(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[SUM:.+]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x8xf32>)
  // CHECK: %[[MEAN:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[SUM]] : tensor<2x1xf32>)
  // CHECK: %[[CENTERED:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[X]], %[[MEAN]] : tensor<2x8xf32>, tensor<2x1xf32>)
  // CHECK: arith.subf
  // CHECK: %[[SQUARED:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[CENTERED]] : tensor<2x8xf32>)
  // CHECK: %[[SQSUM:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[SQUARED]] : tensor<2x8xf32>)
  // CHECK: %[[VAR:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[SQSUM]] : tensor<2x1xf32>)
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[CENTERED]], %[[VAR]], %[[G]], %[[B]] :
  // CHECK: %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
  // CHECK: %[[VE:.+]] = arith.addf %{{.+}}, %[[EPS]] : f32
  // CHECK: math.rsqrt %[[VE]] : f32
  // CHECK: return %[[R]]
  %0 = dlg.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.0e-05 : f32}
      : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that batch_norm folds its parameters into per-channel coefficients.
// CHECK-LABEL: func.func @batch_norm
func.func @batch_norm(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  // CHECK: %[[COEF:.+]] = linalg.generic
  // CHECK: math.sqrt
  // CHECK: %[[OFFSET:.+]] = linalg.generic
  // CHECK-SAME: %[[COEF]]
  // CHECK: %[[COEF3:.+]] = tensor.expand_shape %[[COEF]] {{.+}} into tensor<4x1x1xf32>
  // CHECK: %[[OFFSET3:.+]] = tensor.expand_shape %[[OFFSET]] {{.+}} into tensor<4x1x1xf32>
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: ins(%{{.+}}, %[[COEF3]], %[[OFFSET3]] :
  %0 = dlg.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-05 : f32}
      : tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
      -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// Tests that reshape-like ops become a collapse to 1-D and an expand.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
func.func @reshape(%x: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<2x12xf32>) {
  // CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
  // CHECK: %[[R:.+]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [6, 4] : tensor<24xf32> into tensor<6x4xf32>
  // CHECK: %[[FLAT2:.+]] = tensor.collapse_shape %[[X]]
  // CHECK: %[[F:.+]] = tensor.expand_shape %[[FLAT2]] {{.+}} into tensor<2x12xf32>
  // CHECK: return %[[R]], %[[F]]
  %0 = dlg.reshape %x {shape = array<i64: 6, 4>} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = dlg.flatten %x {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return %0, %1 : tensor<6x4xf32>, tensor<2x12xf32>
}

// -----

// Tests that transpose becomes linalg.transpose with the same permutation.
// CHECK-LABEL: func.func @transpose
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4xf32>
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<4x2x3xf32>
  // CHECK: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
  // CHECK: return %[[T]]
  %0 = dlg.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Tests that concat inserts each input at its running offset.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3xf32>, %[[B:[^:]+]]: tensor<2x5xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x8xf32>
  // CHECK: %[[FIRST:.+]] = tensor.insert_slice %[[A]] into %[[INIT]][0, 0] [2, 3] [1, 1]
  // CHECK: %[[SECOND:.+]] = tensor.insert_slice %[[B]] into %[[FIRST]][0, 3] [2, 5] [1, 1]
  // CHECK: return %[[SECOND]]
  %0 = dlg.concat %a, %b {axis = 1 : i64} : tensor<2x3xf32>, tensor<2x5xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that an empty input of concat is skipped: at the end its offset
// would lie past the result.
// CHECK-LABEL: func.func @concat_empty_last
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x8xf32>, %[[B:[^:]+]]: tensor<2x0xf32>
func.func @concat_empty_last(%a: tensor<2x8xf32>, %b: tensor<2x0xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x8xf32>
  // CHECK: %[[FIRST:.+]] = tensor.insert_slice %[[A]] into %[[INIT]][0, 0] [2, 8] [1, 1]
  // CHECK-NOT: tensor.insert_slice
  // CHECK: return %[[FIRST]]
  %0 = dlg.concat %a, %b {axis = 1 : i64} : tensor<2x8xf32>, tensor<2x0xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that a negative-step slice reads with a positive stride and reverses in a map.
// CHECK-LABEL: func.func @slice_negative_step
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>
func.func @slice_negative_step(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  // CHECK: %[[S:.+]] = tensor.extract_slice %[[X]][0, 1] [2, 4] [1, 2] : tensor<2x8xf32> to tensor<2x4xf32>
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, -d1 + 3)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[S]] : tensor<2x4xf32>)
  // CHECK: return %[[R]]
  %0 = dlg.slice %x {starts = array<i64: 0, 7>, sizes = array<i64: 2, 4>,
                     steps = array<i64: 1, -2>} : tensor<2x8xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that a positive-step slice is a single strided extract_slice.
// CHECK-LABEL: func.func @slice_positive_step
func.func @slice_positive_step(%x: tensor<2x8xf32>) -> tensor<1x3xf32> {
  // CHECK: %[[S:.+]] = tensor.extract_slice %{{.+}}[1, 2] [1, 3] [1, 2] : tensor<2x8xf32> to tensor<1x3xf32>
  // CHECK-NOT: linalg.generic
  // CHECK: return %[[S]]
  %0 = dlg.slice %x {starts = array<i64: 1, 2>, sizes = array<i64: 1, 3>,
                     steps = array<i64: 1, 2>} : tensor<2x8xf32> -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// Tests that gather reads the data with a wrapped, clamped index per element.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: %[[DATA:[^:]+]]: tensor<100x32xf32>, %[[IDS:[^:]+]]: tensor<2x8xi64>
func.func @gather(%emb: tensor<100x32xf32>, %ids: tensor<2x8xi64>) -> tensor<2x8x32xf32> {
  // CHECK: %[[SIZE:.+]] = arith.constant 100 : index
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
  // CHECK-SAME: ins(%[[IDS]] : tensor<2x8xi64>)
  // CHECK: ^bb0(%[[ID:.+]]: i64, %{{.+}}: f32):
  // CHECK: %[[I:.+]] = arith.index_cast %[[ID]] : i64 to index
  // CHECK: %[[ZERO:.+]] = arith.constant 0 : index
  // CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[I]], %[[ZERO]] : index
  // CHECK: %[[WRAPPED:.+]] = arith.addi %[[I]], %[[SIZE]] : index
  // CHECK: %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAPPED]], %[[I]] : index
  // CHECK: %[[LO:.+]] = arith.maxsi %[[SEL]], %[[ZERO]] : index
  // CHECK: %[[ONE:.+]] = arith.constant 1 : index
  // CHECK: %[[M1:.+]] = arith.subi %[[SIZE]], %[[ONE]] : index
  // CHECK: %[[LAST:.+]] = arith.maxsi %[[ZERO]], %[[M1]] : index
  // CHECK: %[[ROW:.+]] = arith.minsi %[[LO]], %[[LAST]] : index
  // CHECK: %[[COL:.+]] = linalg.index 2 : index
  // CHECK: %[[V:.+]] = tensor.extract %[[DATA]][%[[ROW]], %[[COL]]] : tensor<100x32xf32>
  // CHECK: linalg.yield %[[V]] : f32
  %0 = dlg.gather %emb, %ids {axis = 0 : i64} : tensor<100x32xf32>, tensor<2x8xi64> -> tensor<2x8x32xf32>
  return %0 : tensor<2x8x32xf32>
}

// -----

// Tests that a dense_resource constant becomes an arith.constant that keeps the blob.
// CHECK-LABEL: func.func @constant
func.func @constant() -> tensor<2xf32> {
  // CHECK: %[[C:.+]] = arith.constant dense_resource<w> : tensor<2xf32>
  // CHECK: return %[[C]]
  %0 = dlg.constant dense_resource<w> : tensor<2xf32>
  return %0 : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Tests that a dynamic dim sizes the result from the operand that has it.
// CHECK-LABEL: func.func @dynamic_add
// CHECK-SAME: %[[A:[^:]+]]: tensor<?x4xf32>
func.func @dynamic_add(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  // CHECK: %[[C0:.+]] = arith.constant 0 : index
  // CHECK: %[[N:.+]] = tensor.dim %[[A]], %[[C0]] : tensor<?x4xf32>
  // CHECK: %[[INIT:.+]] = tensor.empty(%[[N]]) : tensor<?x4xf32>
  // CHECK: linalg.generic
  // CHECK-SAME: outs(%[[INIT]] : tensor<?x4xf32>)
  %0 = dlg.add %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Tests that an op whose lowering needs static shapes reports a dynamic one.
func.func @dynamic(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'dlg.cum_sum' op cannot be lowered to linalg with the dynamic shape 'tensor<?x4xf32>' yet; give the model's inputs static sizes with --input-shape}}
  %0 = dlg.cum_sum %a {axis = 1 : i64, exclusive = false, reverse = false} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
