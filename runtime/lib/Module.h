//===- Module.h - The object behind dlcrt_module ----------------*- C++ -*-===//

#ifndef DLC_RUNTIME_LIB_MODULE_H
#define DLC_RUNTIME_LIB_MODULE_H

#include "Device.h"
#include "Metadata.h"

#include "dlc/runtime/ModelABI.h"

struct dlcrt_module_s : dlc::rt::RefCounted<dlcrt_module_s> {
  ~dlcrt_module_s();

  dlcrt_device device = nullptr; // retained
  void *library = nullptr;       // from dlopen
  dlc_model_run_fn run = nullptr;
  std::string path;
  dlc::rt::ModelSignature signature;
  /// The device's state for the model (destroyed before the library is
  /// unloaded).
  std::unique_ptr<dlc::rt::ModelState> state;
};

#endif // DLC_RUNTIME_LIB_MODULE_H
