//===- Sequence.cpp - ONNX recurrent ops -> dlg ---------------------------===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {

void registerSequenceHandlers(OpRegistry &registry) {}

} // namespace dlc::onnx
