// RUN: dlc-opt %s --dlc-gpu-lower-matmul-to-mma=precision=tf32 --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-gpu-lower-matmul-to-mma --split-input-file | FileCheck %s --check-prefix=FP32
// RUN: dlc-opt %s --dlc-gpu-lower-matmul-to-mma="precision=bf16 chip=sm_90a" --split-input-file | FileCheck %s --check-prefix=HOPPER

// Tests that a 128x192x64 f32 matmul becomes one launch of (192/64, 128/64)
// blocks of 128 threads with three stages of unpadded, XOR-swizzled shared
// tiles; a prologue that copies K tiles 0 and 1 as one group each; a K loop
// of 2 tiles that waits until at most one group is pending, synchronizes,
// issues tile t + 2 (none here) and commits its group; ldmatrix.x4 A
// fragments at swizzled columns and m16n8k8 TF32 mma.sync (8 per k8 step,
// 32 per K tile); and C += acc at the end.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[C128:.+]] = arith.constant 128 : index
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C3]], %{{.+}} = %[[C2]], %{{.+}} = %[[C1]]) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C128]], %{{.+}} = %[[C1]], %{{.+}} = %[[C1]])
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<3x64x32xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<3x32x64xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[SWIZZLED:.+]] = arith.xori
// CHECK: nvgpu.device_async_copy %arg0[{{.+}}], %[[AS]][%{{.+}}, %{{.+}}, %{{.+}}], 4, %{{.+}} {bypassL1} : memref<128x64xf32> to memref<3x64x32xf32, #gpu.address_space<workgroup>>
// CHECK-COUNT-3: nvgpu.device_async_copy %arg0[{{.+}}], %[[AS]][{{.+}}], 4, %{{.+}} {bypassL1} : memref<128x64xf32> to memref<3x64x32xf32, #gpu.address_space<workgroup>>
// CHECK-COUNT-4: nvgpu.device_async_copy %arg1[{{.+}}], %[[BS]][{{.+}}], 4, %{{.+}} {bypassL1}
// CHECK: nvgpu.device_async_create_group
// CHECK-COUNT-8: nvgpu.device_async_copy
// CHECK: %[[LAST:.+]] = nvgpu.device_async_create_group
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (vector<2x2xf32>,
// CHECK-NEXT: nvgpu.device_async_wait %[[LAST]] {numGroups = 1 : i32}
// CHECK-NEXT: gpu.barrier
// CHECK: scf.if
// CHECK-COUNT-8: nvgpu.device_async_copy
// CHECK: nvgpu.device_async_create_group {{$}}
// CHECK: nvgpu.ldmatrix %[[AS]][{{.+}}] {numTiles = 4 : i32, transpose = false} : memref<3x64x32xf32, #gpu.address_space<workgroup>> -> vector<4x1xf32>
// CHECK: memref.load %[[BS]]
// CHECK: vector.from_elements {{.+}} : vector<2x1xf32>
// CHECK-COUNT-32: nvgpu.mma.sync({{.+}}) {mmaShape = [16, 8, 8], tf32Enabled}
// CHECK-NOT: gpu.barrier
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
// 16-byte aligned), a B whose rows are not contiguous in k or n, and f16
// results.
// CHECK-LABEL: func.func @not_lowered
// CHECK-NOT: gpu.launch
// CHECK-COUNT-3: linalg.
// CHECK-NOT: gpu.launch
// CHECK: return
func.func @not_lowered(%a: memref<100x64xf32>, %b: memref<64x62xf32>, %c: memref<100x62xf32>,
                       %bt: memref<64x64xf32>, %c2: memref<64x64xf32>,
                       %h: memref<64x32xf16>, %hb: memref<32x64xf16>, %hc: memref<64x64xf16>) {
  linalg.matmul ins(%a, %b : memref<100x64xf32>, memref<64x62xf32>) outs(%c : memref<100x62xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (n, m)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%bt, %bt : memref<64x64xf32>, memref<64x64xf32>) outs(%c2 : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.matmul ins(%h, %hb : memref<64x32xf16>, memref<32x64xf16>) outs(%hc : memref<64x64xf16>)
  return
}

// -----

// Tests a transposed B (N x K, as Gemm's transB): its tiles are copied as
// N x K rows of K (swizzled like A) and its fragments read by column.
// CHECK-LABEL: func.func @transposed_b
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<3x64x32xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<3x64x32xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-4: nvgpu.device_async_copy %arg1[{{.+}}], %[[BS]][{{.+}}], 4, %{{.+}} {bypassL1} : memref<192x64xf32> to memref<3x64x32xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: memref.load %[[BS]][%{{.+}}, %[[N:.+]], %[[K:.+]]] : memref<3x64x32xf32, #gpu.address_space<workgroup>>
// CHECK: nvgpu.mma.sync
// CHECK-NOT: linalg.matmul
func.func @transposed_b(%a: memref<128x64xf32>, %b: memref<192x64xf32>, %c: memref<128x192xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<128x64xf32>, memref<192x64xf32>) outs(%c : memref<128x192xf32>)
  return
}

// -----

// Tests attention's Q x K^T with its head transposes folded into the maps:
// Q [b, s, h, d] and K [b, t, h, d] give C [b, h, s, t]. The grid's z runs
// over the 2 x 4 batch loops (h fastest); every copy and store indexes the
// operand's own dims with the block's batch indices; bf16 B fragments of a
// transposed tile come from ldmatrix without .trans. sm_90a falls back to
// mma.sync (wgmma takes unbatched products only).
// CHECK-LABEL: func.func @attention_scores
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[BZ:.+]]) in (%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %[[C8]])
// CHECK: %[[H:.+]] = arith.remui %[[BZ]], %{{.+}} : index
// CHECK: %[[B:.+]] = arith.divui %[[BZ]], %{{.+}} : index
// CHECK: nvgpu.device_async_copy %arg0[%[[B]], %{{.+}}, %[[H]], %{{.+}}]
// CHECK: nvgpu.device_async_copy %arg1[%[[B]], %{{.+}}, %[[H]], %{{.+}}]
// CHECK: nvgpu.ldmatrix %{{.+}} {numTiles = 2 : i32, transpose = false} : memref<4x64x32xbf16, #gpu.address_space<workgroup>> -> vector<2x2xbf16>
// CHECK: nvvm.mma.sync
// CHECK: memref.store %{{.+}}, %arg2[%[[B]], %[[H]], %{{.+}}, %{{.+}}] : memref<2x4x64x64xf32>
// HOPPER-LABEL: func.func @attention_scores
// HOPPER-NOT: nvgpu.warpgroup.mma
// HOPPER: nvvm.mma.sync
func.func @attention_scores(%q: memref<2x64x4x32xbf16>, %k: memref<2x64x4x32xbf16>, %c: memref<2x4x64x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, h, s, d, t) -> (b, s, h, d)>, affine_map<(b, h, s, d, t) -> (b, t, h, d)>, affine_map<(b, h, s, d, t) -> (b, h, s, t)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%q, %k : memref<2x64x4x32xbf16>, memref<2x64x4x32xbf16>) outs(%c : memref<2x4x64x64xf32>) {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %xw = arith.extf %x : bf16 to f32
    %yw = arith.extf %y : bf16 to f32
    %m = arith.mulf %xw, %yw : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests the sm_90a kernel for a 256x256x128 bf16 product: TMA descriptors
// made on the host (A in 128x64 boxes, B in 64x64 boxes, 128-byte swizzle,
// zero fill out of bounds); a (2, 2) grid of one warpgroup with 129 KiB of
// dynamic shared memory (4 stages of 32 KiB from its first 1024-byte
// boundary); 4 mbarriers that thread 0
// initializes; a prologue that fills the first 2 stages (K has 2 tiles);
// a loop that waits on the stage's barrier phase, multiplies with
// warpgroup.mma (B transposed: it is N-major) and refills the stage 3
// tiles ahead; then the tile of C through shared memory to vector stores.
// HOPPER-LABEL: func.func @wgmma
// HOPPER: %[[CASTA:.+]] = memref.cast %arg0 : memref<256x128xbf16> to memref<*xbf16>
// HOPPER: %[[DESCA:.+]] = nvgpu.tma.create.descriptor %[[CASTA]] box[%{{.+}}, %{{.+}}] : memref<*xbf16> -> <tensor = memref<128x64xbf16, 3>, swizzle = swizzle_128b, l2promo = l2promo_256b, oob = zero, interleave = none>
// HOPPER: %[[DESCB:.+]] = nvgpu.tma.create.descriptor %{{.+}} box[%{{.+}}, %{{.+}}] : memref<*xbf16> -> <tensor = memref<64x64xbf16, 3>, swizzle = swizzle_128b
// HOPPER: gpu.launch blocks({{.+}}) in (%{{.+}} = %c2{{(_[0-9]+)?}}, %{{.+}} = %c2{{(_[0-9]+)?}}, %{{.+}} = %c1{{(_[0-9]+)?}}) threads({{.+}}) in (%{{.+}} = %c128{{(_[0-9]+)?}}, %{{.+}} = %c1{{(_[0-9]+)?}}, %{{.+}} = %c1{{(_[0-9]+)?}}) dynamic_shared_memory_size %c132096_i32 {
// HOPPER: %[[SMEM:.+]] = gpu.dynamic_shared_memory
// HOPPER: %[[ADDRESS:.+]] = memref.extract_aligned_pointer_as_index %[[SMEM]]
// HOPPER: arith.remui %[[ADDRESS]], %c1024
// HOPPER: %[[BARS:.+]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 4>
// HOPPER: %[[LEADER:.+]] = arith.cmpi eq
// HOPPER-COUNT-4: nvgpu.mbarrier.init %[[BARS]][%{{.+}}], %{{.+}}, predicate = %[[LEADER]]
// HOPPER: nvgpu.tma.prefetch.descriptor %[[DESCA]], predicate = %[[LEADER]]
// HOPPER: gpu.barrier
// HOPPER: scf.if %[[LEADER]] {
// HOPPER: nvgpu.mbarrier.arrive.expect_tx %[[BARS]][%{{.+}}], %c32768{{(_[0-9]+)?}} :
// HOPPER: nvgpu.tma.async.load %[[DESCA]][%{{.+}}, %{{.+}}], %[[BARS]][%{{.+}}] to %{{.+}} : {{.+}} -> memref<128x64xbf16, #gpu.address_space<workgroup>>
// HOPPER-COUNT-2: nvgpu.tma.async.load %[[DESCB]][%{{.+}}, %{{.+}}], %[[BARS]][%{{.+}}] to %{{.+}} : {{.+}} -> memref<64x64xbf16, #gpu.address_space<workgroup>>
// HOPPER: scf.if %[[LEADER]] {
// HOPPER-NOT: scf.if %[[LEADER]] {
// HOPPER: nvgpu.warpgroup.mma.init.accumulator -> <fragmented = vector<128x128xf32>>
// HOPPER: scf.for
// HOPPER: nvgpu.mbarrier.try_wait.parity %[[BARS]]
// HOPPER: %[[DA:.+]] = nvgpu.warpgroup.generate.descriptor %{{.+}}, %[[DESCA]] : memref<128x64xbf16, #gpu.address_space<workgroup>>
// HOPPER: %[[DB:.+]] = nvgpu.warpgroup.generate.descriptor %{{.+}}, %[[DESCB]] : memref<64x128xbf16, #gpu.address_space<workgroup>>
// HOPPER: nvgpu.warpgroup.mma %[[DA]], %[[DB]], %{{.+}} {transposeB} : <tensor = memref<128x64xbf16, 3>>, <tensor = memref<64x128xbf16, 3>>, <fragmented = vector<128x128xf32>> -> <fragmented = vector<128x128xf32>>
// HOPPER: gpu.barrier
// HOPPER: scf.if
// HOPPER: nvgpu.mbarrier.arrive.expect_tx
// HOPPER-COUNT-3: nvgpu.tma.async.load
// HOPPER: scf.yield
// HOPPER: nvvm.wgmma.wait.group.sync.aligned 0
// HOPPER: nvgpu.warpgroup.mma.store %{{.+}}, %[[STAGED:.+]] : <fragmented = vector<128x128xf32>> to memref<128x128xf32, #gpu.address_space<workgroup>>
// HOPPER: gpu.barrier
// HOPPER: %[[V:.+]] = vector.load %[[STAGED]][{{.+}}] {alignment = 16 : i64} : memref<128x128xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// HOPPER: %[[OLD:.+]] = vector.load %arg2[{{.+}}] {alignment = 16 : i64} : memref<256x256xf32>, vector<4xf32>
// HOPPER: %[[SUM:.+]] = arith.addf %[[V]], %[[OLD]] : vector<4xf32>
// HOPPER: vector.store %[[SUM]], %arg2[{{.+}}] {alignment = 16 : i64}
// HOPPER: gpu.terminator
// HOPPER-NOT: linalg.matmul
func.func @wgmma(%a: memref<256x128xbf16>, %b: memref<128x256xbf16>, %c: memref<256x256xf32>) {
  linalg.matmul ins(%a, %b : memref<256x128xbf16>, memref<128x256xbf16>) outs(%c : memref<256x256xf32>)
  return
}

// -----

// Tests an f16 product with edges (M = 200, N = 136, K = 72: partial
// tiles that TMA zero-fills) and a fill + column bias + ReLU epilogue:
// guarded vector stores of max(acc + bias[col:col+4], 0) into the
// consumer's output, without reading C.
// HOPPER-LABEL: func.func @wgmma_edges_bias_relu
// HOPPER-NOT: linalg.fill
// HOPPER: nvgpu.tma.create.descriptor {{.+}} : memref<*xf16> -> <tensor = memref<128x64xf16, 3>
// HOPPER: gpu.launch
// HOPPER: nvgpu.warpgroup.mma
// HOPPER: arith.cmpi ult, %{{.+}}, %c200{{(_[0-9]+)?}} : index
// HOPPER: arith.cmpi ult, %{{.+}}, %c136{{(_[0-9]+)?}} : index
// HOPPER: scf.if
// HOPPER: %[[V:.+]] = vector.load
// HOPPER-NEXT: %[[B:.+]] = vector.load %arg2[%{{.+}}] {alignment = 16 : i64} : memref<136xf32>, vector<4xf32>
// HOPPER-NEXT: %[[S:.+]] = arith.addf %[[V]], %[[B]] : vector<4xf32>
// HOPPER-NEXT: %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// HOPPER-NEXT: %[[R:.+]] = arith.maximumf %[[S]], %[[ZERO]] : vector<4xf32>
// HOPPER-NEXT: vector.store %[[R]], %arg3[
// HOPPER: gpu.terminator
// HOPPER-NOT: linalg.
func.func @wgmma_edges_bias_relu(%a: memref<200x72xf16>, %w: memref<72x136xf16>, %bias: memref<136xf32>, %out: memref<200x136xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<200x136xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<200x136xf32>)
  linalg.matmul ins(%a, %w : memref<200x72xf16>, memref<72x136xf16>) outs(%c : memref<200x136xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<200x136xf32>, memref<136xf32>) outs(%out : memref<200x136xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<200x136xf32>
  return
}

// -----

// Tests what keeps its loops on sm_90a: bf16 rows TMA cannot address (N
// or K not a multiple of 8), and mixed input types.
// HOPPER-LABEL: func.func @wgmma_not_lowered
// HOPPER-NOT: gpu.launch
// HOPPER-COUNT-3: linalg.matmul
func.func @wgmma_not_lowered(%a: memref<64x64xbf16>, %b: memref<64x60xbf16>, %c: memref<64x60xf32>,
                             %k: memref<64x36xbf16>, %kb: memref<36x64xbf16>, %kc: memref<64x64xf32>,
                             %h: memref<64x64xf16>, %hc: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x64xbf16>, memref<64x60xbf16>) outs(%c : memref<64x60xf32>)
  linalg.matmul ins(%k, %kb : memref<64x36xbf16>, memref<36x64xbf16>) outs(%kc : memref<64x64xf32>)
  linalg.matmul ins(%a, %h : memref<64x64xbf16>, memref<64x64xf16>) outs(%hc : memref<64x64xf32>)
  return
}

