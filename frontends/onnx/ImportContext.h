//===- ImportContext.h - Per-node import state and op registry --*- C++ -*-===//
//
// Handlers convert one ONNX node into dlg ops. They are registered per
// (domain, op type, since-version), so supporting a new opset version of an
// op is a new table entry, not a branch inside a handler.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_IMPORTCONTEXT_H
#define DLC_FRONTENDS_ONNX_IMPORTCONTEXT_H

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>

namespace onnx {
class NodeProto;
class AttributeProto;
class TensorProto;
class GraphProto;
} // namespace onnx

namespace dlc::onnx {

/// Constant integer contents of values that are known at import time (shape
/// arguments such as Reshape's `shape` or Slice's `starts`).
using KnownInts = llvm::DenseMap<mlir::Value, llvm::SmallVector<int64_t>>;

/// A sequence that lives inside the graph: its tensors, known at import time.
using Sequence = llvm::SmallVector<mlir::Value>;

/// A value at a subgraph's boundary: a tensor, or a sequence when `sequence`
/// is set.
struct GraphValue {
  mlir::Value tensor;
  std::optional<Sequence> sequence;
};

/// Imports a subgraph (a Loop body, an If branch) in place, with its inputs
/// bound to `inputs`; outer-scope values stay visible by name.
using SubgraphImporter = std::function<mlir::LogicalResult(
    const ::onnx::GraphProto &, llvm::ArrayRef<GraphValue>,
    llvm::SmallVectorImpl<GraphValue> &)>;

/// What a handler sees of the node it converts.
class NodeContext {
public:
  NodeContext(mlir::OpBuilder &builder, mlir::Location loc,
              const ::onnx::NodeProto &node, llvm::StringRef domain,
              int64_t opset, llvm::ArrayRef<mlir::Value> operands,
              KnownInts &knownInts)
      : builder(builder), loc(loc), node(node), domain(domain), opset(opset),
        operands(operands), knownInts(knownInts) {}

  mlir::OpBuilder &builder;
  mlir::Location loc;
  const ::onnx::NodeProto &node;
  /// The node's name, or `<OpType>_<index>` for an unnamed node; set by the
  /// importer.
  std::string name;
  llvm::StringRef domain;
  int64_t opset;

  /// Number of inputs, counting empty optional ones.
  size_t numInputs() const { return operands.size(); }
  /// Input `i`, or null when absent or empty (an omitted optional input).
  mlir::Value input(size_t i) const {
    return i < operands.size() ? operands[i] : mlir::Value();
  }
  /// The present inputs among the first `count`, in order (optional trailing
  /// operands such as a bias are simply left out).
  llvm::SmallVector<mlir::Value> presentInputs(size_t count) const {
    llvm::SmallVector<mlir::Value> present;
    for (size_t i = 0; i < count; ++i)
      if (mlir::Value value = input(i))
        present.push_back(value);
    return present;
  }
  /// Fails with a diagnostic unless inputs [0, count) are present.
  mlir::LogicalResult requireInputs(size_t count);
  /// The integer values of input `i` when known at import time.
  std::optional<llvm::SmallVector<int64_t>> constantInts(size_t i) const;
  /// The integer values of input `i`, or a diagnostic that it must be constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  requireConstantInts(size_t i, llvm::StringRef what);

  /// Records that `value` holds the integers `values` (for shape arguments).
  void recordInts(mlir::Value value, llvm::ArrayRef<int64_t> values) {
    knownInts[value] = llvm::SmallVector<int64_t>(values);
  }

  /// The shape the model declares for output `i` (as a graph output or in
  /// value_info), when it is fully static.
  std::optional<llvm::SmallVector<int64_t>> declaredShape(size_t i) const;
  /// The declared shape of output `output`, for an op whose input `arg`
  /// (`what`) is not known at compile time; a diagnostic when it is missing.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  requireDeclaredShape(size_t output, size_t arg, llvm::StringRef what);
  /// Static shapes declared in the model, by value name; set by the importer.
  const llvm::StringMap<llvm::SmallVector<int64_t>> *declaredShapes = nullptr;

  const ::onnx::AttributeProto *attribute(llvm::StringRef name) const;
  /// Whether an accessor below found its attribute of another type (a
  /// diagnostic was emitted and the fallback returned; the node fails).
  bool hadAttributeTypeError() const { return attributeTypeError; }
  int64_t intAttr(llvm::StringRef name, int64_t fallback) const;
  float floatAttr(llvm::StringRef name, float fallback) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef fallback) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name) const;
  llvm::SmallVector<float> floatsAttr(llvm::StringRef name) const;
  llvm::SmallVector<std::string> stringsAttr(llvm::StringRef name) const;
  /// The tensor or graph of attribute `name`; nullptr when it is missing or
  /// of another type (then with a diagnostic).
  const ::onnx::TensorProto *tensorAttr(llvm::StringRef name) const;
  const ::onnx::GraphProto *graphAttr(llvm::StringRef name) const;

  /// An error diagnostic prefixed with the node, op, domain and opset.
  mlir::InFlightDiagnostic emitError() const;

