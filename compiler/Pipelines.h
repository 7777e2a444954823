//===- Pipelines.h - Compilation phases and pipelines -----------*- C++ -*-===//
//
// The phases of dlc, in order, and the pass pipeline that runs each one. Every
// pipeline is registered so `dlc-opt --dlc-<phase>-pipeline` reproduces it.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_PIPELINES_H
#define DLC_COMPILER_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <optional>

namespace dlc {

enum class Phase {
  Import,   ///< ONNX -> dlg, as imported.
  Graph,    ///< Canonicalized, folded, shape-simplified dlg.
  Optimize, ///< Fusion, precision and layout decisions on dlg.
  Lower,    ///< linalg/tensor on tensors.
  Codegen,  ///< Target dialects down to LLVM dialect.
  Link,     ///< Object code and the shared library.
};

std::optional<Phase> parsePhase(llvm::StringRef name);
llvm::StringRef phaseName(Phase phase);
/// "import, graph, ..." for help texts and diagnostics.
std::string phaseNames();

struct PipelineOptions : mlir::PassPipelineOptions<PipelineOptions> {
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("Name of the model function"),
                            llvm::cl::init("main_graph")};
  Option<bool> parallel{*this, "parallel",
                        llvm::cl::desc("Run outer loops on all cores (OpenMP)"),
                        llvm::cl::init(true)};
  Option<int64_t> minParallelWork{
      *this, "min-parallel-work",
      llvm::cl::desc("Innermost iterations below which a loop nest runs on "
                     "one thread"),
      llvm::cl::init(16384)};
  Option<std::string> device{
      *this, "device",
      llvm::cl::desc("The device the model runs on, recorded in its "
                     "metadata: cpu, or cuda for the CUDA pipeline"),
      llvm::cl::init("cpu")};
  Option<std::string> gpuChip{
      *this, "gpu-chip",
      llvm::cl::desc("GPU architecture of the CUDA pipeline (sm_80, sm_90a)"),
      llvm::cl::init("sm_80")};
  Option<std::string> gpuPrecision{
      *this, "gpu-precision",
      llvm::cl::desc("Precision of GPU matrix products: fp32 (exact, SIMT), "
                     "tf32, bf16 or fp16 (tensor cores)"),
      llvm::cl::init("fp32")};
  Option<std::string> gpuPtxas{
      *this, "gpu-ptxas",
      llvm::cl::desc("ptxas to assemble CUDA kernels into cubins with (empty: "
                     "models carry PTX only)"),
      llvm::cl::init("")};
  Option<std::string> ukernelIsa{
      *this, "ukernel-isa",
      llvm::cl::desc("Instruction set for CPU ukernels: none (generated "
                     "loops only), generic, avx2 or avx512"),
      llvm::cl::init("none")};
};

void buildGraphPipeline(mlir::OpPassManager &pm,
                        const PipelineOptions &options);
void buildOptimizePipeline(mlir::OpPassManager &pm,
                           const PipelineOptions &options);
void buildLowerPipeline(mlir::OpPassManager &pm,
                        const PipelineOptions &options);
void buildCpuCodegenPipeline(mlir::OpPassManager &pm,
                             const PipelineOptions &options);
void buildCudaCodegenPipeline(mlir::OpPassManager &pm,
                              const PipelineOptions &options);

/// Adds the pipeline of `phase` alone (Import and Link add nothing).
void buildPhasePipeline(mlir::OpPassManager &pm, Phase phase,
                        const PipelineOptions &options);

void registerPipelines();

} // namespace dlc

#endif // DLC_COMPILER_PIPELINES_H
