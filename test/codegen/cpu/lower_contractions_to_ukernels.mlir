// RUN: dlc-opt %s --dlc-cpu-lower-contractions-to-ukernels --canonicalize --split-input-file | FileCheck %s
// RUN: dlc-opt %s '--dlc-cpu-lower-contractions-to-ukernels=isa=avx512' --canonicalize --split-input-file | FileCheck %s --check-prefix=AVX512

// Tests that a matmul on buffers becomes one GEMM ukernel call with its
// sizes and strides, and that the zero fill before it is absorbed
// (accumulate = 0).
// The epilogue parameters say none: no bias, no residual, bounds -inf and
// +inf.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[INF:.+]] = arith.constant 0x7F800000 : f32
// CHECK-DAG: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NOT: linalg.
// CHECK: call @dlc_uk_sgemm(%c1_i32, %c1_i64, %c64_i64, %c48_i64, %c32_i64, %{{.+}}, %c0_i64, %c32_i64, %c1_i64, %{{.+}}, %c0_i64, %c48_i64, %c1_i64, %{{.+}}, %c0_i64, %c48_i64, %c1_i64, %c0_i32, %c0_i64, %c0_i32, %c0_i64, %c0_i64, %c0_i64, %c0_i64, %[[NEG_INF]], %[[INF]])
// CHECK-NOT: linalg.
func.func @matmul(%a: memref<64x32xf32>, %b: memref<32x48xf32>, %c: memref<64x48xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x48xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c : memref<64x48xf32>)
  return
}

// -----

// Tests that a transposed operand is passed as swapped strides, a batch dim
// as a batch stride, and that without a fill the call accumulates.
// CHECK-LABEL: func.func @batch_transposed
// CHECK: call @dlc_uk_sgemm(%c1_i32, %c4_i64, %c16_i64, %c24_i64, %c8_i64, %{{.+}}, %c128_i64, %c8_i64, %c1_i64, %{{.+}}, %c192_i64, %c1_i64, %c8_i64, %{{.+}}, %c384_i64, %c24_i64, %c1_i64, %c1_i32, %c0_i64,
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, n, k)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @batch_transposed(%a: memref<4x16x8xf32>, %b: memref<4x24x8xf32>, %c: memref<4x16x24xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x16x8xf32>, memref<4x24x8xf32>) outs(%c : memref<4x16x24xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests that constant weights are packed at compile time: B into 16-column
// panels (48 columns pad to 4 panels: 4 x 32 x 16 values), called through
// dlc_uk_sgemm_packed_b.
// CHECK: memref.global "private" constant @w_packed : memref<2048xf32> = dense_resource<w_packed> {alignment = 64 : i64}
// CHECK-LABEL: func.func @weights
// CHECK: %[[P:.+]] = memref.get_global @w_packed : memref<2048xf32>
// CHECK: %[[PI:.+]] = memref.extract_aligned_pointer_as_index %[[P]]
// CHECK: %[[PB:.+]] = arith.index_cast %[[PI]] : index to i64
// CHECK: call @dlc_uk_sgemm_packed_b(%c1_i32, %c1_i64, %c64_i64, %c48_i64, %c32_i64, %{{.+}}, %c0_i64, %c32_i64, %c1_i64, %[[PB]], %c0_i64,
memref.global "private" constant @w : memref<32x48xf32> = dense<1.0> {alignment = 64 : i64}
func.func @weights(%a: memref<64x32xf32>, %c: memref<64x48xf32>) {
  %b = memref.get_global @w : memref<32x48xf32>
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c : memref<64x48xf32>)
  return
}

// -----

