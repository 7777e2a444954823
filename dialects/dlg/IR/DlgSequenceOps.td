//===- DlgSequenceOps.td - dlg recurrent ops -----------------------*- tablegen -*-===//
//
// dlg ops for recurrent, attention and resampling ops. Included by DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGSEQUENCEOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGSEQUENCEOPS_TD

#endif // DLC_DIALECTS_DLG_IR_DLGSEQUENCEOPS_TD
