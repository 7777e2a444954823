//===- ImportContext.cpp - Node context, attributes and op registry -------===//

#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {

LogicalResult NodeContext::requireInputs(size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!input(i))
      return emitError() << "expects input " << i << " but it is missing";
  return success();
}

std::optional<SmallVector<int64_t>> NodeContext::constantInts(size_t i) const {
  Value value = input(i);
  if (!value)
    return std::nullopt;
  auto it = knownInts.find(value);
  if (it == knownInts.end())
    return std::nullopt;
  return it->second;
}

FailureOr<SmallVector<int64_t>>
NodeContext::requireConstantInts(size_t i, StringRef what) {
  if (std::optional<SmallVector<int64_t>> values = constantInts(i))
    return *values;
  emitError() << "expects '" << what << "' (input " << i
              << ") to be a constant known at compile time";
  return failure();
}

std::optional<SmallVector<int64_t>> NodeContext::declaredShape(size_t i) const {
  if (!declaredShapes || static_cast<int>(i) >= node.output_size())
    return std::nullopt;
  auto it = declaredShapes->find(node.output(i));
  if (it == declaredShapes->end())
    return std::nullopt;
  return it->second;
}

FailureOr<SmallVector<int64_t>>
NodeContext::requireDeclaredShape(size_t output, size_t arg, StringRef what) {
  if (std::optional<SmallVector<int64_t>> shape = declaredShape(output))
    return *shape;
  emitError() << "'" << what << "' (input " << arg
              << ") is only known at run time and the model declares no "
                 "static shape for output "
              << output << " (dynamic shapes are not supported)";
  return failure();
}

const ::onnx::AttributeProto *NodeContext::attribute(StringRef name) const {
  for (const ::onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

const ::onnx::AttributeProto *NodeContext::typedAttribute(StringRef name,
                                                          int type) const {
  const ::onnx::AttributeProto *attr = attribute(name);
  if (!attr || attr->type() == ::onnx::AttributeProto::UNDEFINED ||
      attr->type() == type)
    return attr;
  emitError() << "attribute '" << name << "' is of type "
              << ::onnx::AttributeProto::AttributeType_Name(attr->type())
              << " but must be "
              << ::onnx::AttributeProto::AttributeType_Name(
                     static_cast<::onnx::AttributeProto::AttributeType>(type));
  attributeTypeError = true;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t fallback) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::INT);
  return attr ? attr->i() : fallback;
}

float NodeContext::floatAttr(StringRef name, float fallback) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::FLOAT);
  return attr ? attr->f() : fallback;
}

std::string NodeContext::stringAttr(StringRef name, StringRef fallback) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::STRING);
  return attr ? attr->s() : fallback.str();
}

SmallVector<int64_t> NodeContext::intsAttr(StringRef name) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::INTS);
  if (!attr)
    return {};
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

SmallVector<float> NodeContext::floatsAttr(StringRef name) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::FLOATS);
  if (!attr)
    return {};
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

SmallVector<std::string> NodeContext::stringsAttr(StringRef name) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::STRINGS);
  if (!attr)
    return {};
  return SmallVector<std::string>(attr->strings().begin(),
                                  attr->strings().end());
}

const ::onnx::TensorProto *NodeContext::tensorAttr(StringRef name) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::TENSOR);
  return attr && attr->has_t() ? &attr->t() : nullptr;
}

const ::onnx::GraphProto *NodeContext::graphAttr(StringRef name) const {
  const ::onnx::AttributeProto *attr =
      typedAttribute(name, ::onnx::AttributeProto::GRAPH);
  return attr && attr->has_g() ? &attr->g() : nullptr;
}

InFlightDiagnostic NodeContext::emitError() const {
  InFlightDiagnostic diag = mlir::emitError(loc);
  diag << "node '" << (name.empty() ? node.name() : name) << "' ("
       << node.op_type() << ", domain '" << domain << "', opset " << opset
       << "): ";
  return diag;
}

LogicalResult
NodeContext::withNodeDiagnostics(function_ref<LogicalResult()> fn) {
  SmallVector<std::string> messages;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler capture(loc.getContext(), [&](Diagnostic &diag) {
      messages.push_back(diag.str());
      return success();
    });
    result = fn();
  }
  for (const std::string &message : messages)
    emitError() << message;
  if (failed(result) && messages.empty())
    emitError() << "invalid operands or attributes";
  return result;
}

static std::string registryKey(StringRef domain, StringRef opType) {
  StringRef normalized = domain == "ai.onnx" ? "" : domain;
  return (normalized + "::" + opType).str();
}

void OpRegistry::add(StringRef domain, StringRef opType,
                     std::initializer_list<int64_t> sinceVersions,
                     Handler handler) {
  auto &versions = handlers[registryKey(domain, opType)];
  for (int64_t version : sinceVersions)
    versions[version] = handler;
}