// Tests that a constant filter on the left (a convolution as filter x
// im2col) is packed as A into 12-row panels (20 rows pad to 24).
// CHECK: memref.global "private" constant @f_packed_a : memref<216xf32>
// CHECK-LABEL: func.func @filter
// CHECK: call @dlc_uk_sgemm_packed_a(%c1_i32, %c1_i64, %c20_i64, %c100_i64, %c9_i64,
memref.global "private" constant @f : memref<20x1x3x3xf32> = dense<0.5> {alignment = 64 : i64}
func.func @filter(%col: memref<9x100xf32>, %c: memref<20x100xf32>) {
  %f = memref.get_global @f : memref<20x1x3x3xf32>
  %a = memref.collapse_shape %f [[0], [1, 2, 3]] : memref<20x1x3x3xf32> into memref<20x9xf32>
  linalg.matmul ins(%a, %col : memref<20x9xf32>, memref<9x100xf32>) outs(%c : memref<20x100xf32>)
  return
}

// -----

// Tests that a depthwise convolution becomes one dlc_uk_depthwise_conv2d
// call (N, C, H, W, OH, OW, KH, KW, strides, dilations) absorbing its fill.
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: linalg.
// CHECK: call @dlc_uk_depthwise_conv2d(%c1_i32, %c1_i64, %c8_i64, %c17_i64, %c17_i64, %c8_i64, %c8_i64, %c3_i64, %c3_i64, %c2_i64, %c2_i64, %c1_i64, %c1_i64, %c0_i64, %c0_i64, %{{.+}}, %{{.+}}, %{{.+}}, %c0_i32,
func.func @depthwise(%in: memref<1x8x17x17xf32>, %f: memref<8x3x3xf32>) -> memref<1x8x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<1x8x8x8xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<1x8x8x8xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%in, %f : memref<1x8x17x17xf32>, memref<8x3x3xf32>) outs(%out : memref<1x8x8x8xf32>)
  return %out : memref<1x8x8x8xf32>
}

// -----

// Tests a depthwise convolution whose output reuses the buffer its input
// was padded from (as bufferization leaves a "same" convolution): the call
// reads that buffer with padding 1 and writes it in place, and the padded
// copy, both fills and the bias + ReLU6 consumer go away.
// CHECK-LABEL: func.func @depthwise_padded_in_place
// CHECK-SAME: (%[[BUF:.+]]: memref<1x4x8x8xf32>,
// CHECK-NOT: linalg.
// CHECK-NOT: memref.copy
// CHECK: %[[IN:.+]] = memref.extract_aligned_pointer_as_index %[[BUF]]
// CHECK: %[[IN_I64:.+]] = arith.index_cast %[[IN]]
// CHECK: %[[OUT:.+]] = memref.extract_aligned_pointer_as_index %[[BUF]]
// CHECK: %[[OUT_I64:.+]] = arith.index_cast %[[OUT]]
// CHECK: call @dlc_uk_depthwise_conv2d(%c1_i32, %c1_i64, %c4_i64, %c8_i64, %c8_i64, %c8_i64, %c8_i64, %c3_i64, %c3_i64, %c1_i64, %c1_i64, %c1_i64, %c1_i64, %c1_i64, %c1_i64, %[[IN_I64]], %{{.+}}, %[[OUT_I64]], %c0_i32, %{{.+}}, %c1_i32, %c0_i64, %c0_i64, %c0_i64, %c0_i64, %{{.+}}, %{{.+}})
// CHECK-NOT: linalg.
// CHECK-NOT: memref.alloc
func.func @depthwise_padded_in_place(%buf: memref<1x4x8x8xf32>, %f: memref<4x3x3xf32>, %bias: memref<4x1x1xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %padded = memref.alloc() : memref<1x4x10x10xf32>
  linalg.map outs(%padded : memref<1x4x10x10xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %buf, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.fill ins(%zero : f32) outs(%buf : memref<1x4x8x8xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %f : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%buf : memref<1x4x8x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c, 0, 0)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%buf, %bias : memref<1x4x8x8xf32>, memref<4x1x1xf32>) outs(%buf : memref<1x4x8x8xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %r = arith.maximumf %s, %zero : f32
    %c = arith.minimumf %r, %six : f32
    linalg.yield %c : f32
  }
  memref.dealloc %padded : memref<1x4x10x10xf32>
  return
}

// -----

