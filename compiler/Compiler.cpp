//===- Compiler.cpp - The dlc compilation driver --------------------------===//

#include "compiler/Compiler.h"
#include "compiler/InitAllDialects.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace dlc {

std::optional<EmitKind> parseEmitKind(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<EmitKind>>(name)
      .Case("dlg", EmitKind::Dlg)
      .Case("linalg", EmitKind::Linalg)
      .Case("llvm", EmitKind::LLVM)
      .Case("obj", EmitKind::Object)
      .Case("so", EmitKind::Shared)
      .Case("ptx", EmitKind::PTX)
      .Default(std::nullopt);
}

void prepareContext(MLIRContext &context) {
  DialectRegistry registry;
  registerAllDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
}

static LogicalResult
writeText(Location loc, StringRef path,
          llvm::function_ref<void(llvm::raw_ostream &)> write) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file)
    return emitError(loc) << error;
  write(file->os());
  file->keep();
  return success();
}

LogicalResult compileOnnxFile(MLIRContext &context, StringRef inputPath,
                              StringRef outputPath,
                              const CompileOptions &options) {
  registerAllTargets();
  Location loc = FileLineColLoc::get(&context, inputPath, 0, 0);
  // `name` or `name:chip`.
  auto [targetName, chip] = llvm::StringRef(options.target).split(':');
  const Target *target = lookupTarget(targetName);
  if (!target)
    return emitError(loc) << "unknown target '" << targetName
                          << "'; available: " << targetNames();
  TargetOptions targetOptions = options.targetOptions;
  targetOptions.chip = chip.str();
  if (failed(target->verifyOptions(loc, targetOptions)))
    return failure();
  bool hostCode = options.emit == EmitKind::LLVM ||
                  options.emit == EmitKind::Object ||
                  options.emit == EmitKind::Shared;
  if (!options.compileTo && hostCode && !target->emitsHostCode())
    return emitError(loc) << "target '" << targetName
                          << "' emits PTX only (--emit=ptx) until its models "
                             "can run; not --emit="
                          << (options.emit == EmitKind::LLVM     ? "llvm"
                              : options.emit == EmitKind::Object ? "obj"
                                                                 : "so");

  onnx::ImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  OwningOpRef<ModuleOp> module =
      onnx::importModelFile(&context, inputPath, importOptions);
  // The passes get verified IR (without --verify-each, the pass manager
  // verifies only at the end).
  if (!module || failed(verify(*module)))
    return failure();

  Phase last = options.compileTo.value_or(Phase::Link);
  if (!options.compileTo) {
    if (options.emit == EmitKind::Dlg)
      last = Phase::Optimize;
    else if (options.emit == EmitKind::Linalg)
      last = Phase::Lower;
  }
  PipelineOptions pipelineOptions;
  pipelineOptions.entry = importOptions.entryName;
  pipelineOptions.parallel = options.parallel;
  target->configurePipeline(pipelineOptions, targetOptions);
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.enableVerifier(options.verifyEach);
  if (!options.crashReproducer.empty())
    pm.enableCrashReproducerGeneration(options.crashReproducer);
  for (Phase phase : {Phase::Graph, Phase::Optimize, Phase::Lower}) {
    if (phase > last)
      break;
    buildPhasePipeline(pm, phase, pipelineOptions);
    if (phase == Phase::Optimize && options.afterOptimize) {
      if (failed(pm.run(*module)))
        return failure();
      options.afterOptimize(*module);
      pm.clear();
    }
  }
  if (last >= Phase::Codegen)
    target->buildCodegenPipeline(pm, pipelineOptions);
  if (failed(pm.run(*module)) ||
      (!options.verifyEach && failed(verify(*module))))
    return failure();

  if (last < Phase::Link || options.emit == EmitKind::Dlg ||
      options.emit == EmitKind::Linalg)
    return writeText(loc, outputPath,
                     [&](llvm::raw_ostream &os) { module->print(os); });
  if (options.emit == EmitKind::LLVM || options.emit == EmitKind::PTX) {
    LogicalResult emitted = success();
    LogicalResult written =
        writeText(loc, outputPath, [&](llvm::raw_ostream &os) {
          emitted = options.emit == EmitKind::LLVM
                        ? target->emitLLVMIR(*module, targetOptions, os)
                        : target->emitPTX(*module, targetOptions, os);
        });
    return success(succeeded(emitted) && succeeded(written));
  }

  if (outputPath == "-")
    return emitError(loc) << "binary output needs a file: pass -o PATH";
  // Object, and for a shared library a temporary object that is linked.
  std::string objectPath = outputPath.str();
  llvm::SmallString<128> tempObject;
  if (options.emit == EmitKind::Shared) {
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("dlc-model", "o", tempObject))
      return emitError(loc)
             << "cannot create a temporary file: " << ec.message();
    objectPath = tempObject.str().str();
  }
  {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(objectPath, &error);
    if (!file)
      return emitError(loc) << error;
    if (failed(target->emitObject(*module, targetOptions, file->os())))
      return failure();
    file->keep();
  }
  if (options.emit == EmitKind::Object)
    return success();
  LogicalResult linked = target->linkSharedLibrary(loc, objectPath, outputPath);
  llvm::sys::fs::remove(objectPath);
  return linked;
}

} // namespace dlc
