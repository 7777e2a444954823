//===- TensorTest.cpp - Owned and borrowed tensors ------------------------===//

#include "TestUtil.h"

#include <cstdint>
#include <limits>
#include <vector>

using dlc::test::fails;

namespace {

class TensorTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_OK(dlcrt_device_create_cpu(&device)); }
  void TearDown() override { dlcrt_device_release(device); }

  dlcrt_status create(dlcrt_dtype_t dtype, std::vector<int64_t> dims,
                      dlcrt_tensor *out) {
    return dlcrt_tensor_create(device, dtype, dims.size(), dims.data(), out);
  }

  dlcrt_device device = nullptr;
};

TEST_F(TensorTest, CreateIsZeroedAndAligned) {
  dlcrt_tensor tensor = nullptr;
  ASSERT_OK(create(DLCRT_DTYPE_F32, {2, 3}, &tensor));
  EXPECT_EQ(dlcrt_tensor_dtype(tensor), DLCRT_DTYPE_F32);
  ASSERT_EQ(dlcrt_tensor_rank(tensor), 2u);
  EXPECT_EQ(dlcrt_tensor_dims(tensor)[0], 2);
  EXPECT_EQ(dlcrt_tensor_dims(tensor)[1], 3);
  EXPECT_EQ(dlcrt_tensor_element_count(tensor), 6u);
  EXPECT_EQ(dlcrt_tensor_byte_size(tensor), 24u);
  EXPECT_TRUE(dlcrt_tensor_is_owned(tensor));
  EXPECT_EQ(dlcrt_tensor_device(tensor), device);
  auto *data = static_cast<float *>(dlcrt_tensor_data(tensor));
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(data[i], 0.0f);
  dlcrt_tensor_release(tensor);
}

TEST_F(TensorTest, ScalarAndEmpty) {
  dlcrt_tensor scalar = nullptr, empty = nullptr;
  ASSERT_OK(dlcrt_tensor_create(device, DLCRT_DTYPE_I64, 0, nullptr, &scalar));
  EXPECT_EQ(dlcrt_tensor_element_count(scalar), 1u);
  EXPECT_EQ(dlcrt_tensor_byte_size(scalar), 8u);
  ASSERT_OK(create(DLCRT_DTYPE_F16, {4, 0, 5}, &empty));
  EXPECT_EQ(dlcrt_tensor_element_count(empty), 0u);
  EXPECT_EQ(dlcrt_tensor_byte_size(empty), 0u);
  EXPECT_NE(dlcrt_tensor_data(empty), nullptr);
  dlcrt_tensor_release(scalar);
  dlcrt_tensor_release(empty);
}

TEST_F(TensorTest, CreateRejectsBadArguments) {
  dlcrt_tensor tensor = nullptr;
  EXPECT_TRUE(fails(create(DLCRT_DTYPE_F32, {2, -3}, &tensor),
                    DLCRT_STATUS_INVALID_ARGUMENT, "dim 1 is -3"));
  EXPECT_TRUE(fails(create(DLCRT_DTYPE_INVALID, {2}, &tensor),
                    DLCRT_STATUS_INVALID_ARGUMENT, "invalid dtype"));
  EXPECT_TRUE(fails(create(static_cast<dlcrt_dtype_t>(77), {2}, &tensor),
                    DLCRT_STATUS_INVALID_ARGUMENT, "invalid dtype"));
  EXPECT_TRUE(
      fails(create(DLCRT_DTYPE_F32, std::vector<int64_t>(33, 1), &tensor),
            DLCRT_STATUS_INVALID_ARGUMENT, "rank 33 exceeds"));
  EXPECT_TRUE(
      fails(dlcrt_tensor_create(device, DLCRT_DTYPE_F32, 2, nullptr, &tensor),
            DLCRT_STATUS_INVALID_ARGUMENT, "dims is NULL"));
  int64_t dims[] = {2};
  EXPECT_TRUE(
      fails(dlcrt_tensor_create(nullptr, DLCRT_DTYPE_F32, 1, dims, &tensor),
            DLCRT_STATUS_INVALID_ARGUMENT, "device is NULL"));
  EXPECT_TRUE(
      fails(dlcrt_tensor_create(device, DLCRT_DTYPE_F32, 1, dims, nullptr),
            DLCRT_STATUS_INVALID_ARGUMENT, "out_tensor is NULL"));
  EXPECT_EQ(tensor, nullptr);
}

TEST_F(TensorTest, CreateRejectsOverflow) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  dlcrt_tensor tensor = nullptr;
  EXPECT_TRUE(fails(create(DLCRT_DTYPE_U8, {max, 2}, &tensor),
                    DLCRT_STATUS_INVALID_ARGUMENT, "too large"));
  EXPECT_TRUE(fails(
      create(DLCRT_DTYPE_F32, {int64_t(1) << 31, int64_t(1) << 31}, &tensor),
      DLCRT_STATUS_INVALID_ARGUMENT, "too large"));
  EXPECT_TRUE(fails(create(DLCRT_DTYPE_F64, {max / 4}, &tensor),
                    DLCRT_STATUS_INVALID_ARGUMENT, "too large"));
  // A zero dim makes any shape empty, however large the others are.
  ASSERT_OK(create(DLCRT_DTYPE_F32, {max, max, 0}, &tensor));
  EXPECT_EQ(dlcrt_tensor_byte_size(tensor), 0u);
  dlcrt_tensor_release(tensor);
}

