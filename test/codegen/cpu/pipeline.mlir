// RUN: dlc-opt %s --dlc-lower-pipeline --dlc-cpu-codegen-pipeline=min-parallel-work=0 --split-input-file \
// RUN:   | FileCheck %s --implicit-check-not="{{(dlg|linalg|tensor|memref|bufferization|scf|affine|arith|math|func)\.}}"
// RUN: dlc-opt %s --dlc-lower-pipeline --dlc-cpu-codegen-pipeline=parallel=false --split-input-file \
// RUN:   | FileCheck %s --check-prefix=SEQ --implicit-check-not="omp."

// Tests that the lower and CPU codegen pipelines turn a dlg function into the
// LLVM dialect (no other dialect's ops left) with OpenMP loops and the
// dlc_model_* ABI symbols; parallel=false emits plain loops.
// CHECK-LABEL: module
// Memrefs are passed as descriptors: allocated and aligned pointers, offset,
// sizes, strides (status word: rank 0; x, w, y: rank 2).
// CHECK: llvm.func internal @main_graph(%{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: i64, %{{[^:]+}}: !llvm.ptr, %[[X:[^:]+]]: !llvm.ptr, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: !llvm.ptr, %[[W:[^:]+]]: !llvm.ptr, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: !llvm.ptr, %[[Y:[^:]+]]: !llvm.ptr, %{{[^)]+}}: i64)
// CHECK-NOT: llvm.call @aligned_alloc
// Every loop nest is outlined into its own internal function, and the
// matmul and relu write straight into the caller's output buffer.
// CHECK: llvm.call @main_graph_nest{{[0-9]+}}(%{{[^,]+}}, %[[Y]],
// CHECK-NEXT: llvm.call @main_graph_nest{{[0-9]+}}(%{{[^,]+}}, %[[Y]], {{.*}} %[[W]], {{.*}} %[[X]],
// CHECK-NEXT: llvm.call @main_graph_nest{{[0-9]+}}(%{{[^,]+}}, %[[Y]],
// CHECK-NEXT: llvm.return
// The matmul reads both inputs inside a parallel loop.
// CHECK: llvm.func internal @main_graph_nest{{[0-9]+}}(%{{[^:]+}}: !llvm.ptr, %[[ACC:[^:]+]]: !llvm.ptr, {{.*}}, %{{[^:]+}}: !llvm.ptr, %[[W2:[^:]+]]: !llvm.ptr, {{.*}}, %{{[^:]+}}: !llvm.ptr, %[[X2:[^:]+]]: !llvm.ptr,
// CHECK: omp.parallel {
// CHECK-NEXT: omp.wsloop {
// CHECK-NEXT: omp.loop_nest
// CHECK-DAG: llvm.getelementptr inbounds|nuw %[[X2]][
// CHECK-DAG: llvm.getelementptr inbounds|nuw %[[W2]][
// CHECK: llvm.fmul
// CHECK: llvm.fadd
// CHECK: omp.yield
// CHECK: llvm.intr.maximum
// CHECK: llvm.func @dlc_model_run(%[[BUFFERS:.+]]: !llvm.ptr, %[[DIMS:.+]]: !llvm.ptr)
// CHECK: llvm.call @main_graph({{.+}}) : (!llvm.ptr, !llvm.ptr, i64, !llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, !llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, !llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64) -> ()
// CHECK: llvm.mlir.global internal constant @dlc_model_metadata_text("dlc-model 4\0Ainput x f32 2 4 8\0Ainput w f32 2 8 16\0Aoutput y f32 2 4 16\0A\00")
// CHECK: llvm.func @dlc_model_metadata() -> !llvm.ptr
// CHECK: llvm.func @dlc_model_abi_version() -> i32

// SEQ-LABEL: module
// SEQ: llvm.func internal @main_graph
// SEQ: llvm.cond_br
// SEQ: llvm.fmul
// SEQ: llvm.func @dlc_model_run
func.func @main_graph(%x: tensor<4x8xf32> {dlc.name = "x"}, %w: tensor<8x16xf32> {dlc.name = "w"})
    -> (tensor<4x16xf32> {dlc.name = "y"}) {
  %0 = dlg.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %1 = dlg.relu %0 : tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}

// -----

// Tests that a small CNN block (conv, bias, relu, pooling, softmax) compiles
// to LLVM; softmax's exp is an inline polynomial (fma chain), not a call.
// CHECK-LABEL: module
// CHECK: llvm.func internal @main_graph
// CHECK: omp.parallel
// CHECK: llvm.intr.floor
// CHECK: llvm.intr.fma
// CHECK: llvm.fdiv
// CHECK: llvm.func @dlc_model_run
// CHECK: @dlc_model_metadata_text("dlc-model 4\0Ainput input0 f32 4 1 3 8 8\0Ainput input1 f32 4 4 3 3 3\0Ainput input2 f32 1 4\0Aoutput output0 f32 2 1 4\0A\00")

// SEQ-LABEL: module
// SEQ: llvm.func @dlc_model_run
func.func @main_graph(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4xf32> {
  %0 = dlg.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                            dilations = array<i64: 1, 1>, group = 1 : i64}
      : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32> -> tensor<1x4x8x8xf32>
  %1 = dlg.relu %0 : tensor<1x4x8x8xf32>
  %2 = dlg.global_avg_pool %1 : tensor<1x4x8x8xf32> -> tensor<1x4x1x1xf32>
  %3 = dlg.flatten %2 {axis = 1 : i64} : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %4 = dlg.softmax %3 {axis = -1 : i64} : tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}
