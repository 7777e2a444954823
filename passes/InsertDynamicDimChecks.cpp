//===- InsertDynamicDimChecks.cpp - Run-time checks of dynamic dims -------===//

#include "passes/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"

namespace dlc {
#define GEN_PASS_DEF_INSERTDYNAMICDIMCHECKS
#include "passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// A dim of an operand, or a static size the dim must have.
struct Size {
  Value tensor;
  int64_t dim = 0;
  int64_t staticSize = ShapedType::kDynamic;
  std::string what;

  bool isDynamic() const { return tensor && typeOf(tensor).isDynamicDim(dim); }
};

/// Emits the checks of one op, named after its node.
class CheckBuilder {
public:
  explicit CheckBuilder(Operation *op) : op(op), builder(op) {
    std::string node = "op";
    op->getLoc()->walk([&](Location loc) {
      if (auto named = dyn_cast<NameLoc>(loc)) {
        node = named.getName().str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    prefix =
        "node '" + node + "' (" + op->getName().getStringRef().str() + "): ";
  }

  Size operandDim(unsigned operand, int64_t dim) {
    Value value = op->getOperand(operand);
    return {value, dim, typeOf(value).getDimSize(dim),
            "dim " + std::to_string(dim) + " of operand " +
                std::to_string(operand)};
  }

  /// Checks that `a` equals `b` when one of them is only known at run time.
  void requireEqual(const Size &a, const Size &b, StringRef why) {
    if (!a.isDynamic() && !b.isDynamic())
      return;
    if (a.tensor == b.tensor && a.dim == b.dim)
      return;
    Value condition =
        dlg::EqualOp::create(builder, op->getLoc(), value(a), value(b));
    std::string expected =
        b.isDynamic() ? b.what : std::to_string(b.staticSize);
    dlg::CheckOp::create(builder, op->getLoc(), condition,
                         prefix + "the run-time size of " + a.what +
                             " differs from " + expected + " (" + why.str() +
                             ")");
  }

  /// Checks that the element count of `input` is `count`.
  void requireElementCount(Value input, int64_t count) {
    RankedTensorType type = typeOf(input);
    Value product = constant(1);
    for (int64_t d = 0; d < type.getRank(); ++d)
      product = dlg::MulOp::create(builder, op->getLoc(), product,
                                   value({input, d, type.getDimSize(d), ""}));
    Value condition =
        dlg::EqualOp::create(builder, op->getLoc(), product, constant(count));
    dlg::CheckOp::create(builder, op->getLoc(), condition,
                         prefix + "the input does not have the " +
                             std::to_string(count) +
                             " elements of the result shape at run time");
  }

  /// `operands` broadcast (numpy rules, aligned right) to `resultShape`,
  /// whose dynamic dims take their size from `sources`.
  void requireBroadcast(ArrayRef<unsigned> operands,
                        ArrayRef<int64_t> resultShape,
                        llvm::function_ref<Size(size_t)> sourceOf) {
    for (unsigned operand : operands) {
      RankedTensorType type = typeOf(op->getOperand(operand));
      size_t offset = resultShape.size() - type.getRank();
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        int64_t result = resultShape[offset + d];
        Size expected = ShapedType::isDynamic(result)
                            ? sourceOf(offset + d)
                            : Size{nullptr, 0, result, ""};
        requireEqual(operandDim(operand, d), expected,
                     "a dynamic dim broadcasts only to its own size");
      }
    }
  }

  /// The first of `operands` whose aligned dim `d` (of a rank-`rank`
  /// result) is dynamic, as the lowering takes the size from it.
  Size firstDynamic(ArrayRef<unsigned> operands, size_t rank, size_t d) {
    for (unsigned operand : operands) {
      RankedTensorType type = typeOf(op->getOperand(operand));
      int64_t aligned = int64_t(d) - int64_t(rank - type.getRank());
      if (aligned >= 0 && type.isDynamicDim(aligned))
        return operandDim(operand, aligned);
    }
    return {};
  }

private:
  Value constant(int64_t v) {
    auto type = RankedTensorType::get({}, builder.getI64Type());
    return dlg::ConstantOp::create(
        builder, op->getLoc(),
        DenseElementsAttr::get(type, ArrayRef<int64_t>{v}));
  }
  Value value(const Size &size) {
    if (!size.tensor || !size.isDynamic())
      return constant(size.tensor ? typeOf(size.tensor).getDimSize(size.dim)
                                  : size.staticSize);
    return dlg::DimOp::create(builder, op->getLoc(), size.tensor, size.dim);
  }

  Operation *op;
  OpBuilder builder;
  std::string prefix;
};

void checkBroadcasting(Operation *op) {
  CheckBuilder checks(op);
  SmallVector<unsigned> operands;
  for (unsigned i = 0; i < op->getNumOperands(); ++i)
    operands.push_back(i);
  ArrayRef<int64_t> shape = typeOf(op->getResult(0)).getShape();
  checks.requireBroadcast(operands, shape, [&](size_t d) {
    return checks.firstDynamic(operands, shape.size(), d);
  });
}

/// dlg.matmul and dlg.matmul_integer.
void checkMatMul(Operation *op) {
  CheckBuilder checks(op);
  RankedTensorType lhs = typeOf(op->getOperand(0)),
                   rhs = typeOf(op->getOperand(1));
  int64_t lhsK = lhs.getRank() - 1;
  int64_t rhsK = rhs.getRank() == 1 ? 0 : rhs.getRank() - 2;
  checks.requireEqual(checks.operandDim(0, lhsK), checks.operandDim(1, rhsK),
                      "the contracted dims of matmul");
  // Batch dims broadcast like elementwise operands.
  RankedTensorType out = typeOf(op->getResult(0));
  int64_t batchRank = out.getRank() - (lhs.getRank() == 1 ? 0 : 1) -
                      (rhs.getRank() == 1 ? 0 : 1);
  ArrayRef<int64_t> batch = out.getShape().take_front(batchRank);
  auto sides = {std::make_pair(0u, lhs), std::make_pair(1u, rhs)};
  auto sourceOf = [&](size_t d) -> Size {
    for (auto [operand, type] : sides) {
      int64_t own = type.getRank() - (type.getRank() == 1 ? 1 : 2);
      int64_t aligned = int64_t(d) - (batchRank - own);
      if (aligned >= 0 && type.isDynamicDim(aligned))
        return checks.operandDim(operand, aligned);
    }
    return {};
  };
  for (auto [operand, type] : sides) {
    int64_t own = type.getRank() - (type.getRank() == 1 ? 1 : 2);
    for (int64_t d = 0; d < own; ++d) {
      if (!type.isDynamicDim(d))
        continue;
      int64_t result = batch[batchRank - own + d];
      Size expected = ShapedType::isDynamic(result)
                          ? sourceOf(batchRank - own + d)
                          : Size{nullptr, 0, result, ""};
      checks.requireEqual(checks.operandDim(operand, d), expected,
                          "a dynamic batch dim broadcasts only to its own "
                          "size");
    }
  }
}

void checkGemm(dlg::GemmOp op) {
  CheckBuilder checks(op);
  int64_t aK = op.getTransA() ? 0 : 1, bK = op.getTransB() ? 1 : 0;
  checks.requireEqual(checks.operandDim(0, aK), checks.operandDim(1, bK),
                      "the contracted dims of gemm");
  if (!op.getC())
    return;
  Size m = checks.operandDim(0, op.getTransA() ? 1 : 0);
  Size n = checks.operandDim(1, op.getTransB() ? 0 : 1);
  checks.requireBroadcast({2}, op.getType().getShape(),
                          [&](size_t d) { return d == 0 ? m : n; });
}

void checkConcat(dlg::ConcatOp op) {
  CheckBuilder checks(op);
  RankedTensorType type = op.getType();
  int64_t axis = *dlg::normalizeAxis(op.getAxis(), type.getRank());
  for (unsigned i = 0; i < op->getNumOperands(); ++i)
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (d != axis)
        checks.requireEqual(checks.operandDim(i, d),
                            type.isDynamicDim(d)
                                ? checks.firstDynamic({0}, type.getRank(), d)
                                : Size{nullptr, 0, type.getDimSize(d), ""},
                            "concatenated tensors agree off the axis");
}

void checkBatchNorm(dlg::BatchNormOp op) {
  CheckBuilder checks(op);
  for (unsigned i = 1; i < op->getNumOperands(); ++i)
    checks.requireEqual(checks.operandDim(0, 1), checks.operandDim(i, 0),
                        "one statistic per channel");
}

struct InsertDynamicDimChecksPass
    : impl::InsertDynamicDimChecksBase<InsertDynamicDimChecksPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (!isa_and_nonnull<dlg::DlgDialect>(op->getDialect()))
        return;
      bool dynamic = llvm::any_of(op->getOperandTypes(), [](Type type) {
        auto shaped = dyn_cast<RankedTensorType>(type);
        return shaped && !shaped.hasStaticShape();
      });
      if (dynamic)
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (op->hasTrait<OpTrait::DlgBroadcastsOperands>() ||
          isa<dlg::LayerNormOp>(op)) {
        checkBroadcasting(op);
      } else if (isa<dlg::MatMulOp, dlg::MatMulIntegerOp>(op)) {
        checkMatMul(op);
      } else if (auto gemm = dyn_cast<dlg::GemmOp>(op)) {
        checkGemm(gemm);
      } else if (auto concat = dyn_cast<dlg::ConcatOp>(op)) {
        checkConcat(concat);
      } else if (auto batchNorm = dyn_cast<dlg::BatchNormOp>(op)) {
        checkBatchNorm(batchNorm);
      } else if (auto reshape = dyn_cast<dlg::ReshapeOp>(op)) {
        if (reshape.getType().hasStaticShape())
          CheckBuilder(op).requireElementCount(
              reshape.getInput(), reshape.getType().getNumElements());
      }
    }
  }
};

} // namespace
} // namespace dlc
