//===- DlgDialect.td - The dlc graph dialect ---------------*- tablegen -*-===//
//
// The dlg dialect holds opset-independent deep-learning graph operations on
// ranked tensors. Frontends (ONNX) lower into it; graph passes run on it;
// codegen lowers it to linalg/tensor.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGDIALECT_TD
#define DLC_DIALECTS_DLG_IR_DLGDIALECT_TD

include "mlir/IR/OpBase.td"

def Dlg_Dialect : Dialect {
  let name = "dlg";
  let cppNamespace = "::dlc::dlg";
  let summary = "Deep-learning graph operations on tensors";
  let description = [{
    Operations of a deep-learning graph independent of any frontend's opset.
    Every op infers its result type from its operands and attributes, so
    frontends never state shapes, and verifiers report invalid shapes with the
    numbers involved.
  }];
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

#endif // DLC_DIALECTS_DLG_IR_DLGDIALECT_TD
