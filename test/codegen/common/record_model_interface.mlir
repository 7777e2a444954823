// RUN: dlc-opt %s --dlc-codegen-record-model-interface --split-input-file --verify-diagnostics | FileCheck %s
// Only the chunk that defines @forward succeeds with entry=forward.
// RUN: not dlc-opt %s --dlc-codegen-record-model-interface=entry=forward --split-input-file 2>/dev/null | FileCheck %s --check-prefix=ENTRY

// Tests that the metadata lists inputs then outputs with dlc.name, dtype and shape.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Ainput pixel_values f32 4 1 3 8 8\0Ainput ids i64 1 5\0Aoutput logits f32 2 1 10\0A"
// CHECK: func.func @main_graph
func.func @main_graph(%x: tensor<1x3x8x8xf32> {dlc.name = "pixel_values"},
                      %ids: tensor<5xi64> {dlc.name = "ids"})
    -> (tensor<1x10xf32> {dlc.name = "logits"}) {
  %0 = tensor.empty() : tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}

// -----

// Tests that unnamed values get positional names and every ABI dtype is spelled.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Ainput input0 f16 1 2\0Ainput input1 bf16 0\0Ainput input2 f64 1 1\0Ainput input3 bool 1 3\0Ainput input4 i8 1 1\0Ainput input5 u8 1 1\0Ainput input6 i16 1 1\0Ainput input7 u32 1 1\0Ainput input8 i32 1 1\0Aoutput output0 u64 1 1\0A"
func.func @main_graph(%a: tensor<2xf16>, %b: tensor<bf16>, %c: tensor<1xf64>,
                      %d: tensor<3xi1>, %e: tensor<1xi8>, %f: tensor<1xui8>,
                      %g: tensor<1xi16>, %h: tensor<1xui32>, %i: tensor<1xi32>)
    -> tensor<1xui64> {
  %0 = tensor.empty() : tensor<1xui64>
  return %0 : tensor<1xui64>
}

// -----

// Tests that names outside [A-Za-z0-9_.:/-] are percent-encoded.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Ainput input%20ids%25 i64 1 4\0Aoutput out/0:a.b-c f32 0\0A"
func.func @main_graph(%x: tensor<4xi64> {dlc.name = "input ids%"}) -> (tensor<f32> {dlc.name = "out/0:a.b-c"}) {
  %0 = tensor.empty() : tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Tests that the entry option selects another function and leaves the rest alone.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Aoutput output0 i32 1 2\0A"
// ENTRY-LABEL: module attributes
// ENTRY-SAME: dlc.model_metadata = "dlc-model 4\0Ainput input0 f32 1 3\0Aoutput output0 f32 1 3\0A"
func.func @main_graph() -> tensor<2xi32> {
  %0 = tensor.empty() : tensor<2xi32>
  return %0 : tensor<2xi32>
}
func.func @forward(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// -----

// Tests that an unranked input is rejected: the ABI carries ranks.
// expected-error @+1 {{input 0 must be a ranked tensor but is 'tensor<*xf32>'}}
func.func @main_graph(%x: tensor<*xf32>) -> tensor<4xf32> {
  %0 = tensor.empty() : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that an output that is not a tensor is rejected.
// expected-error @+1 {{output 0 must be a ranked tensor but is 'f32'}}
func.func @main_graph(%x: tensor<4xf32>) -> f32 {
  %0 = arith.constant 0.0 : f32
  return %0 : f32
}

// -----

// Tests that an element type without an ABI dtype is rejected.
// expected-error @+1 {{input 1 has element type 'i4' which the runtime ABI cannot carry}}
func.func @main_graph(%x: tensor<4xf32>, %y: tensor<4xi4>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// Tests that a module without the entry function is rejected.
// expected-error @+1 {{no entry function 'main_graph'}}
module {
  func.func @other(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

// Tests that signless integers marked dlc.unsigned are recorded as unsigned.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Ainput a u8 1 2\0Ainput b i8 1 2\0Aoutput r u16 1 2\0A"
func.func @main_graph(%a: tensor<2xi8> {dlc.name = "a", dlc.unsigned},
                      %b: tensor<2xi8> {dlc.name = "b"})
    -> (tensor<2xi16> {dlc.name = "r", dlc.unsigned}) {
  %0 = tensor.empty() : tensor<2xi16>
  return %0 : tensor<2xi16>
}

// -----

// Tests that empty inputs and outputs keep their shapes in the metadata but
// cross the ABI as rank-1 empty tensors, and that rank-1 ones are unchanged.
// CHECK-LABEL: module attributes
// CHECK-SAME: input x f32 3 3 0 5\0Ainput v f32 1 0\0Aoutput y f32 2 0 2
// CHECK: func.func @main_graph(%{{.*}}: memref<i32> {dlc.status}, %{{.*}}: tensor<0xf32> {dlc.name = "x"}, %{{.*}}: tensor<0xf32> {dlc.name = "v"}) -> (tensor<0xf32> {dlc.name = "y"})
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<3x0x5xf32>
// CHECK: tensor.cast %[[EMPTY]]
// CHECK: %[[RESULT:.*]] = tensor.empty() : tensor<0xf32>
// CHECK: return %[[RESULT]]
module {
  func.func @main_graph(%x: tensor<3x0x5xf32> {dlc.name = "x"},
                        %v: tensor<0xf32> {dlc.name = "v"}) -> (tensor<0x2xf32> {dlc.name = "y"}) {
    %unused = tensor.cast %x : tensor<3x0x5xf32> to tensor<?x0x5xf32>
    %y = tensor.empty() : tensor<0x2xf32>
    return %y : tensor<0x2xf32>
  }
}

// -----

// Tests that dlg.check ops get codes in order, their messages become check
// records, and the entry function gets the status word first.
// CHECK-LABEL: module attributes
// CHECK-SAME: dlc.model_metadata = "dlc-model 4\0Ainput x i64 1 2\0Aoutput y i64 1 2\0Acheck 1 node%20%27Reshape_0%27:%20bad%20shape\0Acheck 2 second\0A"
// CHECK: func.func @main_graph(%{{.*}}: memref<i32> {dlc.status}, %[[X:.*]]: tensor<2xi64> {dlc.name = "x"})
// CHECK: dlg.check %{{.*}}, "node 'Reshape_0': bad shape" {dlc.check_code = 1 : i32}
// CHECK: dlg.check %{{.*}}, "second" {dlc.check_code = 2 : i32}
func.func @main_graph(%x: tensor<2xi64> {dlc.name = "x"}) -> (tensor<2xi64> {dlc.name = "y"}) {
  %c = arith.constant dense<true> : tensor<i1>
  dlg.check %c, "node 'Reshape_0': bad shape" : tensor<i1>
  dlg.check %c, "second" : tensor<i1>
  return %x : tensor<2xi64>
}

// -----

// Tests that a check outside the entry function is rejected.
module {
  func.func @main_graph(%x: tensor<2xi64>) -> tensor<2xi64> {
    return %x : tensor<2xi64>
  }
  func.func @helper(%c: tensor<i1>) {
    // expected-error @+1 {{'dlg.check' op must be in the entry function 'main_graph'}}
    dlg.check %c, "unreachable" : tensor<i1>
    return
  }
}
