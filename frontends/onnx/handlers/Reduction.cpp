//===- Reduction.cpp - ONNX reductions ops -> dlg -------------------------===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {

void registerReductionHandlers(OpRegistry &registry) {}

} // namespace dlc::onnx
