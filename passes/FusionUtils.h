//===- FusionUtils.h - Forming and inlining dlg.fusion regions --*- C++ -*-===//

#ifndef DLC_PASSES_FUSIONUTILS_H
#define DLC_PASSES_FUSIONUTILS_H

#include "dialects/dlg/IR/DlgOps.h"

#include "mlir/IR/PatternMatch.h"

namespace dlc {

/// Outlines `ops` (ops of one block, no regions) into a dlg.fusion of
/// `kind` placed at the last of them. Its operands are the values the ops
/// read from outside, its results the values used outside, and its location
/// fuses theirs. Fails, changing nothing, when a use outside precedes the
/// last op (moving the group would break dominance).
llvm::FailureOr<dlg::FusionOp> formFusion(mlir::RewriterBase &rewriter,
                                          llvm::ArrayRef<mlir::Operation *> ops,
                                          llvm::StringRef kind);

/// Inlines the body of every dlg.fusion under `root` in its place.
void inlineFusions(mlir::Operation *root);

/// Whether `op` is already inside a dlg.fusion.
inline bool isFused(mlir::Operation *op) {
  return op->getParentOfType<dlg::FusionOp>() != nullptr;
}

/// The value of a dlg.constant with one value (one element or a splat).
std::optional<double> getScalarConstant(mlir::Value value);

/// Whether `value` is produced by a dlg.constant.
bool isConstant(mlir::Value value);

/// Whether `op` is an elementwise dlg op (unary, binary with broadcasting,
/// where, cast, clip...) that a fused loop nest computes per element.
bool isElementwise(mlir::Operation *op);

/// The single user of `value`, or null when it has none or several (a user
/// with two uses of the value counts as one).
mlir::Operation *getSingleUser(mlir::Value value);

/// Grows `seed` (ops of one block) over the ops `canJoin` accepts: a
/// producer joins when all its users are in the group, a consumer when its
/// other operands are constants or defined before the group (so the group
/// never depends on itself through an outside op).
llvm::SmallVector<mlir::Operation *>
growGroup(llvm::ArrayRef<mlir::Operation *> seed,
          llvm::function_ref<bool(mlir::Operation *)> canJoin);

/// formFusion of `ops`, dropping the last op until it succeeds; fails when
/// fewer than `minSize` ops remain.
llvm::FailureOr<dlg::FusionOp>
formLargestFusion(mlir::RewriterBase &rewriter,
                  llvm::ArrayRef<mlir::Operation *> ops, llvm::StringRef kind,
                  size_t minSize);

} // namespace dlc

#endif // DLC_PASSES_FUSIONUTILS_H
