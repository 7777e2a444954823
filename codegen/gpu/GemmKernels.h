//===- GemmKernels.h - Tensor-core GEMM kernels as gpu.launch ---*- C++ -*-===//
//
// The kernels dlc-gpu-lower-matmul-to-mma builds for a matched product:
// `mma.sync` with a cp.async pipeline (sm_80 and later), and `wgmma` with
// TMA and mbarriers (sm_90a). Both apply the product's epilogue in
// registers before their only store of C.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_GPU_GEMMKERNELS_H
#define DLC_CODEGEN_GPU_GEMMKERNELS_H

#include "codegen/common/ProductEpilogues.h"

#include "mlir/IR/Builders.h"

#include <optional>

namespace dlc {

/// Roles of an operand's memref dims (Gemm::aDims and friends): a tile row,
/// the tile column (the innermost, contiguous dim), or batch loop i >= 0.
constexpr int64_t kRowDim = -1, kColumnDim = -2;

/// C(m, n) += A(m, k) x B(k, n) on row-major buffers; C is f32 and A and B
/// are f32, bf16 or f16 alike, or C is i32 and A and B are 8-bit integers.
struct Gemm {
  mlir::Value a, b, c;
  int64_t m = 0, n = 0, k = 0;
  mlir::Type inputType;
  /// B is stored N x K (transposed).
  bool transposeB = false;
  /// 8-bit operands that are zero-extended (uint8) rather than
  /// sign-extended.
  bool unsignedA = false, unsignedB = false;
  /// Batched products: the batch loops' sizes, and for each memref dim of A,
  /// B and C its role. Without batch loops the roles are empty: A and C may
  /// have several leading m dims, which the builders collapse.
  llvm::SmallVector<int64_t> batch;
  llvm::SmallVector<int64_t> aDims, bDims, cDims;
  /// How many trailing dims of B and C form the column dim (several for a
  /// 1x1 convolution's pixels); the roles count them as one, and the
  /// builders get B and C with them collapsed.
  int64_t collapsedColumns = 1;

  /// A convolution as an implicit GEMM: A is the filter as F x (C*KH*KW),
  /// C the output as N x F x (OH*OW) (batch loop 0 is the image), and B's
  /// tiles are gathered from the NCHW `input` (`b` is unused).
  struct Convolution {
    mlir::Value input;
    int64_t height, width, kernelH, kernelW, strideH, strideW, dilationH,
        dilationW, outW;
  };
  std::optional<Convolution> conv;
};

/// What a kernel does with its sums before storing them (see
/// ProductEpilogues.h); operands are collapsed like C.
struct KernelEpilogue {
  bool accumulate = true; // Add C's old value.
  mlir::Value bias;       // 1-D, indexed by row or column.
  BiasMode biasMode = BiasMode::kNone;
  mlir::Value residual; // 2-D like C.
  std::optional<float> lo, hi;
};

/// Index arithmetic for the kernel builders.
class IndexMath {
protected:
  IndexMath(mlir::OpBuilder &b, mlir::Location loc) : b(b), loc(loc) {}
  mlir::Value index(int64_t value);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, int64_t y);
  mlir::Value div(mlir::Value x, int64_t y); // Unsigned.
  mlir::Value rem(mlir::Value x, int64_t y); // Unsigned.

  mlir::OpBuilder &b;
  mlir::Location loc;
};

/// `value` (identity layout) with its leading dims collapsed into one, so
/// that it has `rank` (1 or 2) dims.
mlir::Value collapseTo(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value, int64_t rank);

/// `epilogue` applied to `sums`, an f32 or a vector of f32 holding C at
/// `cIndices` (row `row`, column `col`) and the columns after it; returns
/// what to store. The residual is indexed like C.
mlir::Value applyEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value sums, mlir::Value c,
                          mlir::ValueRange cIndices, mlir::Value row,
                          mlir::Value col, const KernelEpilogue &epilogue);

/// Whether the mma.sync kernel takes `gemm` (TF32 for f32 inputs).
bool mmaSyncSupports(const Gemm &gemm);
/// Replaces nothing: creates, at `b`'s insertion point, the launch that
/// computes C = epilogue(A x B (+ C)) with mma.sync.
void buildMmaSyncGemm(mlir::OpBuilder &b, mlir::Location loc,
                      const Gemm &gemm, mlir::Value c,
                      const KernelEpilogue &epilogue);

/// Whether the sm_90a wgmma kernel takes `gemm` (bf16 or f16 inputs whose
/// rows TMA can address, B not transposed, no batch loops).
bool wgmmaSupports(const Gemm &gemm);
/// Like buildMmaSyncGemm, with wgmma, TMA and an mbarrier pipeline.
void buildWgmmaGemm(mlir::OpBuilder &b, mlir::Location loc, const Gemm &gemm,
                    mlir::Value c, const KernelEpilogue &epilogue);

} // namespace dlc

#endif // DLC_CODEGEN_GPU_GEMMKERNELS_H