// -----

// Tests the sm_80 kernel for bf16 inputs: four stages, 16-byte cp.async
// copies of 8 elements into swizzled shared rows (A: 32, B: 64), A
// fragments by ldmatrix.x4, B fragments by ldmatrix.x2.trans, and NVVM's
// m16n8k16 bf16 mma.sync on i32 register pairs (8 per k16 step, 2 steps
// per K tile).
// CHECK-LABEL: func.func @bf16_mma_sync
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<4x64x32xbf16, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<4x32x64xbf16, #gpu.address_space<workgroup>>)
// CHECK-COUNT-2: nvgpu.device_async_copy %arg0[{{.+}}], %[[AS]][{{.+}}], 8, %{{.+}} {bypassL1}
// CHECK-COUNT-2: nvgpu.device_async_copy %arg1[{{.+}}], %[[BS]][{{.+}}], 8, %{{.+}} {bypassL1}
// CHECK: scf.for
// CHECK: nvgpu.ldmatrix %[[AS]][{{.+}}] {numTiles = 4 : i32, transpose = false} : memref<4x64x32xbf16, #gpu.address_space<workgroup>> -> vector<4x2xbf16>
// CHECK: nvgpu.ldmatrix %[[BS]][{{.+}}] {numTiles = 2 : i32, transpose = true} : memref<4x32x64xbf16, #gpu.address_space<workgroup>> -> vector<2x2xbf16>
// CHECK: vector.bitcast %{{.+}} : vector<2xbf16> to vector<1xi32>
// CHECK-COUNT-8: nvvm.mma.sync A[{{.+}}] B[{{.+}}] C[{{.+}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK: nvgpu.ldmatrix %[[AS]]
// CHECK-COUNT-8: nvvm.mma.sync
// CHECK: scf.yield
// CHECK: gpu.terminator
// CHECK-NOT: linalg.matmul
func.func @bf16_mma_sync(%a: memref<128x64xbf16>, %b: memref<64x128xbf16>, %c: memref<128x128xf32>) {
  linalg.matmul ins(%a, %b : memref<128x64xbf16>, memref<64x128xbf16>) outs(%c : memref<128x128xf32>)
  return
}

