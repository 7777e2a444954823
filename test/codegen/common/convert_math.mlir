// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file --verify-diagnostics --mlir-print-local-scope | FileCheck %s

// Tests that comparisons are ordered on floats and yield i1.
// CHECK-LABEL: func.func @compare_float
func.func @compare_float(%a: tensor<4x1xf32>, %b: tensor<8xf32>) -> tensor<4x8xi1> {
  // CHECK: tensor.empty() : tensor<4x8xi1>
  // CHECK: linalg.generic
  // CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: i1):
  // CHECK-NEXT: %[[R:.+]] = arith.cmpf olt, %[[X]], %[[Y]] : f32
  // CHECK-NEXT: linalg.yield %[[R]] : i1
  %0 = dlg.less %a, %b : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x8xi1>
  return %0 : tensor<4x8xi1>
}

// -----

// Tests that integer comparisons are signed unless is_unsigned is set.
// CHECK-LABEL: func.func @compare_int
func.func @compare_int(%a: tensor<4xi8>) -> (tensor<4xi1>, tensor<4xi1>) {
  // CHECK: arith.cmpi sge
  %0 = dlg.greater_equal %a, %a : tensor<4xi8>, tensor<4xi8> -> tensor<4xi1>
  // CHECK: arith.cmpi uge
  %1 = dlg.greater_equal %a, %a {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// Tests that bitwise not flips every bit with an xor by all ones.
// CHECK-LABEL: func.func @bitwise_not
func.func @bitwise_not(%a: tensor<4xi1>) -> tensor<4xi1> {
  // CHECK: ^bb0(%[[X:.+]]: i1, %{{.+}}: i1):
  // CHECK: %[[ONES:.+]] = arith.constant true
  // CHECK: arith.xori %[[X]], %[[ONES]] : i1
  %0 = dlg.bitwise_not %a : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Tests that shifts by at least the bit width give 0 instead of poison.
// CHECK-LABEL: func.func @shift
func.func @shift(%a: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>) {
  // CHECK: ^bb0(%[[X:.+]]: i8, %[[N:.+]]: i8, %{{.+}}: i8):
  // CHECK: %[[FAR:.+]] = arith.cmpi uge, %[[N]], %{{.+}} : i8
  // CHECK: %[[SAFE:.+]] = arith.select %[[FAR]], %{{.+}}, %[[N]] : i8
  // CHECK: %[[S:.+]] = arith.shli %[[X]], %[[SAFE]] : i8
  // CHECK: arith.select %[[FAR]], %{{.+}}, %[[S]] : i8
  %0 = dlg.shift_left %a, %a : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: arith.shrui
  %1 = dlg.shift_right %a, %a {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  return %0, %1 : tensor<4xi8>, tensor<4xi8>
}

// -----

// Tests that integer mod without fmod moves a remainder to the divisor's sign.
// CHECK-LABEL: func.func @mod_int
func.func @mod_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  // CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
  // CHECK: %[[SAFE:.+]] = arith.select %{{.+}}, %{{.+}}, %[[B]] : i32
  // CHECK: %[[REM:.+]] = arith.remsi %[[A]], %[[SAFE]] : i32
  // CHECK: %[[FIXED:.+]] = arith.addi %[[REM]], %[[SAFE]] : i32
  // CHECK: arith.select %{{.+}}, %[[FIXED]], %[[REM]] : i32
  %0 = dlg.mod %a, %b {fmod = false} : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Tests that float fmod is a plain remf and unsigned mod a remui.
// CHECK-LABEL: func.func @mod_fmod
func.func @mod_fmod(%a: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  // CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[R:.+]] = arith.remf %[[A]], %[[B]] : f32
  // CHECK-NEXT: linalg.yield %[[R]]
  %0 = dlg.mod %a, %a {fmod = true} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // CHECK: arith.remui
  %1 = dlg.mod %i, %i {fmod = false, is_unsigned} : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0, %1 : tensor<4xf32>, tensor<4xi32>
}

// -----

// Tests that round is round-half-to-even and the trig ops map to math.
// CHECK-LABEL: func.func @math_unary
func.func @math_unary(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: math.roundeven
  %0 = dlg.round %x : tensor<4xf32>
  // CHECK: math.asinh
  %1 = dlg.asinh %x : tensor<4xf32>
  // CHECK: math.floor
  %2 = dlg.floor %x : tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that sign selects -1 / 1 and leaves zero (and NaN) alone.
// CHECK-LABEL: func.func @sign
func.func @sign(%x: tensor<4xi32>) -> tensor<4xi32> {
  // CHECK: ^bb0(%[[X:.+]]: i32, %{{.+}}: i32):
  // CHECK: %[[POS:.+]] = arith.cmpi sgt, %[[X]], %{{.+}} : i32
  // CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[X]], %{{.+}} : i32
  // CHECK: %[[R:.+]] = arith.select %[[NEG]], %{{.+}}, %[[X]] : i32
  // CHECK: arith.select %[[POS]], %{{.+}}, %[[R]] : i32
  %0 = dlg.sign %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Tests that an unsigned sign is 1 for any non-zero value.
// CHECK-LABEL: func.func @sign_unsigned
func.func @sign_unsigned(%x: tensor<4xi8>) -> tensor<4xi8> {
  // CHECK: ^bb0(%[[X:.+]]: i8, %{{.+}}: i8):
  // CHECK: %[[NZ:.+]] = arith.cmpi ne, %[[X]], %{{.+}} : i8
  // CHECK: arith.select %[[NZ]], %{{.+}}, %{{.+}} : i8
  // CHECK-NOT: arith.cmpi slt
  %0 = dlg.sign %x {is_unsigned} : tensor<4xi8>
  return %0 : tensor<4xi8>
}
