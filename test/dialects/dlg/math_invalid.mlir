// RUN: dlc-opt %s --split-input-file --verify-diagnostics

// Tests that a comparison rejects shapes that do not broadcast.
func.func @f0(%a: tensor<4x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{cannot broadcast shapes [4,3] and [5]}}
  // expected-error @+1 {{'dlg.less' op failed to infer returned types}}
  %0 = dlg.less %a, %b : tensor<4x3xf32>, tensor<5xf32> -> tensor<4x5xi1>
  return
}

// -----

// Tests that a comparison rejects operands of different element types.
func.func @f1(%a: tensor<4xf32>, %b: tensor<4xi32>) {
  // expected-error @+2 {{expects operands of one element type but got 'f32' and 'i32'}}
  // expected-error @+1 {{'dlg.equal' op failed to infer returned types}}
  %0 = dlg.equal %a, %b : tensor<4xf32>, tensor<4xi32> -> tensor<4xi1>
  return
}

// -----

// Tests that a comparison result must be i1.
func.func @f2(%a: tensor<4xf32>) {
  // expected-error @+1 {{'dlg.greater' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = dlg.greater %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests that bitwise ops reject floats.
func.func @f3(%a: tensor<4xf32>) {
  // expected-error @+1 {{'dlg.bitwise_and' op operand #0 must be ranked tensor of signless integer values, but got 'tensor<4xf32>'}}
  %0 = dlg.bitwise_and %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests that mod requires the fmod attribute.
func.func @f4(%a: tensor<4xi32>) {
  // expected-error @+1 {{'dlg.mod' op requires attribute 'fmod'}}
  %0 = dlg.mod %a, %a : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

// Tests that the trigonometric ops reject integers.
func.func @f5(%a: tensor<4xi32>) {
  // expected-error @+1 {{'dlg.sin' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = dlg.sin %a : tensor<4xi32>
  return
}
