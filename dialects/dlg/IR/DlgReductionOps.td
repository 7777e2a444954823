//===- DlgReductionOps.td - dlg reductions ops ---------------------*- tablegen -*-===//
//
// dlg ops for reductions, arg-reductions, scans, normalizations and softmax variants. Included by DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGREDUCTIONOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGREDUCTIONOPS_TD

#endif // DLC_DIALECTS_DLG_IR_DLGREDUCTIONOPS_TD
