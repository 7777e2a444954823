//===- CudaDeviceTest.cpp - The CUDA device on a stand-in driver ----------===//
//
// Runs with DLCRT_CUDA_DRIVER set to fake_cuda.c's library (host memory as
// "device memory"), so the backend's driver calls, copies and error
// messages are checked on machines without a GPU.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cstdlib>
#include <vector>

using dlc::test::fails;

namespace {

TEST(CudaDeviceTest, CountsAndCreatesDevices) {
  size_t count = 0;
  ASSERT_OK(dlcrt_device_count(DLCRT_DEVICE_CUDA, &count));
  EXPECT_EQ(count, 1u);
  dlcrt_device device = nullptr;
  ASSERT_OK(dlcrt_device_create(DLCRT_DEVICE_CUDA, 0, &device));
  EXPECT_EQ(dlcrt_device_kind(device), DLCRT_DEVICE_CUDA);
  EXPECT_EQ(dlcrt_device_ordinal(device), 0u);
  dlcrt_device_release(device);
  dlcrt_device missing = nullptr;
  EXPECT_TRUE(fails(dlcrt_device_create(DLCRT_DEVICE_CUDA, 1, &missing),
                    DLCRT_STATUS_OUT_OF_RANGE,
                    "device cuda:1 does not exist (1 cuda devices)"));
  EXPECT_EQ(missing, nullptr);
}

TEST(CudaDeviceTest, TensorsRoundTripThroughDeviceMemory) {
  dlcrt_device device = nullptr;
  ASSERT_OK(dlcrt_device_create(DLCRT_DEVICE_CUDA, 0, &device));
  int64_t dims[] = {3, 5};
  dlcrt_tensor tensor = nullptr;
  ASSERT_OK(dlcrt_tensor_create(device, DLCRT_DTYPE_F32, 2, dims, &tensor));
  EXPECT_EQ(dlcrt_tensor_device(tensor), device);
  std::vector<float> zeros(15, 1.0f);
  // New device memory is zeroed (cuMemsetD8).
  ASSERT_OK(dlcrt_tensor_copy_to_host(tensor, zeros.data(), 15 * 4));
  for (float v : zeros)
    EXPECT_EQ(v, 0.0f);
  std::vector<float> in(15), out(15, 0.0f);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = 0.5f * float(i);
  ASSERT_OK(dlcrt_tensor_copy_from_host(tensor, in.data(), 15 * 4));
  ASSERT_OK(dlcrt_tensor_copy_to_host(tensor, out.data(), 15 * 4));
  EXPECT_EQ(in, out);
  dlcrt_tensor_release(tensor);
  dlcrt_device_release(device);
}

TEST(CudaDeviceTest, DriverErrorsCarryTheirNameAndMessage) {
  dlcrt_device device = nullptr;
  ASSERT_OK(dlcrt_device_create(DLCRT_DEVICE_CUDA, 0, &device));
  // More than FAKE_CUDA_MEMORY (set by the test's environment): 1 Gi floats.
  int64_t dims[] = {1 << 30};
  dlcrt_tensor tensor = nullptr;
  EXPECT_TRUE(fails(dlcrt_tensor_create(device, DLCRT_DTYPE_F32, 1, dims,
                                        &tensor),
                    DLCRT_STATUS_RESOURCE_EXHAUSTED,
                    "cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (out of memory)"));
  EXPECT_EQ(tensor, nullptr);
  dlcrt_device_release(device);
}

TEST(CudaDeviceTest, ModelsForTheCpuDoNotOpenOnIt) {
  dlcrt_device device = nullptr;
  ASSERT_OK(dlcrt_device_create(DLCRT_DEVICE_CUDA, 0, &device));
  dlcrt_module module = nullptr;
  EXPECT_TRUE(fails(dlcrt_module_open(device, FAKE_MODEL_SUM, &module),
                    DLCRT_STATUS_INCOMPATIBLE,
                    "compiled for the CPU, it cannot run on cuda:0"));
  EXPECT_EQ(module, nullptr);
  dlcrt_device_release(device);
}

} // namespace
