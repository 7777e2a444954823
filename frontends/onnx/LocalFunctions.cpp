//===- LocalFunctions.cpp - Model-local ONNX functions --------------------===//

#include "frontends/onnx/LocalFunctions.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <optional>

namespace dlc::onnx {
namespace {

// Fields newer than onnx 1.12's onnx.proto (IR 8), which Debian's libonnx
// has: protobuf keeps them as unknown fields there, and as known ones with
// a newer onnx.proto.
constexpr int kFunctionAttributeProtoField = 11; // IR 9
constexpr int kFunctionOverloadField = 13;       // IR 10
constexpr int kNodeOverloadField = 8;            // IR 10
/// Bounds the value prefix, which every expanded name carries.
constexpr size_t kMaxPrefixUnderscores = 16;

/// The serialized values of length-delimited field `number` of `message`
/// (a string or message field, known or unknown to this onnx.proto).
llvm::SmallVector<std::string>
fieldBytes(const google::protobuf::Message &message, int number) {
  llvm::SmallVector<std::string> values;
  const google::protobuf::Reflection &reflection = *message.GetReflection();
  if (const google::protobuf::FieldDescriptor *field =
          message.GetDescriptor()->FindFieldByNumber(number)) {
    bool isMessage =
        field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
    bool isString =
        field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING;
    if (field->is_repeated()) {
      for (int i = 0, e = reflection.FieldSize(message, field); i < e; ++i) {
        if (isMessage)
          values.push_back(reflection.GetRepeatedMessage(message, field, i)
                               .SerializeAsString());
        else if (isString)
          values.push_back(reflection.GetRepeatedString(message, field, i));
      }
    } else if (reflection.HasField(message, field)) {
      if (isMessage)
        values.push_back(
            reflection.GetMessage(message, field).SerializeAsString());
      else if (isString)
        values.push_back(reflection.GetString(message, field));
    }
    return values;
  }
  const google::protobuf::UnknownFieldSet &fields =
      reflection.GetUnknownFields(message);
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField &field = fields.field(i);
    if (field.number() == number &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED)
      values.push_back(field.length_delimited());
  }
  return values;
}

std::string stringField(const google::protobuf::Message &message, int number) {
  llvm::SmallVector<std::string> values = fieldBytes(message, number);
  return values.empty() ? std::string() : values.back();
}

std::string functionKey(llvm::StringRef domain, llvm::StringRef name,
                        llvm::StringRef overload) {
  llvm::StringRef normalized = domain == "ai.onnx" ? "" : domain;
  return (llvm::Twine(normalized) + "\n" + name + "\n" + overload).str();
}

/// The value of the function attribute `name` at `call`: the call's
/// attribute (second: true) or the function's default; null when neither.
std::pair<const ::onnx::AttributeProto *, bool>
referencedValue(const ::onnx::NodeProto &call,
                llvm::ArrayRef<::onnx::AttributeProto> defaults,
                llvm::StringRef name) {
  const ::onnx::AttributeProto *value = nullptr;
  for (const ::onnx::AttributeProto &given : call.attribute())
    if (given.name() == name)
      value = &given;
  if (value)
    return {value, true};
  for (const ::onnx::AttributeProto &fallback : defaults)
    if (fallback.name() == name)
      return {&fallback, false};
  return {nullptr, false};
}

/// Renames the values of a function body and resolves its attribute
/// references, through nested graphs.
class CallExpander {
public:
  CallExpander(const ::onnx::NodeProto &call, const LocalFunction &callee,
               llvm::StringRef valuePrefix)
      : call(call), defaults(callee.defaults), valuePrefix(valuePrefix) {
    const ::onnx::FunctionProto &function = *callee.proto;
    // The call's inputs and outputs replace the function's (a missing
    // optional input becomes ""); a name that is both an input and an
    // output stays the input.
    for (int i = 0; i < function.input_size(); ++i)
      renames.try_emplace(function.input(i),
                          i < call.input_size() ? call.input(i) : "");
    for (int j = 0; j < function.output_size() && j < call.output_size(); ++j)
      if (!call.output(j).empty())
        renames.try_emplace(function.output(j), call.output(j));
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
      if (!attribute.ref_attr_name().empty()) {
        std::optional<bool> fromCall = resolve(attribute);
        if (!fromCall) {
          attributes->DeleteSubrange(i, 1);
          continue;
        }
        // The call's graphs read the caller's values: they keep their
        // names (and are imported in the caller's context).
        if (*fromCall) {
          if (attribute.has_g())
            callerGraphs.push_back(&attribute.g());
          for (const ::onnx::GraphProto &graph : attribute.graphs())
            callerGraphs.push_back(&graph);
          ++i;
          continue;
        }
      }
      if (attribute.has_g())
        expandGraph(*attribute.mutable_g());
      for (::onnx::GraphProto &graph : *attribute.mutable_graphs())
        expandGraph(graph);
      ++i;
    }
  }

private:
  /// Replaces a reference by the call's attribute (true) or the
  /// function's default (false), keeping the referencing name; nullopt
  /// when neither exists.
  std::optional<bool> resolve(::onnx::AttributeProto &attribute) {
    auto [value, fromCall] =
        referencedValue(call, defaults, attribute.ref_attr_name());
    if (!value)
      return std::nullopt;
    std::string name = attribute.name();
    attribute = *value;
    attribute.set_name(name);
    attribute.clear_ref_attr_name();
    return fromCall;
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

public:
  llvm::SmallVector<const ::onnx::GraphProto *> callerGraphs;

private:
  const ::onnx::NodeProto &call;
  llvm::ArrayRef<::onnx::AttributeProto> defaults;
  llvm::StringRef valuePrefix;
  llvm::StringMap<std::string> renames;
};

void countNodes(const ::onnx::NodeProto &node, uint64_t &count,
                llvm::SmallVectorImpl<std::string> &references);

/// Counts the nodes of `attribute`'s graphs, and collects the attributes
/// they refer to.
void countGraphNodes(const ::onnx::AttributeProto &attribute, uint64_t &count,
                     llvm::SmallVectorImpl<std::string> &references) {
  auto countGraph = [&](const ::onnx::GraphProto &graph) {
    for (const ::onnx::NodeProto &node : graph.node())
      countNodes(node, count, references);
  };
  if (attribute.has_g())
    countGraph(attribute.g());
  for (const ::onnx::GraphProto &graph : attribute.graphs())
    countGraph(graph);
}

/// Counts `node` and the nodes of its subgraphs, and collects the
/// attributes they refer to.
void countNodes(const ::onnx::NodeProto &node, uint64_t &count,
                llvm::SmallVectorImpl<std::string> &references) {
  ++count;
  for (const ::onnx::AttributeProto &attribute : node.attribute()) {
    if (!attribute.ref_attr_name().empty())
      references.push_back(attribute.ref_attr_name());
    countGraphNodes(attribute, count, references);
  }
}

/// Calls `visit` on every value name of `graph` and its subgraphs.
void forEachValueName(const ::onnx::GraphProto &graph,
                      llvm::function_ref<void(const std::string &)> visit);

void forEachValueName(const ::onnx::NodeProto &node,
                      llvm::function_ref<void(const std::string &)> visit) {
  for (const std::string &name : node.input())
    visit(name);
  for (const std::string &name : node.output())
    visit(name);
  for (const ::onnx::AttributeProto &attribute : node.attribute()) {
    if (attribute.has_g())
      forEachValueName(attribute.g(), visit);
    for (const ::onnx::GraphProto &graph : attribute.graphs())
      forEachValueName(graph, visit);
  }
}

void forEachValueName(const ::onnx::GraphProto &graph,
                      llvm::function_ref<void(const std::string &)> visit) {
  for (auto *infos : {&graph.input(), &graph.output(), &graph.value_info()})
    for (const ::onnx::ValueInfoProto &info : *infos)
      visit(info.name());
  for (const ::onnx::TensorProto &tensor : graph.initializer())
    visit(tensor.name());
  for (const ::onnx::NodeProto &node : graph.node())
    forEachValueName(node, visit);
}

} // namespace