// Tests the same with the output an allocation whose value is used later:
// the call writes a new buffer, which takes over the later uses (a copy
// here), and the old one is freed right after the call, so that the
// kernel need not copy each plane before overwriting it.
// CHECK-LABEL: func.func @depthwise_padded_new_output
// CHECK: %[[OLD:.+]] = memref.alloc() : memref<1x4x8x8xf32>
// CHECK: call @dlc_uk_sgemm
// CHECK: %[[NEW:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x8x8xf32>
// CHECK: %[[IN:.+]] = memref.extract_aligned_pointer_as_index %[[OLD]]
// CHECK: %[[IN_I64:.+]] = arith.index_cast %[[IN]]
// CHECK: %[[OUT:.+]] = memref.extract_aligned_pointer_as_index %[[NEW]]
// CHECK: %[[OUT_I64:.+]] = arith.index_cast %[[OUT]]
// CHECK: call @dlc_uk_depthwise_conv2d({{.+}}, %[[IN_I64]], %{{.+}}, %[[OUT_I64]], %c0_i32,
// CHECK-NEXT: memref.dealloc %[[OLD]]
// CHECK-NEXT: memref.copy %[[NEW]], %{{.+}}
// CHECK-NEXT: memref.dealloc %[[NEW]]
// CHECK-LABEL: func.func @depthwise_padded_view_used_later
// CHECK-NOT: memref.alloc() {alignment = 64 : i64}
// CHECK: call @dlc_uk_depthwise_conv2d(
// CHECK-LABEL: func.func @depthwise_padded_no_fill
// CHECK-NOT: memref.alloc() {alignment = 64 : i64}
// CHECK: call @dlc_uk_depthwise_conv2d({{.+}}, %c1_i32,
func.func @depthwise_padded_new_output(%a: memref<4x16xf32>, %b: memref<16x64xf32>, %f: memref<4x3x3xf32>, %result: memref<1x4x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<1x4x8x8xf32>
  %flat = memref.collapse_shape %buf [[0, 1], [2, 3]] : memref<1x4x8x8xf32> into memref<4x64xf32>
  linalg.fill ins(%zero : f32) outs(%flat : memref<4x64xf32>)
  linalg.matmul ins(%a, %b : memref<4x16xf32>, memref<16x64xf32>) outs(%flat : memref<4x64xf32>)
  %padded = memref.alloc() : memref<1x4x10x10xf32>
  linalg.map outs(%padded : memref<1x4x10x10xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %buf, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.fill ins(%zero : f32) outs(%buf : memref<1x4x8x8xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %f : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%buf : memref<1x4x8x8xf32>)
  memref.dealloc %padded : memref<1x4x10x10xf32>
  memref.copy %buf, %result : memref<1x4x8x8xf32> to memref<1x4x8x8xf32>
  memref.dealloc %buf : memref<1x4x8x8xf32>
  return
}
// A view of the output made before the call and read after it: written in
// place (a new buffer would leave the view on the freed one).
func.func @depthwise_padded_view_used_later(%a: memref<4x16xf32>, %b: memref<16x64xf32>, %f: memref<4x3x3xf32>, %result: memref<4x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<1x4x8x8xf32>
  %flat = memref.collapse_shape %buf [[0, 1], [2, 3]] : memref<1x4x8x8xf32> into memref<4x64xf32>
  linalg.fill ins(%zero : f32) outs(%flat : memref<4x64xf32>)
  linalg.matmul ins(%a, %b : memref<4x16xf32>, memref<16x64xf32>) outs(%flat : memref<4x64xf32>)
  %padded = memref.alloc() : memref<1x4x10x10xf32>
  linalg.map outs(%padded : memref<1x4x10x10xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %buf, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.fill ins(%zero : f32) outs(%buf : memref<1x4x8x8xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %f : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%buf : memref<1x4x8x8xf32>)
  memref.dealloc %padded : memref<1x4x10x10xf32>
  memref.copy %flat, %result : memref<4x64xf32> to memref<4x64xf32>
  memref.dealloc %buf : memref<1x4x8x8xf32>
  return
}
// Without a fill the call adds to its output, which must stay the input's
// buffer (x + depthwise(x)): written in place.
func.func @depthwise_padded_no_fill(%a: memref<4x16xf32>, %b: memref<16x64xf32>, %f: memref<4x3x3xf32>, %result: memref<1x4x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<1x4x8x8xf32>
  %flat = memref.collapse_shape %buf [[0, 1], [2, 3]] : memref<1x4x8x8xf32> into memref<4x64xf32>
  linalg.fill ins(%zero : f32) outs(%flat : memref<4x64xf32>)
  linalg.matmul ins(%a, %b : memref<4x16xf32>, memref<16x64xf32>) outs(%flat : memref<4x64xf32>)
  %padded = memref.alloc() : memref<1x4x10x10xf32>
  linalg.map outs(%padded : memref<1x4x10x10xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %buf, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %f : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%buf : memref<1x4x8x8xf32>)
  memref.dealloc %padded : memref<1x4x10x10xf32>
  memref.copy %buf, %result : memref<1x4x8x8xf32> to memref<1x4x8x8xf32>
  memref.dealloc %buf : memref<1x4x8x8xf32>
  return
}

// -----

// Tests that a max pooling (as dlc-cpu-interchange-window-reductions leaves
// it: loops (n, c, oh, kh, kw, ow)) becomes one dlc_uk_max_pool2d call (N,
// C, H, W, OH, OW, KH, KW, strides, dilations, padding top and left) that
// reads the unpadded input: the -inf padded copy and the -inf fill of the
// output go away. A pooling whose output starts from zero, a min pooling and
// a window row that is not linear in (oh, kh) keep their loops.
// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:.+]]: memref<1x8x112x112xf32>, %[[Y:.+]]: memref<1x8x56x56xf32>)
// CHECK-NOT: linalg.
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.alloc
// CHECK: %[[XP:.+]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %[[XI:.+]] = arith.index_cast %[[XP]]
// CHECK: %[[YP:.+]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: %[[YI:.+]] = arith.index_cast %[[YP]]
// CHECK: call @dlc_uk_max_pool2d(%c1_i32, %c1_i64, %c8_i64, %c112_i64, %c112_i64, %c56_i64, %c56_i64, %c3_i64, %c3_i64, %c2_i64, %c2_i64, %c1_i64, %c1_i64, %c1_i64, %c1_i64, %[[XI]], %[[YI]]) : (i32, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) -> ()
// CHECK-NOT: linalg.
// CHECK-LABEL: func.func @max_pool_from_zero
// CHECK-NOT: call
// CHECK: linalg.generic
// CHECK-LABEL: func.func @min_pool
// CHECK-NOT: call
// CHECK: linalg.generic
// CHECK-LABEL: func.func @max_pool_nonlinear
// CHECK-NOT: call
// CHECK: linalg.generic
func.func @max_pool(%x: memref<1x8x112x112xf32>, %y: memref<1x8x56x56xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %padded = memref.alloc() : memref<1x8x114x114xf32>
  linalg.map outs(%padded : memref<1x8x114x114xf32>) (%init: f32) {
    linalg.yield %ninf : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 8, 112, 112] [1, 1, 1, 1] : memref<1x8x114x114xf32> to memref<1x8x112x112xf32, strided<[103968, 12996, 114, 1], offset: 115>>
  memref.copy %x, %interior : memref<1x8x112x112xf32> to memref<1x8x112x112xf32, strided<[103968, 12996, 114, 1], offset: 115>>
  %window = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x8x56x56xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (kh, kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh, ow)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%padded, %window : memref<1x8x114x114xf32>, memref<3x3xf32>) outs(%y : memref<1x8x56x56xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  memref.dealloc %padded : memref<1x8x114x114xf32>
  memref.dealloc %window : memref<3x3xf32>
  return
}
func.func @max_pool_from_zero(%x: memref<1x8x113x113xf32>, %y: memref<1x8x56x56xf32>) {
  %zero = arith.constant 0.0 : f32
  %window = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x8x56x56xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (kh, kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh, ow)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %window : memref<1x8x113x113xf32>, memref<3x3xf32>) outs(%y : memref<1x8x56x56xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  memref.dealloc %window : memref<3x3xf32>
  return
}
func.func @min_pool(%x: memref<1x8x113x113xf32>, %y: memref<1x8x56x56xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %window = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x8x56x56xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (kh, kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh, ow)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %window : memref<1x8x113x113xf32>, memref<3x3xf32>) outs(%y : memref<1x8x56x56xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %m = arith.minimumf %out, %in : f32
    linalg.yield %m : f32
  }
  memref.dealloc %window : memref<3x3xf32>
  return
}
func.func @max_pool_nonlinear(%x: memref<1x8x113x113xf32>, %y: memref<1x8x56x56xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %window = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x8x56x56xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh + kh + oh floordiv 3, ow * 2 + kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (kh, kw)>, affine_map<(n, c, oh, kh, kw, ow) -> (n, c, oh, ow)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %window : memref<1x8x113x113xf32>, memref<3x3xf32>) outs(%y : memref<1x8x56x56xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  memref.dealloc %window : memref<3x3xf32>
  return
}

// -----

// Tests what keeps its loops: integer products, and products below
// min-flops multiply-adds.
// CHECK-LABEL: func.func @not_lowered
// CHECK-NOT: call
// CHECK: linalg.matmul
// CHECK: linalg.matmul
func.func @not_lowered(%a: memref<64x32xi32>, %b: memref<32x48xi32>, %c: memref<64x48xi32>,
                       %x: memref<4x4xf32>, %y: memref<4x4xf32>, %z: memref<4x4xf32>) {
  linalg.matmul ins(%a, %b : memref<64x32xi32>, memref<32x48xi32>) outs(%c : memref<64x48xi32>)
  linalg.matmul ins(%x, %y : memref<4x4xf32>, memref<4x4xf32>) outs(%z : memref<4x4xf32>)
  return
}

// -----

// Tests that a zero fill stays when an op between it and the product reads
// a view of the product's buffer (the fill's zeros are observed), and that
// one on another allocation does not stop the fill from being absorbed.
// CHECK-LABEL: func.func @fill_observed
// CHECK: linalg.fill
// CHECK: linalg.copy
// CHECK: call @dlc_uk_sgemm({{.+}}, %c1_i32, %c0_i64,
// CHECK-LABEL: func.func @fill_absorbed
// CHECK-NOT: linalg.fill
// CHECK: linalg.copy
// CHECK: call @dlc_uk_sgemm({{.+}}, %c0_i32, %c0_i64,
func.func @fill_observed(%a: memref<64x32xf32>, %b: memref<32x48xf32>, %side: memref<8x48xf32>) -> memref<64x48xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x48xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x48xf32>)
  %rows = memref.subview %c[0, 0] [8, 48] [1, 1] : memref<64x48xf32> to memref<8x48xf32, strided<[48, 1]>>
  linalg.copy ins(%rows : memref<8x48xf32, strided<[48, 1]>>) outs(%side : memref<8x48xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c : memref<64x48xf32>)
  return %c : memref<64x48xf32>
}
func.func @fill_absorbed(%a: memref<64x32xf32>, %b: memref<32x48xf32>, %x: memref<8x48xf32>) -> (memref<64x48xf32>, memref<8x48xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x48xf32>
  %other = memref.alloc() : memref<8x48xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x48xf32>)
  linalg.copy ins(%x : memref<8x48xf32>) outs(%other : memref<8x48xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c : memref<64x48xf32>)
  return %c, %other : memref<64x48xf32>, memref<8x48xf32>
}

