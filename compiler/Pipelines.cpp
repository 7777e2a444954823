//===- Pipelines.cpp - Compilation phases and pipelines -------------------===//

#include "compiler/Pipelines.h"

#include "codegen/Passes.h"
#include "passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dlc {

static constexpr std::pair<Phase, llvm::StringLiteral> kPhaseNames[] = {
    {Phase::Import, "import"},     {Phase::Graph, "graph"},
    {Phase::Optimize, "optimize"}, {Phase::Lower, "lower"},
    {Phase::Codegen, "codegen"},   {Phase::Link, "link"}};

std::optional<Phase> parsePhase(StringRef name) {
  for (auto [phase, phaseName] : kPhaseNames)
    if (phaseName == name)
      return phase;
  return std::nullopt;
}

StringRef phaseName(Phase phase) {
  for (auto [p, name] : kPhaseNames)
    if (p == phase)
      return name;
  return "unknown";
}

std::string phaseNames() {
  std::string names;
  for (auto [phase, name] : kPhaseNames)
    names += (names.empty() ? "" : ", ") + name.str();
  return names;
}

void buildGraphPipeline(OpPassManager &pm, const PipelineOptions &) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createSimplifyReshapes());
  pm.addPass(createCSEPass());
}

void buildOptimizePipeline(OpPassManager &pm, const PipelineOptions &) {
  // Attention first: it claims matmuls and softmax that the contraction and
  // reduction fusions would otherwise split.
  pm.addPass(createFoldBatchNorm());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createFuseAttention());
  pm.addPass(createFuseContractions());
  pm.addPass(createFuseReductions());
  pm.addPass(createFuseElementwiseChains());
}

void buildLowerPipeline(OpPassManager &pm, const PipelineOptions &options) {
  // Before the interface is recorded: it numbers every check.
  pm.addPass(createInsertDynamicDimChecks());
  pm.addPass(createRecordModelInterface(RecordModelInterfaceOptions{
      options.entry,
      options.device == "cuda" ? "cuda " + options.gpuChip : ""}));
  pm.addPass(createConvertDlgToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createFuseElementwise());
  pm.addPass(createCSEPass());
}

/// One-shot bufferization of the whole module, function boundaries
/// included, with identity layouts at the boundaries; then the model ABI's
/// outputs and deallocation.
static void addBufferization(OpPassManager &pm, llvm::StringRef entry) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // The default bottom-up analysis is quadratic in the ops of a function
  // (400 layers: 7 s); top-down takes 0.6 s and decides the same in-place
  // writes on destination-passing linalg IR.
  bufferize.analysisHeuristic = "top-down";
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(createCpuUniqueResultBuffers());
  // Static outputs become caller storage; dynamic ones stay results that
  // the model allocates and the caller frees (ModelABI.h).
  pm.addPass(createCpuStaticResultsToOutParams(
      CpuStaticResultsToOutParamsOptions{entry.str()}));
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createCanonicalizerPass());
}

/// Memrefs to the LLVM dialect. aligned_alloc returns the aligned pointer
/// itself: a returned dynamic output's data then starts at its allocated
/// pointer, which the caller frees with free() (ModelABI.h). malloc plus
/// manual alignment would not.
static void addMemRefToLLVM(OpPassManager &pm) {
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
}

void buildCpuCodegenPipeline(OpPassManager &pm,
                             const PipelineOptions &options) {
  pm.addPass(createCpuApproximateMath());
  if (options.ukernelIsa != "none")
    pm.addPass(createCpuConvolutionsToGemm());
  pm.addPass(createCpuDuplicateSharedFills());
  pm.addPass(createCpuInterchangeWindowReductions());
  addBufferization(pm, options.entry);
  if (options.ukernelIsa != "none")
    pm.addPass(createCpuLowerContractionsToUkernels(
        CpuLowerContractionsToUkernelsOptions{options.ukernelIsa}));

  pm.addPass(createCpuFlattenConstantGlobals());
  pm.addNestedPass<func::FuncOp>(createCpuExpandMemrefCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createCpuSerializeNestedParallel(
      CpuSerializeNestedParallelOptions{options.minParallelWork}));
  pm.addPass(createCpuOutlineLoopNests());
  if (options.parallel)
    pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  // Expanding strided metadata computes offsets with affine.apply.
  pm.addPass(createLowerAffinePass());
  addMemRefToLLVM(pm);
  pm.addPass(createCpuAnnotateParallelLoops());
  pm.addPass(createSCFToControlFlowPass());
  // math.ipowi has no LLVM intrinsic or libm function: expand it first.
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  // The default calling convention: dynamically shaped memrefs cannot be
  // bare pointers. Sizes and strides of static types are constants in the
  // callee, so static models lose nothing.
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCpuEmitModelEntry(CpuEmitModelEntryOptions{options.entry}));
  pm.addPass(createCanonicalizerPass());
}

