// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file --verify-diagnostics | FileCheck %s

// Tests that unsigned division uses divui and still maps x / 0 to 0.
// CHECK-LABEL: func.func @div_unsigned
func.func @div_unsigned(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // CHECK: linalg.generic
  // CHECK: ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
  // CHECK: %[[ZERO:.+]] = arith.cmpi eq, %[[B]], %{{.+}} : i8
  // CHECK: %[[DIVISOR:.+]] = arith.select %[[ZERO]], %{{.+}}, %[[B]] : i8
  // CHECK: %[[Q:.+]] = arith.divui %[[A]], %[[DIVISOR]] : i8
  // CHECK: arith.select %[[ZERO]], %{{.+}}, %[[Q]] : i8
  %0 = dlg.div %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Tests that unsigned max and min use maxui and minui.
// CHECK-LABEL: func.func @max_min_unsigned
func.func @max_min_unsigned(%a: tensor<4xi16>, %b: tensor<4xi16>) -> tensor<4xi16> {
  // CHECK: arith.maxui
  // CHECK: arith.minui
  %0 = dlg.max %a, %b {is_unsigned} : tensor<4xi16>, tensor<4xi16> -> tensor<4xi16>
  %1 = dlg.min %0, %b {is_unsigned} : tensor<4xi16>, tensor<4xi16> -> tensor<4xi16>
  return %1 : tensor<4xi16>
}

// -----

// Tests that an unsigned clip compares unsigned against bounds above the signed range.
// CHECK-LABEL: func.func @clip_unsigned
func.func @clip_unsigned(%a: tensor<4xi8>) -> tensor<4xi8> {
  // CHECK: %[[LO:.+]] = arith.constant 10 : i8
  // CHECK: arith.maxui %{{.+}}, %[[LO]] : i8
  // CHECK: %[[HI:.+]] = arith.constant -56 : i8
  // CHECK: arith.minui %{{.+}}, %[[HI]] : i8
  %0 = dlg.clip %a {min = 10.0, max = 200.0, is_unsigned} : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Tests that casts from unsigned integers extend and convert as unsigned, and
// that floats reach narrow integers through i64 (wrapping, never poison).
// CHECK-LABEL: func.func @cast_unsigned
func.func @cast_unsigned(%a: tensor<4xi8>, %f: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xf32>, tensor<4xi16>) {
  // CHECK: arith.extui %{{.+}} : i8 to i32
  // CHECK: arith.uitofp %{{.+}} : i8 to f32
  // CHECK: %[[W:.+]] = arith.fptosi %{{.+}} : f32 to i64
  // CHECK: arith.trunci %[[W]] : i64 to i16
  %0 = dlg.cast %a {to = i32, from_unsigned} : tensor<4xi8> -> tensor<4xi32>
  %1 = dlg.cast %a {to = f32, from_unsigned} : tensor<4xi8> -> tensor<4xf32>
  %2 = dlg.cast %f {to = i16, to_unsigned} : tensor<4xf32> -> tensor<4xi16>
  return %0, %1, %2 : tensor<4xi32>, tensor<4xf32>, tensor<4xi16>
}

// -----

// Tests that unsigned max pooling pads with 0 and combines with maxui.
// CHECK-LABEL: func.func @max_pool_unsigned
func.func @max_pool_unsigned(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8> {
  // CHECK: %[[ZERO:.+]] = arith.constant 0 : i8
  // CHECK: linalg.generic
  // CHECK: arith.maxui
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = false, is_unsigned} : tensor<1x1x4x4xi8> -> tensor<1x1x2x2xi8>
  return %0 : tensor<1x1x2x2xi8>
}

// -----

// Tests that float8 conversions are done on the bits through f32.
// CHECK-LABEL: func.func @cast_float8
func.func @cast_float8(%f: tensor<4xf32>) -> tensor<4xf16> {
  // CHECK: arith.bitcast %{{.+}} : f32 to i32
  // CHECK: arith.trunci %{{.+}} : i32 to i8
  // CHECK: arith.bitcast %{{.+}} : i8 to f8E4M3FN
  // CHECK: arith.bitcast %{{.+}} : f8E4M3FN to i8
  // CHECK: arith.truncf %{{.+}} : f32 to f16
  %0 = dlg.cast %f {to = f8E4M3FN} : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %1 = dlg.cast %0 {to = f16} : tensor<4xf8E4M3FN> -> tensor<4xf16>
  return %1 : tensor<4xf16>
}

// -----

// Tests that f32 -> bf16 rounds on the bits (no __truncsfbf2 call).
// CHECK-LABEL: func.func @cast_bf16
func.func @cast_bf16(%f: tensor<4xf32>) -> tensor<4xbf16> {
  // CHECK: arith.bitcast %{{.+}} : f32 to i32
  // CHECK: arith.trunci %{{.+}} : i32 to i16
  // CHECK: arith.bitcast %{{.+}} : i16 to bf16
  // CHECK-NOT: arith.truncf
  %0 = dlg.cast %f {to = bf16} : tensor<4xf32> -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}
