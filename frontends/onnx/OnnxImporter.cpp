//===- OnnxImporter.cpp - ONNX model -> dlg dialect -----------------------===//

#include "frontends/onnx/OnnxImporter.h"
#include "frontends/onnx/DynamicShapes.h"
#include "frontends/onnx/ImportContext.h"
#include "frontends/onnx/KnownIntsFolding.h"
#include "frontends/onnx/LocalFunctions.h"
#include "frontends/onnx/TensorImport.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir;

namespace dlc::onnx {
namespace {

/// The newest default-domain opset whose ops dlc knows.
constexpr int64_t kMaxDefaultOpset = 28;
constexpr int64_t kMinDefaultOpset = 1;
constexpr int64_t kMinIrVersion = 3, kMaxIrVersion = 14;
/// Loops are unrolled and subgraphs imported once per iteration: this bounds
/// the nodes a model may expand to (nested loops multiply).
constexpr int64_t kMaxImportedNodes = 1 << 20;
/// Subgraphs and function calls are imported recursively: this bounds the
/// stack (protobuf's recursion limit bounds nesting within one graph, but
/// chains of function calls are not nested messages).
constexpr int kMaxNesting = 64;
constexpr uint64_t kMaxExpandedBytes = uint64_t(256) << 20;
/// Expanded nodes cost about 3 KB each in memory (their nested graphs,
/// attributes and names).
constexpr uint64_t kMaxExpandedNodes = uint64_t(1) << 18;

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef baseDir, StringRef source)
      : ctx(ctx), builder(ctx), baseDir(baseDir), source(source) {}

  OwningOpRef<ModuleOp> import(::onnx::ModelProto &model,
                               const ImportOptions &options);

private:
  Location nodeLoc(StringRef name) {
    return NameLoc::get(StringAttr::get(ctx, name),
                        FileLineColLoc::get(ctx, source, 0, 0));
  }
  LogicalResult readOpsets(const ::onnx::ModelProto &model);
  FailureOr<RankedTensorType> inputType(const ::onnx::ValueInfoProto &info,
                                        const ImportOptions &options);
  LogicalResult importInitializer(::onnx::TensorProto &tensor);
  LogicalResult importNode(const ::onnx::NodeProto &node, size_t index);
  LogicalResult importCall(const ::onnx::NodeProto &call,
                           const LocalFunction &function, StringRef callName,
                           Location loc);
  LogicalResult define(const std::string &name, Value value, Location loc);
  LogicalResult defineSequence(const std::string &name, Sequence sequence,
                               Location loc);
  LogicalResult importSubgraph(const ::onnx::GraphProto &graph,
                               ArrayRef<GraphValue> inputs,
                               SmallVectorImpl<GraphValue> &outputs);
  /// Casts a graph input from or output to its ABI element type.
  FailureOr<Value> castAbi(Value value, Type elementType, bool fromUnsigned,
                           bool toUnsigned) {
    SmallVector<NamedAttribute> attrs = {
        builder.getNamedAttr("to", TypeAttr::get(elementType))};
    if (fromUnsigned)
      attrs.push_back(
          builder.getNamedAttr("from_unsigned", builder.getUnitAttr()));
    if (toUnsigned)
      attrs.push_back(
          builder.getNamedAttr("to_unsigned", builder.getUnitAttr()));
    FailureOr<dlg::CastOp> cast =
        dlg::tryCreate<dlg::CastOp>(builder, value.getLoc(), {value}, attrs);
    if (failed(cast))
      return failure();
    return cast->getResult();
  }

  /// The node of the graph being imported that outputs `name`, if any.
  const ::onnx::NodeProto *producer(StringRef name) const {
    if (currentGraph)
      for (const ::onnx::NodeProto &node : currentGraph->node())
        if (llvm::is_contained(node.output(), name))
          return &node;
    return nullptr;
  }