void buildCudaCodegenPipeline(OpPassManager &pm,
                              const PipelineOptions &options) {
  // Polynomials instead of libdevice calls for exp, tanh, erf and log.
  pm.addPass(createCpuApproximateMath());
  if (options.gpuPrecision == "bf16" || options.gpuPrecision == "fp16")
    pm.addPass(createDemoteContractionOperands(DemoteContractionOperandsOptions{
        options.gpuPrecision == "bf16" ? "bf16" : "f16"}));
  pm.addPass(createCpuDuplicateSharedFills());
  // (The runtime refuses CUDA models with dynamic outputs.)
  addBufferization(pm, options.entry);
  pm.addNestedPass<func::FuncOp>(
      createGpuLowerMatmulToMma(GpuLowerMatmulToMmaOptions{
          options.gpuPrecision, options.gpuChip}));
  pm.addNestedPass<func::FuncOp>(createCpuExpandMemrefCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createGpuVectorizeParallelLoops());
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsToThreads());
  // math.ipowi has no NVVM lowering: a helper function, which outlining
  // copies into the kernel module.
  pm.addPass(createConvertMathToFuncs());
  // Pattern passes hoisted the kernels' constants into the host function
  // (gpu.launch is not isolated): sunk back, they stay compile-time
  // constants (as kernel arguments, divisions by them were real divisions).
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  // Before outlining, as upstream's gpu-lower-to-nvvm-pipeline: a TMA
  // descriptor that the host creates reaches its kernel as a pointer.
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createGpuMergeKernelModules());
  // Shared-memory globals that outlining copied into kernel modules.
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  GpuNVVMAttachTargetOptions nvvmTarget;
  nvvmTarget.chip = options.gpuChip;
  // PTX ISA 7.8 has every sm_80 instruction; sm_90a needs 8.0.
  nvvmTarget.features = options.gpuChip == "sm_90a" ? "+ptx80" : "+ptx78";
  nvvmTarget.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(nvvmTarget));
  // Kernel bodies to the LLVM dialect (the order of upstream's
  // gpu-lower-to-nvvm-pipeline: structured control flow and arith first).
  // (cf-to-llvm runs on modules only; the host code has no cf ops yet.)
  pm.addNestedPass<gpu::GPUModuleOp>(createSCFToControlFlowPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createGpuReplaceLibdeviceCalls());
  // Vector construction leaves ub.poison behind.
  kernels.addPass(createUBToLLVMConversionPass());
  kernels.addPass(createConvertNVVMToLLVMPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions toBinary;
  toBinary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(toBinary));
  pm.addPass(createGpuAssembleKernels(
      GpuAssembleKernelsOptions{options.gpuPtxas}));

  // Host code: device buffers and launches through the runtime's table.
  addMemRefToLLVM(pm);
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createGpuLowerHostToRuntime());
  pm.addPass(createCpuEmitModelEntry(CpuEmitModelEntryOptions{options.entry}));
  pm.addPass(createCanonicalizerPass());
}

void buildPhasePipeline(OpPassManager &pm, Phase phase,
                        const PipelineOptions &options) {
  switch (phase) {
  case Phase::Graph:
    return buildGraphPipeline(pm, options);
  case Phase::Optimize:
    return buildOptimizePipeline(pm, options);
  case Phase::Lower:
    return buildLowerPipeline(pm, options);
  case Phase::Codegen:
    return buildCpuCodegenPipeline(pm, options);
  case Phase::Import:
  case Phase::Link:
    return;
  }
}

void registerPipelines() {
  PassPipelineRegistration<PipelineOptions>(
      "dlc-graph-pipeline", "Graph phase: canonicalize and simplify dlg",
      buildGraphPipeline);
  PassPipelineRegistration<PipelineOptions>(
      "dlc-optimize-pipeline", "Optimize phase on dlg", buildOptimizePipeline);
  PassPipelineRegistration<PipelineOptions>(
      "dlc-lower-pipeline", "Lower phase: dlg to linalg on tensors",
      buildLowerPipeline);
  PassPipelineRegistration<PipelineOptions>(
      "dlc-cpu-codegen-pipeline",
      "Codegen phase for the CPU: bufferize, parallelize, lower to LLVM",
      buildCpuCodegenPipeline);
  PassPipelineRegistration<PipelineOptions>(
      "dlc-cuda-codegen-pipeline",
      "Codegen phase for CUDA: bufferize, map loops to GPU threads, lower "
      "kernels to NVVM and PTX",
      buildCudaCodegenPipeline);
}

} // namespace dlc