// -----

// Tests that a 1x1 convolution with few pixels (49 of a 64-column tile)
// runs transposed: C^T = X^T F^T through dlc_uk_sgemm_packed_b, the filter
// packed as B (64 channels: 4 panels x 256 x 16 values; as A, 72 padded
// rows x 256), X read with adjacent rows (strides 1, 49), C written with
// strides (1, 49), and the bias per output channel (a row) passed as a
// column bias (mode 2). With
// 56 x 56 pixels (3136 = 98 tiles), the same filter stays A; so it does
// for AVX2, whose kernels store no transposed tiles.
// AVX512-DAG: memref.global "private" constant @pw_packed : memref<16384xf32>
// AVX512-DAG: memref.global "private" constant @pw_packed_a : memref<18432xf32>
// AVX512-LABEL: func.func @pointwise_few_pixels
// AVX512-NOT: linalg.
// AVX512: call @dlc_uk_sgemm_packed_b(%c2_i32, %c1_i64, %c49_i64, %c64_i64, %c256_i64, %{{.+}}, %c0_i64, %c1_i64, %c49_i64, %{{.+}}, %c0_i64, %{{.+}}, %c0_i64, %c1_i64, %c49_i64, %c0_i32, %{{.+}}, %c2_i32,
// AVX512-NOT: linalg.
// AVX512-LABEL: func.func @pointwise_many_pixels
// AVX512: call @dlc_uk_sgemm_packed_a(%c2_i32, %c1_i64, %c64_i64, %c3136_i64, %c256_i64,
// CHECK-LABEL: func.func @pointwise_few_pixels
// CHECK: call @dlc_uk_sgemm_packed_a(%c1_i32, %c1_i64, %c64_i64, %c49_i64, %c256_i64,
memref.global "private" constant @pw : memref<64x256xf32> = dense<0.5> {alignment = 64 : i64}
memref.global "private" constant @pw_bias : memref<64x1x1xf32> = dense<0.25> {alignment = 64 : i64}
func.func @pointwise_few_pixels(%x: memref<1x256x7x7xf32>, %y: memref<1x64x7x7xf32>) {
  %zero = arith.constant 0.0 : f32
  %f = memref.get_global @pw : memref<64x256xf32>
  %bias = memref.get_global @pw_bias : memref<64x1x1xf32>
  %acc = memref.alloc() : memref<1x64x7x7xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x64x7x7xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c) -> (f, c)>, affine_map<(n, f, h, w, c) -> (n, c, h, w)>, affine_map<(n, f, h, w, c) -> (n, f, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%f, %x : memref<64x256xf32>, memref<1x256x7x7xf32>) outs(%acc : memref<1x64x7x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c, 0, 0)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %bias : memref<1x64x7x7xf32>, memref<64x1x1xf32>) outs(%y : memref<1x64x7x7xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  memref.dealloc %acc : memref<1x64x7x7xf32>
  return
}
func.func @pointwise_many_pixels(%x: memref<1x256x56x56xf32>, %y: memref<1x64x56x56xf32>) {
  %zero = arith.constant 0.0 : f32
  %f = memref.get_global @pw : memref<64x256xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x64x56x56xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c) -> (f, c)>, affine_map<(n, f, h, w, c) -> (n, c, h, w)>, affine_map<(n, f, h, w, c) -> (n, f, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%f, %x : memref<64x256xf32>, memref<1x256x56x56xf32>) outs(%y : memref<1x64x56x56xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests that a convolution with a constant filter becomes one
// dlc_uk_conv2d call (N, C, H, W, F, OH, OW, KH, KW, strides, dilations,
// padding top and left) that reads the unpadded input: the zero-padded copy
// goes away, and so do the fill and the bias + ReLU consumer, which become
// the epilogue (bias per row = output channel, mode 1; lo 0).
// CHECK: memref.global "private" constant @filter_packed_a : memref<432xf32>
// CHECK-LABEL: func.func @conv_padded_epilogue
// CHECK-DAG: %[[INF:.+]] = arith.constant 0x7F800000 : f32
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NOT: linalg.
// CHECK-NOT: memref.copy
// CHECK: call @dlc_uk_conv2d(%c1_i32, %c1_i64, %c4_i64, %c10_i64, %c10_i64, %c12_i64, %c10_i64, %c10_i64, %c3_i64, %c3_i64, %c1_i64, %c1_i64, %c1_i64, %c1_i64, %c1_i64, %c1_i64, %{{.+}}, %{{.+}}, %[[OUT:.+]], %c0_i32, %[[BIAS:.+]], %c1_i32, %c0_i64, %c0_i64, %c0_i64, %c0_i64, %[[ZERO]], %[[INF]])
// CHECK-NOT: linalg.
memref.global "private" constant @filter : memref<12x4x3x3xf32> = dense<0.5> {alignment = 64 : i64}
memref.global "private" constant @bias : memref<12x1x1xf32> = dense<0.25> {alignment = 64 : i64}
func.func @conv_padded_epilogue(%in: memref<1x4x10x10xf32>) -> memref<1x12x10x10xf32> {
  %zero = arith.constant 0.0 : f32
  %f = memref.get_global @filter : memref<12x4x3x3xf32>
  %bias = memref.get_global @bias : memref<12x1x1xf32>
  %padded = memref.alloc() : memref<1x4x12x12xf32>
  linalg.map outs(%padded : memref<1x4x12x12xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 4, 10, 10] [1, 1, 1, 1] : memref<1x4x12x12xf32> to memref<1x4x10x10xf32, strided<[576, 144, 12, 1], offset: 13>>
  memref.copy %in, %interior : memref<1x4x10x10xf32> to memref<1x4x10x10xf32, strided<[576, 144, 12, 1], offset: 13>>
  %acc = memref.alloc() : memref<1x12x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x12x10x10xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %f : memref<1x4x12x12xf32>, memref<12x4x3x3xf32>) outs(%acc : memref<1x12x10x10xf32>)
  %out = memref.alloc() : memref<1x12x10x10xf32>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c, 0, 0)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %bias : memref<1x12x10x10xf32>, memref<12x1x1xf32>) outs(%out : memref<1x12x10x10xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %padded : memref<1x4x12x12xf32>
  memref.dealloc %acc : memref<1x12x10x10xf32>
  return %out : memref<1x12x10x10xf32>
}