  MLIRContext *ctx;
  OpBuilder builder;
  StringRef baseDir;
  std::string source;
  /// The graph (or subgraph) whose nodes are being imported.
  const ::onnx::GraphProto *currentGraph = nullptr;
  std::map<std::string, int64_t> opsets;
  llvm::StringMap<Value> values;
  KnownInts knownInts;
  /// Sequences that live inside the graph, by ONNX value name.
  llvm::StringMap<Sequence> sequences;
  /// Values of ONNX unsigned integer type (dlg types are signless).
  llvm::DenseSet<Value> unsignedValues;
  /// Static shapes the model declares (outputs, value_info), by name.
  llvm::StringMap<SmallVector<int64_t>> declaredShapes;
  /// Nodes imported so far, counting each unrolled iteration.
  int64_t importedNodes = 0;
  LocalFunctions functions;
  /// The functions being expanded, outermost first.
  SmallVector<const LocalFunction *> callStack;
  /// Graphs calls passed as attributes (inside expanded bodies), with the
  /// opsets and call depth of the caller, where they are imported.
  struct CallerScope {
    std::map<std::string, int64_t> opsets;
    size_t callDepth;
  };
  llvm::DenseMap<const ::onnx::GraphProto *, CallerScope> callerGraphs;
  /// Prefix of the values calls introduce (no model name starts with it).
  std::string callValuePrefix;
  /// Serialized bytes of the function bodies expanded so far.
  uint64_t expandedBytes = 0;
  /// Nodes of those bodies, nested graphs included.
  uint64_t expandedNodes = 0;
  int64_t expandedCalls = 0;
  /// Subgraphs and function calls being imported.
  int nesting = 0;

  /// Records the static shapes `graph` declares for its values and outputs
  /// (a subgraph's are those of one iteration or branch).
  void collectDeclaredShapes(const ::onnx::GraphProto &graph) {
    auto record = [&](const ::onnx::ValueInfoProto &info) {
      if (!info.type().has_tensor_type() ||
          !info.type().tensor_type().has_shape())
        return;
      SmallVector<int64_t> shape;
      for (const auto &dim : info.type().tensor_type().shape().dim()) {
        if (!dim.has_dim_value() || dim.dim_value() < 0)
          return;
        shape.push_back(dim.dim_value());
      }
      declaredShapes[info.name()] = std::move(shape);
    };
    for (const auto &info : graph.value_info())
      record(info);
    for (const auto &info : graph.output())
      record(info);
    // The input of a shape-preserving unary node has its output's shape, so
    // a declared shape also reaches the values before such nodes (as in the
    // expanded function bodies, which declare only the graph outputs).
    static const llvm::StringSet<> shapePreserving = {
        "Abs",   "Cast",     "CastLike", "Ceil", "Erf",  "Exp",
        "Floor", "Identity", "Log",      "Neg",  "Not",  "Reciprocal",
        "Relu",  "Round",    "Sigmoid",  "Sign", "Sqrt", "Tanh"};
    for (const ::onnx::NodeProto &node : llvm::reverse(graph.node())) {
      if ((!node.domain().empty() && node.domain() != "ai.onnx") ||
          !shapePreserving.contains(node.op_type()) || node.input_size() < 1 ||
          node.output_size() < 1 || node.input(0).empty())
        continue;
      auto declared = declaredShapes.find(node.output(0));
      if (declared == declaredShapes.end() ||
          declaredShapes.contains(node.input(0)))
        continue;
      SmallVector<int64_t> shape = declared->second;
      declaredShapes[node.input(0)] = std::move(shape);
    }
  }
};

