// RUN: dlc-opt %s --dlc-cpu-emit-model-entry --split-input-file --verify-diagnostics | FileCheck %s

// Tests that dlc_model_run passes a zeroed status word, unpacks one buffer per
// remaining parameter, calls the model, which becomes internal, and returns
// the status; and that the metadata and ABI version are emitted.
// CHECK-LABEL: module
// CHECK-NOT: dlc.model_metadata
// CHECK: llvm.func internal @main_graph(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
// CHECK: llvm.func @dlc_model_run(%[[BUFFERS:.+]]: !llvm.ptr) -> i32 {
// CHECK-NEXT: %[[ONE:.+]] = llvm.mlir.constant(1 : i64) : i64
// CHECK-NEXT: %[[STATUS:.+]] = llvm.alloca %[[ONE]] x i32 {alignment = 4 : i64} : (i64) -> !llvm.ptr
// CHECK-NEXT: %[[ZERO:.+]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.store %[[ZERO]], %[[STATUS]] : i32, !llvm.ptr
// CHECK-NEXT: %[[S0:.+]] = llvm.getelementptr %[[BUFFERS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B0:.+]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S1:.+]] = llvm.getelementptr %[[BUFFERS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B1:.+]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S2:.+]] = llvm.getelementptr %[[BUFFERS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B2:.+]] = llvm.load %[[S2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @main_graph(%[[STATUS]], %[[B0]], %[[B1]], %[[B2]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: %[[RESULT:.+]] = llvm.load %[[STATUS]] : !llvm.ptr -> i32
// CHECK-NEXT: llvm.return %[[RESULT]] : i32
// CHECK: llvm.mlir.global internal constant @dlc_model_metadata_text("dlc-model 2\0Ainput a f32 1 4\0Ainput b f32 1 4\0Aoutput c f32 1 4\0A\00")
// CHECK: llvm.func @dlc_model_metadata() -> !llvm.ptr {
// CHECK-NEXT: %[[TEXT:.+]] = llvm.mlir.addressof @dlc_model_metadata_text : !llvm.ptr
// CHECK-NEXT: llvm.return %[[TEXT]] : !llvm.ptr
// CHECK: llvm.func @dlc_model_abi_version() -> i32 {
// CHECK-NEXT: %[[VERSION:.+]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: llvm.return %[[VERSION]] : i32
module attributes {dlc.model_metadata = "dlc-model 2\0Ainput a f32 1 4\0Ainput b f32 1 4\0Aoutput c f32 1 4\0A"} {
  llvm.func @main_graph(%status: !llvm.ptr, %a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr) {
    llvm.return
  }
}

// -----

// Tests that other functions are kept, made internal, and that a model
// without buffers gets only the status word.
// CHECK-LABEL: module
// CHECK: llvm.func internal @helper()
// CHECK: llvm.func internal @main_graph(%{{.+}}: !llvm.ptr)
// CHECK: llvm.func @dlc_model_run(%[[BUFFERS:.+]]: !llvm.ptr) -> i32 {
// CHECK: llvm.call @main_graph(%{{.+}}) : (!llvm.ptr) -> ()
// CHECK-NEXT: llvm.load
// CHECK-NEXT: llvm.return
module attributes {dlc.model_metadata = "dlc-model 2\0A"} {
  llvm.func @helper() {
    llvm.return
  }
  llvm.func @main_graph(%status: !llvm.ptr) {
    llvm.call @helper() : () -> ()
    llvm.return
  }
}

// -----

// Tests that a model function without the status word is rejected.
module attributes {dlc.model_metadata = "dlc-model 2\0A"} {
  // expected-error @+1 {{expects the status word as the first parameter; run dlc-codegen-record-model-interface first}}
  llvm.func @main_graph() {
    llvm.return
  }
}

// -----

// Tests that a module without the model function is rejected.
// expected-error @+1 {{no LLVM function 'main_graph' to wrap; lower the model to LLVM first}}
module attributes {dlc.model_metadata = "dlc-model 2\0A"} {
  func.func @main_graph() {
    return
  }
}

// -----

// Tests that a module without recorded metadata is rejected.
// expected-error @+1 {{missing 'dlc.model_metadata'; run dlc-codegen-record-model-interface first}}
module {
  llvm.func @main_graph(%a: !llvm.ptr) {
    llvm.return
  }
}

// -----

// Tests that a model function not lowered with bare pointers is rejected.
module attributes {dlc.model_metadata = "dlc-model 2\0A"} {
  // expected-error @+1 {{expects only pointer parameters (bare-pointer memrefs) but got 'i64'}}
  llvm.func @main_graph(%status: !llvm.ptr, %n: i64) {
    llvm.return
  }
}

// -----

// Tests that a function marked dlc.no_inline (an outlined loop nest) gets
// llvm.func's no_inline.
// CHECK-LABEL: module
// CHECK: llvm.func internal @main_graph_nest0() attributes {no_inline}
module attributes {dlc.model_metadata = "dlc-model 2\0A"} {
  llvm.func @main_graph_nest0() attributes {dlc.no_inline} {
    llvm.return
  }
  llvm.func @main_graph(%status: !llvm.ptr) {
    llvm.call @main_graph_nest0() : () -> ()
    llvm.return
  }
}
