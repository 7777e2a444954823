//===- Sequence.cpp - ONNX attention, recurrent and resampling ops -> dlg -===//
//
// These ops are decomposed into existing dlg ops at import time (shapes are
// static, so recurrences unroll and resampling weights are constants). The
// handlers live in Attention.cpp, Recurrent.cpp, Resample.cpp and
// ConvTranspose.cpp.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/handlers/DlgEmitter.h"

using namespace mlir;

namespace dlc::onnx {

void registerSequenceHandlers(OpRegistry &registry) {
  registry.add("", "Attention", {23, 24, 25}, attention);
  registry.add("", "RotaryEmbedding", {23}, rotaryEmbedding);
  registry.add("", "RNN", {7, 14, 22}, rnn);
  registry.add("", "GRU", {7, 14, 22}, gru);
  registry.add("", "LSTM", {7, 14, 22}, lstm);
  registry.add("", "Resize", {10, 11, 13, 18, 19}, resize);
  registry.add("", "Upsample", {7, 9}, upsample);
  registry.add("", "ConvTranspose", {1, 11, 22}, convTranspose);
}

} // namespace dlc::onnx
