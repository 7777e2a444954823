//===- Passes.h - dlc codegen passes ----------------------------*- C++ -*-===//

#ifndef DLC_CODEGEN_PASSES_H
#define DLC_CODEGEN_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace dlc {

#define GEN_PASS_DECL
#include "codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/Passes.h.inc"

/// Marks an scf.for whose iterations are independent (a parallel dimension).
inline constexpr llvm::StringLiteral kParallelLoopAttr = "dlc.parallel";

/// Marks a function LLVM must not inline (outlined loop nests); the
/// entry-emitting pass turns it into llvm.func's `no_inline`.
inline constexpr llvm::StringLiteral kNoInlineAttr = "dlc.no_inline";

/// The memref function type of the entry function after
/// dlc-cpu-static-results-to-out-params, which dlc-cpu-emit-model-entry reads
/// on the lowered llvm.func.
inline constexpr llvm::StringLiteral kMemRefSignatureAttr =
    "dlc.memref_signature";

inline void registerCodegenPasses() { registerDlcCodegenPasses(); }

} // namespace dlc

#endif // DLC_CODEGEN_PASSES_H
