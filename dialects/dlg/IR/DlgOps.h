//===- DlgOps.h - dlg dialect and operations --------------------*- C++ -*-===//

#ifndef DLC_DIALECTS_DLG_IR_DLGOPS_H
#define DLC_DIALECTS_DLG_IR_DLGOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::OpTrait {
/// Marks dlg ops whose operands broadcast (numpy rules) to the result shape;
/// passes read it to check dynamic dims that broadcasting assumes equal.
template <typename ConcreteType>
class DlgBroadcastsOperands
    : public TraitBase<ConcreteType, DlgBroadcastsOperands> {};
} // namespace mlir::OpTrait

namespace dlc::dlg {

/// Shape-inference helpers shared by several ops. Each emits a diagnostic at
/// `loc` (when present) that states the offending numbers, and fails.
llvm::LogicalResult
inferBroadcastType(std::optional<mlir::Location> loc, mlir::ValueRange operands,
                   mlir::Type elementType,
                   llvm::SmallVectorImpl<mlir::Type> &types);
llvm::LogicalResult inferReduceType(std::optional<mlir::Location> loc,
                                    mlir::Value input,
                                    llvm::ArrayRef<int64_t> axes, bool keepDims,
                                    llvm::SmallVectorImpl<mlir::Type> &types);
llvm::LogicalResult
inferPoolType(std::optional<mlir::Location> loc, mlir::Value input,
              llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
              llvm::ArrayRef<int64_t> pads, llvm::ArrayRef<int64_t> dilations,
              bool ceilMode, llvm::SmallVectorImpl<mlir::Type> &types);

/// The most elements a dlg tensor may have (2^40): shapes from untrusted
/// models are checked against it, so no size computation can overflow.
inline constexpr int64_t kMaxNumElements = int64_t(1) << 40;

/// The element count of `shape`, or std::nullopt if a dimension is negative
/// or the count exceeds kMaxNumElements.
std::optional<int64_t> checkedNumElements(llvm::ArrayRef<int64_t> shape);

/// Returns `axis` in [0, rank) or std::nullopt when outside [-rank, rank).
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Computes the numpy-broadcast shape of `shapes`, or std::nullopt.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

} // namespace dlc::dlg

#include "dialects/dlg/IR/DlgOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/dlg/IR/DlgOps.h.inc"

namespace dlc::dlg {

/// Creates a dlg op whose result types are inferred, or emits the inference
/// diagnostic at `loc` and fails. Unlike the ODS builders, which abort on a
/// type-inference failure, this is safe on untrusted input. `attributes` may
/// include `operandSegmentSizes` for ops with optional operands.
template <typename OpTy>
llvm::FailureOr<OpTy>
tryCreate(mlir::OpBuilder &builder, mlir::Location loc,
          mlir::ValueRange operands,
          llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
  mlir::OperationState state(loc, OpTy::getOperationName());
  state.addOperands(operands);
  state.addAttributes(attributes);
  mlir::MLIRContext *ctx = builder.getContext();
  mlir::OpaqueProperties properties(nullptr);
  if constexpr (!std::is_same_v<typename OpTy::Properties,
                                mlir::EmptyProperties>) {
    properties = &state.getOrAddProperties<typename OpTy::Properties>();
    if (llvm::failed(
            state.name.getRegisteredInfo()->setOpPropertiesFromAttribute(
                state.name, properties, state.attributes.getDictionary(ctx),
                [&]() { return mlir::emitError(loc); })))
      return llvm::failure();
  }
  llvm::SmallVector<mlir::Type, 1> types;
  if (llvm::failed(OpTy::inferReturnTypes(ctx, loc, operands,
                                          state.attributes.getDictionary(ctx),
                                          properties, state.regions, types)))
    return llvm::failure();
  for (mlir::Type type : types)
    if (auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type))
      if (tensor.hasStaticShape() && !checkedNumElements(tensor.getShape()))
        return mlir::emitError(loc)
               << "result type " << type << " has more than "
               << kMaxNumElements << " elements";
  state.addTypes(types);
  auto op = llvm::cast<OpTy>(builder.create(state));
  if (llvm::failed(mlir::verify(op))) {
    op->erase();
    return llvm::failure();
  }
  return op;
}

} // namespace dlc::dlg

#endif // DLC_DIALECTS_DLG_IR_DLGOPS_H
