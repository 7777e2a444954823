// RUN: dlc-opt %s --dlc-cpu-emit-model-entry --canonicalize --split-input-file --verify-diagnostics | FileCheck %s

// Tests that dlc_model_run passes a zeroed status word and one memref
// descriptor per buffer (allocated = aligned = the buffer, offset 0, static
// sizes, contiguous strides), calls the model, which becomes internal, writes
// the static output's dims and returns the status; and that the metadata and
// ABI version are emitted.
// CHECK-LABEL: module
// CHECK-NOT: dlc.model_metadata
// CHECK: llvm.func internal @main_graph(
// CHECK-NOT: dlc.memref_signature
// CHECK: llvm.func @dlc_model_run(%[[BUFFERS:.+]]: !llvm.ptr, %[[DIMS:.+]]: !llvm.ptr) -> i32 {
// CHECK-DAG: %[[C0:.+]] = llvm.mlir.constant(0 : i64) : i64
// CHECK-DAG: %[[C1:.+]] = llvm.mlir.constant(1 : i64) : i64
// CHECK-DAG: %[[C4:.+]] = llvm.mlir.constant(4 : i64) : i64
// CHECK-DAG: %[[ZERO:.+]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: %[[STATUS:.+]] = llvm.alloca %[[C1]] x i32 {alignment = 4 : i64} : (i64) -> !llvm.ptr
// CHECK-NEXT: llvm.store %[[ZERO]], %[[STATUS]] : i32, !llvm.ptr
// CHECK-NEXT: %[[B0:.+]] = llvm.load %[[BUFFERS]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S1:.+]] = llvm.getelementptr %[[BUFFERS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B1:.+]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S2:.+]] = llvm.getelementptr %[[BUFFERS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B2:.+]] = llvm.load %[[S2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @main_graph(%[[STATUS]], %[[STATUS]], %[[C0]], %[[B0]], %[[B0]], %[[C0]], %[[C4]], %[[C1]], %[[B1]], %[[B1]], %[[C0]], %[[C4]], %[[C1]], %[[B2]], %[[B2]], %[[C0]], %[[C4]], %[[C1]])
// CHECK-NEXT: %[[D2:.+]] = llvm.getelementptr %[[DIMS]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: llvm.store %[[C4]], %[[D2]] : i64, !llvm.ptr
// CHECK-NEXT: %[[RESULT:.+]] = llvm.load %[[STATUS]] : !llvm.ptr -> i32
// CHECK-NEXT: llvm.return %[[RESULT]] : i32
// CHECK: llvm.mlir.global internal constant @dlc_model_metadata_text("dlc-model 4\0Ainput a f32 1 4\0Ainput b f32 1 4\0Aoutput c f32 1 4\0A\00")
// CHECK: llvm.func @dlc_model_metadata() -> !llvm.ptr {
// CHECK-NEXT: %[[TEXT:.+]] = llvm.mlir.addressof @dlc_model_metadata_text : !llvm.ptr
// CHECK-NEXT: llvm.return %[[TEXT]] : !llvm.ptr
// CHECK: llvm.func @dlc_model_abi_version() -> i32 {
// CHECK-NEXT: %[[VERSION:.+]] = llvm.mlir.constant(4 : i32) : i32
// CHECK-NEXT: llvm.return %[[VERSION]] : i32
module attributes {dlc.model_metadata = "dlc-model 4\0Ainput a f32 1 4\0Ainput b f32 1 4\0Aoutput c f32 1 4\0A"} {
  llvm.func @main_graph(%s0: !llvm.ptr, %s1: !llvm.ptr, %s2: i64,
                        %a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64,
                        %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: i64, %b3: i64, %b4: i64,
                        %c0: !llvm.ptr, %c1: !llvm.ptr, %c2: i64, %c3: i64, %c4: i64)
      attributes {dlc.memref_signature = (memref<i32>, memref<4xf32>, memref<4xf32>, memref<4xf32>) -> ()} {
    llvm.return
  }
}

// -----

