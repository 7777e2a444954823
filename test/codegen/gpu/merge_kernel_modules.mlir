// RUN: dlc-opt %s --dlc-gpu-merge-kernel-modules --split-input-file --verify-diagnostics | FileCheck %s

// Tests that the kernels of three modules end up in the first one, the
// clashing names renamed, and the launches retargeted.
// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK: gpu.module @k {
// CHECK-DAG: gpu.func @kernel(
// CHECK-DAG: gpu.func @kernel_0(
// CHECK-DAG: gpu.func @kernel_1(
// CHECK: }
// CHECK-NOT: gpu.module
// CHECK: gpu.launch_func @k::@kernel blocks
// CHECK: gpu.launch_func @k::@kernel_0 blocks
// CHECK: gpu.launch_func @k::@kernel_1 blocks
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @kernel(%a: memref<8xf32>) kernel { gpu.return }
  }
  gpu.module @k_0 {
    gpu.func @kernel(%a: memref<8xf32>) kernel { gpu.return }
  }
  gpu.module @k_1 {
    gpu.func @kernel(%a: memref<8xf32>) kernel { gpu.return }
  }
  func.func @run(%a: memref<8xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<8xf32>)
    gpu.launch_func @k_0::@kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<8xf32>)
    gpu.launch_func @k_1::@kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<8xf32>)
    return
  }
}

// -----

// Tests that modules for different targets stay apart.
module attributes {gpu.container_module} {
  gpu.module @a [#nvvm.target<chip = "sm_80">] {
    gpu.func @kernel() kernel { gpu.return }
  }
  // expected-error @+1 {{kernel modules with different targets or attributes cannot be merged}}
  gpu.module @b [#nvvm.target<chip = "sm_90a">] {
    gpu.func @kernel() kernel { gpu.return }
  }
}
