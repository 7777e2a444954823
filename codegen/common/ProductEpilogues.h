//===- ProductEpilogues.h - What a product kernel can absorb ----*- C++ -*-===//
//
// Matching on bufferized linalg IR, shared by the CPU ukernel lowering and
// the GPU matrix-product kernels: the zero fill a product starts from, and
// the elementwise consumer (bias, residual, clamp) that the kernel can apply
// to its results before storing them.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_COMMON_PRODUCTEPILOGUES_H
#define DLC_CODEGEN_COMMON_PRODUCTEPILOGUES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>
#include <optional>

namespace dlc {

/// The buffer `view` reshapes: collapse and expand views cover all of it.
mlir::Value reshapedBuffer(mlir::Value view);

/// The allocation or argument any view (subviews included) is part of.
mlir::Value underlyingBuffer(mlir::Value view);

/// The constant a kernel starts its output from, or reads as padding: zero
/// (sums), or -inf (max pooling).
enum class InitValue { kZero, kNegativeInfinity };

/// Whether `value` is the constant `init`.
bool isInitValue(mlir::Value value, InitValue init);

/// The fill of `buffer` with `init` that the product `op` may absorb: the
/// nearest preceding op that writes memory, if it is that fill.
mlir::linalg::FillOp absorbableFill(mlir::Operation *op, mlir::Value buffer,
                                    InitValue init = InitValue::kZero);

/// Whether an op strictly between `from` and `to` (same block), other than
/// `except`, may write memory of `buffer`'s allocation.
bool writtenBetween(mlir::Operation *from, mlir::Operation *to,
                    mlir::Value buffer, mlir::Operation *except = nullptr);

/// Whether `op` writes the constant `init` to all of its one init: a
/// linalg.fill, or a linalg.map yielding it (bufferized tensor.pad).
bool isConstantInit(mlir::Operation *op, InitValue init = InitValue::kZero);

/// How a bias vector is indexed; the values are the ukernels' bias modes.
enum class BiasMode : int32_t { kNone = 0, kRow = 1, kColumn = 2 };

/// The role of an output dim in the kernel's (batch, row, column) view.
enum class OutputDim { kBatch, kRow, kColumn, kOther };

/// An elementwise consumer of a product's buffer that the call applies as
/// its epilogue: out = clamp(product + bias + residual, lo, hi).
struct Epilogue {
  mlir::linalg::GenericOp consumer;
  mlir::Value output; // Where the call writes: the consumer's init.
  mlir::Value bias;
  BiasMode biasMode = BiasMode::kNone;
  mlir::Value residual;
  // The residual is the output itself: the call accumulates into it.
  bool residualIsOutput = false;
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
};

/// Matches the consumer of `product` (the result buffer of `producer`,
/// whose dims play the roles `dims`) that can become the kernel's epilogue.
/// `zeroInit`: the product starts from zero (its fill is absorbed).
std::optional<Epilogue> matchEpilogue(mlir::Operation *producer,
                                      mlir::Value product,
                                      llvm::ArrayRef<OutputDim> dims,
                                      mlir::ValueRange producerInputs,
                                      bool zeroInit);

/// Erases what a kernel replaced: the product's op and fill, its epilogue
/// consumer, and the product's buffer when the consumer wrote elsewhere.
void eraseReplaced(mlir::IRRewriter &rewriter, mlir::Operation *op,
                   mlir::linalg::FillOp fill,
                   const std::optional<Epilogue> &epilogue,
                   mlir::Value product);

} // namespace dlc

#endif // DLC_CODEGEN_COMMON_PRODUCTEPILOGUES_H