private:
  /// The attribute `name` if it is of `type` (an AttributeProto type, or
  /// untyped, as in old models); else a diagnostic and nullptr.
  const ::onnx::AttributeProto *typedAttribute(llvm::StringRef name,
                                               int type) const;
  mutable bool attributeTypeError = false;

public:
  /// Creates a dlg op with inferred result type; fails with a diagnostic.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  create(mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
    mlir::Operation *op = nullptr;
    if (mlir::failed(withNodeDiagnostics([&]() -> mlir::LogicalResult {
          auto created =
              dlg::tryCreate<OpTy>(builder, loc, operands, attributes);
          if (mlir::failed(created))
            return mlir::failure();
          op = *created;
          return mlir::success();
        })))
      return mlir::failure();
    // Intermediate values inherit unsignedness like node results do.
    if (!operands.empty() && isUnsigned(operands[0]) &&
        mlir::getElementTypeOrSelf(op->getResult(0).getType()) ==
            mlir::getElementTypeOrSelf(operands[0].getType()))
      setUnsigned(op->getResult(0), true);
    return op->getResult(0);
  }

  /// Runs `fn`; diagnostics it emits are re-emitted prefixed with the node.
  mlir::LogicalResult
  withNodeDiagnostics(llvm::function_ref<mlir::LogicalResult()> fn);

  /// `value` converted to `elementType` with dlg.cast (itself if it is).
  mlir::FailureOr<mlir::Value> castTo(mlir::Value value,
                                      mlir::Type elementType) {
    if (mlir::getElementTypeOrSelf(value.getType()) == elementType)
      return value;
    if (isUnsigned(value))
      return castTo(value, elementType, /*toUnsigned=*/false);
    return create<dlg::CastOp>({value},
                               {named("to", mlir::TypeAttr::get(elementType))});
  }

  mlir::NamedAttribute named(llvm::StringRef name, mlir::Attribute value) {
    return builder.getNamedAttr(name, value);
  }

  // Signedness. dlg tensors are signless (like arith); the importer tracks
  // which values hold ONNX unsigned integers. A node result inherits it from
  // the first input of its element type (a value made by create() from
  // operand 0), unless the handler says otherwise.

  /// Whether `value` holds an ONNX unsigned integer type.
  bool isUnsigned(mlir::Value value) const {
    return value && unsignedValues && unsignedValues->contains(value);
  }
  /// Whether input `i` holds an ONNX unsigned integer type.
  bool inputIsUnsigned(size_t i) const { return isUnsigned(input(i)); }
  /// Records the signedness of an intermediate value a handler creates.
  void setUnsigned(mlir::Value value, bool isUnsigned) {
    if (!unsignedValues || !value)
      return;
    if (isUnsigned)
      unsignedValues->insert(value);
    else
      unsignedValues->erase(value);
  }
  /// Overrides the inherited signedness of result `i`.
  void setResultUnsigned(size_t i, bool isUnsigned) {
    resultSignedness[i] = isUnsigned;
  }
  /// The signedness a handler chose for result `i`, if any.
  std::optional<bool> resultUnsigned(size_t i) const {
    auto it = resultSignedness.find(i);
    return it == resultSignedness.end() ? std::nullopt
                                        : std::optional<bool>(it->second);
  }
  /// `attrs` plus `is_unsigned` when `value` is unsigned (for dlg ops whose
  /// integer semantics depend on the sign).
  llvm::SmallVector<mlir::NamedAttribute>
  withSign(mlir::Value value, llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    llvm::SmallVector<mlir::NamedAttribute> result(attrs);
    if (isUnsigned(value))
      result.push_back(named("is_unsigned", builder.getUnitAttr()));
    return result;
  }
  /// `value` converted to `elementType` with the given result signedness.
  mlir::FailureOr<mlir::Value> castTo(mlir::Value value, mlir::Type elementType,
                                      bool toUnsigned) {
    if (mlir::getElementTypeOrSelf(value.getType()) == elementType &&
        isUnsigned(value) == toUnsigned)
      return value;
    llvm::SmallVector<mlir::NamedAttribute> attrs = {
        named("to", mlir::TypeAttr::get(elementType))};
    if (isUnsigned(value))
      attrs.push_back(named("from_unsigned", builder.getUnitAttr()));
    if (toUnsigned)
      attrs.push_back(named("to_unsigned", builder.getUnitAttr()));
    mlir::FailureOr<mlir::Value> result = create<dlg::CastOp>({value}, attrs);
    if (mlir::succeeded(result))
      setUnsigned(*result, toUnsigned);
    return result;
  }

  llvm::DenseSet<mlir::Value> *unsignedValues = nullptr;

  // Sequences and subgraphs (control flow).

  /// Input `i` when it is a sequence, else null.
  const Sequence *sequenceInput(size_t i) const {
    return i < sequenceOperands.size() ? sequenceOperands[i] : nullptr;
  }
  /// Makes result `i` a sequence (the handler pushes a null value for it).
  void setSequenceResult(size_t i, Sequence sequence) {
    sequenceResults[i] = std::move(sequence);
  }
  /// The integer contents of any value when known at import time.
  std::optional<llvm::SmallVector<int64_t>>
  knownIntsOf(mlir::Value value) const {
    auto it = knownInts.find(value);
    if (!value || it == knownInts.end())
      return std::nullopt;
    return it->second;
  }

  /// Per input: its sequence, or null for tensors.
  llvm::SmallVector<const Sequence *> sequenceOperands;
  /// Sequence results by output index.
  std::map<size_t, Sequence> sequenceResults;
  /// Imports a subgraph attribute; set by the importer.
  SubgraphImporter importSubgraph;

