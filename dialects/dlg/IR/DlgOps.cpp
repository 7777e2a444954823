//===- DlgOps.cpp - dlg dialect and operations ----------------------------===//
//
// Dialect registration, constants, folders and verifiers. Type inference
// lives in DlgShapeInference.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace dlc::dlg;

#include "dialects/dlg/IR/DlgOpsDialect.cpp.inc"

void DlgDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/dlg/IR/DlgOps.cpp.inc"
      >();
}

Operation *DlgDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult
ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                             ValueRange, DictionaryAttr attributes,
                             OpaqueProperties properties, RegionRange,
                             SmallVectorImpl<Type> &types) {
  auto *props = properties.as<Properties *>();
  auto value = props ? props->value : nullptr;
  if (!value && attributes)
    value = attributes.getAs<ElementsAttr>("value");
  if (!value)
    return emitOptionalError(loc, "expects a 'value' elements attribute");
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return emitOptionalError(loc, "expects a ranked tensor value but got ",
                             value.getType());
  types.push_back(type);
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) only depends on x.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [index, dim] : llvm::enumerate(getPerm()))
    if (static_cast<int64_t>(index) != dim)
      return {};
  return getInput();
}

//===----------------------------------------------------------------------===//
// CheckOp
//===----------------------------------------------------------------------===//

LogicalResult CheckOp::canonicalize(CheckOp op, PatternRewriter &rewriter) {
  // A condition known to hold at compile time needs no run-time check.
  DenseElementsAttr condition;
  if (!matchPattern(op.getCondition(), m_Constant(&condition)) ||
      !condition.getSplatValue<bool>())
    return failure();
  rewriter.eraseOp(op);
  return success();
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  if (!normalizeAxis(getAxis(), rank))
    return emitOpError("axis ") << getAxis() << " is out of range [" << -rank
                                << ", " << rank - 1 << "]";
  return success();
}

#define GET_OP_CLASSES
#include "dialects/dlg/IR/DlgOps.cpp.inc"