// Tests that a dynamic input's sizes come from `dims` with strides computed
// from them, that a dynamic result's allocated pointer goes to its buffer
// slot and its sizes to its dims slots, and that a static output (an
// out-parameter after the inputs) gets its buffer and constant dims.
// dims: x [0, 1], y [2, 3], s [4].
// CHECK-LABEL: module
// CHECK: llvm.func @dlc_model_run(%[[BUFFERS:.+]]: !llvm.ptr, %[[DIMS:.+]]: !llvm.ptr) -> i32 {
// CHECK-DAG: %[[C16:.+]] = llvm.mlir.constant(16 : i64) : i64
// CHECK-DAG: %[[C4:.+]] = llvm.mlir.constant(4 : i64) : i64
// CHECK: %[[X:.+]] = llvm.load %[[BUFFERS]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[BATCH:.+]] = llvm.load %[[DIMS]] : !llvm.ptr -> i64
// CHECK: %[[S2:.+]] = llvm.getelementptr %[[BUFFERS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[S:.+]] = llvm.load %[[S2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[DESC:.+]] = llvm.call @main_graph(%{{.+}}, %{{.+}}, %{{.+}}, %[[X]], %[[X]], %{{.+}}, %[[BATCH]], %[[C16]], %[[C16]], %{{.+}}, %[[S]], %[[S]], %{{.+}}, %[[C4]], %{{.+}}) : ({{.+}}) -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK-NEXT: %[[PTR:.+]] = llvm.extractvalue %[[DESC]][0]
// CHECK-NEXT: %[[S1:.+]] = llvm.getelementptr %[[BUFFERS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store %[[PTR]], %[[S1]] : !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[Y0:.+]] = llvm.extractvalue %[[DESC]][3, 0]
// CHECK-NEXT: %[[D2:.+]] = llvm.getelementptr %[[DIMS]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: llvm.store %[[Y0]], %[[D2]] : i64, !llvm.ptr
// CHECK-NEXT: %[[Y1:.+]] = llvm.extractvalue %[[DESC]][3, 1]
// CHECK-NEXT: %[[D3:.+]] = llvm.getelementptr %[[DIMS]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: llvm.store %[[Y1]], %[[D3]] : i64, !llvm.ptr
// CHECK-NEXT: %[[D4:.+]] = llvm.getelementptr %[[DIMS]][4] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: llvm.store %[[C4]], %[[D4]] : i64, !llvm.ptr
// CHECK-NEXT: llvm.load
// CHECK-NEXT: llvm.return
!desc2 = !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
module attributes {dlc.model_metadata = "dlc-model 4\0Ainput x f32 2 ?batch 16\0Aoutput y f32 2 ?batch 4\0Aoutput s f32 1 4\0A"} {
  llvm.func @main_graph(%s0: !llvm.ptr, %s1: !llvm.ptr, %s2: i64,
                        %x0: !llvm.ptr, %x1: !llvm.ptr, %x2: i64, %x3: i64, %x4: i64, %x5: i64, %x6: i64,
                        %o0: !llvm.ptr, %o1: !llvm.ptr, %o2: i64, %o3: i64, %o4: i64) -> !desc2
      attributes {dlc.memref_signature = (memref<i32>, memref<?x16xf32>, memref<4xf32>) -> memref<?x4xf32>} {
    %0 = llvm.mlir.poison : !desc2
    llvm.return %0 : !desc2
  }
}

// -----

