//===- Math.cpp - ONNX math ops -> dlg ------------------------------------===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {

void registerMathHandlers(OpRegistry &registry) {}

} // namespace dlc::onnx