LogicalResult GraphImporter::readOpsets(const ::onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import()) {
    std::string domain = opset.domain() == "ai.onnx" ? "" : opset.domain();
    opsets[domain] = opset.version();
  }
  auto it = opsets.find("");
  if (it == opsets.end()) {
    // Models of other domains only (ai.onnx.preview.training) are fine;
    // a default-domain node then fails in importNode. IR version < 3 models
    // carry no opset_import at all.
    if (model.opset_import_size() == 0)
      return emitError(nodeLoc("model"))
             << "model imports no opset; opsets " << kMinDefaultOpset << " to "
             << kMaxDefaultOpset << " are supported";
    return success();
  }
  if (it->second < kMinDefaultOpset || it->second > kMaxDefaultOpset)
    return emitError(nodeLoc("model"))
           << "default-domain opset " << it->second
           << " is not supported; opsets " << kMinDefaultOpset << " to "
           << kMaxDefaultOpset << " are";
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const ::onnx::ValueInfoProto &info,
                         const ImportOptions &options) {
  Location loc = nodeLoc(info.name());
  if (info.type().has_sequence_type())
    return emitError(loc) << "graph input '" << info.name()
                          << "' is a sequence; dlc supports sequences only "
                             "inside the graph",
           failure();
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph input '" << info.name()
                          << "' is not a tensor",
           failure();
  const auto &tensorType = info.type().tensor_type();
  Type elementType = convertElementType(ctx, tensorType.elem_type());
  if (!elementType)
    return emitError(loc) << "graph input '" << info.name()
                          << "' has unsupported data type "
                          << dataTypeName(tensorType.elem_type()),
           failure();
  if (!tensorType.has_shape())
    return emitError(loc) << "graph input '" << info.name()
                          << "' has no shape; dlc needs ranked inputs",
           failure();
  auto pinned = options.inputShapes.find(info.name());
  if (pinned != options.inputShapes.end()) {
    if (pinned->second.size() !=
        static_cast<size_t>(tensorType.shape().dim_size()))
      return emitError(loc)
                 << "--input-shape for '" << info.name() << "' has rank "
                 << pinned->second.size() << " but the model's input has rank "
                 << tensorType.shape().dim_size(),
             failure();
    if (!dlg::checkedNumElements(pinned->second))
      return emitError(loc)
                 << "--input-shape for '" << info.name() << "' has more than "
                 << dlg::kMaxNumElements << " elements",
             failure();
    return RankedTensorType::get(pinned->second, elementType);
  }
  // Symbolic (dim_param) and unknown dims stay dynamic: the model is
  // compiled once for every size.
  SmallVector<int64_t> shape;
  for (const auto &dim : tensorType.shape().dim()) {
    // (Some exporters write -1 for a dynamic dim.)
    if (dim.has_dim_value() && dim.dim_value() < -1)
      return emitError(loc) << "graph input '" << info.name()
                            << "' has invalid dimension " << dim.dim_value(),
             failure();
    shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0
                        ? dim.dim_value()
                        : ShapedType::kDynamic);
  }
  SmallVector<int64_t> staticDims(llvm::make_filter_range(
      shape, [](int64_t dim) { return !ShapedType::isDynamic(dim); }));
  if (!dlg::checkedNumElements(staticDims))
    return emitError(loc) << "graph input '" << info.name()
                          << "' has more than " << dlg::kMaxNumElements
                          << " elements",
           failure();
  return RankedTensorType::get(shape, elementType);
}

LogicalResult GraphImporter::define(const std::string &name, Value value,
                                    Location loc) {
  if (name.empty())
    return success();
  if (sequences.count(name) || !values.insert({name, value}).second)
    return emitError(loc) << "value '" << name << "' is defined twice";
  return success();
}

LogicalResult GraphImporter::defineSequence(const std::string &name,
                                            Sequence sequence, Location loc) {
  if (name.empty())
    return success();
  if (values.count(name) ||
      !sequences.insert({name, std::move(sequence)}).second)
    return emitError(loc) << "value '" << name << "' is defined twice";
  return success();
}

