//===- DlgExtraOps.td - dlg bit casts and box selection ----*- tablegen -*-===//
//
// Primitives of single ONNX ops that no other dlg op expresses: the bit
// reinterpretation of BitCast and the data-dependent greedy selection of
// NonMaxSuppression. Included by DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGEXTRAOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGEXTRAOPS_TD

def Dlg_BitcastOp : Dlg_Op<"bitcast", [InferTypeOpAdaptor]> {
  let summary = "Elementwise reinterpretation of the bits as another type";
  let description = [{
    Every element keeps its bits and is read as an element of type `to`,
    which has the same bit width (i1 excluded). Integers are signless, so
    only float <-> integer (or float <-> float) casts change anything.

    ```mlir
    %r = dlg.bitcast %x {to = i32} : tensor<4xf32> -> tensor<4xi32>
    ```
  }];
  let arguments = (ins Dlg_Tensor:$input, TypeAttr:$to);
  let results = (outs Dlg_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Dlg_NonMaxSuppressionOp
    : Dlg_Op<"non_max_suppression", [InferTypeOpAdaptor]> {
  let summary = "Greedy non-maximum suppression of boxes, per batch and class";
  let description = [{
    For every batch b and class c in order, boxes (of `boxes[b]`, [B, N, 4])
    are visited by decreasing `scores[b, c]` ([B, C, N]; equal scores by
    increasing index); with `has_score_threshold`, only boxes scoring more
    than `score_threshold` are candidates. A candidate is selected unless its
    intersection over union with a box already selected for (b, c) exceeds
    `iou_threshold`, until `max_output_boxes_per_class` are selected. Boxes
    are [y1, x1, y2, x2] corners, or [x_center, y_center, width, height] with
    `center_point_box`. The scalar operands hold one element each.

    `selected` ([num_selected, 3]) receives the (b, c, box) triples in
    selection order; rows past the number selected are zero and selections
    past `num_selected` are dropped. `count` is the number selected, so the
    caller can check it against `num_selected`.

    ```mlir
    %sel, %n = dlg.non_max_suppression %boxes, %scores, %max, %iou, %thr
        {num_selected = 3 : i64, has_score_threshold}
        : tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>,
          tensor<1xf32> -> tensor<3x3xi64>, tensor<i64>
    ```
  }];
  let arguments = (ins Dlg_FloatTensor:$boxes, Dlg_FloatTensor:$scores,
                       RankedTensorOf<[I64]>:$max_output_boxes_per_class,
                       Dlg_FloatTensor:$iou_threshold,
                       Dlg_FloatTensor:$score_threshold,
                       I64Attr:$num_selected, UnitAttr:$center_point_box,
                       UnitAttr:$has_score_threshold);
  let results = (outs RankedTensorOf<[I64]>:$selected,
                      RankedTensorOf<[I64]>:$count);
  let assemblyFormat = [{
    $boxes `,` $scores `,` $max_output_boxes_per_class `,` $iou_threshold `,`
    $score_threshold attr-dict `:` type($boxes) `,` type($scores) `,`
    type($max_output_boxes_per_class) `,` type($iou_threshold) `,`
    type($score_threshold) `->` type($selected) `,` type($count)
  }];
}

#endif // DLC_DIALECTS_DLG_IR_DLGEXTRAOPS_TD
