//===- CudaModels.h - Running CUDA models -----------------------*- C++ -*-===//
//
// A CUDA model's host code calls the function table of ModelABI.h; these
// bind the table to a device for the duration of a run.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RUNTIME_LIB_CUDAMODELS_H
#define DLC_RUNTIME_LIB_CUDAMODELS_H

#include "CudaDriver.h"
#include "Device.h"

namespace dlc::rt {

/// Checks that a model compiled for `arch` runs on `device` (`name` in
/// messages) and hands the model library the function table.
dlcrt_status openCudaModel(void *library, const std::string &arch,
                           CUdevice device, CUcontext context,
                           const std::string &name,
                           std::unique_ptr<ModelState> &out);

/// Runs `run` with the model's table bound to `context` and a fresh stream
/// on the calling thread; waits for the stream and reports the run's first
/// CUDA error.
dlcrt_status runCudaModel(ModelState *state, CUcontext context,
                          const std::function<int32_t()> &run, int32_t &code);

} // namespace dlc::rt

#endif // DLC_RUNTIME_LIB_CUDAMODELS_H
