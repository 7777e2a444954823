// RUN: dlc-opt %s --dlc-cpu-flatten-constant-globals | FileCheck %s

// Tests that a multi-dimensional global becomes 1-D with the same data (a
// resource blob keeps its handle) and each get a 1-D get plus an
// expand_shape; 1-D and dynamic-layout globals stay as they are.
// CHECK-DAG: memref.global "private" constant @weights : memref<24xf32> = dense_resource<blob> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" constant @splat : memref<6xf32> = dense<2.000000e+00>
// CHECK-DAG: memref.global "private" constant @flat : memref<4xf32> = dense<1.000000e+00>
// CHECK-LABEL: func.func @uses
// CHECK: %[[W:.+]] = memref.get_global @weights : memref<24xf32>
// CHECK: memref.expand_shape %[[W]] {{\[}}[0, 1, 2]] output_shape [2, 3, 4] : memref<24xf32> into memref<2x3x4xf32>
// CHECK: %[[S:.+]] = memref.get_global @splat : memref<6xf32>
// CHECK: memref.expand_shape %[[S]] {{\[}}[0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
// CHECK: memref.get_global @flat : memref<4xf32>
memref.global "private" constant @weights : memref<2x3x4xf32> = dense_resource<blob> {alignment = 64 : i64}
memref.global "private" constant @splat : memref<2x3xf32> = dense<2.0>
memref.global "private" constant @flat : memref<4xf32> = dense<1.0>
func.func @uses() -> (memref<2x3x4xf32>, memref<2x3xf32>, memref<4xf32>) {
  %0 = memref.get_global @weights : memref<2x3x4xf32>
  %1 = memref.get_global @splat : memref<2x3xf32>
  %2 = memref.get_global @flat : memref<4xf32>
  return %0, %1, %2 : memref<2x3x4xf32>, memref<2x3xf32>, memref<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B841"
    }
  }
#-}
