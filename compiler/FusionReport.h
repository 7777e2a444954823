//===- FusionReport.h - The kernels of a model after fusion -----*- C++ -*-===//
//
// `dlc --report=fusion` prints, after the optimize phase, one row per kernel:
// each dlg.fusion, and each dlg op outside one (constants and ops that only
// reinterpret a shape excluded), with the ONNX nodes it covers, its FLOPs
// and the bytes it reads and writes.
//
// FLOPs: matmul and gemm 2*M*N*K (gemm adds M*N for its bias), conv
// 2*out*C/group*prod(kernel) (+ out for a bias), elementwise ops 1 per
// result element, softmax 5 per element (max, sub, exp, sum, div),
// layer_norm 8 (mean, sub, square, sum, rsqrt, mul, scale, shift),
// batch_norm 2 (one multiply-add once folded), reduce ops and global
// pooling 1 per input element, pooling prod(kernel) per result element,
// data movement (transpose, concat, slice, gather...) 0. A fusion sums its
// ops. Bytes are the sizes of the kernel's operands (constants included)
// and results; a dynamic dim counts as 1.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_FUSIONREPORT_H
#define DLC_COMPILER_FUSIONREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace dlc {

/// Prints the kernel table of every function in `module` to `os`.
void printFusionReport(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace dlc

#endif // DLC_COMPILER_FUSIONREPORT_H