// -----

// Tests a matmul epilogue with a bias per column (mode 2), a residual that
// is the output itself (updated in place: the call accumulates, passing no
// residual) and a clamp to [0, 6] written as min then max.
// CHECK-LABEL: func.func @matmul_residual_in_place
// CHECK-DAG: %[[SIX:.+]] = arith.constant 6.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NOT: linalg.
// CHECK: call @dlc_uk_sgemm_packed_b({{.+}}, %c1_i32, %{{.+}}, %c2_i32, %c0_i64, %c0_i64, %c0_i64, %c0_i64, %[[ZERO]], %[[SIX]])
// CHECK-NOT: linalg.
memref.global "private" constant @w : memref<32x48xf32> = dense<1.0> {alignment = 64 : i64}
memref.global "private" constant @b : memref<48xf32> = dense<1.0> {alignment = 64 : i64}
func.func @matmul_residual_in_place(%a: memref<64x32xf32>, %res: memref<64x48xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %w = memref.get_global @w : memref<32x48xf32>
  %bias = memref.get_global @b : memref<48xf32>
  %c = memref.alloc() : memref<64x48xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x48xf32>)
  linalg.matmul ins(%a, %w : memref<64x32xf32>, memref<32x48xf32>) outs(%c : memref<64x48xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias, %res : memref<64x48xf32>, memref<48xf32>, memref<64x48xf32>) outs(%res : memref<64x48xf32>) {
  ^bb0(%x: f32, %b: f32, %r: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %t = arith.addf %r, %s : f32
    %hi = arith.minimumf %t, %six : f32
    %lo = arith.maximumf %hi, %zero : f32
    linalg.yield %lo : f32
  }
  memref.dealloc %c : memref<64x48xf32>
  return
}

