//===- AssembleKernels.cpp - Cubins next to the PTX, with ptxas -----------===//
//
// A model that carries a cubin for its chip starts without JIT-compiling its
// PTX; the PTX stays for other (later) chips. ptxas is the CUDA toolkit's
// assembler: compiling needs it only for this, so without it models carry
// PTX alone.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

namespace dlc {
#define GEN_PASS_DEF_GPUASSEMBLEKERNELS
#include "codegen/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace dlc {
namespace {

/// Removes a temporary file when it goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

struct GpuAssembleKernelsPass
    : impl::GpuAssembleKernelsBase<GpuAssembleKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (ptxas.empty())
      return;
    for (auto binary : getOperation().getOps<gpu::BinaryOp>()) {
      SmallVector<Attribute> objects(binary.getObjectsAttr().getValue());
      if (objects.size() != 1)
        continue;
      auto object = cast<gpu::ObjectAttr>(objects.front());
      auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
      if (!target || object.getFormat() != gpu::CompilationTarget::Assembly)
        continue;
      FailureOr<std::string> cubin =
          assemble(binary, object.getObject().getValue(), target.getChip());
      if (failed(cubin))
        return signalPassFailure();
      objects.push_back(gpu::ObjectAttr::get(
          &getContext(), target, gpu::CompilationTarget::Binary,
          StringAttr::get(&getContext(), *cubin), object.getProperties(),
          object.getKernels()));
      binary.setObjectsAttr(ArrayAttr::get(&getContext(), objects));
    }
  }

  FailureOr<std::string> assemble(gpu::BinaryOp binary, StringRef ptx,
                                  StringRef chip) {
    TempFile input, output, log;
    int fd = -1;
    if (llvm::sys::fs::createTemporaryFile("dlc-kernels", "ptx", fd,
                                           input.path) ||
        llvm::sys::fs::createTemporaryFile("dlc-kernels", "cubin",
                                           output.path) ||
        llvm::sys::fs::createTemporaryFile("dlc-ptxas", "log", log.path))
      return binary.emitError("cannot create temporary files for ptxas");
    {
      llvm::raw_fd_ostream stream(fd, /*shouldClose=*/true);
      stream << ptx;
    }
    std::string arch = ("-arch=" + chip).str();
    SmallVector<StringRef> args = {ptxas, arch, "-O3", input.path, "-o",
                                   output.path};
    std::optional<StringRef> redirects[] = {std::nullopt, log.path.str(),
                                            log.path.str()};
    std::string error;
    int result = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt,
                                           redirects, 0, 0, &error);
    if (result != 0) {
      auto messages = llvm::MemoryBuffer::getFile(log.path);
      return binary.emitError("ptxas failed on kernel module ")
             << binary.getSymName() << " for " << chip << ": "
             << (error.empty() && messages ? (*messages)->getBuffer().trim()
                                           : StringRef(error));
    }
    auto cubin = llvm::MemoryBuffer::getFile(output.path, /*IsText=*/false);
    if (!cubin)
      return binary.emitError("cannot read the cubin ptxas wrote");
    return (*cubin)->getBuffer().str();
  }
};

} // namespace
} // namespace dlc
