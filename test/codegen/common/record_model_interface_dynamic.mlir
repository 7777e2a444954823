// RUN: dlc-opt %s --dlc-codegen-record-model-interface --split-input-file --verify-diagnostics | FileCheck %s

// Tests that dynamic dims are recorded as `?` and their percent-encoded
// dlc.dim_names symbol, static dims as numbers (a name on a static dim is
// ignored), and that without dlc.dim_names every dynamic dim is anonymous.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Ainput x f32 3 ?batch 16 ?seq%20len\0Ainput m i64 2 ? 3\0Aoutput y f32 2 ?batch 4\0Aoutput s f32 1 4\0A"
// The signature keeps its dynamic types (no empty flattening, no casts).
// CHECK: func.func @main_graph(%{{[^:]+}}: memref<i32> {dlc.status}, %{{[^:]+}}: tensor<?x16x?xf32> {dlc.dim_names
// CHECK-SAME: %{{[^:]+}}: tensor<?x3xi64> {dlc.name = "m"}) -> (tensor<?x4xf32> {dlc.dim_names
// CHECK-SAME: tensor<4xf32> {dlc.name = "s"})
func.func @main_graph(%x: tensor<?x16x?xf32> {dlc.name = "x", dlc.dim_names = ["batch", "static", "seq len"]},
                      %m: tensor<?x3xi64> {dlc.name = "m"})
    -> (tensor<?x4xf32> {dlc.name = "y", dlc.dim_names = ["batch", ""]},
        tensor<4xf32> {dlc.name = "s"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x16x?xf32>
  %0 = tensor.empty(%n) : tensor<?x4xf32>
  %1 = tensor.empty() : tensor<4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<4xf32>
}

// -----

// Tests that an empty dynamic tensor is not flattened: only static shapes are.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Ainput input0 f32 3 ? 0 2\0Aoutput output0 f32 2 0 3\0A"
// CHECK: func.func @main_graph(%{{.+}}: memref<i32> {dlc.status}, %{{.+}}: tensor<?x0x2xf32>) -> tensor<0xf32>
func.func @main_graph(%x: tensor<?x0x2xf32>) -> tensor<0x3xf32> {
  %0 = tensor.empty() : tensor<0x3xf32>
  return %0 : tensor<0x3xf32>
}

// -----

// Tests that dlc.dim_names must have one entry per dim.
// expected-error @+1 {{input 0: 'dlc.dim_names' must be an array of 2 strings (one per dim) but is ["batch"]}}
func.func @main_graph(%x: tensor<?x4xf32> {dlc.dim_names = ["batch"]}) -> tensor<4xf32> {
  %0 = tensor.empty() : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that dlc.dim_names entries must be strings.
// expected-error @+1 {{output 0: 'dlc.dim_names' entry 0 must be a string but is 3 : i64}}
func.func @main_graph(%x: tensor<4xf32>) -> (tensor<?xf32> {dlc.dim_names = [3]}) {
  %c0 = arith.constant 0 : index
  %0 = tensor.cast %x : tensor<4xf32> to tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Tests that dlc.dim_names must be an array.
// expected-error @+1 {{input 0: 'dlc.dim_names' must be an array of 1 strings (one per dim) but is "batch"}}
func.func @main_graph(%x: tensor<?xf32> {dlc.dim_names = "batch"}) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
