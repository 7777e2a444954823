//===- Indexing.cpp - ONNX shape construction and indexing ops (expand ops -> dlg ---===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {

void registerIndexingHandlers(OpRegistry &registry) {}

} // namespace dlc::onnx
