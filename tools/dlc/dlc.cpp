//===- dlc.cpp - The dlc ahead-of-time compiler
//-----------------------------===//
//
//   dlc model.onnx -o model.so [--target=cpu|cuda:<chip>]
//       [--emit=dlg|linalg|llvm|obj|so|ptx]
//                              [--compile-to=PHASE] [--input-shape=x:1,3,8,8]
//
//===----------------------------------------------------------------------===//

#include "compiler/Compiler.h"
#include "compiler/Diagnostics.h"
#include "compiler/FusionReport.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;

static cl::OptionCategory dlcCategory("dlc options");

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::cat(dlcCategory));
static cl::opt<bool>
    listOps("list-ops",
            cl::desc("Print the supported ONNX ops and their since-versions"),
            cl::cat(dlcCategory));
static cl::opt<std::string>
    outputPath("o",
               cl::desc("Output file (default: MODEL.so / MODEL.o for binary "
                        "output, stdout for IR)"),
               cl::value_desc("path"), cl::cat(dlcCategory));
static cl::opt<std::string> target("target",
                                   cl::desc("Target: cpu, or cuda:<chip> "
                                            "(sm_80, sm_86, sm_89, sm_90, "
                                            "sm_90a)"),
                                   cl::init("cpu"), cl::cat(dlcCategory));
static cl::opt<std::string> emit("emit",
                                 cl::desc("Output: dlg, linalg, llvm, obj, so, "
                                          "ptx (GPU targets)"),
                                 cl::init("so"), cl::cat(dlcCategory));
static cl::opt<std::string>
    compileTo("compile-to",
              cl::desc("Stop after this phase and print its IR: import, "
                       "graph, optimize, lower, codegen, link"),
              cl::cat(dlcCategory));
static cl::opt<std::string>
    precision("precision",
              cl::desc("Precision of matrix products on GPUs: fp32 (default, "
                       "exact), tf32 (tensor cores, about 1e-3 relative)"),
              cl::init("fp32"), cl::cat(dlcCategory));
static cl::opt<std::string> cpu("cpu",
                                cl::desc("Target CPU (native or LLVM name)"),
                                cl::init("native"), cl::cat(dlcCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix,
                                  cl::cat(dlcCategory));
static cl::opt<bool> noParallel("no-parallel",
                                cl::desc("Run every loop on one thread"),
                                cl::cat(dlcCategory));
static cl::opt<bool>
    verifyEach("verify-each",
               cl::desc("Verify the IR after every pass (else once, at the "
                        "end)"),
               cl::cat(dlcCategory));
static cl::opt<std::string> crashReproducer(
    "crash-reproducer",
    cl::desc("If a pass fails or crashes, write an MLIR reproducer (pipeline "
             "and input IR, for dlc-opt --run-reproducer) to this file"),
    cl::value_desc("path"), cl::cat(dlcCategory));
static cl::opt<bool> noUkernels(
    "no-ukernels",
    cl::desc("Generate loops for GEMMs instead of calling the ukernels"),
    cl::cat(dlcCategory));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape of an input: NAME:D0,D1,... (repeat)"),
                cl::cat(dlcCategory));

static cl::opt<std::string>
    report("report",
           cl::desc("Print a report after the optimize phase: fusion (the "
                    "kernels, their ONNX nodes, FLOPs and bytes moved)"),
           cl::cat(dlcCategory));
static cl::opt<std::string>
    reportFile("report-file",
               cl::desc("Write the --report to this file (default: stdout)"),
               cl::value_desc("path"), cl::init("-"), cl::cat(dlcCategory));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  cl::HideUnrelatedOptions(dlcCategory);
  cl::ParseCommandLineOptions(argc, argv, "dlc: ONNX model compiler\n");

  if (listOps) {
    dlc::onnx::printSupportedOps(llvm::outs());
    return 0;
  }
  if (inputPath.empty()) {
    llvm::errs() << "dlc: error: no model given (usage: dlc model.onnx -o "
                    "model.so)\n";
    return 1;
  }

  dlc::CompileOptions options;
  options.target = target;
  options.targetOptions.cpu = cpu;
  options.targetOptions.ukernels = !noUkernels;
  options.targetOptions.optLevel = optLevel;
  options.targetOptions.precision = precision;
  options.parallel = !noParallel;
  options.verifyEach = verifyEach;
  options.crashReproducer = crashReproducer;
  std::optional<dlc::EmitKind> kind = dlc::parseEmitKind(emit);
  if (!kind) {
    llvm::errs() << "dlc: error: unknown --emit=" << emit
                 << " (expects dlg, linalg, llvm, obj or so)\n";
    return 1;
  }
  options.emit = *kind;
  if (!compileTo.empty()) {
    options.compileTo = dlc::parsePhase(compileTo);
    if (!options.compileTo) {
      llvm::errs() << "dlc: error: unknown --compile-to=" << compileTo
                   << " (expects " << dlc::phaseNames() << ")\n";
      return 1;
    }
  }
  for (const std::string &spec : inputShapes) {
    auto [name, dims] = llvm::StringRef(spec).rsplit(':');
    llvm::SmallVector<int64_t> shape;
    llvm::SmallVector<llvm::StringRef> parts;
    dims.split(parts, ',', -1, /*KeepEmpty=*/false);
    bool ok = !name.empty() && !dims.empty();
    for (llvm::StringRef part : parts) {
      int64_t dim;
      ok &= !part.getAsInteger(10, dim) && dim >= 0;
      shape.push_back(dim);
    }
    if (!ok) {
      llvm::errs() << "dlc: error: bad --input-shape '" << spec
                   << "' (expects NAME:D0,D1,...)\n";
      return 1;
    }
    options.inputShapes[name] = shape;
  }

  std::unique_ptr<llvm::ToolOutputFile> reportOutput;
  if (!report.empty()) {
    if (report != "fusion") {
      llvm::errs() << "dlc: error: unknown --report=" << report
                   << " (expects fusion)\n";
      return 1;
    }
    if (options.compileTo && *options.compileTo < dlc::Phase::Optimize) {
      llvm::errs() << "dlc: error: --report=fusion needs the optimize phase "
                      "(--compile-to=optimize or later)\n";
      return 1;
    }
    std::string error;
    reportOutput = mlir::openOutputFile(reportFile, &error);
    if (!reportOutput) {
      llvm::errs() << "dlc: error: " << error << "\n";
      return 1;
    }
    options.afterOptimize = [&](mlir::ModuleOp module) {
      dlc::printFusionReport(module, reportOutput->os());
      reportOutput->os().flush();
    };
  }

  std::string output = outputPath;
  if (output.empty()) {
    bool binary =
        !options.compileTo && (options.emit == dlc::EmitKind::Shared ||
                               options.emit == dlc::EmitKind::Object);
    llvm::SmallString<128> path(llvm::sys::path::filename(inputPath));
    llvm::sys::path::replace_extension(
        path, options.emit == dlc::EmitKind::Object ? "o" : "so");
    output = binary ? std::string(path) : "-";
  }

  mlir::MLIRContext context;
  dlc::prepareContext(context);
  dlc::NodeDiagnosticHandler handler(&context, llvm::errs());
  if (mlir::failed(dlc::compileOnnxFile(context, inputPath, output, options)))
    return 1;
  if (reportOutput)
    reportOutput->keep();
  return 0;
}
