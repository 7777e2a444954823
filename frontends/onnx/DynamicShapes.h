//===- DynamicShapes.h - Symbolic dimensions at import ----------*- C++ -*-===//
//
// Graph inputs with symbolic (dim_param) or unknown dims import as dynamic
// dims, so that one compiled model runs on every size. Only the handlers
// listed in DynamicShapes.cpp are written for dynamic dims; a node of any
// other op that sees one gets a diagnostic instead of a wrong shape.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTENDS_ONNX_DYNAMICSHAPES_H
#define DLC_FRONTENDS_ONNX_DYNAMICSHAPES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringRef.h"

namespace onnx {
class TypeProto;
} // namespace onnx

namespace dlc::onnx {

/// The entry argument and result attribute naming the symbol of each dim
/// ("" for static or anonymous dims); the runtime binds equal names.
inline constexpr llvm::StringLiteral kDimNamesAttr = "dlc.dim_names";

/// Whether the handler of `opType` in `domain` accepts inputs with dynamic
/// dims.
bool handlesDynamicDims(llvm::StringRef domain, llvm::StringRef opType);

/// The dim_param names of `declared` for the dynamic dims of `type`, or null
/// when `type` is static.
mlir::ArrayAttr dimNamesAttr(mlir::Builder &builder,
                             const ::onnx::TypeProto &declared,
                             mlir::RankedTensorType type);

} // namespace dlc::onnx

#endif // DLC_FRONTENDS_ONNX_DYNAMICSHAPES_H
