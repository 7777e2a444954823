// RUN: dlc-opt %s --dlc-codegen-demote-contraction-operands --split-input-file | FileCheck %s
// RUN: dlc-opt %s --dlc-codegen-demote-contraction-operands=element-type=f16 --split-input-file | FileCheck %s --check-prefix=F16
// RUN: not dlc-opt %s --dlc-codegen-demote-contraction-operands=element-type=f8 2>&1 | FileCheck %s --check-prefix=BAD

// Tests that a product reads its activation through a rounding generic and
// its constant weights rounded at compile time (to nearest even: 1 + 2^-8
// ties down to 1, 1 + 3 * 2^-8 up to 1 + 2^-6), widening both in its body.
// CHECK-LABEL: func.func @linear
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<4x2xbf16>
// CHECK: %[[X:.+]] = linalg.generic {{.+}} ins(%arg0 : tensor<4x2xf32>) outs(%[[EMPTY]] : tensor<4x2xbf16>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: bf16):
// CHECK-NEXT: %[[T:.+]] = arith.truncf %[[IN]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[T]] : bf16
// CHECK: %[[W:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00], [1.015630e+00, -2.000000e+00]]> : tensor<2x2xbf16>
// CHECK: linalg.generic {{.+}} ins(%[[X]], %[[W]] : tensor<4x2xbf16>, tensor<2x2xbf16>) outs(%arg1 : tensor<4x2xf32>) attrs = {{.*}}dlc.kept
// CHECK-NEXT: ^bb0(%[[A:.+]]: bf16, %[[B:.+]]: bf16, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[WA:.+]] = arith.extf %[[A]] : bf16 to f32
// CHECK-NEXT: %[[WB:.+]] = arith.extf %[[B]] : bf16 to f32
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[WA]], %[[WB]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[M]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// F16-LABEL: func.func @linear
// F16: arith.truncf %{{.+}} : f32 to f16
// F16: arith.constant dense<{{\[}}[1.000000e+00, 1.003910e+00], [1.011720e+00, -2.000000e+00]]> : tensor<2x2xf16>
// F16: arith.extf %{{.+}} : f16 to f32
// BAD: error: unknown element-type 'f8' (expected bf16 or f16)
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @linear(%x: tensor<4x2xf32>, %init: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 1.00390625], [1.01171875, -2.0]]> : tensor<2x2xf32>
  %y = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%init : tensor<4x2xf32>) attrs = {dlc.kept} {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Tests f16's rounding of constants: 65520 overflows to inf, 65504 is the
// largest finite value, 2^-24 the smallest subnormal, 2^-26 rounds to 0,
// 3 * 2^-25 ties up to 2^-23, and NaN stays NaN.
// F16-LABEL: func.func @f16_limits
// F16: arith.constant dense<{{\[}}[0x7C00, 6.550400e+04, 5.960460e-08], [0.000000e+00, 1.192090e-07, 0x7E00]]> : tensor<2x3xf16>
func.func @f16_limits(%x: tensor<4x2xf32>, %init: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %w = arith.constant dense<[[65520.0, 65504.0, 5.9604644775390625e-08], [1.4901161193847656e-08, 8.940696716308594e-08, 0x7FC00000]]> : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x2xf32>, tensor<2x3xf32>) outs(%init : tensor<4x3xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Tests what stays f32: an elementwise generic, a product of f16 tensors,
// and a convolution.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: arith.truncf
// CHECK-NOT: bf16
// CHECK: return
func.func @kept(%x: tensor<4x4xf32>, %h: tensor<4x4xf16>, %hi: tensor<4x4xf16>,
                %img: tensor<1x1x5x5xf32>, %f: tensor<1x1x3x3xf32>, %o: tensor<1x1x3x3xf32>)
    -> (tensor<4x4xf32>, tensor<4x4xf16>, tensor<1x1x3x3xf32>) {
  %e = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%x : tensor<4x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<4x4xf32>
  %p = linalg.matmul ins(%h, %h : tensor<4x4xf16>, tensor<4x4xf16>) outs(%hi : tensor<4x4xf16>) -> tensor<4x4xf16>
  %c = linalg.conv_2d_nchw_fchw ins(%img, %f : tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) outs(%o : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %e, %p, %c : tensor<4x4xf32>, tensor<4x4xf16>, tensor<1x1x3x3xf32>
}

// -----

// Tests that an NCHW convolution whose filter rows (C*KH*KW = 8 * 9) are
// whole 16-byte chunks reads rounded inputs into its f32 accumulator, and
// that one with 3 * 9 keeps f32 (the tensor-core kernel takes it in TF32).
// CHECK-LABEL: func.func @convolutions
// CHECK-DAG: %[[X:.+]] = linalg.generic {{.+}} ins(%arg0 : tensor<1x8x10x10xf32>) outs(%{{.+}} : tensor<1x8x10x10xbf16>)
// CHECK-DAG: %[[W:.+]] = linalg.generic {{.+}} ins(%arg1 : tensor<4x8x3x3xf32>) outs(%{{.+}} : tensor<4x8x3x3xbf16>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[X]], %[[W]] : tensor<1x8x10x10xbf16>, tensor<4x8x3x3xbf16>) outs(%arg2 : tensor<1x4x8x8xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {{.+}} ins(%arg3, %arg4 : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>)
func.func @convolutions(%x: tensor<1x8x10x10xf32>, %w: tensor<4x8x3x3xf32>, %acc: tensor<1x4x8x8xf32>,
                        %x3: tensor<1x3x10x10xf32>, %w3: tensor<4x3x3x3xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x8x10x10xf32>, tensor<4x8x3x3xf32>) outs(%acc : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x3, %w3 : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%acc : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %0, %1 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