// Tests that several dynamic results come as a struct of descriptors, taken
// apart in output order.
// CHECK-LABEL: module
// CHECK: %[[DESC:.+]] = llvm.call @main_graph
// CHECK-NEXT: %[[P0:.+]] = llvm.extractvalue %[[DESC]][0, 0]
// CHECK-NEXT: %[[S0:.+]] = llvm.getelementptr %{{.+}}[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store %[[P0]], %[[S0]]
// CHECK-NEXT: %[[A:.+]] = llvm.extractvalue %[[DESC]][0, 3, 0]
// CHECK: %[[P1:.+]] = llvm.extractvalue %[[DESC]][1, 0]
// CHECK-NEXT: %[[S1:.+]] = llvm.getelementptr %{{.+}}[2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store %[[P1]], %[[S1]]
// CHECK-NEXT: %[[B:.+]] = llvm.extractvalue %[[DESC]][1, 3, 0]
// CHECK-NEXT: %[[D2:.+]] = llvm.getelementptr %{{.+}}[2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: llvm.store %[[B]], %[[D2]]
!desc1 = !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
!both = !llvm.struct<(struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>)>
module attributes {dlc.model_metadata = "dlc-model 4\0Ainput x f32 1 ?n\0Aoutput a f32 1 ?n\0Aoutput b f32 1 ?\0A"} {
  llvm.func @main_graph(%s0: !llvm.ptr, %s1: !llvm.ptr, %s2: i64,
                        %x0: !llvm.ptr, %x1: !llvm.ptr, %x2: i64, %x3: i64, %x4: i64) -> !both
      attributes {dlc.memref_signature = (memref<i32>, memref<?xf32>) -> (memref<?xf32>, memref<?xf32>)} {
    %0 = llvm.mlir.poison : !both
    llvm.return %0 : !both
  }
}

// -----

// Tests that other functions are kept, made internal (no_inline where asked),
// and that a model without buffers gets only the status word.
// CHECK-LABEL: module
// CHECK: llvm.func internal @helper() attributes {no_inline}
// CHECK: llvm.func internal @main_graph(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: i64)
// CHECK: llvm.func @dlc_model_run(
// CHECK: llvm.call @main_graph(%{{.+}}, %{{.+}}, %{{.+}}) : (!llvm.ptr, !llvm.ptr, i64) -> ()
// CHECK-NEXT: llvm.load
// CHECK-NEXT: llvm.return
module attributes {dlc.model_metadata = "dlc-model 4\0A"} {
  llvm.func @helper() attributes {dlc.no_inline} {
    llvm.return
  }
  llvm.func @main_graph(%s0: !llvm.ptr, %s1: !llvm.ptr, %s2: i64)
      attributes {dlc.memref_signature = (memref<i32>) -> ()} {
    llvm.call @helper() : () -> ()
    llvm.return
  }
}

// -----

// Tests that a model function without its memref signature is rejected.
module attributes {dlc.model_metadata = "dlc-model 4\0A"} {
  // expected-error @+1 {{missing 'dlc.memref_signature'; run dlc-cpu-static-results-to-out-params first}}
  llvm.func @main_graph() {
    llvm.return
  }
}

// -----

// Tests that a signature that does not fit the metadata is rejected.
module attributes {dlc.model_metadata = "dlc-model 4\0Ainput x f32 1 ?\0Aoutput y f32 1 4\0A"} {
  // expected-error @+1 {{memref signature '(memref<i32>, memref<?xf32>) -> memref<4xf32>' does not fit the status word, 1 inputs and 1 static outputs as parameters and 0 dynamic outputs as results}}
  llvm.func @main_graph(%s0: !llvm.ptr, %s1: !llvm.ptr, %s2: i64,
                        %x0: !llvm.ptr, %x1: !llvm.ptr, %x2: i64, %x3: i64, %x4: i64)
      attributes {dlc.memref_signature = (memref<i32>, memref<?xf32>) -> memref<4xf32>} {
    llvm.return
  }
}

// -----

// Tests that parameters that are not the descriptors of the signature (bare
// pointers) are rejected.
module attributes {dlc.model_metadata = "dlc-model 4\0A"} {
  // expected-error @+1 {{parameters '!llvm.func<void (ptr)>' are not the memref descriptors of '(memref<i32>) -> ()'}}
  llvm.func @main_graph(%status: !llvm.ptr)
      attributes {dlc.memref_signature = (memref<i32>) -> ()} {
    llvm.return
  }
}

// -----

// Tests that a module without the model function is rejected.
// expected-error @+1 {{no LLVM function 'main_graph' to wrap; lower the model to LLVM first}}
module attributes {dlc.model_metadata = "dlc-model 4\0A"} {
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
