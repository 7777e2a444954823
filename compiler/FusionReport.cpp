//===- FusionReport.cpp - The kernels of a model after fusion -------------===//

#include "compiler/FusionReport.h"
#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace dlc {
namespace {

/// Elements of `type`, a dynamic dim counting as 1.
int64_t numElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return 0;
  int64_t count = 1;
  for (int64_t dim : shaped.getShape())
    count *= ShapedType::isDynamic(dim) ? 1 : dim;
  return count;
}

int64_t numBytes(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.getElementType().isIntOrFloat())
    return 0;
  return (numElements(type) * shaped.getElementType().getIntOrFloatBitWidth() +
          7) /
         8;
}

int64_t product(ArrayRef<int64_t> values) {
  int64_t p = 1;
  for (int64_t v : values)
    p *= ShapedType::isDynamic(v) ? 1 : v;
  return p;
}

/// The FLOPs of one dlg op (see FusionReport.h for the counts).
int64_t countFlops(Operation *op) {
  if (op->getNumResults() == 0)
    return 0;
  int64_t out = numElements(op->getResult(0).getType());
  if (auto matmul = dyn_cast<dlg::MatMulOp>(op)) {
    ArrayRef<int64_t> lhs = matmul.getLhs().getType().getShape();
    return 2 * out * product(lhs.take_back(1));
  }
  if (auto gemm = dyn_cast<dlg::GemmOp>(op)) {
    ArrayRef<int64_t> a = gemm.getA().getType().getShape();
    int64_t k = a.size() == 2 ? a[gemm.getTransA() ? 0 : 1] : 1;
    k = ShapedType::isDynamic(k) ? 1 : k;
    return 2 * out * k + (gemm.getC() ? out : 0);
  }
  if (auto conv = dyn_cast<dlg::ConvOp>(op)) {
    ArrayRef<int64_t> w = conv.getWeight().getType().getShape();
    int64_t perOutput = w.empty() ? 0 : product(w.drop_front());
    return 2 * out * perOutput + (conv.getBias() ? out : 0);
  }
  if (isa<dlg::SoftmaxOp>(op))
    return 5 * out;
  if (isa<dlg::LayerNormOp>(op))
    return 8 * out;
  if (isa<dlg::BatchNormOp>(op))
    return 2 * out;
  if (isa<dlg::ReduceSumOp, dlg::ReduceMeanOp, dlg::ReduceMaxOp,
          dlg::ReduceMinOp, dlg::ReduceProdOp, dlg::GlobalAvgPoolOp>(op))
    return numElements(op->getOperand(0).getType());
  if (auto pool = dyn_cast<dlg::MaxPoolOp>(op))
    return out * product(pool.getKernelShape());
  if (auto pool = dyn_cast<dlg::AvgPoolOp>(op))
    return out * product(pool.getKernelShape());
  bool elementwise =
      op->hasTrait<OpTrait::DlgBroadcastsOperands>() ||
      isa<dlg::CastOp, dlg::ClipOp, dlg::LeakyReluOp, dlg::GeluOp>(op) ||
      (op->hasTrait<OpTrait::SameOperandsAndResultType>() &&
       op->getNumOperands() == 1);
  return elementwise ? out : 0;
}

/// Ops that no kernel computes: constants and shape reinterpretations.
bool isFree(Operation *op) {
  return isa<dlg::ConstantOp, dlg::ReshapeOp, dlg::FlattenOp, dlg::SqueezeOp,
             dlg::UnsqueezeOp, dlg::DimOp, dlg::DynamicReshapeOp, dlg::CheckOp>(
      op);
}

/// The ONNX node names in `loc`, in order, without repeats.
std::string nodeNames(Location loc) {
  llvm::SetVector<StringRef> names;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l))
      names.insert(named.getName().strref());
    return WalkResult::advance();
  });
  std::string text;
  for (StringRef name : names)
    text += (text.empty() ? "" : ", ") + name.str();
  return text;
}

struct Row {
  std::string kind;
  int64_t ops = 1;
  int64_t flops = 0;
  int64_t bytes = 0;
  std::string nodes;
};

Row makeRow(Operation *op) {
  Row row;
  row.nodes = nodeNames(op->getLoc());
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    row.bytes += numBytes(type);
  if (auto fusion = dyn_cast<dlg::FusionOp>(op)) {
    row.kind = fusion.getKind().str();
    row.ops = 0;
    for (Operation &inner : fusion.getBlock().without_terminator()) {
      row.flops += countFlops(&inner);
      row.ops += !isFree(&inner);
    }
  } else {
    row.kind = op->getName().stripDialect().str();
    row.flops = countFlops(op);
  }
  return row;
}

} // namespace

void printFusionReport(ModuleOp module, llvm::raw_ostream &os) {
  for (auto func : module.getOps<func::FuncOp>()) {
    std::vector<Row> rows;
    int64_t fusions = 0;
    for (Operation &op : func.getOps()) {
      if (!isa_and_nonnull<dlg::DlgDialect>(op.getDialect()) || isFree(&op))
        continue;
      fusions += isa<dlg::FusionOp>(op);
      rows.push_back(makeRow(&op));
    }
    os << "fusion report for @" << func.getSymName() << ": " << rows.size()
       << " kernels, " << fusions << " of them fusions\n";
    os << llvm::format("%5s  %-16s %4s %14s %14s  %s\n", "#", "kind", "ops",
                       "FLOPs", "bytes", "ONNX nodes");
    int64_t flops = 0, bytes = 0;
    for (auto [i, row] : llvm::enumerate(rows)) {
      os << llvm::format("%5zu  %-16s %4lld %14lld %14lld  %s\n", i,
                         row.kind.c_str(), (long long)row.ops,
                         (long long)row.flops, (long long)row.bytes,
                         row.nodes.c_str());
      flops += row.flops;
      bytes += row.bytes;
    }
    os << llvm::format("%5s  %-16s %4s %14lld %14lld\n", "", "total", "",
                       (long long)flops, (long long)bytes);
  }
}

} // namespace dlc
