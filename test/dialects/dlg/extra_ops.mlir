// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// Tests that bitcast round-trips between floats and integers of one width.
// CHECK-LABEL: func.func @bitcasts
func.func @bitcasts(%x: tensor<4xf32>, %y: tensor<2x3xi64>)
    -> (tensor<4xi32>, tensor<2x3xf64>) {
  // CHECK: dlg.bitcast %{{.+}} {to = i32} : tensor<4xf32> -> tensor<4xi32>
  %0 = dlg.bitcast %x {to = i32} : tensor<4xf32> -> tensor<4xi32>
  // CHECK: dlg.bitcast %{{.+}} {to = f64} : tensor<2x3xi64> -> tensor<2x3xf64>
  %1 = dlg.bitcast %y {to = f64} : tensor<2x3xi64> -> tensor<2x3xf64>
  return %0, %1 : tensor<4xi32>, tensor<2x3xf64>
}

// Tests that non_max_suppression round-trips with its two results.
// CHECK-LABEL: func.func @nms
func.func @nms(%boxes: tensor<1x6x4xf32>, %scores: tensor<1x2x6xf32>,
               %max: tensor<1xi64>, %iou: tensor<1xf32>, %thr: tensor<f32>)
    -> (tensor<3x3xi64>, tensor<i64>) {
  // CHECK: dlg.non_max_suppression %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {center_point_box, has_score_threshold, num_selected = 3 : i64}
  // CHECK-SAME: -> tensor<3x3xi64>, tensor<i64>
  %0, %1 = dlg.non_max_suppression %boxes, %scores, %max, %iou, %thr
      {num_selected = 3 : i64, center_point_box, has_score_threshold}
      : tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>,
        tensor<f32> -> tensor<3x3xi64>, tensor<i64>
  return %0, %1 : tensor<3x3xi64>, tensor<i64>
}
