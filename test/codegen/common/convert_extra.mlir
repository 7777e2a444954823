// RUN: dlc-opt %s --dlc-codegen-convert-dlg-to-linalg --split-input-file | FileCheck %s

// Tests that bitcast becomes an elementwise arith.bitcast.
// CHECK-LABEL: func.func @bitcast
func.func @bitcast(%x: tensor<4xf32>) -> tensor<4xi32> {
  // CHECK: linalg.generic
  // CHECK: arith.bitcast %{{.+}} : f32 to i32
  %0 = dlg.bitcast %x {to = i32} : tensor<4xf32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Tests that non_max_suppression becomes loops over batches, classes and
// selection steps, with a scan for the best candidate and an IoU check
// against the boxes already selected.
// CHECK-LABEL: func.func @nms
func.func @nms(%boxes: tensor<1x6x4xf32>, %scores: tensor<1x2x6xf32>,
               %max: tensor<1xi64>, %iou: tensor<1xf32>, %thr: tensor<1xf32>)
    -> (tensor<3x3xi64>, tensor<i64>) {
  // CHECK: scf.for
  // CHECK: scf.for
  // CHECK: scf.for
  // CHECK: scf.for
  // CHECK: arith.cmpf ogt
  // CHECK: scf.if
  // CHECK: tensor.insert
  // CHECK: scf.for
  // CHECK: arith.divf
  // CHECK: tensor.from_elements
  %0, %1 = dlg.non_max_suppression %boxes, %scores, %max, %iou, %thr
      {num_selected = 3 : i64, has_score_threshold}
      : tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>,
        tensor<1xf32> -> tensor<3x3xi64>, tensor<i64>
  return %0, %1 : tensor<3x3xi64>, tensor<i64>
}
