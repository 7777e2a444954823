//===- DlgMathOps.td - dlg math ops --------------------------------*- tablegen -*-===//
//
// dlg ops for math, logic, comparison, bitwise and activation ops. Included by DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGMATHOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGMATHOPS_TD

#endif // DLC_DIALECTS_DLG_IR_DLGMATHOPS_TD