LogicalResult
GraphImporter::importSubgraph(const ::onnx::GraphProto &graph,
                              ArrayRef<GraphValue> inputs,
                              SmallVectorImpl<GraphValue> &outputs) {
  Location loc = nodeLoc(graph.name());
  if (static_cast<size_t>(graph.input_size()) != inputs.size())
    return emitError(loc) << "subgraph '" << graph.name() << "' has "
                          << graph.input_size() << " inputs but is given "
                          << inputs.size();
  if (nesting >= kMaxNesting)
    return emitError(loc) << "subgraphs and model-local function calls nest "
                             "more than "
                          << kMaxNesting << " levels deep";
  ++nesting;
  llvm::scope_exit leave([&] { --nesting; });
  // A graph a call passed is imported in its caller's scope.
  std::optional<std::map<std::string, int64_t>> calleeOpsets;
  SmallVector<const LocalFunction *> calleeStack;
  if (auto scope = callerGraphs.find(&graph); scope != callerGraphs.end()) {
    calleeOpsets = std::exchange(opsets, scope->second.opsets);
    calleeStack.assign(callStack.begin() + scope->second.callDepth,
                       callStack.end());
    callStack.truncate(scope->second.callDepth);
  }
  llvm::scope_exit restoreScope([&] {
    if (!calleeOpsets)
      return;
    opsets = std::move(*calleeOpsets);
    callStack.append(calleeStack.begin(), calleeStack.end());
  });
  // The names the subgraph defines are dropped afterwards, so that it can be
  // imported once per iteration; outer-scope names stay visible.
  SmallVector<std::string> defined;
  auto bind = [&](const std::string &name, const GraphValue &value) {
    defined.push_back(name);
    if (value.sequence)
      return defineSequence(name, *value.sequence, loc);
    return define(name, value.tensor, loc);
  };
  collectDeclaredShapes(graph);
  LogicalResult result = success();
  for (auto [info, value] : llvm::zip(graph.input(), inputs))
    if (failed(bind(info.name(), value)))
      result = failure();
  for (const ::onnx::TensorProto &tensor : graph.initializer()) {
    if (failed(result))
      break;
    ::onnx::TensorProto copy = tensor;
    defined.push_back(tensor.name());
    result = importInitializer(copy);
  }
  const ::onnx::GraphProto *outerGraph = currentGraph;
  currentGraph = &graph;
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    if (failed(result))
      break;
    llvm::append_range(defined, node.output());
    result = importNode(node, i);
  }
  currentGraph = outerGraph;
  if (succeeded(result)) {
    for (const auto &output : graph.output()) {
      auto seq = sequences.find(output.name());
      if (seq != sequences.end()) {
        outputs.push_back({Value(), seq->second});
        continue;
      }
      auto it = values.find(output.name());
      if (it == values.end() || !it->second) {
        result = emitError(nodeLoc(output.name()))
                 << "subgraph output '" << output.name()
                 << "' is never produced";
        break;
      }
      outputs.push_back({it->second, std::nullopt});
    }
  }
  for (const std::string &name : defined) {
    values.erase(name);
    sequences.erase(name);
  }
  return result;
}

LogicalResult GraphImporter::importInitializer(::onnx::TensorProto &tensor) {
  Location loc = nodeLoc(tensor.name());
  SmallVector<int64_t> ints;
  FailureOr<ElementsAttr> attr = importTensor(ctx, loc, tensor, baseDir, &ints);
  if (failed(attr))
    return failure();
  Value value = dlg::ConstantOp::create(builder, loc, *attr);
  if (isUnsignedDataType(tensor.data_type()))
    unsignedValues.insert(value);
  if (!ints.empty() || attr->getNumElements() == 0)
    knownInts[value] = ints;
  return define(tensor.name(), value, loc);
}

