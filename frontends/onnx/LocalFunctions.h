//===- LocalFunctions.h - Model-local ONNX functions ------------*- C++ -*-===//
//
// Model-local functions (ModelProto.functions) are expanded at each call:
// the call becomes the function's nodes, with the function's inputs and
// outputs renamed to the call's and every other value given a name unique to
// the call, and attribute references replaced by the call's attributes (or
// the function's defaults).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_LOCALFUNCTIONS_H
#define DLC_FRONTENDS_ONNX_LOCALFUNCTIONS_H

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace dlc::onnx {

/// The model's functions by domain, name and overload.
class LocalFunctions {
public:
  /// Indexes `model`'s functions; on two functions with one key, returns
  /// false and sets `duplicate` to that key.
  bool index(const ::onnx::ModelProto &model, std::string &duplicate);
  /// The function `call` calls, if the model defines one.
  const ::onnx::FunctionProto *lookup(const ::onnx::NodeProto &call) const;
  bool empty() const { return functions.empty(); }

  /// "domain.name" (plus ":overload"), as diagnostics name a function.
  static std::string displayName(const ::onnx::FunctionProto &function);

private:
  llvm::StringMap<const ::onnx::FunctionProto *> functions;
};

/// The nodes `call` expands to, as the nodes of a graph. Values of the body
/// other than the function's inputs and outputs are prefixed with
/// `valuePrefix` (unique per call), nodes are named `nodePrefix` + their
/// name. A function output not bound by the call, or one that is also an
/// input, keeps an internal name: `outputNames[j]` is the name the body
/// gives output j (equal to the call's output where it is bound directly).
::onnx::GraphProto expandCall(const ::onnx::NodeProto &call,
                              const ::onnx::FunctionProto &function,
                              llvm::StringRef valuePrefix,
                              llvm::StringRef nodePrefix,
                              llvm::SmallVectorImpl<std::string> &outputNames);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_LOCALFUNCTIONS_H
