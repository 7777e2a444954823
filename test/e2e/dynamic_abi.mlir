// A model with a dynamic batch for e2e.dynamic_abi (see dynamic_abi.py):
// relu + matmul with a constant weight (dynamic), a column sum (static), a
// reshape of the input (a view: copied into a fresh allocation), a row max
// (dynamic reduction), the input itself and the matmul result again (both
// copied, so that every dynamic output owns its buffer).
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
module {
  func.func @main(%x: tensor<?x16xf32> {dlc.name = "x", dlc.dim_names = ["batch", ""]})
      -> (tensor<?x4xf32> {dlc.name = "y", dlc.dim_names = ["batch", ""]},
          tensor<16xf32> {dlc.name = "colsum"},
          tensor<?x4x4xf32> {dlc.name = "view", dlc.dim_names = ["batch", "", ""]},
          tensor<?xf32> {dlc.name = "rowmax", dlc.dim_names = ["batch"]},
          tensor<?x16xf32> {dlc.name = "same", dlc.dim_names = ["batch", ""]},
          tensor<?x4xf32> {dlc.name = "y2"}) {
    %c0 = arith.constant 0 : index
    %n = tensor.dim %x, %c0 : tensor<?x16xf32>
    %w = arith.constant dense<0.5> : tensor<16x4xf32>
    %e0 = tensor.empty(%n) : tensor<?x16xf32>
    %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<?x16xf32>) outs(%e0 : tensor<?x16xf32>) {
      ^bb0(%a: f32, %o: f32):
        %z = arith.constant 0.0 : f32
        %m = arith.maximumf %a, %z : f32
        linalg.yield %m : f32
    } -> tensor<?x16xf32>
    %zero = arith.constant 0.0 : f32
    %e1 = tensor.empty(%n) : tensor<?x4xf32>
    %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x4xf32>) -> tensor<?x4xf32>
    %y = linalg.matmul ins(%relu, %w : tensor<?x16xf32>, tensor<16x4xf32>) outs(%f1 : tensor<?x4xf32>) -> tensor<?x4xf32>
    %e2 = tensor.empty() : tensor<16xf32>
    %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
    %cs = linalg.reduce ins(%x : tensor<?x16xf32>) outs(%f2 : tensor<16xf32>) dimensions = [0]
      (%a: f32, %acc: f32) {
        %s = arith.addf %a, %acc : f32
        linalg.yield %s : f32
      }
    %v = tensor.expand_shape %x [[0], [1, 2]] output_shape [%n, 4, 4] : tensor<?x16xf32> into tensor<?x4x4xf32>
    %ninf = arith.constant 0xFF800000 : f32
    %e3 = tensor.empty(%n) : tensor<?xf32>
    %f3 = linalg.fill ins(%ninf : f32) outs(%e3 : tensor<?xf32>) -> tensor<?xf32>
    %rm = linalg.reduce ins(%x : tensor<?x16xf32>) outs(%f3 : tensor<?xf32>) dimensions = [1]
      (%a: f32, %acc: f32) {
        %s = arith.maximumf %a, %acc : f32
        linalg.yield %s : f32
      }
    return %y, %cs, %v, %rm, %x, %y : tensor<?x4xf32>, tensor<16xf32>, tensor<?x4x4xf32>, tensor<?xf32>, tensor<?x16xf32>, tensor<?x4xf32>
  }
}
