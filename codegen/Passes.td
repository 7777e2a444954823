//===- Passes.td - dlc codegen passes ----------------------*- tablegen -*-===//

#ifndef DLC_CODEGEN_PASSES_TD
#define DLC_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Common lowering
//===----------------------------------------------------------------------===//

def ConvertDlgToLinalg : Pass<"dlc-codegen-convert-dlg-to-linalg"> {
  let summary = "Lowers dlg ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every dlg op into destination-passing linalg ops (mostly
    linalg.generic, so elementwise fusion and tiling apply uniformly), tensor
    reshapes and slices. Broadcasting is expressed in indexing maps and never
    materialized. An op that cannot be lowered is reported at its location.
    A dlg.check becomes an `scf.if` that stores its code to the entry
    function's status argument.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect"
  ];
}

def FuseElementwise : Pass<"dlc-codegen-fuse-elementwise"> {
  let summary = "Fuses elementwise linalg.generic producers into their consumers";
  let description = [{
    Like upstream linalg-fuse-elementwise-ops, but without recomputation:
    only producers whose single user is the consumer (a residual stream
    used by every layer would otherwise be recomputed from the embedding at
    each use), and only into consumers whose iterators are all parallel:
    fusing an elementwise producer into a contraction would recompute it
    once per reduction step (GELU before a matmul would evaluate erf K times
    per element). Transposes (generalized first) only move data and fuse
    into any consumer, so a matmul reads a transposed operand in place.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def RecordModelInterface : Pass<"dlc-codegen-record-model-interface",
                                 "mlir::ModuleOp"> {
  let summary = "Records the model's inputs and outputs as metadata text";
  let description = [{
    Writes the `dlc.model_metadata` module attribute: the metadata text of
    runtime/include/dlc/runtime/ModelABI.h, built from the entry function's
    tensor signature and its `dlc.name` argument and result attributes. It
    must run while the signature still has tensor types; the entry-emitting
    pass turns the attribute into the `dlc_model_metadata` symbol.

    Dynamic dimensions are recorded as `?` followed by their symbol name
    from the `dlc.dim_names` argument or result attribute (an array of one
    string per dimension, "" for anonymous dimensions; absent means all
    anonymous): `tensor<?x16xf32> {dlc.dim_names = ["batch", ""]}` gives
    the dims `?batch 16`.

    Statically shaped empty inputs and outputs (a dimension of size 0) carry
    no data; their arguments and results become `tensor<0xT>` after
    recording, which keeps their buffers trivially contiguous.

    Each dlg.check gets its code (`dlc.check_code`, 1, 2, ...) and a `check`
    record with its message, and the entry function gets a first argument,
    the `memref<i32>` status word (`dlc.status`) that failed checks write.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::tensor::TensorDialect"];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the function that implements the model">,
    Option<"device", "device", "std::string", /*default=*/"\"\"",
           "The `device` record's kind and architecture (\"cuda sm_80\"); "
           "none for CPU models">,
  ];
}

def DemoteContractionOperands : Pass<"dlc-codegen-demote-contraction-operands"> {
  let summary = "Rounds the f32 inputs of matrix products to bf16 or f16";
  let description = [{
    For `--precision=bf16|fp16`: every linalg.generic contraction on tensors
    with f32 inputs and an f32 output reads its two inputs rounded to
    `element-type` (to nearest even) and widens them back in its body, so
    that it multiplies narrow values and accumulates in f32 (what tensor
    cores do). NCHW convolutions (linalg.conv_2d_nchw_fchw) whose filter rows
    (C*KH*KW) are multiples of 8 read rounded inputs too, their f32
    accumulator unchanged. Constant inputs are rounded at compile time;
    others by an elementwise linalg.generic. Other ops keep f32.
  }];
  let options = [
    Option<"elementType", "element-type", "std::string", /*default=*/"\"bf16\"",
           "bf16 or f16">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// CPU
//===----------------------------------------------------------------------===//

def CpuExpandMemrefCopies : Pass<"dlc-cpu-expand-memref-copies",
                                  "mlir::func::FuncOp"> {
  let summary = "Turns memref.copy into linalg.copy";
  let description = [{
    Bufferization emits `memref.copy`, whose LLVM lowering calls a C runtime
    helper for strided copies. As linalg.copy the copy becomes a parallel,
    vectorizable loop nest instead, and the model needs no MLIR runtime.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def CpuOutlineLoopNests : Pass<"dlc-cpu-outline-loop-nests",
                                "mlir::ModuleOp"> {
  let summary = "Moves every top-level loop nest into its own function";
  let description = [{
    Each scf.parallel or result-less scf.for at the top level of a function
    body becomes a call to a new private function `<function>_nest<N>`.
    Constants and view-like ops (subview, expand/collapse_shape, get_global)
    that the nest uses are cloned into it, so the new function takes only
    the underlying buffers and scalars (such as dynamic sizes). LLVM's
    OpenMP outliner and its loop analyses (dominator and SCEV queries walk
    the enclosing function) then work on small functions: on one function
    holding every nest they take time quadratic in the model size.
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def CpuApproximateMath : Pass<"dlc-cpu-approximate-math"> {
  let summary = "Replaces libm calls with inline polynomials that vectorize";
  let description = [{
    `math.exp`, `expm1`, `tanh`, `erf`, `log` and `log1p` on f32 become
    upstream's polynomial approximations (accurate to a few ulp, the same
    kind onnxruntime's MLAS uses), and powers with constant exponents become
    multiplications and square roots (`x^3` = `x * x * x`). Left alone, each
    is a scalar libm call per element that keeps its loop from vectorizing:
    GELU and softmax then cost as much as the matrix products around them.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def CpuFlattenConstantGlobals : Pass<"dlc-cpu-flatten-constant-globals",
                                      "mlir::ModuleOp"> {
  let summary = "Stores every multi-dimensional memref.global as a 1-D array";
  let description = [{
    The LLVM dialect gives a `memref<64x3x7x7xf32>` global the nested type
    `!llvm.array<64 x array<3 x array<7 x array<7 x f32>>>>`, and LLVM
    uniques every innermost row of its initializer separately: ResNet-50's
    weights took more than a minute to translate. Each statically shaped,
    identity-layout global becomes one 1-D array with the same data (a
    resource blob is shared, not copied), and each `memref.get_global` of it
    a 1-D get plus a free `memref.expand_shape` to the original type.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def CpuDuplicateSharedFills : Pass<"dlc-cpu-duplicate-shared-fills"> {
  let summary = "Gives every user of a tensor linalg.fill its own fill";
  let description = [{
    CSE merges identical fills, so several products may start from one zero
    fill. One-shot bufferization would fill one buffer and copy it into each
    other product's buffer, a full extra pass per product. After this pass
    each user has its own `linalg.fill` (cloned right before it, or right
    after the original fill for a user in another block, such as a loop
    body), which bufferizes in place and which the ukernel lowering absorbs
    into its call.

    ```mlir
    %zero = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x64xf32>) -> ...
    %a = linalg.matmul ins(...) outs(%zero : ...)
    %b = linalg.matmul ins(...) outs(%zero : ...)
    // becomes: a second linalg.fill right before %b, used by %b only.
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def CpuInterchangeWindowReductions
    : Pass<"dlc-cpu-interchange-window-reductions"> {
  let summary = "Moves small window reductions outside the output row loop";
  let description = [{
    A `linalg.generic` whose loops are two or more parallel loops followed
    by reductions over a small static window (pooling:
    `(n, c, oh, ow, kh, kw)`) is
    interchanged so that the last parallel loop runs innermost
    (`(n, c, oh, kh, kw, ow)`). The innermost loop then walks the output row
    with independent iterations, which LLVM vectorizes, instead of a
    3x3 reduction it cannot. Applies only when the last parallel loop
    indexes the innermost dim of the output and of every data input (so the
    new innermost loop walks memory along rows, never across them), and the
    window has at most `max-window` points: long reductions (a row's sum, a
    matrix product's K) stay innermost. Every output element combines its
    window in the same order as before.

    ```mlir
    // iterator_types = ["parallel" x 4, "reduction", "reduction"] becomes
    // ["parallel" x 3, "reduction", "reduction", "parallel"]
    ```
  }];
  let options = [
    Option<"maxWindow", "max-window", "int64_t", /*default=*/"64",
           "Largest window (product of the reduction extents) moved outside">
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def CpuConvolutionsToGemm : Pass<"dlc-cpu-convolutions-to-gemm"> {
  let summary = "Rewrites f32 NCHW convolutions as im2col plus a matrix product";
  let description = [{
    Each `linalg.conv_2d_nchw_fchw` on f32 tensors becomes an im2col
    `linalg.generic` that gathers the input windows into an
    `[N, C*KH*KW, OH*OW]` tensor and a batched matrix product with the
    filter viewed as `[F, C*KH*KW]`, which dlc-cpu-lower-contractions-to-
    ukernels turns into one GEMM ukernel call. Convolutions run at GEMM speed
    for the price of one pass over the windows (like `rewriteInIm2Col`, but
    with a gather that vectorizes).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def CpuLowerContractionsToUkernels
    : Pass<"dlc-cpu-lower-contractions-to-ukernels", "mlir::ModuleOp"> {
  let summary = "Replaces f32 matrix products and depthwise convolutions on "
                "buffers with ukernel calls";
  let description = [{
    Every linalg op on buffers that is a contraction (a multiply-accumulate
    body and projected-permutation maps) of f32 operands whose batch, m, n
    and k dimensions each collapse to one strided dimension becomes a call
    to `dlc_uk_sgemm` (runtime/ukernels/Ukernels.h): matmul, batch matmul,
    transposed operands, and convolutions rewritten as im2col products. The
    blocked, packed and multithreaded ukernel runs at a large fraction of the
    machine's peak, where generated loops reach a few percent. Other
    contractions keep their loops. A `linalg.conv_2d_nchw_fchw` with a
    constant filter becomes `dlc_uk_conv2d` (implicit im2col, filter packed
    now), and a `linalg.depthwise_conv_2d_nchw_chw` becomes
    `dlc_uk_depthwise_conv2d`, both on contiguous f32 buffers.

    The call also takes over:
    - a zero `linalg.fill` of the accumulator before the product;
    - for convolutions, a zero-padded copy of the input that only the
      convolution reads: the kernel reads the original with padding;
    - the elementwise consumer that reads the product once, in place, and
      adds a bias (one row or column dim, contiguous) and a residual (the
      output's shape) and clamps with constant `maximumf`/`minimumf`: the
      call moves there, writes the consumer's output, and applies these as
      its epilogue.

    ```mlir
    linalg.matmul ins(%a, %b : memref<128x768xf32>, memref<768x768xf32>)
                  outs(%c : memref<128x768xf32>)
    // becomes
    func.call @dlc_uk_sgemm(%isa, %c1, %c128, %c768, %c768, %pa, ...)
    ```
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"avx2\"",
           "Best instruction set of the target CPU: generic, avx2 or avx512 "
           "(the ukernel also checks the running CPU)">,
    Option<"minFlops", "min-flops", "int64_t", /*default=*/"4096",
           "Multiply-adds below which a static contraction keeps its loops">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def CpuSerializeNestedParallel : Pass<"dlc-cpu-serialize-nested-parallel",
                                      "mlir::func::FuncOp"> {
  let summary = "Keeps only outermost scf.parallel loops parallel";
  let description = [{
    Rewrites every scf.parallel nested inside another scf.parallel into
    scf.for loops, so that OpenMP forks threads once per loop nest instead of
    once per inner iteration. An outermost loop nest that runs fewer than
    `min-parallel-work` innermost iterations becomes sequential as well:
    waking threads costs more than such a nest, and on a loaded machine a
    descheduled worker stalls the barrier for milliseconds. The new loops are
    marked `dlc.parallel`, so that dlc-cpu-annotate-parallel-loops can tell
    LLVM they vectorize.
  }];
  let options = [
    Option<"minParallelWork", "min-parallel-work", "int64_t",
           /*default=*/"16384",
           "Innermost iterations below which a loop nest runs on one thread">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect"];
}

def CpuAnnotateParallelLoops : Pass<"dlc-cpu-annotate-parallel-loops"> {
  let summary = "Tells LLVM that serialized parallel loops have independent iterations";
  let description = [{
    Every scf.for marked `dlc.parallel` (a loop over a parallel dimension that
    dlc-cpu-serialize-nested-parallel made sequential) gets a distinct LLVM
    access group on the llvm.load/llvm.store ops in its body and a
    `parallelAccesses` loop annotation. LLVM's loop vectorizer then needs no
    alias checks, which it cannot build inside OpenMP-outlined functions.
    Runs after memref-to-LLVM and before scf-to-cf, which carries the
    annotation to the latch branch.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def CpuUniqueResultBuffers : Pass<"dlc-cpu-unique-result-buffers",
                                   "mlir::func::FuncOp"> {
  let summary = "Gives every returned buffer its own allocation";
  let description = [{
    A model may return one tensor as several outputs (`Y = Relu(X)` listed
    twice, or merged by CSE). After bufferization that is one buffer
    returned twice; buffer-results-to-out-params would turn its allocation
    into the first out-parameter and leave the second unwritten. Every
    repeated return operand gets a fresh allocation and a copy instead.

    A dynamically shaped result is handed to the caller, who frees it, so it
    must be a `memref.alloc` of the function with the result's identity
    layout: any other dynamic result (an argument, a global, a view such as a
    reshape of an input, a buffer returned twice) is copied into a fresh
    allocation sized with `memref.dim`.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def CpuStaticResultsToOutParams : Pass<"dlc-cpu-static-results-to-out-params",
                                        "mlir::ModuleOp"> {
  let summary = "Turns the entry's statically shaped results into out-params";
  let description = [{
    Upstream buffer-results-to-out-params rejects dynamically shaped results.
    This pass converts only the statically shaped memref results of the
    entry function: each becomes a new trailing argument (in result order);
    a result that is a `memref.alloc` returned once by the only return is
    replaced by the argument (no copy), any other is copied into it.
    Dynamically shaped results stay results (the model allocates them; see
    ModelABI.h). The entry must not be called and its results must be
    identity-layout memrefs. The resulting memref signature is recorded as
    the `dlc.memref_signature` attribute for dlc-cpu-emit-model-entry.

    Example: `(memref<?x4xf32>) -> (memref<?x4xf32>, memref<2xf32>)` becomes
    `(memref<?x4xf32>, memref<2xf32>) -> memref<?x4xf32>`.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the function that implements the model">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def CpuEmitModelEntry : Pass<"dlc-cpu-emit-model-entry", "mlir::ModuleOp"> {
  let summary = "Adds the dlc_model_* ABI functions around the model function";
  let description = [{
    Gives every defined function but `dlc_model_set_cuda_api` internal
    linkage (and `no_inline` where dlc-cpu-outline-loop-nests asked for it)
    and emits
    `int32_t dlc_model_run(void **buffers, int64_t *dims)`, plus
    `dlc_model_metadata` and `dlc_model_abi_version`, as documented in
    runtime/include/dlc/runtime/ModelABI.h. Runs on the LLVM dialect, after
    the model function was lowered with the default (descriptor) calling
    convention; its memref types come from its `dlc.memref_signature`.

    dlc_model_run builds a memref descriptor for every parameter: a zeroed
    status word, then the inputs and the static outputs' buffers (allocated
    and aligned pointer = the buffer, offset 0, sizes from the metadata or,
    for dynamic dims, from `dims`, contiguous strides). It calls the model
    function and, for each returned (dynamically shaped) output, stores the
    descriptor's allocated pointer into its buffer slot and its sizes into
    its `dims` slots; static outputs' dims are stored as constants. It
    returns the status word.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the function that implements the model">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}


//===----------------------------------------------------------------------===//
// GPU
//===----------------------------------------------------------------------===//

def GpuVectorizeParallelLoops
    : Pass<"dlc-gpu-vectorize-parallel-loops", "mlir::func::FuncOp"> {
  let summary = "Gives each iteration of an elementwise scf.parallel `width` "
                "consecutive elements of its innermost dim";
  let description = [{
    Before the SIMT mapping (dlc-gpu-map-parallel-loops-to-threads), so that
    each thread moves 16 bytes per access (`ld.global.v4`) instead of 4.
    The innermost dim of an outermost scf.parallel shrinks `width` times when
    its trip count is a static multiple of `width`, and its body becomes
    vector code: loads and stores whose last index is the innermost
    induction variable become vector.load/vector.store (aligned to the
    vector when the buffer's layout proves it), loads that do not depend on
    it stay scalar and are broadcast, and arith/math ops on vectorized
    values are applied to vectors. Loops whose body does anything else with
    the induction variable (transposes, gathers, index arithmetic), nests
    loops or branches, or has reductions are left as they are.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c768) step (%c1, %c1) {
      %x = memref.load %in[%i, %j] : memref<64x768xf32>
      %b = memref.load %bias[%i] : memref<64xf32>
      %y = arith.addf %x, %b : f32
      memref.store %y, %out[%i, %j] : memref<64x768xf32>
    }
    // becomes (width 4)
    scf.parallel (%i, %q) = (%c0, %c0) to (%c64, %c192) step (%c1, %c1) {
      %j = arith.muli %q, %c4 : index
      %x = vector.load %in[%i, %j] {alignment = 16} : memref<64x768xf32>, vector<4xf32>
      %b = memref.load %bias[%i] : memref<64xf32>
      %bv = vector.broadcast %b : f32 to vector<4xf32>
      %y = arith.addf %x, %bv : vector<4xf32>
      vector.store %y, %out[%i, %j] {alignment = 16} : memref<64x768xf32>, vector<4xf32>
    }
    ```
  }];
  let options = [
    Option<"width", "width", "int64_t", /*default=*/"4",
           "Elements per iteration of the innermost dim (a power of 2)">,
  ];
  let dependentDialects = ["mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def GpuMapParallelLoopsToThreads
    : Pass<"dlc-gpu-map-parallel-loops-to-threads", "mlir::func::FuncOp"> {
  let summary = "Turns every outermost scf.parallel into a gpu.launch with "
                "one thread per iteration";
  let description = [{
    The SIMT mapping for the ops without a tensor-core kernel (elementwise,
    reductions, data movement). The parallel dims are linearized, innermost
    fastest, so a warp's threads touch consecutive elements of row-major
    buffers; `block-size` threads form a block and enough blocks cover the
    iteration space, each thread guarded by `id < trip count`. The loop body,
    including the scf.for loops of reduction dims, runs once per thread. A
    loop without iterations launches nothing (CUDA rejects empty grids): it
    is erased when that is known at compile time, else the launch is guarded.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c768) step (%c1, %c1) {...}
    // becomes
    gpu.launch blocks(%bx, ...) in (%c192, %c1, %c1)
               threads(%tx, ...) in (%c256, %c1, %c1) {
      %id = bx * 256 + tx;  scf.if (%id < 49152) { %i = %id / 768; ... }
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block (at most 1024)">,
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def GpuMergeKernelModules
    : Pass<"dlc-gpu-merge-kernel-modules", "mlir::ModuleOp"> {
  let summary = "Moves every outlined kernel into one gpu.module";
  let description = [{
    gpu-kernel-outlining puts each kernel in its own gpu.module. This pass
    moves every symbol of the other modules into the first one (renaming a
    kernel whose name is taken), retargets the gpu.launch_func ops, and
    erases the emptied modules, so the model compiles to a single PTX module
    that the runtime loads once.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def GpuLowerMatmulToMma
    : Pass<"dlc-gpu-lower-matmul-to-mma", "mlir::func::FuncOp"> {
  let summary = "Runs matrix products on tensor cores";
  let description = [{
    Every contraction on row-major static buffers of the form
    A(m..., k) x B(k, n) -> C(m..., n), C f32, becomes a gpu.launch of a
    tensor-core kernel (GemmKernels.h), except f32 products with
    `precision=fp32`:

    - bf16 or f16 A and B (see dlc-demote-contraction-operands) with N and K
      multiples of 8 on `chip=sm_90a`: 128x128 output tiles per warpgroup of
      128 threads; K advances 64 at a time through a 4-stage pipeline of TMA
      loads (`nvgpu.tma.async.load`, 128-byte swizzle, out-of-bounds zero
      fill) whose completion `nvgpu.mbarrier`s track; `nvgpu.warpgroup.mma`
      (wgmma m64n128k16) reads both operands from shared memory. The TMA
      descriptors are created on the host (`nvgpu.tma.create.descriptor`).
    - otherwise, any chip, N and K multiples of a 16-byte chunk: 64x64
      output tiles, 4 warps of 32x32, each a 2x4 grid of m16n8 `mma.sync`
      tiles (k8 TF32 by `nvgpu.mma.sync` for f32 inputs, k16 bf16/f16 by
      `nvvm.mma.sync`); a two-stage `nvgpu.device_async_copy` (cp.async)
      pipeline into padded shared memory; A fragments by `nvgpu.ldmatrix`.
      B may be transposed (N x K), and products may be batched (batch dims
      in any order, interleaved with rows; grid z runs over them). Edge
      tiles are zero-filled by the copies and not stored.
    - f32 `linalg.conv_2d_nchw_fchw` with C*KH*KW a multiple of 4: the same
      TF32 kernel as an implicit GEMM (filter x gathered input tiles, one
      image per grid z).

    The zero fill before the product and an elementwise bias/residual/clamp
    consumer (ProductEpilogues.h) become part of the kernel, which then writes
    the consumer's output. Other products keep their loops and become SIMT
    kernels.
  }];
  let options = [
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "fp32 (no tensor cores), tf32, bf16 or fp16">,
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "The CUDA chip: sm_90a enables the wgmma kernel">,
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect",
                           "mlir::nvgpu::NVGPUDialect",
                           "mlir::NVVM::NVVMDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def GpuReplaceLibdeviceCalls
    : Pass<"dlc-gpu-replace-libdevice-calls", "mlir::gpu::GPUModuleOp"> {
  let summary = "Replaces calls of libdevice functions that are one PTX "
                "instruction by LLVM intrinsics";
  let description = [{
    Runs on kernel modules after convert-gpu-to-nvvm, which lowers math ops
    to libdevice calls. `__nv_fma`, `floor`, `ceil`, `trunc`, `round`,
    `rint`, `sqrt`, `fabs`, `copysign`, `fmin` and `fmax` (f32 `...f` and
    f64 forms) become the LLVM intrinsics (llvm.fma, ...), `__nv_rsqrt`
    1 / llvm.sqrt; unused declarations go. Without it, PTX loads only where
    libdevice was linked at compile time (the CUDA toolkit was installed).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def GpuAssembleKernels
    : Pass<"dlc-gpu-assemble-kernels", "mlir::ModuleOp"> {
  let summary = "Adds a cubin for the chip to every PTX kernel module";
  let description = [{
    Runs `ptxas -arch=<chip> -O3` on the PTX object of every `gpu.binary`
    (one NVVM target, as gpu-module-to-binary with format isa leaves it) and
    adds the cubin as a second object (format bin) of the same target. Does
    nothing when `ptxas` is empty; a ptxas failure is an error that quotes
    its messages.
  }];
  let options = [
    Option<"ptxas", "ptxas", "std::string", /*default=*/"\"\"",
           "Path of the ptxas executable (empty: add no cubins)">,
  ];
}

def GpuLowerHostToRuntime
    : Pass<"dlc-gpu-lower-host-to-runtime", "mlir::ModuleOp"> {
  let summary = "Turns a CUDA model's host code into calls of the runtime's "
                "function table";
  let description = [{
    Runs on the LLVM dialect, after gpu-to-llvm and before
    dlc-cpu-emit-model-entry. Adds the internal global `__dlc_cuda_api` and
    the exported `dlc_model_set_cuda_api(const dlc_model_cuda_api_t *)` that
    sets it (runtime/include/dlc/runtime/ModelABI.h), and in the host
    functions replaces:

    - every `gpu.binary` (a PTX object, and optionally a cubin) by constant
      string globals (the PTX one's `dlc.kernel_image` attribute names the
      kernel module), and every `gpu.launch_func` by a call of the table's
      `launch` with that PTX and cubin (null without one), the kernel's
      name, the grid, the block, the dynamic shared memory size and an
      array of pointers to the kernel's parameters (stored in one stack slot
      per launch, allocated in the function's entry block);
    - calls of `aligned_alloc`, `malloc` and `free` by `alloc` and `free`:
      every buffer of a CUDA model's host code is device memory;
    - the address of a constant global by the device copy that `constant`
      returns;
    - calls of `mgpuTensorMapEncodeTiledMemref` (NVGPU's TMA descriptors)
      by `tensor_map`.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // DLC_CODEGEN_PASSES_TD