bool LocalFunctions::index(const ::onnx::ModelProto &model,
                           std::string &error) {
  for (const ::onnx::FunctionProto &function : model.functions()) {
    std::string overload = stringField(function, kFunctionOverloadField);
    LocalFunction entry;
    entry.proto = &function;
    entry.displayName = function.domain().empty()
                            ? function.name()
                            : function.domain() + "." + function.name();
    if (!overload.empty())
      entry.displayName += ":" + overload;
    for (const std::string &bytes :
         fieldBytes(function, kFunctionAttributeProtoField)) {
      ::onnx::AttributeProto &value = entry.defaults.emplace_back();
      if (!value.ParseFromString(bytes)) {
        error = "model-local function '" + entry.displayName +
                "' has an attribute default that cannot be parsed";
        return false;
      }
      // A default is a value: references in it could recurse or multiply.
      uint64_t nodes = 0;
      llvm::SmallVector<std::string> references;
      countGraphNodes(value, nodes, references);
      if (!value.ref_attr_name().empty() || !references.empty()) {
        error =
            "model-local function '" + entry.displayName +
            "': the default of attribute '" + value.name() +
            "' refers to attribute '" +
            (references.empty() ? value.ref_attr_name() : references.front()) +
            "'; defaults must be values";
        return false;
      }
    }
    entry.bodyBytes = function.ByteSizeLong();
    for (const ::onnx::NodeProto &node : function.node())
      countNodes(node, entry.bodyNodes, entry.references);
    std::string key = functionKey(function.domain(), function.name(), overload);
    std::string name = entry.displayName;
    if (!functions.try_emplace(key, std::move(entry)).second) {
      error = "model-local function '" + name + "' is defined twice";
      return false;
    }
  }
  return true;
}

