//===- DlgIndexingOps.td - dlg shape construction and indexing ops (expand ops ---*- tablegen -*-===//
//
// dlg ops for shape construction and indexing ops (expand, tile, pad, split, gather/scatter, ...). Included by DlgOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECTS_DLG_IR_DLGINDEXINGOPS_TD
#define DLC_DIALECTS_DLG_IR_DLGINDEXINGOPS_TD

#endif // DLC_DIALECTS_DLG_IR_DLGINDEXINGOPS_TD
