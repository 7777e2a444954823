//===- Target.cpp - Target registry ---------------------------------------===//

#include "compiler/Target.h"

#include "llvm/ADT/StringMap.h"

#include <mutex>

namespace dlc {

static llvm::StringMap<std::unique_ptr<Target>> &registry() {
  static llvm::StringMap<std::unique_ptr<Target>> targets;
  return targets;
}

void registerTarget(std::unique_ptr<Target> target) {
  llvm::StringRef name = target->name();
  registry()[name] = std::move(target);
}

const Target *lookupTarget(llvm::StringRef name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : it->second.get();
}

std::string targetNames() {
  std::string names;
  for (const auto &entry : registry())
    names += (names.empty() ? "" : ", ") + entry.getKey().str();
  return names;
}

std::unique_ptr<Target> createCpuTarget();
std::unique_ptr<Target> createCudaTarget();

void registerAllTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerTarget(createCpuTarget());
    registerTarget(createCudaTarget());
  });
}

} // namespace dlc
