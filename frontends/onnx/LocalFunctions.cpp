//===- LocalFunctions.cpp - Model-local ONNX functions --------------------===//

#include "frontends/onnx/LocalFunctions.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"

#include <google/protobuf/unknown_field_set.h>

namespace dlc::onnx {
namespace {

// Fields newer than the onnx.proto dlc is built with (onnx 1.12, IR 8):
// protobuf keeps them as unknown fields.
constexpr int kFunctionAttributeProtoField = 11; // IR 9
constexpr int kFunctionOverloadField = 13;       // IR 10
constexpr int kNodeOverloadField = 8;            // IR 10

/// The length-delimited unknown fields `number` of `message`.
llvm::SmallVector<std::string>
unknownFields(const google::protobuf::Message &message, int number) {
  llvm::SmallVector<std::string> values;
  const google::protobuf::UnknownFieldSet &fields =
      message.GetReflection()->GetUnknownFields(message);
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField &field = fields.field(i);
    if (field.number() == number &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED)
      values.push_back(field.length_delimited());
  }
  return values;
}

std::string unknownString(const google::protobuf::Message &message,
                          int number) {
  llvm::SmallVector<std::string> values = unknownFields(message, number);
  return values.empty() ? std::string() : values.back();
}

std::string functionKey(llvm::StringRef domain, llvm::StringRef name,
                        llvm::StringRef overload) {
  llvm::StringRef normalized = domain == "ai.onnx" ? "" : domain;
  return (llvm::Twine(normalized) + "\n" + name + "\n" + overload).str();
}

/// Renames the values of a function body and resolves its attribute
/// references, through nested graphs.
class CallExpander {
public:
  CallExpander(const ::onnx::NodeProto &call,
               const ::onnx::FunctionProto &function,
               llvm::StringRef valuePrefix)
      : call(call), valuePrefix(valuePrefix) {
    // The call's inputs and outputs replace the function's (a missing
    // optional input becomes ""); a name that is both an input and an
    // output stays the input.
    for (int i = 0; i < function.input_size(); ++i)
      renames.try_emplace(function.input(i),
                          i < call.input_size() ? call.input(i) : "");
    for (int j = 0; j < function.output_size() && j < call.output_size(); ++j)
      if (!call.output(j).empty())
        renames.try_emplace(function.output(j), call.output(j));
    for (const std::string &bytes :
         unknownFields(function, kFunctionAttributeProtoField)) {
      ::onnx::AttributeProto attribute;
      if (attribute.ParseFromString(bytes))
        defaults.push_back(std::move(attribute));
    }
  }

  std::string rename(const std::string &name) {
    if (name.empty())
      return name;
    auto it = renames.find(name);
    if (it != renames.end())
      return it->second;
    return renames.try_emplace(name, (llvm::Twine(valuePrefix) + name).str())
        .first->second;
  }

  void expandNode(::onnx::NodeProto &node) {
    for (std::string &input : *node.mutable_input())
      input = rename(input);
    for (std::string &output : *node.mutable_output())
      output = rename(output);
    auto *attributes = node.mutable_attribute();
    for (int i = 0; i < attributes->size();) {
      ::onnx::AttributeProto &attribute = *attributes->Mutable(i);
      if (!attribute.ref_attr_name().empty() && !resolve(attribute)) {
        attributes->DeleteSubrange(i, 1);
        continue;
      }
      if (attribute.has_g())
        expandGraph(*attribute.mutable_g());
      for (::onnx::GraphProto &graph : *attribute.mutable_graphs())
        expandGraph(graph);
      ++i;
    }
  }

private:
  /// Replaces a reference by the call's attribute or the function's
  /// default, keeping the referencing name; false when neither exists.
  bool resolve(::onnx::AttributeProto &attribute) {
    const ::onnx::AttributeProto *value = nullptr;
    for (const ::onnx::AttributeProto &given : call.attribute())
      if (given.name() == attribute.ref_attr_name())
        value = &given;
    for (const ::onnx::AttributeProto &fallback : defaults)
      if (!value && fallback.name() == attribute.ref_attr_name())
        value = &fallback;
    if (!value)
      return false;
    std::string name = attribute.name();
    attribute = *value;
    attribute.set_name(name);
    return true;
  }

  // Values a nested graph defines get the call's prefix as well; names are
  // unique across scopes in ONNX, so one map serves every level.
  void expandGraph(::onnx::GraphProto &graph) {
    for (auto *infos : {graph.mutable_input(), graph.mutable_output(),
                        graph.mutable_value_info()})
      for (::onnx::ValueInfoProto &info : *infos)
        info.set_name(rename(info.name()));
    for (::onnx::TensorProto &tensor : *graph.mutable_initializer())
      tensor.set_name(rename(tensor.name()));
    for (::onnx::SparseTensorProto &tensor :
         *graph.mutable_sparse_initializer()) {
      tensor.mutable_values()->set_name(rename(tensor.values().name()));
      tensor.mutable_indices()->set_name(rename(tensor.indices().name()));
    }
    for (::onnx::NodeProto &node : *graph.mutable_node())
      expandNode(node);
  }

  const ::onnx::NodeProto &call;
  llvm::StringRef valuePrefix;
  llvm::StringMap<std::string> renames;
  llvm::SmallVector<::onnx::AttributeProto> defaults;
};

} // namespace

bool LocalFunctions::index(const ::onnx::ModelProto &model,
                           std::string &duplicate) {
  for (const ::onnx::FunctionProto &function : model.functions()) {
    std::string key =
        functionKey(function.domain(), function.name(),
                    unknownString(function, kFunctionOverloadField));
    if (!functions.try_emplace(key, &function).second) {
      duplicate = displayName(function);
      return false;
    }
  }
  return true;
}

const ::onnx::FunctionProto *
LocalFunctions::lookup(const ::onnx::NodeProto &call) const {
  if (functions.empty())
    return nullptr;
  return functions.lookup(functionKey(call.domain(), call.op_type(),
                                      unknownString(call, kNodeOverloadField)));
}

std::string LocalFunctions::displayName(const ::onnx::FunctionProto &function) {
  std::string name = function.domain().empty()
                         ? function.name()
                         : function.domain() + "." + function.name();
  std::string overload = unknownString(function, kFunctionOverloadField);
  return overload.empty() ? name : name + ":" + overload;
}

::onnx::GraphProto expandCall(const ::onnx::NodeProto &call,
                              const ::onnx::FunctionProto &function,
                              llvm::StringRef valuePrefix,
                              llvm::StringRef nodePrefix,
                              llvm::SmallVectorImpl<std::string> &outputNames) {
  CallExpander expander(call, function, valuePrefix);
  ::onnx::GraphProto body;
  body.set_name(call.name());
  for (const auto &[i, source] : llvm::enumerate(function.node())) {
    ::onnx::NodeProto &node = *body.add_node();
    node = source;
    node.set_name(
        (llvm::Twine(nodePrefix) +
         (source.name().empty() ? source.op_type() + "_" + std::to_string(i)
                                : source.name()))
            .str());
    expander.expandNode(node);
  }
  outputNames.clear();
  for (const std::string &output : function.output())
    outputNames.push_back(expander.rename(output));
  return body;
}

} // namespace dlc::onnx