// -----

// Tests that f16 pairs go to mma.sync as vectors (no bitcast).
// CHECK-LABEL: func.func @f16_mma_sync
// CHECK-NOT: vector.bitcast
// CHECK: nvvm.mma.sync A[{{.+}}] B[{{.+}}] C[{{.+}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
func.func @f16_mma_sync(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// Tests a convolution as an implicit GEMM in TF32: the filter is A (64 x
// 64*3*3), the output C (2 x 64 x 16*16, one image per grid z), and B's
// tiles are gathered from the input one element (4-byte cp.async) at a time,
// zero-filled outside it (16 per thread and stage). The zero fill and a
// per-channel bias + ReLU consumer are the epilogue.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.+]] = memref.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : memref<64x64x3x3xf32> into memref<64x576xf32>
// CHECK-DAG: %[[OUT:.+]] = memref.collapse_shape %arg3 {{\[}}[0], [1], [2, 3]] : memref<2x64x16x16xf32> into memref<2x64x256xf32>
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[IMAGE:.+]]) in (%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %c2{{(_[0-9]+)?}})
// CHECK-COUNT-4: nvgpu.device_async_copy %[[W]][{{.+}}], %{{.+}}[{{.+}}], 4, %{{.+}} {bypassL1}
// CHECK-COUNT-16: nvgpu.device_async_copy %arg0[%[[IMAGE]], %{{.+}}, %{{.+}}, %{{.+}}], %{{.+}}[{{.+}}], 1, %{{.+}} : memref<2x64x18x18xf32>
// CHECK: scf.for
// CHECK-COUNT-32: nvgpu.mma.sync
// CHECK: scf.yield
// CHECK: %[[B:.+]] = memref.load %arg2[%{{.+}}] : memref<64xf32>
// CHECK: arith.maximumf
// CHECK: memref.store %{{.+}}, %[[OUT]][%[[IMAGE]], %{{.+}}, %{{.+}}] : memref<2x64x256xf32>
// CHECK-NOT: linalg.
func.func @conv(%x: memref<2x64x18x18xf32>, %w: memref<64x64x3x3xf32>, %bias: memref<64xf32>, %out: memref<2x64x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<2x64x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<2x64x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : memref<2x64x18x18xf32>, memref<64x64x3x3xf32>) outs(%c : memref<2x64x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w) -> (n, f, h, w)>, affine_map<(n, f, h, w) -> (f)>, affine_map<(n, f, h, w) -> (n, f, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : memref<2x64x16x16xf32>, memref<64xf32>) outs(%out : memref<2x64x16x16xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<2x64x16x16xf32>
  return
}