// -----

// Tests consumers that stay: one that multiplies (not an epilogue), one that
// also reads the product through a second operand, and one after an op that
// writes memory between product and consumer.
// CHECK-LABEL: func.func @epilogue_not_fused
// CHECK: call @dlc_uk_sgemm({{.+}}, %c0_i32, %c0_i64, %c0_i32,
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: call @dlc_uk_sgemm({{.+}}, %c0_i32, %c0_i64, %c0_i32,
// CHECK: linalg.generic
// CHECK: call @dlc_uk_sgemm({{.+}}, %c0_i32, %c0_i64, %c0_i32,
// CHECK: linalg.copy
// CHECK: linalg.generic
#id = affine_map<(i, j) -> (i, j)>
func.func @epilogue_not_fused(%a: memref<64x32xf32>, %b: memref<32x48xf32>, %x: memref<64x48xf32>, %y: memref<64x48xf32>) -> (memref<64x48xf32>, memref<64x48xf32>, memref<64x48xf32>) {
  %zero = arith.constant 0.0 : f32
  %c1 = memref.alloc() : memref<64x48xf32>
  linalg.fill ins(%zero : f32) outs(%c1 : memref<64x48xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c1 : memref<64x48xf32>)
  %o1 = memref.alloc() : memref<64x48xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c1, %x : memref<64x48xf32>, memref<64x48xf32>) outs(%o1 : memref<64x48xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  }
  %c2 = memref.alloc() : memref<64x48xf32>
  linalg.fill ins(%zero : f32) outs(%c2 : memref<64x48xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c2 : memref<64x48xf32>)
  %o2 = memref.alloc() : memref<64x48xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c2, %c2 : memref<64x48xf32>, memref<64x48xf32>) outs(%o2 : memref<64x48xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  }
  %c3 = memref.alloc() : memref<64x48xf32>
  linalg.fill ins(%zero : f32) outs(%c3 : memref<64x48xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c3 : memref<64x48xf32>)
  linalg.copy ins(%y : memref<64x48xf32>) outs(%x : memref<64x48xf32>)
  %o3 = memref.alloc() : memref<64x48xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c3, %x : memref<64x48xf32>, memref<64x48xf32>) outs(%o3 : memref<64x48xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  }
  memref.dealloc %c1 : memref<64x48xf32>
  memref.dealloc %c2 : memref<64x48xf32>
  memref.dealloc %c3 : memref<64x48xf32>
  return %o1, %o2, %o3 : memref<64x48xf32>, memref<64x48xf32>, memref<64x48xf32>
}