const Handler *OpRegistry::lookup(StringRef domain, StringRef opType,
                                  int64_t opset, int64_t &sinceVersion) const {
  auto it = handlers.find(registryKey(domain, opType));
  if (it == handlers.end())
    return nullptr;
  auto version = it->second.upper_bound(opset);
  if (version == it->second.begin())
    return nullptr;
  --version;
  sinceVersion = version->first;
  return &version->second;
}

SmallVector<int64_t> OpRegistry::versions(StringRef domain,
                                          StringRef opType) const {
  SmallVector<int64_t> result;
  auto it = handlers.find(registryKey(domain, opType));
  if (it != handlers.end())
    for (const auto &entry : it->second)
      result.push_back(entry.first);
  return result;
}

void OpRegistry::forEachOp(
    function_ref<void(StringRef, StringRef, ArrayRef<int64_t>)> fn) const {
  for (const auto &[key, versions] : handlers) {
    auto [domain, opType] = StringRef(key).split("::");
    SmallVector<int64_t> sinceVersions;
    for (const auto &entry : versions)
      sinceVersions.push_back(entry.first);
    fn(domain, opType, sinceVersions);
  }
}

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerElementwiseHandlers(r);
    registerNeuralNetHandlers(r);
    registerShapeHandlers(r);
    registerMathHandlers(r);
    registerReductionHandlers(r);
    registerIndexingHandlers(r);
    registerSequenceHandlers(r);
    registerQuantizationHandlers(r);
    registerControlFlowHandlers(r);
    registerLossHandlers(r);
    registerMiscHandlers(r);
    registerOptionalHandlers(r);
    registerTraditionalMLHandlers(r);
    registerNonMaxSuppressionHandlers(r);
    registerLinearAttentionHandlers(r);
    registerCausalConvWithStateHandlers(r);
    registerTfIdfVectorizerHandlers(r);
    registerMelWeightMatrixHandlers(r);
    registerSTFTHandlers(r);
    return r;
  }();
  return registry;
}

Type convertElementType(MLIRContext *ctx, int32_t dataType) {
  Builder b(ctx);
  switch (dataType) {
  case ::onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case ::onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case ::onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case ::onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case ::onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case ::onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case ::onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case ::onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  case ::onnx::TensorProto::BOOL:
    return b.getI1Type();
  case kFloat8E4M3FN:
    return b.getType<Float8E4M3FNType>();
  case kFloat8E4M3FNUZ:
    return b.getType<Float8E4M3FNUZType>();
  case kFloat8E5M2:
    return b.getType<Float8E5M2Type>();
  case kFloat8E5M2FNUZ:
    return b.getType<Float8E5M2FNUZType>();
  case kFloat4E2M1:
    return b.getType<Float4E2M1FNType>();
  case kFloat8E8M0:
    return b.getType<Float8E8M0FNUType>();
  case kInt4:
  case kUint4:
    return b.getIntegerType(4);
  case kInt2:
  case kUint2:
    return b.getIntegerType(2);
  // Unsigned integers are signless too; the importer tracks the sign.
  case ::onnx::TensorProto::UINT8:
    return b.getIntegerType(8);
  case ::onnx::TensorProto::UINT16:
    return b.getIntegerType(16);
  case ::onnx::TensorProto::UINT32:
    return b.getIntegerType(32);
  case ::onnx::TensorProto::UINT64:
    return b.getIntegerType(64);
  default:
    return nullptr;
  }
}

Type abiElementType(Type type) {
  if (isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
          Float8E5M2FNUZType, Float4E2M1FNType, Float8E8M0FNUType>(type))
    return Float32Type::get(type.getContext());
  if (auto intType = dyn_cast<IntegerType>(type))
    if (intType.getWidth() > 1 && intType.getWidth() < 8)
      return IntegerType::get(type.getContext(), 8);
  return type;
}

bool isUnsignedDataType(int32_t dataType) {
  switch (dataType) {
  case ::onnx::TensorProto::UINT8:
  case ::onnx::TensorProto::UINT16:
  case ::onnx::TensorProto::UINT32:
  case ::onnx::TensorProto::UINT64:
  case kUint4:
  case kUint2:
    return true;
  default:
    return false;
  }
}

StringRef dataTypeName(int32_t dataType) {
  // Types newer than the onnx.proto dlc is built against.
  static const char *const newer[] = {
      "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4",
      "INT4",         "FLOAT4E2M1",     "FLOAT8E8M0", "UINT2",          "INT2"};
  if (dataType >= kFloat8E4M3FN && dataType <= kInt2)
    return newer[dataType - kFloat8E4M3FN];
  if (::onnx::TensorProto::DataType_IsValid(dataType))
    return ::onnx::TensorProto::DataType_Name(
        static_cast<::onnx::TensorProto::DataType>(dataType));
  return "unknown";
}

} // namespace dlc::onnx
