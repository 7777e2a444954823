//===- RecordModelInterface.cpp - Model I/O metadata as text --------------===//

#include "codegen/Passes.h"

#include "dlc/runtime/ModelABI.h"

#include "codegen/common/LoweringUtils.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"

namespace dlc {
#define GEN_PASS_DEF_RECORDMODELINTERFACE
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// The ABI spelling of an element type, or "" when the ABI has none.
/// Signless integers are unsigned when the frontend marked the argument or
/// result `dlc.unsigned`.
StringRef dtypeName(Type type, bool markedUnsigned) {
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  if (type.isF32())
    return "f32";
  if (type.isF64())
    return "f64";
  if (type.isInteger(1))
    return "bool";
  if (auto intType = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = intType.isUnsigned() || markedUnsigned;
    switch (intType.getWidth()) {
    case 8:
      return isUnsigned ? "u8" : "i8";
    case 16:
      return isUnsigned ? "u16" : "i16";
    case 32:
      return isUnsigned ? "u32" : "i32";
    case 64:
      return isUnsigned ? "u64" : "i64";
    }
  }
  return "";
}

void appendEncodedName(std::string &out, StringRef name) {
  for (unsigned char c : name) {
    if (llvm::isAlnum(c) || StringRef("_.:/-").contains(c)) {
      out += c;
    } else {
      out += '%';
      out += llvm::hexdigit(c >> 4, /*LowerCase=*/false);
      out += llvm::hexdigit(c & 15, /*LowerCase=*/false);
    }
  }
}

struct RecordModelInterfacePass
    : impl::RecordModelInterfaceBase<RecordModelInterfacePass> {
  using Base::Base;

  LogicalResult appendRecord(std::string &text, Operation *func, StringRef kind,
                             unsigned index, Type type, DictionaryAttr attrs) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      return func->emitError() << kind << " " << index
                               << " must be a ranked tensor but is " << type;
    // Symbol names of the dynamic dims; "" for anonymous (or static) dims.
    SmallVector<StringRef> dimNames(tensor.getRank(), "");
    if (Attribute attr = attrs ? attrs.get("dlc.dim_names") : Attribute()) {
      auto names = dyn_cast<ArrayAttr>(attr);
      if (!names || names.size() != static_cast<size_t>(tensor.getRank()))
        return func->emitError()
               << kind << " " << index
               << ": 'dlc.dim_names' must be an array of " << tensor.getRank()
               << " strings (one per dim) but is " << attr;
      for (auto [i, name] : llvm::enumerate(names)) {
        auto str = dyn_cast<StringAttr>(name);
        if (!str)
          return func->emitError()
                 << kind << " " << index << ": 'dlc.dim_names' entry " << i
                 << " must be a string but is " << name;
        dimNames[i] = str.getValue();
      }
    }
    bool markedUnsigned = attrs && attrs.get("dlc.unsigned");
    StringRef dtype = dtypeName(tensor.getElementType(), markedUnsigned);
    if (dtype.empty())
      return func->emitError() << kind << " " << index << " has element type "
                               << tensor.getElementType()
                               << " which the runtime ABI cannot carry";
    std::string name = (kind + std::to_string(index)).str();
    if (attrs)
      if (auto named = attrs.getAs<StringAttr>("dlc.name"))
        name = named.str();
    text += kind;
    text += ' ';
    appendEncodedName(text, name);
    text += (" " + dtype + " " + Twine(tensor.getRank())).str();
    for (auto [dim, dimName] : llvm::zip(tensor.getShape(), dimNames)) {
      if (ShapedType::isStatic(dim)) {
        text += " " + std::to_string(dim);
        continue;
      }
      // A dynamic dim: `?` and its percent-encoded symbol, if any.
      text += " ?";
      appendEncodedName(text, dimName);
    }
    text += '\n';
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<FunctionOpInterface>(entryName);
    if (!func) {
      module.emitError() << "no entry function '" << entryName << "'";
      return signalPassFailure();
    }
    std::string text =
        "dlc-model " + std::to_string(DLC_MODEL_ABI_VERSION) + "\n";
    if (!device.empty())
      text += "device " + device + "\n";
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
      if (failed(appendRecord(text, func, "input", i, type,
                              func.getArgAttrDict(i))))
        return signalPassFailure();
    for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
      if (failed(appendRecord(text, func, "output", i, type,
                              func.getResultAttrDict(i))))
        return signalPassFailure();
    auto funcOp = dyn_cast<func::FuncOp>(func.getOperation());
    if (!funcOp || funcOp.isExternal()) {
      func->emitError("the entry must be a func.func with a body");
      return signalPassFailure();
    }
    // Checks anywhere in the module report through the entry's status word.
    int32_t code = 0;
    WalkResult walk = module.walk([&](dlg::CheckOp check) {
      if (check->getParentOfType<func::FuncOp>() != funcOp) {
        check.emitOpError("must be in the entry function '")
            << entryName << "'";
        return WalkResult::interrupt();
      }
      check->setAttr(
          kCheckCodeAttr,
          IntegerAttr::get(IntegerType::get(module.getContext(), 32), ++code));
      text += "check " + std::to_string(code) + " ";
      appendEncodedName(text, check.getMessage());
      text += '\n';
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    module->setAttr("dlc.model_metadata",
                    StringAttr::get(module.getContext(), text));
    flattenEmptyInterface(funcOp);
    addStatusArgument(funcOp);
  }

  /// Prepends the memref<i32> status word that failed checks write.
  static void addStatusArgument(func::FuncOp func) {
    MLIRContext *ctx = func.getContext();
    auto type = MemRefType::get({}, IntegerType::get(ctx, 32));
    if (failed(func.insertArgument(
            0, type,
            DictionaryAttr::get(
                ctx, {NamedAttribute(StringAttr::get(ctx, kStatusArgAttr),
                                     UnitAttr::get(ctx))}),
            func.getLoc())))
      llvm_unreachable("a func.func with a body takes a new argument");
  }

  /// Retypes empty arguments and results to tensor<0xT> (see Passes.td).
  static void flattenEmptyInterface(func::FuncOp func) {
    auto isEmptyNd = [](Type type) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      return tensor && tensor.hasStaticShape() &&
             tensor.getNumElements() == 0 && tensor.getRank() != 1;
    };
    auto flat = [](Type type) {
      return RankedTensorType::get(
          {0}, cast<RankedTensorType>(type).getElementType());
    };
    if (func.isExternal())
      return;
    OpBuilder builder(func.getContext());
    Block &entry = func.getBody().front();
    builder.setInsertionPointToStart(&entry);
    for (BlockArgument arg : entry.getArguments()) {
      if (!isEmptyNd(arg.getType()))
        continue;
      Value empty = tensor::EmptyOp::create(
          builder, arg.getLoc(), cast<RankedTensorType>(arg.getType()),
          ValueRange());
      arg.replaceAllUsesWith(empty);
      arg.setType(flat(arg.getType()));
    }
    func.walk([&](func::ReturnOp ret) {
      builder.setInsertionPoint(ret);
      for (OpOperand &operand : ret->getOpOperands())
        if (isEmptyNd(operand.get().getType()))
          operand.set(tensor::EmptyOp::create(
              builder, ret.getLoc(),
              cast<RankedTensorType>(flat(operand.get().getType())),
              ValueRange()));
    });
    SmallVector<Type> inputs(entry.getArgumentTypes());
    SmallVector<Type> results;
    for (Type type : func.getResultTypes())
      results.push_back(isEmptyNd(type) ? flat(type) : type);
    func.setType(FunctionType::get(func.getContext(), inputs, results));
  }
};

} // namespace
} // namespace dlc
