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

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace dlc::onnx {

/// A model-local function with its attribute defaults.
struct LocalFunction {
  const ::onnx::FunctionProto *proto = nullptr;
  /// "domain.name" (plus ":overload"), as diagnostics name it.
  std::string displayName;
  llvm::SmallVector<::onnx::AttributeProto> defaults;
  /// For sizing an expansion before it is made: the body's serialized
  /// bytes, its nodes and the attributes it refers to (with repeats),
  /// nested graphs included.
  uint64_t bodyBytes = 0;
  uint64_t bodyNodes = 0;
  llvm::SmallVector<std::string> references;
};

/// The model's functions by domain, name and overload.
class LocalFunctions {
public:
  /// Indexes `model`'s functions; on a function defined twice or with a
  /// malformed attribute default, returns false with the reason in `error`.
  bool index(const ::onnx::ModelProto &model, std::string &error);
  /// The function `call` calls, if the model defines one.
  const LocalFunction *lookup(const ::onnx::NodeProto &call) const;
  bool empty() const { return functions.empty(); }

private:
  llvm::StringMap<LocalFunction> functions;
};

/// A prefix that no value name of `model` (graphs, subgraphs and functions)
/// starts with, for the values calls introduce.
std::string uniqueValuePrefix(const ::onnx::ModelProto &model);

/// The size of what `expandCall` makes for `call` with these prefixes,
/// computed without expanding: an upper bound of its serialized bytes, and
/// its nodes, nested graphs included.
struct ExpansionSize {
  uint64_t bytes = 0;
  uint64_t nodes = 0;
};
ExpansionSize expansionSize(const ::onnx::NodeProto &call,
                            const LocalFunction &function,
                            size_t valuePrefixSize, size_t nodePrefixSize);

/// The nodes `call` expands to, as the nodes of a graph. Values of the body
/// other than the function's inputs and outputs are prefixed with
/// `valuePrefix` (unique per call), nodes are named `nodePrefix` + their
/// name. Graphs the call passes as attributes keep the caller's names. A
/// function output not bound by the call, or one that is also an input, keeps
/// an internal name: `outputNames[j]` is the name the body gives output j
/// (equal to the call's output where it is bound directly). `callerGraphs`
/// are the graphs the call passed (now in the body): they belong to the
/// caller's scope.
::onnx::GraphProto
expandCall(const ::onnx::NodeProto &call, const LocalFunction &function,
           llvm::StringRef valuePrefix, llvm::StringRef nodePrefix,
           llvm::SmallVectorImpl<std::string> &outputNames,
           llvm::SmallVectorImpl<const ::onnx::GraphProto *> &callerGraphs);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_LOCALFUNCTIONS_H
