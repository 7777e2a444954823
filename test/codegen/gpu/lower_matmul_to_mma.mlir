// RUN: dlc-opt %s --dlc-gpu-lower-matmul-to-mma=precision=tf32 --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-gpu-lower-matmul-to-mma --split-input-file | FileCheck %s --check-prefix=FP32

// Tests that a 128x192x64 f32 matmul becomes one launch of (192/64, 128/64)
// blocks of 128 threads with double-buffered, padded shared tiles; a
// prologue copy group; a K loop of 2 tiles that issues the next tile's
// cp.async copies and waits for all groups but that one (or for all, on the
// last tile); ldmatrix.x4 A fragments and m16n8k8 TF32 mma.sync (8 per k8
// step, 32 per K tile); and C += acc at the end.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[C128:.+]] = arith.constant 128 : index
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C3]], %{{.+}} = %[[C2]], %{{.+}} = %[[C1]]) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C128]], %{{.+}} = %[[C1]], %{{.+}} = %[[C1]])
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<2x64x36xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<2x32x72xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-4: nvgpu.device_async_copy %arg0[{{.+}}], %[[AS]][{{.+}}], 4, %{{.+}} {bypassL1} : memref<128x64xf32> to memref<2x64x36xf32, #gpu.address_space<workgroup>>
// CHECK-COUNT-4: nvgpu.device_async_copy %arg1[{{.+}}], %[[BS]][{{.+}}], 4, %{{.+}} {bypassL1}
// CHECK: %[[FIRST:.+]] = nvgpu.device_async_create_group
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (vector<2x2xf32>,
// CHECK: scf.if
// CHECK: nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_wait %{{.+}} {numGroups = 1 : i32}
// CHECK: } else {
// CHECK: nvgpu.device_async_wait %[[FIRST]] {numGroups = 0 : i32}
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix %[[AS]][{{.+}}] {numTiles = 4 : i32, transpose = false} : memref<2x64x36xf32, #gpu.address_space<workgroup>> -> vector<4x1xf32>
// CHECK: memref.load %[[BS]]
// CHECK: vector.from_elements {{.+}} : vector<2x1xf32>
// CHECK-COUNT-32: nvgpu.mma.sync({{.+}}) {mmaShape = [16, 8, 8], tf32Enabled}
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK-COUNT-32: arith.addf
// CHECK: gpu.terminator
// CHECK-NOT: linalg.matmul
// FP32-LABEL: func.func @matmul
// FP32: linalg.matmul
func.func @matmul(%a: memref<128x64xf32>, %b: memref<64x192xf32>, %c: memref<128x192xf32>) {
  linalg.matmul ins(%a, %b : memref<128x64xf32>, memref<64x192xf32>) outs(%c : memref<128x192xf32>)
  return
}

// -----

// Tests that the leading m dims of A and C are collapsed ([2, 64, K] is a
// 128-row A).
// CHECK-LABEL: func.func @batched_rows
// CHECK-DAG: memref.collapse_shape %arg0 {{\[}}[0, 1], [2]] : memref<2x64x32xf32> into memref<128x32xf32>
// CHECK-DAG: memref.collapse_shape %arg2 {{\[}}[0, 1], [2]] : memref<2x64x64xf32> into memref<128x64xf32>
// CHECK: gpu.launch
// CHECK: nvgpu.mma.sync
#a = affine_map<(b, m, n, k) -> (b, m, k)>
#w = affine_map<(b, m, n, k) -> (k, n)>
#c = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @batched_rows(%x: memref<2x64x32xf32>, %w: memref<32x64xf32>, %y: memref<2x64x64xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<2x64x32xf32>, memref<32x64xf32>) outs(%y : memref<2x64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests edge tiles: M = 100 and K = 36 need 2 row blocks and 2 K tiles;
// copies past the edges read 0 elements (zero-fill) from clamped addresses,
// and results outside C are not stored.
// CHECK-LABEL: func.func @edges
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %{{.+}}, %{{.+}} = %[[C2]],
// CHECK: %[[N:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : index
// CHECK: arith.minui
// CHECK: nvgpu.device_async_copy {{.+}}, 4, %[[N]] {bypassL1}
// CHECK: scf.yield
// CHECK: arith.cmpi ult
// CHECK: scf.if
// CHECK: memref.store
func.func @edges(%a: memref<100x36xf32>, %b: memref<36x64xf32>, %c: memref<100x64xf32>) {
  linalg.matmul ins(%a, %b : memref<100x36xf32>, memref<36x64xf32>) outs(%c : memref<100x64xf32>)
  return
}

// -----

// Tests that the zero fill and a bias + ReLU consumer become the kernel's
// epilogue: it writes the consumer's output with acc + bias[column], then
// maximumf 0, and reads neither C's old value nor the product buffer.
// CHECK-LABEL: func.func @bias_relu
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK: nvgpu.mma.sync
// CHECK: scf.yield
// CHECK: %[[V:.+]] = vector.extract
// CHECK: %[[B:.+]] = memref.load %{{.+}}[%{{.+}}] : memref<64xf32>
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[V]], %[[B]]
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.+]] = arith.maximumf %[[S]], %[[ZERO]]
// CHECK-NEXT: memref.store %[[R]], %arg3[
// CHECK: gpu.terminator
// CHECK-NOT: linalg.
// CHECK-NOT: memref.alloc
func.func @bias_relu(%a: memref<64x32xf32>, %w: memref<32x64xf32>, %bias: memref<64xf32>, %out: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x64xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %w : memref<64x32xf32>, memref<32x64xf32>) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>) outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<64x64xf32>
  return
}

// -----

// Tests what keeps its loops: N not a multiple of 4 (rows of B would not be
// 16-byte aligned), a transposed B, and f16 operands.
// CHECK-LABEL: func.func @not_lowered
// CHECK-NOT: gpu.launch
// CHECK-COUNT-3: linalg.
func.func @not_lowered(%a: memref<100x64xf32>, %b: memref<64x62xf32>, %c: memref<100x62xf32>,
                       %bt: memref<64x64xf32>, %c2: memref<64x64xf32>,
                       %h: memref<64x32xf16>, %hb: memref<32x64xf16>, %hc: memref<64x64xf16>) {
  linalg.matmul ins(%a, %b : memref<100x64xf32>, memref<64x62xf32>) outs(%c : memref<100x62xf32>)
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%bt, %bt : memref<64x64xf32>, memref<64x64xf32>) outs(%c2 : memref<64x64xf32>)
  linalg.matmul ins(%h, %hb : memref<64x32xf16>, memref<32x64xf16>) outs(%hc : memref<64x64xf16>)
  return
}