LogicalResult GraphImporter::importNode(const ::onnx::NodeProto &node,
                                        size_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  Location loc = nodeLoc(name);
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  // A copy: function calls below swap the opsets.
  std::optional<int64_t> opset;
  if (auto it = opsets.find(domain); it != opsets.end())
    opset = it->second;
  auto fail = [&]() {
    return emitError(loc) << "node '" << name << "' (" << node.op_type()
                          << ", domain '" << domain << "', opset "
                          << opset.value_or(-1) << "): ";
  };
  if (++importedNodes > kMaxImportedNodes)
    return fail() << "the model expands to more than " << kMaxImportedNodes
                  << " nodes (loops are unrolled), too many to compile";
  // Expansion resolves the references of function bodies.
  for (const ::onnx::AttributeProto &attribute : node.attribute())
    if (!attribute.ref_attr_name().empty())
      return fail() << "attribute '" << attribute.name()
                    << "' refers to attribute '" << attribute.ref_attr_name()
                    << "', which only nodes of model-local functions can";
  int64_t sinceVersion = 0;
  const Handler *handler =
      opset ? OpRegistry::get().lookup(domain, node.op_type(), *opset,
                                       sinceVersion)
            : nullptr;
  // A model-local function wins over dlc's op of the same name, except in
  // its own body, where the name is the op it wraps.
  if (const LocalFunction *function = functions.lookup(node))
    if (!handler || callStack.empty() || callStack.back() != function)
      return importCall(node, *function, name, loc);
  if (!opset)
    return fail() << "the model imports no opset for domain '" << domain << "'";
  if (!handler) {
    SmallVector<int64_t> versions =
        OpRegistry::get().versions(domain, node.op_type());
    if (versions.empty())
      return fail() << "unsupported op";
    InFlightDiagnostic diag = fail();
    diag << "this opset version is not supported; supported since-versions: ";
    llvm::interleaveComma(versions, diag);
    return diag;
  }
  SmallVector<Value> operands;
  SmallVector<const Sequence *> sequenceOperands;
  for (const std::string &input : node.input()) {
    sequenceOperands.push_back(nullptr);
    if (input.empty()) {
      operands.push_back(nullptr);
      continue;
    }
    auto seq = sequences.find(input);
    if (seq != sequences.end()) {
      operands.push_back(nullptr);
      sequenceOperands.back() = &seq->second;
      continue;
    }
    auto it = values.find(input);
    if (it == values.end()) {
      if (const ::onnx::NodeProto *later = producer(input))
        return fail() << "input '" << input << "' is an output of node '"
                      << later->name() << "' (" << later->op_type()
                      << "), which does not come before it: nodes must be "
                         "in topological order, without cycles";
      return fail() << "input '" << input
                    << "' is not a graph input, initializer or output of an "
                       "earlier node";
    }
    if (!it->second)
      return fail() << "input '" << input
                    << "' is an optional output that dlc does not produce";
    operands.push_back(it->second);
  }
  if (!handlesDynamicDims(domain, node.op_type()))
    for (auto [i, operand] : llvm::enumerate(operands)) {
      auto type =
          operand ? dyn_cast<RankedTensorType>(operand.getType()) : nullptr;
      if (type && !type.hasStaticShape())
        return fail() << "input '" << node.input(i) << "' has dynamic shape "
                      << type
                      << ", which this op does not support yet; give the "
                         "model's inputs static sizes with --input-shape";
    }
  NodeContext context(builder, loc, node, domain, *opset, operands, knownInts);
  context.unsignedValues = &unsignedValues;
  context.declaredShapes = &declaredShapes;
  context.name = name;
  context.sequenceOperands = sequenceOperands;
  context.importSubgraph = [this](const ::onnx::GraphProto &graph,
                                  ArrayRef<GraphValue> inputs,
                                  SmallVectorImpl<GraphValue> &outputs) {
    return importSubgraph(graph, inputs, outputs);
  };
  SmallVector<Value> results;
  // Identity forwards a sequence as is.
  if (node.op_type() == "Identity" && domain.empty() &&
      !sequenceOperands.empty() && sequenceOperands[0]) {
    context.setSequenceResult(0, *sequenceOperands[0]);
    results.push_back(nullptr);
  } else if (failed((*handler)(context, results)) ||
             context.hadAttributeTypeError()) {
    return failure();
  } else {
    // Keeps shape computations (Shape -> Div -> Reshape) known.
    foldKnownInts(context, results);
    if (context.hadAttributeTypeError())
      return failure();
  }
  for (auto [i, output] : llvm::enumerate(node.output())) {
    auto seq = context.sequenceResults.find(i);
    if (seq != context.sequenceResults.end()) {
      if (failed(defineSequence(output, seq->second, loc)))
        return failure();
      continue;
    }
    Value result = i < results.size() ? results[i] : Value();
    // A forwarded operand (Identity) keeps its own signedness.
    if (result && !llvm::is_contained(operands, result)) {
      // Results inherit unsignedness from the first input of their element
      // type (Add, Reshape, Where's x...), unless the handler decided (Cast).
      std::optional<bool> isUnsigned = context.resultUnsigned(i);
      Type elementType = getElementTypeOrSelf(result.getType());
      for (Value operand : operands)
        if (!isUnsigned && operand &&
            getElementTypeOrSelf(operand.getType()) == elementType)
          isUnsigned = context.isUnsigned(operand);
      context.setUnsigned(result, isUnsigned.value_or(false));
    }
    if (failed(define(output, result, loc)))
      return failure();
  }
  return success();
}

