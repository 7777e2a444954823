// RUN: dlc-opt %s --dlc-cpu-static-results-to-out-params --split-input-file --verify-diagnostics | FileCheck %s

// Tests that only the static result becomes an out-parameter (appended after
// the inputs), that its allocation is replaced by the parameter, that the
// dynamic result stays a result with its attributes, and that the memref
// signature is recorded.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:[^:]+]]: memref<?x4xf32>, %[[S:[^:]+]]: memref<4xf32>) -> (memref<?x4xf32> {dlc.name = "y"})
// CHECK-SAME: attributes {dlc.memref_signature = (memref<?x4xf32>, memref<4xf32>) -> memref<?x4xf32>}
// CHECK-NOT: memref.alloc() : memref<4xf32>
// CHECK: %[[Y:.+]] = memref.alloc(%{{.+}}) : memref<?x4xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[S]] : memref<4xf32>)
// CHECK-NOT: memref.copy
// CHECK: return %[[Y]] : memref<?x4xf32>
func.func @main_graph(%x: memref<?x4xf32>)
    -> (memref<?x4xf32> {dlc.name = "y"}, memref<4xf32> {dlc.name = "s"}) {
  %c0 = arith.constant 0 : index
  %cst = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  %y = memref.alloc(%n) : memref<?x4xf32>
  %s = memref.alloc() : memref<4xf32>
  linalg.fill ins(%cst : f32) outs(%s : memref<4xf32>)
  return %y, %s : memref<?x4xf32>, memref<4xf32>
}

// -----

// Tests that a static result that is not an allocation of this function (an
// argument, a global) is copied into its out-parameter.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:[^:]+]]: memref<4xf32>, %[[O0:[^:]+]]: memref<4xf32>, %[[O1:[^:]+]]: memref<2xf32>)
// CHECK-SAME: attributes {dlc.memref_signature = (memref<4xf32>, memref<4xf32>, memref<2xf32>) -> ()}
// CHECK: %[[G:.+]] = memref.get_global @w : memref<2xf32>
// CHECK: memref.copy %[[X]], %[[O0]]
// CHECK: memref.copy %[[G]], %[[O1]]
// CHECK: return{{$}}
memref.global "private" constant @w : memref<2xf32> = dense<1.0>
func.func @main_graph(%x: memref<4xf32>) -> (memref<4xf32>, memref<2xf32>) {
  %g = memref.get_global @w : memref<2xf32>
  return %x, %g : memref<4xf32>, memref<2xf32>
}

// -----

// Tests that a function with only dynamic results keeps them and still gets
// its signature recorded.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%{{[^:]+}}: memref<?xf32>) -> memref<?xf32> attributes {dlc.memref_signature = (memref<?xf32>) -> memref<?xf32>}
func.func @main_graph(%x: memref<?xf32>) -> memref<?xf32> {
  return %x : memref<?xf32>
}

// -----

// Tests that a called entry function is rejected: its callers would break.
// expected-error @+1 {{the entry function must not be called: its results change into parameters}}
func.func @main_graph() -> memref<4xf32> {
  %0 = memref.alloc() : memref<4xf32>
  return %0 : memref<4xf32>
}
func.func @caller() {
  %0 = func.call @main_graph() : () -> memref<4xf32>
  return
}

// -----

// Tests that a result with a non-identity layout is rejected.
// expected-error @+1 {{result 0 must be an identity-layout memref but is 'memref<4xf32, strided<[2]>>'}}
func.func @main_graph(%x: memref<4xf32, strided<[2]>>) -> memref<4xf32, strided<[2]>> {
  return %x : memref<4xf32, strided<[2]>>
}

// -----

// Tests that a module without the entry function is rejected.
// expected-error @+1 {{no entry function 'main_graph' with a body}}
module {
  func.func private @main_graph() -> memref<4xf32>
}
