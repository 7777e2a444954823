//===- DynamicShapes.cpp - Symbolic dimensions at import ------------------===//

#include "frontends/onnx/DynamicShapes.h"

#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace dlc::onnx {

bool handlesDynamicDims(StringRef domain, StringRef opType) {
  // Handlers that only create dlg ops whose type inference and lowering
  // handle dynamic dims, without shape arithmetic of their own.
  static const llvm::StringSet<> ops = {
      // Elementwise.
      "Abs", "Add", "And", "Cast", "CastLike", "Ceil", "Clip", "Cos", "Div",
      "Elu", "Equal", "Erf", "Exp", "Floor", "Gelu", "Greater",
      "GreaterOrEqual", "HardSigmoid", "HardSwish", "Identity", "IsInf",
      "IsNaN", "LeakyRelu", "Less", "LessOrEqual", "Log", "Max", "Min", "Mul",
      "Neg", "Not", "Or", "Pow", "PRelu", "Reciprocal", "Relu", "Round", "Selu",
      "Sigmoid", "Sign", "Sin", "Softplus", "Softsign", "Sqrt", "Sub", "Sum",
      "Tanh", "Where", "Xor",
      // Contractions and networks.
      "AveragePool", "BatchNormalization", "Conv", "Dropout", "Flatten", "Gemm",
      "GlobalAveragePool", "GlobalMaxPool", "LayerNormalization", "LogSoftmax",
      "MatMul", "MaxPool", "Softmax",
      // Shapes and indexing.
      "Concat", "Gather", "NonZero", "Reshape", "Shape", "Squeeze", "Transpose",
      "Unsqueeze",
      // Reductions over constant axes.
      "ReduceMax", "ReduceMean", "ReduceMin", "ReduceSum"};
  return domain.empty() && ops.contains(opType);
}

ArrayAttr dimNamesAttr(Builder &builder, const ::onnx::TypeProto &declared,
                       RankedTensorType type) {
  if (type.hasStaticShape())
    return nullptr;
  const ::onnx::TensorShapeProto *shape =
      declared.has_tensor_type() && declared.tensor_type().has_shape()
          ? &declared.tensor_type().shape()
          : nullptr;
  SmallVector<Attribute> names;
  for (auto [i, dim] : llvm::enumerate(type.getShape())) {
    std::string name;
    if (ShapedType::isDynamic(dim) && shape &&
        shape->dim_size() == type.getRank() && shape->dim(i).has_dim_param())
      name = shape->dim(i).dim_param();
    names.push_back(builder.getStringAttr(name));
  }
  return builder.getArrayAttr(names);
}

} // namespace dlc::onnx