private:
  llvm::ArrayRef<mlir::Value> operands;
  KnownInts &knownInts;
  llvm::DenseMap<size_t, bool> resultSignedness;
};

/// Converts a node; pushes one value per node output (null for outputs it
/// does not produce, which must then be unused).
using Handler = std::function<mlir::LogicalResult(
    NodeContext &, llvm::SmallVectorImpl<mlir::Value> &)>;

/// Appends a handler's result, or fails when creating it failed.
inline mlir::LogicalResult
pushResult(mlir::FailureOr<mlir::Value> value,
           llvm::SmallVectorImpl<mlir::Value> &results) {
  if (mlir::failed(value))
    return mlir::failure();
  results.push_back(*value);
  return mlir::success();
}

class OpRegistry {
public:
  /// Registers `handler` for `opType` in `domain` for each version in
  /// `sinceVersions` (the ONNX versions in which the op changed).
  void add(llvm::StringRef domain, llvm::StringRef opType,
           std::initializer_list<int64_t> sinceVersions, Handler handler);
  /// The handler for the op as defined at `opset`, or null; `sinceVersion`
  /// receives the version it implements.
  const Handler *lookup(llvm::StringRef domain, llvm::StringRef opType,
                        int64_t opset, int64_t &sinceVersion) const;
  /// The versions registered for an op (for diagnostics and docs).
  llvm::SmallVector<int64_t> versions(llvm::StringRef domain,
                                      llvm::StringRef opType) const;
  /// Calls `fn(domain, opType, sinceVersions)` for every op, sorted by domain
  /// and op type.
  void forEachOp(llvm::function_ref<void(llvm::StringRef, llvm::StringRef,
                                         llvm::ArrayRef<int64_t>)>
                     fn) const;

  static const OpRegistry &get();

private:
  std::map<std::string, std::map<int64_t, Handler>> handlers;
};

void registerElementwiseHandlers(OpRegistry &registry);
void registerNeuralNetHandlers(OpRegistry &registry);
void registerShapeHandlers(OpRegistry &registry);
void registerMathHandlers(OpRegistry &registry);
void registerReductionHandlers(OpRegistry &registry);
void registerIndexingHandlers(OpRegistry &registry);
void registerSequenceHandlers(OpRegistry &registry);
void registerQuantizationHandlers(OpRegistry &registry);
void registerControlFlowHandlers(OpRegistry &registry);
void registerLossHandlers(OpRegistry &registry);
void registerMiscHandlers(OpRegistry &registry);
void registerOptionalHandlers(OpRegistry &registry);
void registerTraditionalMLHandlers(OpRegistry &registry);
void registerNonMaxSuppressionHandlers(OpRegistry &registry);
void registerLinearAttentionHandlers(OpRegistry &registry);
void registerCausalConvWithStateHandlers(OpRegistry &registry);
void registerTfIdfVectorizerHandlers(OpRegistry &registry);
void registerMelWeightMatrixHandlers(OpRegistry &registry);
void registerSTFTHandlers(OpRegistry &registry);

/// Element type for an ONNX TensorProto data type, or null if unsupported.
mlir::Type convertElementType(mlir::MLIRContext *ctx, int32_t dataType);
/// ONNX data types newer than the onnx.proto dlc builds against.
enum NewerDataType : int32_t {
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
  kFloat8E8M0 = 24,
  kUint2 = 25,
  kInt2 = 26,
};
/// The element type that carries `type` across the runtime ABI, which has
/// no float8/float4 (carried as f32) nor sub-byte integers (as 8-bit): both
/// hold every value exactly. `type` itself for the other types.
mlir::Type abiElementType(mlir::Type type);
/// Whether an ONNX data type is an unsigned integer (UINT2..UINT64).
bool isUnsignedDataType(int32_t dataType);
/// Human-readable ONNX data type name.
llvm::StringRef dataTypeName(int32_t dataType);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_IMPORTCONTEXT_H