// -----

// Tests the int8 kernel (u8 x s8 with i32 sums, as MatMulInteger's raw
// product): four stages of 64-byte rows, A fragments by ldmatrix.x4 of
// 4 x 4 bytes, B fragments (K x N) packed from byte loads, and NVVM's
// m16n8k32 mma.sync with the operands' signedness and wrapping sums. The
// zero fill is absorbed.
// CHECK-LABEL: func.func @int8_mma_sync
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<4x64x64xi8, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<4x64x64xi8, #gpu.address_space<workgroup>>)
// CHECK: nvgpu.device_async_copy %arg0[{{.+}}], %[[AS]][{{.+}}], 16, %{{.+}} {bypassL1}
// CHECK: %[[ZERO:.+]] = arith.constant dense<0> : vector<2x2xi32>
// CHECK: scf.for
// CHECK: nvgpu.device_async_wait %{{.+}} {numGroups = 2 : i32}
// CHECK: nvgpu.ldmatrix %[[AS]][{{.+}}] {numTiles = 4 : i32, transpose = false} : memref<4x64x64xi8, #gpu.address_space<workgroup>> -> vector<4x4xi8>
// CHECK-COUNT-4: memref.load %[[BS]][{{.+}}] : memref<4x64x64xi8, #gpu.address_space<workgroup>>
// CHECK: vector.from_elements {{.+}} : vector<4xi8>
// CHECK: vector.bitcast %{{.+}} : vector<4xi8> to vector<1xi32>
// CHECK: nvvm.mma.sync A[{{.+}}] B[{{.+}}] C[{{.+}}] {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>} : (i32, i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
// CHECK: scf.yield
// CHECK-NOT: arith.addi {{.+}} : i32
// CHECK: memref.store %{{.+}}, %arg2[{{.+}}] : memref<128x128xi32>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.generic
// FP32-LABEL: func.func @int8_mma_sync
// FP32: nvvm.mma.sync
func.func @int8_mma_sync(%a: memref<128x64xi8>, %b: memref<64x128xi8>, %c: memref<128x128xi32>) {
  %zero = arith.constant 0 : i32
  linalg.fill ins(%zero : i32) outs(%c : memref<128x128xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<128x64xi8>, memref<64x128xi8>) outs(%c : memref<128x128xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xw = arith.extui %x : i8 to i32
    %yw = arith.extsi %y : i8 to i32
    %m = arith.muli %xw, %yw : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// Tests int8 with a transposed B (s8 x s8): B fragments by ldmatrix.x2 of
// 2 x 4 bytes; an accumulated C (no fill) is added at the end.
// CHECK-LABEL: func.func @int8_transposed_b
// CHECK: nvgpu.ldmatrix %{{.+}} {numTiles = 2 : i32, transpose = false} : memref<4x64x64xi8, #gpu.address_space<workgroup>> -> vector<2x4xi8>
// CHECK: nvvm.mma.sync {{.+}}multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>
// CHECK: scf.yield
// CHECK: arith.addi {{.+}} : i32
// CHECK: memref.store
func.func @int8_transposed_b(%a: memref<64x128xi8>, %b: memref<64x128xi8>, %c: memref<64x64xi32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x128xi8>, memref<64x128xi8>) outs(%c : memref<64x64xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xw = arith.extsi %x : i8 to i32
    %yw = arith.extsi %y : i8 to i32
    %m = arith.muli %xw, %yw : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// Tests a 1x1 convolution as a contraction (filter F x C times each image's
// C x H x W): the pixel dims h and w of B and C collapse into the column
// dim of a batched GEMM, one grid z per image.
// CHECK-LABEL: func.func @pointwise_conv
// CHECK-DAG: %[[B:.+]] = memref.collapse_shape %arg1 {{\[}}[0], [1], [2, 3]] : memref<2x64x16x16xf32> into memref<2x64x256xf32>
// CHECK-DAG: %[[C:.+]] = memref.collapse_shape %arg2 {{\[}}[0], [1], [2, 3]] : memref<2x128x16x16xf32> into memref<2x128x256xf32>
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[IMAGE:.+]]) in (%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %c2{{.*}})
// CHECK: nvgpu.device_async_copy %[[B]][%[[IMAGE]], %{{.+}}, %{{.+}}]
// CHECK: nvgpu.mma.sync
// CHECK: memref.store %{{.+}}, %[[C]][%[[IMAGE]], %{{.+}}, %{{.+}}] : memref<2x128x256xf32>
// CHECK-NOT: linalg.generic
func.func @pointwise_conv(%w: memref<128x64xf32>, %x: memref<2x64x16x16xf32>, %y: memref<2x128x16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c) -> (f, c)>, affine_map<(n, f, h, w, c) -> (n, c, h, w)>, affine_map<(n, f, h, w, c) -> (n, f, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %x : memref<128x64xf32>, memref<2x64x16x16xf32>) outs(%y : memref<2x128x16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests a bf16 convolution (demoted inputs, f32 sums) as an implicit GEMM:
// the filter's rows by 16-byte cp.async; the input tile gathered through
// registers (2-byte loads, zeros outside the input), stored into the stage
// of tile t + 3 after the k16 products of tile t.
// CHECK-LABEL: func.func @bf16_conv
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<4x64x32xbf16, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<4x32x64xbf16, #gpu.address_space<workgroup>>)
// CHECK: nvgpu.device_async_copy %{{.+}}, %[[AS]][{{.+}}], 8
// CHECK-COUNT-16: memref.store %{{.+}}, %[[BS]]
// CHECK: scf.for
// CHECK-COUNT-16: memref.load %arg0
// CHECK: nvvm.mma.sync
// CHECK: memref.store %{{.+}}, %[[BS]]
// CHECK: scf.yield
func.func @bf16_conv(%x: memref<2x64x18x18xbf16>, %w: memref<64x64x3x3xbf16>, %out: memref<2x64x16x16xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<2x64x18x18xbf16>, memref<64x64x3x3xbf16>) outs(%out : memref<2x64x16x16xf32>)
  return
}
