//===- KnownIntsFolding.h - Import-time integer folding ---------*- C++ -*-===//
//
// Exported models compute shape arguments from Shape through integer
// arithmetic (Shape -> Div -> Concat -> Reshape). The importer tracks the
// contents of small integer tensors (KnownInts); this folds them through
// the elementwise, logical and layout ops, so that such arguments stay
// known at compile time. It only records knowledge: the emitted IR is the
// same with or without it.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_KNOWNINTSFOLDING_H
#define DLC_FRONTENDS_ONNX_KNOWNINTSFOLDING_H

#include "frontends/onnx/ImportContext.h"

namespace dlc::onnx {

/// After the handler of `ctx`'s node produced `results`, records the integer
/// contents of the results that follow from the known contents of its inputs
/// (numpy semantics, as the ONNX reference). Results already known, results
/// that do not fit their element type and unsigned values are left alone.
void foldKnownInts(NodeContext &ctx, llvm::ArrayRef<mlir::Value> results);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_KNOWNINTSFOLDING_H
