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
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::tensor::TensorDialect"
  ];
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
  }];
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

def CpuSerializeNestedParallel : Pass<"dlc-cpu-serialize-nested-parallel",
                                      "mlir::func::FuncOp"> {
  let summary = "Keeps only outermost scf.parallel loops parallel";
  let description = [{
    Rewrites every scf.parallel nested inside another scf.parallel into
    scf.for loops, so that OpenMP forks threads once per loop nest instead of
    once per inner iteration. Inner loops stay plain loops that LLVM
    vectorizes.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect"];
}

def CpuEmitModelEntry : Pass<"dlc-cpu-emit-model-entry", "mlir::ModuleOp"> {
  let summary = "Adds the dlc_model_* ABI functions around the model function";
  let description = [{
    Renames the model's function to a private implementation and emits
    `dlc_model_run(void **buffers)`, which unpacks the input and output
    buffers, plus `dlc_model_metadata` and `dlc_model_abi_version`, as
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
