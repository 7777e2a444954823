//===- InitAllPasses.h - Passes and pipelines of dlc ------------*- C++ -*-===//

#ifndef DLC_COMPILER_INITALLPASSES_H
#define DLC_COMPILER_INITALLPASSES_H

#include "codegen/Passes.h"
#include "compiler/Pipelines.h"
#include "passes/Passes.h"

namespace dlc {

/// Registers every dlc pass and pipeline with the global registry.
inline void registerAllPasses() {
  registerGraphPasses();
  registerCodegenPasses();
  registerPipelines();
}

} // namespace dlc

#endif // DLC_COMPILER_INITALLPASSES_H
