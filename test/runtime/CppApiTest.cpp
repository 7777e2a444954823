//===- CppApiTest.cpp - The header-only C++ wrapper -----------------------===//

#include "dlc/runtime/dlcrt.hpp"

#include <gtest/gtest.h>

using dlc::rt::Device;
using dlc::rt::Module;
using dlc::rt::Tensor;

namespace {

TEST(CppApiTest, OpenDescribeRun) {
  Module module = Module::open(Device::cpu(), FAKE_MODEL_SUM);
  EXPECT_EQ(module.numInputs(), 2u);
  EXPECT_EQ(module.input(0).name, "a");
  EXPECT_EQ(module.output(0).dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(module.findInput("b"), 1u);
  EXPECT_EQ(module.device().kind(), DLCRT_DEVICE_CPU);

  Device device = module.device();
  Tensor a = Tensor::create(device, DLCRT_DTYPE_F32, {2, 3});
  Tensor b = Tensor::create(device, DLCRT_DTYPE_F32, {2, 3});
  for (int i = 0; i < 6; ++i) {
    a.data<float>()[i] = i;
    b.data<float>()[i] = 0.5f;
  }
  std::vector<Tensor> outputs = module.run({a, b});
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(outputs[0].data<float>()[4], 4.5f);

  // Running again into the same outputs reuses them.
  float *before = outputs[0].data<float>();
  module.run({b, b}, outputs);
  EXPECT_EQ(outputs[0].data<float>(), before);
  EXPECT_EQ(before[0], 1.0f);
}

TEST(CppApiTest, ErrorsThrowWithCodeAndMessage) {
  try {
    Module::open(Device::cpu(), "/nonexistent.so");
    FAIL() << "expected dlc::Error";
  } catch (const dlc::Error &error) {
    EXPECT_EQ(error.code(), DLCRT_STATUS_NOT_FOUND);
    EXPECT_NE(std::string(error.what()).find("/nonexistent.so"),
              std::string::npos);
  }
  EXPECT_THROW(Device::create(DLCRT_DEVICE_CUDA, 0), dlc::Error);
  EXPECT_THROW(Module::open(Device::cpu(), FAKE_MODEL_SUM).input(5),
               dlc::Error);

  Module module = Module::open(Device::cpu(), FAKE_MODEL_SUM);
  Tensor a = Tensor::create(module.device(), DLCRT_DTYPE_F32, {2, 3});
  Tensor bad = Tensor::create(module.device(), DLCRT_DTYPE_F32, {3});
  try {
    module.run({a, bad});
    FAIL() << "expected dlc::Error";
  } catch (const dlc::Error &error) {
    EXPECT_EQ(error.code(), DLCRT_STATUS_INVALID_ARGUMENT);
    EXPECT_STREQ(error.what(), "input 'b': expected shape [2,3] but got [3]");
  }
  std::vector<Tensor> tooMany(2);
  EXPECT_THROW(module.run({a, a}, tooMany), dlc::Error);
}

TEST(CppApiTest, HandlesAreCounted) {
  Tensor a = Tensor::create(Device::cpu(), DLCRT_DTYPE_I8, {3});
  Tensor copy = a;
  EXPECT_EQ(copy.get(), a.get());
  Tensor moved = std::move(copy);
  EXPECT_FALSE(copy);
  a = Tensor();
  moved.data<int8_t>()[2] = 5; // still alive through `moved`
  EXPECT_EQ(moved.elementCount(), 3u);
  std::vector<int64_t> storage(4);
  Tensor wrapped =
      Tensor::wrap(Device::cpu(), DLCRT_DTYPE_I64, {2, 2}, storage.data(), 32);
  EXPECT_FALSE(wrapped.isOwned());
  EXPECT_EQ(wrapped.data(), storage.data());
}

} // namespace