LogicalResult GraphImporter::importCall(const ::onnx::NodeProto &call,
                                        const LocalFunction &function,
                                        StringRef callName, Location loc) {
  const std::string &callee = function.displayName;
  const ::onnx::FunctionProto &proto = *function.proto;
  auto fail = [&]() {
    return emitError(loc) << "node '" << callName << "' (call of model-local "
                          << "function '" << callee << "'): ";
  };
  if (llvm::is_contained(callStack, &function)) {
    InFlightDiagnostic diag = fail();
    diag << "the function calls itself (";
    for (const LocalFunction *caller : callStack)
      diag << caller->displayName << " -> ";
    return diag << callee << "); recursive functions cannot be expanded";
  }
  if (nesting >= kMaxNesting)
    return fail() << "subgraphs and model-local function calls nest more "
                     "than "
                  << kMaxNesting << " levels deep";
  if (call.input_size() > proto.input_size() ||
      call.output_size() > proto.output_size())
    return fail() << "the call has " << call.input_size() << " inputs and "
                  << call.output_size() << " outputs but the function takes "
                  << proto.input_size() << " and returns "
                  << proto.output_size();
  for (const ::onnx::OperatorSetIdProto &opset : proto.opset_import())
    if ((opset.domain().empty() || opset.domain() == "ai.onnx") &&
        (opset.version() < kMinDefaultOpset ||
         opset.version() > kMaxDefaultOpset))
      return fail() << "the function imports default-domain opset "
                    << opset.version() << "; opsets " << kMinDefaultOpset
                    << " to " << kMaxDefaultOpset << " are supported";

  // Graph attributes passed down a chain of calls can double at each one:
  // the expansions are bounded, and sized before they are made.
  std::string valuePrefix =
      callValuePrefix + std::to_string(expandedCalls++) + "/";
  std::string nodePrefix = (callName + "/").str();
  ExpansionSize size =
      expansionSize(call, function, valuePrefix.size(), nodePrefix.size());
  expandedBytes += size.bytes;
  expandedNodes += size.nodes;
  if (expandedBytes > kMaxExpandedBytes || expandedNodes > kMaxExpandedNodes)
    return fail() << "model-local function calls expand to more than "
                  << (kMaxExpandedBytes >> 20) << " MiB or "
                  << kMaxExpandedNodes << " nodes";
  SmallVector<std::string> outputNames;
  SmallVector<const ::onnx::GraphProto *> passedGraphs;
  ::onnx::GraphProto body = expandCall(call, function, valuePrefix, nodePrefix,
                                       outputNames, passedGraphs);
  for (const ::onnx::GraphProto *graph : passedGraphs)
    callerGraphs[graph] = CallerScope{opsets, callStack.size()};
  // The body's ops resolve against the function's opsets, then the model's.
  std::map<std::string, int64_t> callerOpsets = opsets;
  for (const ::onnx::OperatorSetIdProto &opset : proto.opset_import())
    opsets[opset.domain() == "ai.onnx" ? "" : opset.domain()] = opset.version();
  const ::onnx::GraphProto *caller = currentGraph;
  currentGraph = &body;
  callStack.push_back(&function);
  ++nesting;
  llvm::scope_exit leave([&] {
    --nesting;
    callStack.pop_back();
    for (const ::onnx::GraphProto *graph : passedGraphs)
      callerGraphs.erase(graph);
    currentGraph = caller;
    opsets = std::move(callerOpsets);
  });
  for (auto [i, node] : llvm::enumerate(body.node()))
    if (failed(importNode(node, i)))
      return failure();
  // Binds the outputs the body names otherwise (one that is also an input).
  for (auto [j, output] : llvm::enumerate(call.output())) {
    const std::string &internal = outputNames[j];
    if (output.empty())
      continue;
    auto seq = sequences.find(internal);
    auto value = values.find(internal);
    if (seq == sequences.end() && value == values.end())
      return fail() << "function output '" << proto.output(j)
                    << "' is never produced";
    if (output == internal)
      continue;
    if (failed(seq != sequences.end() ? defineSequence(output, seq->second, loc)
                                      : define(output, value->second, loc)))
      return failure();
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::import(::onnx::ModelProto &model,
                                            const ImportOptions &options) {
  if (failed(readOpsets(model)))
    return nullptr;
  std::string functionError;
  if (!functions.index(model, functionError)) {
    emitError(nodeLoc("model")) << functionError;
    return nullptr;
  }
  if (!functions.empty()) {
    callValuePrefix = uniqueValuePrefix(model);
    if (callValuePrefix.empty()) {
      emitError(nodeLoc("model"))
          << "the model's value names leave no short prefix for the values "
             "of model-local function calls (too many names start with "
             "'fn_')";
      return nullptr;
    }
  }
  ::onnx::GraphProto &graph = *model.mutable_graph();
  collectDeclaredShapes(graph);
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(ctx, source, 0, 0));
  builder.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initializerNames;
  for (const auto &tensor : graph.initializer())
    initializerNames.insert(tensor.name());
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<const ::onnx::ValueInfoProto *> argInfos;
  SmallVector<bool> argUnsigned;
  SmallVector<RankedTensorType> realTypes;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue; // IR < 4 lists initializers as inputs too.
    FailureOr<RankedTensorType> type = inputType(input, options);
    if (failed(type))
      return nullptr;
    argTypes.push_back(type->clone(abiElementType(type->getElementType())));
    realTypes.push_back(*type);
    argNames.push_back(input.name());
    argInfos.push_back(&input);
    argUnsigned.push_back(
        isUnsignedDataType(input.type().tensor_type().elem_type()));
  }

  auto func =
      func::FuncOp::create(builder, nodeLoc(graph.name()), options.entryName,
                           builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "dlc.name", builder.getStringAttr(name));
    if (ArrayAttr dimNames =
            dimNamesAttr(builder, argInfos[i]->type(), realTypes[i]))
      func.setArgAttr(i, kDimNamesAttr, dimNames);
    Value arg = body->getArgument(i);
    if (argTypes[i] != realTypes[i]) {
      // float8/float4 and sub-byte inputs arrive widened (exactly).
      FailureOr<Value> narrowed =
          castAbi(arg, realTypes[i].getElementType(), argUnsigned[i], false);
      if (failed(narrowed))
        return nullptr;
      arg = *narrowed;
    }
    // The runtime ABI distinguishes u8 from i8; dlg types do not.
    if (argUnsigned[i]) {
      func.setArgAttr(i, "dlc.unsigned", builder.getUnitAttr());
      unsignedValues.insert(arg);
    }
    if (failed(define(name, arg, nodeLoc(name))))
      return nullptr;
  }
  for (auto &tensor : *graph.mutable_initializer())
    if (failed(importInitializer(tensor)))
      return nullptr;
  currentGraph = &graph;
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    if (sequences.count(output.name())) {
      emitError(nodeLoc(output.name()))
          << "graph output '" << output.name()
          << "' is a sequence; dlc supports sequences only inside the graph";
      return nullptr;
    }
    auto it = values.find(output.name());
    if (it == values.end() || !it->second) {
      emitError(nodeLoc(output.name()))
          << "graph output '" << output.name() << "' is never produced";
      return nullptr;
    }
    Value result = it->second;
    Type elementType = getElementTypeOrSelf(result.getType());
    if (abiElementType(elementType) != elementType) {
      bool isUnsigned = unsignedValues.contains(result);
      FailureOr<Value> widened =
          castAbi(result, abiElementType(elementType), isUnsigned, isUnsigned);
      if (failed(widened))
        return nullptr;
      if (isUnsigned)
        unsignedValues.insert(*widened);
      result = *widened;
    }
    results.push_back(result);
    resultTypes.push_back(result.getType());
  }
  if (results.empty()) {
    emitError(nodeLoc(graph.name())) << "graph has no outputs";
    return nullptr;
  }
  func::ReturnOp::create(builder, nodeLoc("return"), results);
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "dlc.name", builder.getStringAttr(output.name()));
    if (ArrayAttr dimNames = dimNamesAttr(
            builder, output.type(), cast<RankedTensorType>(resultTypes[i])))
      func.setResultAttr(i, kDimNamesAttr, dimNames);
    // The declared output type wins over the tracked signedness.
    bool isUnsigned = unsignedValues.contains(results[i]);
    if (output.type().has_tensor_type() &&
        output.type().tensor_type().elem_type() != 0)
      isUnsigned = isUnsignedDataType(output.type().tensor_type().elem_type());
    if (isUnsigned)
      func.setResultAttr(i, "dlc.unsigned", builder.getUnitAttr());
  }
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importModelBytes(MLIRContext *ctx, StringRef bytes,
                                       StringRef baseDir, StringRef sourceName,
                                       const ImportOptions &options) {
  ctx->loadDialect<dlg::DlgDialect, func::FuncDialect>();
  ::onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  stream.SetRecursionLimit(64);
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0))
        << "not a valid ONNX model: the protobuf cannot be parsed";
    return nullptr;
  }
  if (!model.has_graph()) {
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0))
        << "not a valid ONNX model: it has no graph";
    return nullptr;
  }
  // IR version 3 brought opset imports; 14 is the newest this importer
  // knows (onnx 1.23).
  if (model.ir_version() < kMinIrVersion ||
      model.ir_version() > kMaxIrVersion) {
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0))
        << "IR version " << model.ir_version() << " is not supported; IR "
        << "versions " << kMinIrVersion << " to " << kMaxIrVersion << " are";
    return nullptr;
  }
  GraphImporter importer(ctx, baseDir, sourceName);
  return importer.import(model, options);
}

