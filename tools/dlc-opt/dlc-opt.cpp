//===- dlc-opt.cpp - dlc's mlir-opt
//-----------------------------------------===//
//
// Runs any dlc or upstream pass or pipeline on textual IR, for lit tests and
// pass development.
//
//===----------------------------------------------------------------------===//

#include "compiler/InitAllDialects.h"
#include "compiler/InitAllPasses.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  dlc::registerAllPasses();
  mlir::DialectRegistry registry;
  dlc::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dlc optimizer driver\n", registry));
}
