// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @bad_kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlg.fusion' op has kind 'loop'; expects elementwise, contraction, reduction or attention}}
  %0 = dlg.fusion "loop" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    dlg.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @arg_count(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlg.fusion' op has 2 operands but its body takes 1 arguments}}
  %0 = dlg.fusion "elementwise" (%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    dlg.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @arg_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlg.fusion' op operand 0 has type 'tensor<4xf32>' but body argument 0 has type 'tensor<4xf16>'}}
  %0 = dlg.fusion "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf16>):
    %c = dlg.constant dense<1.0> : tensor<4xf32>
    dlg.yield %c : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_count(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlg.fusion' op has 1 results but its body yields 2 values}}
  %0 = dlg.fusion "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    dlg.yield %a, %a : tensor<4xf32>, tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_type(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'dlg.fusion' op result 0 has type 'tensor<4xf16>' but the body yields 'tensor<4xf32>'}}
  %0 = dlg.fusion "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf16> {
  ^bb0(%a: tensor<4xf32>):
    dlg.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf16>
}

// -----

func.func @no_yield(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlg.fusion "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    // expected-error @+1 {{block with no terminator}}
    %e = dlg.exp %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @not_isolated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %0 = dlg.fusion "elementwise" () : () -> tensor<4xf32> {
    // expected-error @+1 {{'dlg.exp' op using value defined outside the region}}
    %e = dlg.exp %x : tensor<4xf32>
    dlg.yield %e : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_outside(%x: tensor<4xf32>) {
  // expected-error @+1 {{'dlg.yield' op expects parent op 'dlg.fusion'}}
  dlg.yield %x : tensor<4xf32>
}