OwningOpRef<ModuleOp> importModelFile(MLIRContext *ctx, StringRef path,
                                      const ImportOptions &options) {
  // Opened once, without blocking (a FIFO), and checked before reading: a
  // directory, a device or a pipe is not a model (and /dev/zero never
  // ends), and protobufs stop at 2 GiB.
  auto fail = [&](const Twine &why) {
    emitError(FileLineColLoc::get(ctx, path, 0, 0))
        << "cannot read '" << path << "': " << why;
    return nullptr;
  };
  int fd =
      ::open(path.str().c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return fail(std::strerror(errno));
  llvm::scope_exit closeFile([&] { ::close(fd); });
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return fail(std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return fail("it is not a regular file");
  if (static_cast<uint64_t>(info.st_size) > static_cast<uint64_t>(INT32_MAX))
    return fail(Twine(static_cast<uint64_t>(info.st_size)) +
                " bytes; ONNX protobufs are limited to 2 GiB (larger weights "
                "go in external data)");
  auto buffer = llvm::MemoryBuffer::getOpenFile(
      fd, path, static_cast<uint64_t>(info.st_size),
      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(buffer.getError().message());
  SmallString<256> baseDir = path;
  llvm::sys::path::remove_filename(baseDir);
  if (baseDir.empty())
    baseDir = ".";
  return importModelBytes(ctx, (*buffer)->getBuffer(), baseDir,
                          llvm::sys::path::filename(path), options);
}

void printSupportedOps(llvm::raw_ostream &os) {
  os << "opsets " << kMinDefaultOpset << " " << kMaxDefaultOpset << "\n";
  OpRegistry::get().forEachOp(
      [&](StringRef domain, StringRef opType, ArrayRef<int64_t> versions) {
        os << (domain.empty() ? "ai.onnx" : domain) << " " << opType << " ";
        llvm::interleave(versions, os, ",");
        os << "\n";
      });
}

} // namespace dlc::onnx
