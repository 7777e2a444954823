// RUN: dlc-opt %s --dlc-cpu-approximate-math | FileCheck %s

// Tests that exp, tanh and erf on f32 become inline polynomials (no math
// calls left), and that a power by a constant 3 becomes two products.
// CHECK-LABEL: func.func @functions
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.fma
// CHECK: return
func.func @functions(%x: f32) -> (f32, f32, f32) {
  %0 = math.exp %x : f32
  %1 = math.tanh %x : f32
  %2 = math.erf %x : f32
  return %0, %1, %2 : f32, f32, f32
}

// CHECK-LABEL: func.func @cube
// CHECK-NOT: math.powf
// CHECK: %[[SQ:.+]] = arith.mulf %[[X:.+]], %[[X]] : f32
// CHECK: arith.mulf %[[X]], %[[SQ]] : f32
func.func @cube(%x: f32) -> f32 {
  %c3 = arith.constant 3.0 : f32
  %0 = math.powf %x, %c3 : f32
  return %0 : f32
}

// CHECK-LABEL: func.func @kept
// CHECK: math.sin
// CHECK: math.exp %{{.+}} : f64
func.func @kept(%x: f32, %y: f64) -> (f32, f64) {
  %0 = math.sin %x : f32
  %1 = math.exp %y : f64
  return %0, %1 : f32, f64
}
