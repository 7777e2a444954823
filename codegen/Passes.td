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
    Like upstream linalg-fuse-elementwise-ops, but only into consumers whose
    iterators are all parallel: fusing an elementwise producer into a
    contraction would recompute it once per reduction step (GELU before a
    matmul would evaluate erf K times per element).
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

    Empty inputs and outputs (a dimension of size 0) carry no data; their
    arguments and results become `tensor<0xT>` after recording, because the
    bare-pointer calling convention of the entry function cannot pass a
    memref whose zero-size dimension is not the innermost one.

    Each dlg.check gets its code (`dlc.check_code`, 1, 2, ...) and a `check`
    record with its message, and the entry function gets a first argument,
    the `memref<i32>` status word (`dlc.status`) that failed checks write.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::tensor::TensorDialect"];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the function that implements the model">,
  ];
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
    body becomes a call to a new private function `<function>_nest<N>`. Constants and view-like ops
    (subview, expand/collapse_shape, get_global) that the nest uses are
    cloned into it, so the new function takes only identity-layout buffers
    and scalars and keeps the bare-pointer calling convention. LLVM's
    OpenMP outliner and its loop analyses (dominator and SCEV queries walk
    the enclosing function) then work on small functions: on one function
    holding every nest they take time quadratic in the model size.
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
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
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def CpuEmitModelEntry : Pass<"dlc-cpu-emit-model-entry", "mlir::ModuleOp"> {
  let summary = "Adds the dlc_model_* ABI functions around the model function";
  let description = [{
    Gives every defined function internal linkage (and `no_inline` where
    dlc-cpu-outline-loop-nests asked for it) and emits
    `int32_t dlc_model_run(void **buffers)`, which passes a zeroed status
    word as the model function's first argument, unpacks the input and
    output buffers, and returns the status, plus `dlc_model_metadata` and `dlc_model_abi_version`, as
    documented in runtime/include/dlc/runtime/ModelABI.h. Runs on the LLVM
    dialect after the model function was lowered with bare pointers.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the function that implements the model">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // DLC_CODEGEN_PASSES_TD
