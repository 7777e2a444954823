//===- DeviceTest.cpp - Devices, dtypes and statuses ----------------------===//

#include "TestUtil.h"

using dlc::test::fails;

namespace {

TEST(StatusTest, NullIsOk) {
  EXPECT_EQ(dlcrt_status_code(nullptr), DLCRT_STATUS_OK);
  EXPECT_STREQ(dlcrt_status_message(nullptr), "");
  dlcrt_status_free(nullptr);
}

TEST(StatusTest, CodeNames) {
  EXPECT_STREQ(dlcrt_status_code_name(DLCRT_STATUS_INVALID_ARGUMENT),
               "INVALID_ARGUMENT");
  EXPECT_STREQ(dlcrt_status_code_name(DLCRT_STATUS_INCOMPATIBLE),
               "INCOMPATIBLE");
  EXPECT_STREQ(dlcrt_status_code_name(static_cast<dlcrt_status_code_t>(99)),
               "UNKNOWN");
}

TEST(DTypeTest, NamesSizesAndParsing) {
  struct {
    dlcrt_dtype_t dtype;
    const char *name;
    size_t size;
  } cases[] = {{DLCRT_DTYPE_F16, "f16", 2},  {DLCRT_DTYPE_BF16, "bf16", 2},
               {DLCRT_DTYPE_F32, "f32", 4},  {DLCRT_DTYPE_F64, "f64", 8},
               {DLCRT_DTYPE_I8, "i8", 1},    {DLCRT_DTYPE_I16, "i16", 2},
               {DLCRT_DTYPE_I32, "i32", 4},  {DLCRT_DTYPE_I64, "i64", 8},
               {DLCRT_DTYPE_U8, "u8", 1},    {DLCRT_DTYPE_U16, "u16", 2},
               {DLCRT_DTYPE_U32, "u32", 4},  {DLCRT_DTYPE_U64, "u64", 8},
               {DLCRT_DTYPE_BOOL, "bool", 1}};
  for (const auto &c : cases) {
    EXPECT_STREQ(dlcrt_dtype_name(c.dtype), c.name);
    EXPECT_EQ(dlcrt_dtype_size(c.dtype), c.size);
    dlcrt_dtype_t parsed = DLCRT_DTYPE_INVALID;
    EXPECT_OK(dlcrt_dtype_parse(c.name, &parsed));
    EXPECT_EQ(parsed, c.dtype);
  }
}

TEST(DTypeTest, InvalidValues) {
  EXPECT_EQ(dlcrt_dtype_name(DLCRT_DTYPE_INVALID), nullptr);
  EXPECT_EQ(dlcrt_dtype_size(static_cast<dlcrt_dtype_t>(1000)), 0u);
  dlcrt_dtype_t parsed;
  EXPECT_TRUE(fails(dlcrt_dtype_parse("float32", &parsed),
                    DLCRT_STATUS_INVALID_ARGUMENT, "unknown dtype 'float32'"));
  EXPECT_TRUE(fails(dlcrt_dtype_parse(nullptr, &parsed),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(
      fails(dlcrt_dtype_parse("f32", nullptr), DLCRT_STATUS_INVALID_ARGUMENT));
}

TEST(DeviceTest, OneCpu) {
  size_t count = 0;
  ASSERT_OK(dlcrt_device_count(DLCRT_DEVICE_CPU, &count));
  EXPECT_EQ(count, 1u);
  dlcrt_device device = nullptr;
  ASSERT_OK(dlcrt_device_create_cpu(&device));
  EXPECT_EQ(dlcrt_device_kind(device), DLCRT_DEVICE_CPU);
  EXPECT_EQ(dlcrt_device_ordinal(device), 0u);
  dlcrt_device_release(device);
}

TEST(DeviceTest, CreateByKindAndOrdinal) {
  dlcrt_device device = nullptr;
  ASSERT_OK(dlcrt_device_create(DLCRT_DEVICE_CPU, 0, &device));
  EXPECT_EQ(dlcrt_device_kind(device), DLCRT_DEVICE_CPU);
  dlcrt_device_release(device);
  EXPECT_TRUE(fails(dlcrt_device_create(DLCRT_DEVICE_CPU, 1, &device),
                    DLCRT_STATUS_OUT_OF_RANGE, "cpu:1 does not exist"));
}

// ctest points DLCRT_CUDA_DRIVER at a library that does not exist.
TEST(DeviceTest, CudaWithoutDriverIsUnavailable) {
  size_t count = 7;
  ASSERT_OK(dlcrt_device_count(DLCRT_DEVICE_CUDA, &count));
  EXPECT_EQ(count, 0u);
  dlcrt_device device = nullptr;
  EXPECT_TRUE(fails(dlcrt_device_create(DLCRT_DEVICE_CUDA, 0, &device),
                    DLCRT_STATUS_UNAVAILABLE,
                    "device cuda:0 does not exist (0 cuda devices: no CUDA "
                    "driver: cannot load /nonexistent/libcuda.so.1"));
  EXPECT_EQ(device, nullptr);
}

TEST(DeviceTest, BadCalls) {
  auto unknown = static_cast<dlcrt_device_kind_t>(42);
  size_t count;
  dlcrt_device device = nullptr;
  EXPECT_TRUE(fails(dlcrt_device_count(unknown, &count),
                    DLCRT_STATUS_INVALID_ARGUMENT, "kind 42"));
  EXPECT_TRUE(fails(dlcrt_device_create(unknown, 0, &device),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(fails(dlcrt_device_count(DLCRT_DEVICE_CPU, nullptr),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(fails(dlcrt_device_create(DLCRT_DEVICE_CPU, 0, nullptr),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(
      fails(dlcrt_device_create_cpu(nullptr), DLCRT_STATUS_INVALID_ARGUMENT));
  dlcrt_device_retain(nullptr);
  dlcrt_device_release(nullptr);
  EXPECT_EQ(dlcrt_device_ordinal(nullptr), 0u);
}

TEST(DeviceTest, RetainKeepsAlive) {
  dlcrt_device device = nullptr;
  ASSERT_OK(dlcrt_device_create_cpu(&device));
  dlcrt_device_retain(device);
  dlcrt_device_release(device);
  EXPECT_EQ(dlcrt_device_kind(device), DLCRT_DEVICE_CPU);
  dlcrt_device_release(device);
}

} // namespace
