// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// Tests that the signedness attributes round-trip.
// CHECK-LABEL: func.func @unsigned_ops
func.func @unsigned_ops(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // CHECK: dlg.div %{{.+}}, %{{.+}} {is_unsigned}
  // CHECK: dlg.max %{{.+}}, %{{.+}} {is_unsigned}
  // CHECK: dlg.min %{{.+}}, %{{.+}} {is_unsigned}
  // CHECK: dlg.clip %{{.+}} {is_unsigned, max = 2.000000e+02 : f64}
  %0 = dlg.div %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  %1 = dlg.max %0, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  %2 = dlg.min %1, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  %3 = dlg.clip %2 {max = 200.0 : f64, is_unsigned} : tensor<4xi8>
  return %3 : tensor<4xi8>
}

// Tests that casts carry the signedness of both sides and float8 saturation.
// CHECK-LABEL: func.func @casts
func.func @casts(%a: tensor<4xi8>, %f: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf8E4M3FN>) {
  // CHECK: dlg.cast %{{.+}} {from_unsigned, to = f32} : tensor<4xi8> -> tensor<4xf32>
  // CHECK: dlg.cast %{{.+}} {saturate = false, to = f8E4M3FN} : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %0 = dlg.cast %a {to = f32, from_unsigned} : tensor<4xi8> -> tensor<4xf32>
  %1 = dlg.cast %f {to = f8E4M3FN, saturate = false} : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return %0, %1 : tensor<4xf32>, tensor<4xf8E4M3FN>
}

// Tests that max pooling takes unsigned integers.
// CHECK-LABEL: func.func @max_pool_u8
func.func @max_pool_u8(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8> {
  // CHECK: dlg.max_pool %{{.+}} {{.*}}is_unsigned
  %0 = dlg.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = false, is_unsigned} : tensor<1x1x4x4xi8> -> tensor<1x1x2x2xi8>
  return %0 : tensor<1x1x2x2xi8>
}
