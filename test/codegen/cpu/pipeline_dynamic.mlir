// RUN: dlc-opt %s --dlc-codegen-record-model-interface --dlc-cpu-codegen-pipeline | FileCheck %s

// Tests that a model with a dynamic batch compiles to LLVM: the dynamic
// results (a matmul, a reshape of the input) are fresh aligned_alloc buffers
// the model returns without freeing them, the temporary (relu) is freed, the
// static result is written into its out-parameter, and dlc_model_run takes
// the dims array.
// CHECK-LABEL: llvm.func internal @main_graph(
// CHECK-SAME: -> !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, struct<(ptr, ptr, i64, array<3 x i64>, array<3 x i64>)>)>
// CHECK-COUNT-3: llvm.call @aligned_alloc
// CHECK-NOT: llvm.call @aligned_alloc
// CHECK: llvm.call @free
// CHECK-NOT: llvm.call @free
// CHECK: llvm.return
// CHECK: llvm.func @dlc_model_run(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> i32
// CHECK: @dlc_model_metadata_text("dlc-model 4\0Ainput x f32 2 ?batch 16\0Aoutput y f32 2 ?batch 4\0Aoutput s f32 1 16\0Aoutput v f32 3 ?batch 4 4\0A\00")
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main_graph(%x: tensor<?x16xf32> {dlc.name = "x", dlc.dim_names = ["batch", ""]})
    -> (tensor<?x4xf32> {dlc.name = "y", dlc.dim_names = ["batch", ""]},
        tensor<16xf32> {dlc.name = "s"},
        tensor<?x4x4xf32> {dlc.name = "v", dlc.dim_names = ["batch", "", ""]}) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x16xf32>
  %w = arith.constant dense<0.5> : tensor<16x4xf32>
  %e0 = tensor.empty(%n) : tensor<?x16xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x16xf32>) outs(%e0 : tensor<?x16xf32>) {
    ^bb0(%a: f32, %o: f32):
      %m = arith.maximumf %a, %zero : f32
      linalg.yield %m : f32
  } -> tensor<?x16xf32>
  %e1 = tensor.empty(%n) : tensor<?x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %y = linalg.matmul ins(%relu, %w : tensor<?x16xf32>, tensor<16x4xf32>) outs(%f1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %e2 = tensor.empty() : tensor<16xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %s = linalg.reduce ins(%x : tensor<?x16xf32>) outs(%f2 : tensor<16xf32>) dimensions = [0]
    (%a: f32, %acc: f32) {
      %r = arith.addf %a, %acc : f32
      linalg.yield %r : f32
    }
  %v = tensor.expand_shape %x [[0], [1, 2]] output_shape [%n, 4, 4] : tensor<?x16xf32> into tensor<?x4x4xf32>
  return %y, %s, %v : tensor<?x4xf32>, tensor<16xf32>, tensor<?x4x4xf32>
}