TEST_F(TensorTest, AllocationFailureIsAnError) {
  dlcrt_tensor tensor = nullptr;
  EXPECT_TRUE(fails(create(DLCRT_DTYPE_U8, {int64_t(1) << 62}, &tensor),
                    DLCRT_STATUS_RESOURCE_EXHAUSTED));
}

TEST_F(TensorTest, WrapBorrows) {
  std::vector<int32_t> data = {1, 2, 3, 4};
  int64_t dims[] = {2, 2};
  dlcrt_tensor tensor = nullptr;
  ASSERT_OK(dlcrt_tensor_wrap(device, DLCRT_DTYPE_I32, 2, dims, data.data(), 16,
                              &tensor));
  EXPECT_EQ(dlcrt_tensor_data(tensor), data.data());
  EXPECT_FALSE(dlcrt_tensor_is_owned(tensor));
  static_cast<int32_t *>(dlcrt_tensor_data(tensor))[3] = 40;
  dlcrt_tensor_release(tensor);
  EXPECT_EQ(data[3], 40); // the buffer outlives the tensor
}

TEST_F(TensorTest, WrapRejectsBadArguments) {
  alignas(8) char buffer[32] = {};
  int64_t dims[] = {2, 3};
  dlcrt_tensor tensor = nullptr;
  EXPECT_TRUE(fails(
      dlcrt_tensor_wrap(device, DLCRT_DTYPE_F32, 2, dims, buffer, 20, &tensor),
      DLCRT_STATUS_INVALID_ARGUMENT, "needs 24 bytes but byte_size is 20"));
  EXPECT_TRUE(fails(
      dlcrt_tensor_wrap(device, DLCRT_DTYPE_F32, 2, dims, nullptr, 24, &tensor),
      DLCRT_STATUS_INVALID_ARGUMENT, "data is NULL"));
  EXPECT_TRUE(fails(dlcrt_tensor_wrap(device, DLCRT_DTYPE_F32, 2, dims,
                                      buffer + 2, 24, &tensor),
                    DLCRT_STATUS_INVALID_ARGUMENT, "not aligned"));
  EXPECT_TRUE(fails(
      dlcrt_tensor_wrap(nullptr, DLCRT_DTYPE_F32, 2, dims, buffer, 24, &tensor),
      DLCRT_STATUS_INVALID_ARGUMENT, "device is NULL"));
  EXPECT_EQ(tensor, nullptr);
  // Bytes are never misaligned, and empty tensors need no data.
  ASSERT_OK(dlcrt_tensor_wrap(device, DLCRT_DTYPE_U8, 1, dims, buffer + 1, 2,
                              &tensor));
  dlcrt_tensor_release(tensor);
  int64_t none[] = {0};
  ASSERT_OK(
      dlcrt_tensor_wrap(device, DLCRT_DTYPE_F64, 1, none, nullptr, 0, &tensor));
  dlcrt_tensor_release(tensor);
}

TEST_F(TensorTest, RefcountingKeepsTensorAndDeviceAlive) {
  dlcrt_tensor tensor = nullptr;
  ASSERT_OK(create(DLCRT_DTYPE_F32, {4}, &tensor));
  // Drop the fixture's device reference: the tensor holds its own.
  dlcrt_device_release(device);
  device = nullptr;
  dlcrt_tensor_retain(tensor);
  dlcrt_tensor_release(tensor);
  EXPECT_EQ(dlcrt_device_kind(dlcrt_tensor_device(tensor)), DLCRT_DEVICE_CPU);
  static_cast<float *>(dlcrt_tensor_data(tensor))[3] = 1.0f;
  dlcrt_tensor_release(tensor);
  dlcrt_tensor_retain(nullptr);
  dlcrt_tensor_release(nullptr);
}

TEST_F(TensorTest, CopyToAndFromHost) {
  dlcrt_tensor tensor = nullptr;
  ASSERT_OK(create(DLCRT_DTYPE_I16, {3}, &tensor));
  int16_t in[3] = {7, -8, 9}, out[3] = {};
  ASSERT_OK(dlcrt_tensor_copy_from_host(tensor, in, sizeof(in)));
  ASSERT_OK(dlcrt_tensor_copy_to_host(tensor, out, sizeof(out)));
  EXPECT_EQ(out[1], -8);
  EXPECT_TRUE(fails(dlcrt_tensor_copy_from_host(tensor, in, 4),
                    DLCRT_STATUS_INVALID_ARGUMENT, "tensor has 6 bytes"));
  EXPECT_TRUE(fails(dlcrt_tensor_copy_to_host(tensor, nullptr, 6),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(fails(dlcrt_tensor_copy_to_host(nullptr, out, 6),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  dlcrt_tensor_release(tensor);
}

TEST(TensorAccessorTest, NullHandle) {
  EXPECT_EQ(dlcrt_tensor_dtype(nullptr), DLCRT_DTYPE_INVALID);
  EXPECT_EQ(dlcrt_tensor_rank(nullptr), 0u);
  EXPECT_EQ(dlcrt_tensor_dims(nullptr), nullptr);
  EXPECT_EQ(dlcrt_tensor_data(nullptr), nullptr);
  EXPECT_EQ(dlcrt_tensor_byte_size(nullptr), 0u);
  EXPECT_EQ(dlcrt_tensor_element_count(nullptr), 0u);
  EXPECT_EQ(dlcrt_tensor_device(nullptr), nullptr);
  EXPECT_FALSE(dlcrt_tensor_is_owned(nullptr));
}

} // namespace