const LocalFunction *
LocalFunctions::lookup(const ::onnx::NodeProto &call) const {
  if (functions.empty())
    return nullptr;
  auto it = functions.find(functionKey(call.domain(), call.op_type(),
                                       stringField(call, kNodeOverloadField)));
  return it == functions.end() ? nullptr : &it->second;
}

std::string uniqueValuePrefix(const ::onnx::ModelProto &model) {
  // "fn", "fn_", "fn__"...: the first that no name starts with.
  size_t longestClash = 0;
  auto visit = [&](const std::string &name) {
    llvm::StringRef rest = name;
    if (!rest.consume_front("fn"))
      return;
    size_t underscores = rest.size() - rest.ltrim('_').size();
    longestClash = std::max(longestClash, underscores + 1);
  };
  forEachValueName(model.graph(), visit);
  for (const ::onnx::FunctionProto &function : model.functions()) {
    for (const std::string &name : function.input())
      visit(name);
    for (const std::string &name : function.output())
      visit(name);
    for (const ::onnx::NodeProto &node : function.node())
      forEachValueName(node, visit);
  }
  if (longestClash > kMaxPrefixUnderscores)
    return "";
  return "fn" + std::string(longestClash, '_');
}

ExpansionSize expansionSize(const ::onnx::NodeProto &call,
                            const LocalFunction &function,
                            size_t valuePrefixSize, size_t nodePrefixSize) {
  // Each node gains the node prefix and, at most, the value prefix on a
  // few names (counted generously by the body's size).
  ExpansionSize size;
  size.bytes = function.bodyBytes * (1 + valuePrefixSize) +
               function.bodyNodes * nodePrefixSize;
  size.nodes = function.bodyNodes;
  for (const std::string &reference : function.references) {
    auto [value, fromCall] =
        referencedValue(call, function.defaults, reference);
    if (!value)
      continue;
    // A default's graphs are renamed like the body.
    size.bytes += value->ByteSizeLong() * (fromCall ? 1 : 1 + valuePrefixSize);
    llvm::SmallVector<std::string> ignored;
    countGraphNodes(*value, size.nodes, ignored);
  }
  return size;
}

::onnx::GraphProto
expandCall(const ::onnx::NodeProto &call, const LocalFunction &callee,
           llvm::StringRef valuePrefix, llvm::StringRef nodePrefix,
           llvm::SmallVectorImpl<std::string> &outputNames,
           llvm::SmallVectorImpl<const ::onnx::GraphProto *> &callerGraphs) {
  const ::onnx::FunctionProto &function = *callee.proto;
  CallExpander expander(call, callee, valuePrefix);
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
  callerGraphs.assign(expander.callerGraphs.begin(),
                      expander.callerGraphs.end());
  outputNames.clear();
  for (const std::string &output : function.output())
    outputNames.push_back(expander.rename(output));
  return body;
}

} // namespace dlc::onnx