// -----

// Tests that a padded input read by something else keeps its copy, and the
// conv reads the padded buffer (padding 0) and accumulates (no fill).
// CHECK-LABEL: func.func @padding_shared
// CHECK: memref.copy
// CHECK: call @dlc_uk_conv2d(%c1_i32, %c1_i64, %c4_i64, %c12_i64, %c12_i64, {{.+}}, %c0_i64, %c0_i64, %{{.+}}, %{{.+}}, %{{.+}}, %c1_i32,
// CHECK: linalg.copy
memref.global "private" constant @filter : memref<12x4x3x3xf32> = dense<0.5> {alignment = 64 : i64}
func.func @padding_shared(%in: memref<1x4x10x10xf32>, %acc: memref<1x12x10x10xf32>, %side: memref<1x4x12x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %f = memref.get_global @filter : memref<12x4x3x3xf32>
  %padded = memref.alloc() : memref<1x4x12x12xf32>
  linalg.map outs(%padded : memref<1x4x12x12xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 4, 10, 10] [1, 1, 1, 1] : memref<1x4x12x12xf32> to memref<1x4x10x10xf32, strided<[576, 144, 12, 1], offset: 13>>
  memref.copy %in, %interior : memref<1x4x10x10xf32> to memref<1x4x10x10xf32, strided<[576, 144, 12, 1], offset: 13>>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %f : memref<1x4x12x12xf32>, memref<12x4x3x3xf32>) outs(%acc : memref<1x12x10x10xf32>)
  linalg.copy ins(%padded : memref<1x4x12x12xf32>) outs(%side : memref<1x4x12x12xf32>)
  memref.dealloc %padded : memref<1x4x12x12xf32>
  return
}
