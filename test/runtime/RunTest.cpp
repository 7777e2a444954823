//===- RunTest.cpp - Running models and validating their arguments --------===//

#include "TestUtil.h"

#include <cstdlib>
#include <thread>
#include <vector>

using dlc::test::fails;

namespace {

class RunTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_OK(dlcrt_device_create_cpu(&device));
    ASSERT_OK(dlcrt_module_open(device, FAKE_MODEL_SUM, &module));
    a = wrap(DLCRT_DTYPE_F32, {2, 3}, aData.data(), sizeof(float) * 6);
    b = wrap(DLCRT_DTYPE_F32, {2, 3}, bData.data(), sizeof(float) * 6);
  }
  void TearDown() override {
    for (dlcrt_tensor tensor : owned)
      dlcrt_tensor_release(tensor);
    dlcrt_module_release(module);
    dlcrt_device_release(device);
  }

  /// Wraps `data`; the fixture releases the tensor.
  dlcrt_tensor wrap(dlcrt_dtype_t dtype, std::vector<int64_t> dims, void *data,
                    size_t bytes) {
    dlcrt_tensor tensor = nullptr;
    EXPECT_OK(dlcrt_tensor_wrap(device, dtype, dims.size(), dims.data(), data,
                                bytes, &tensor));
    owned.push_back(tensor);
    return tensor;
  }
  dlcrt_tensor create(dlcrt_dtype_t dtype, std::vector<int64_t> dims) {
    dlcrt_tensor tensor = nullptr;
    EXPECT_OK(
        dlcrt_tensor_create(device, dtype, dims.size(), dims.data(), &tensor));
    owned.push_back(tensor);
    return tensor;
  }
  dlcrt_status run(std::vector<dlcrt_tensor> inputs, dlcrt_tensor &output) {
    return dlcrt_module_run(module, inputs.data(), inputs.size(), &output, 1);
  }

  dlcrt_device device = nullptr;
  dlcrt_module module = nullptr;
  std::vector<float> aData = {1, 2, 3, 4, 5, 6};
  std::vector<float> bData = {10, 20, 30, 40, 50, 60};
  std::vector<float> outData = std::vector<float>(6);
  dlcrt_tensor a = nullptr, b = nullptr;
  std::vector<dlcrt_tensor> owned;
};

TEST_F(RunTest, CreatesOutputs) {
  dlcrt_tensor sum = nullptr;
  ASSERT_OK(run({a, b}, sum));
  ASSERT_NE(sum, nullptr);
  owned.push_back(sum);
  EXPECT_TRUE(dlcrt_tensor_is_owned(sum));
  EXPECT_EQ(dlcrt_tensor_dtype(sum), DLCRT_DTYPE_F32);
  ASSERT_EQ(dlcrt_tensor_rank(sum), 2u);
  EXPECT_EQ(dlcrt_tensor_dims(sum)[1], 3);
  auto *data = static_cast<float *>(dlcrt_tensor_data(sum));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(data[i], 11.0f * (i + 1));
}

TEST_F(RunTest, WritesCallerOutputs) {
  dlcrt_tensor sum = wrap(DLCRT_DTYPE_F32, {2, 3}, outData.data(), 24);
  dlcrt_tensor slot = sum;
  ASSERT_OK(run({a, b}, slot));
  EXPECT_EQ(slot, sum);
  EXPECT_EQ(outData[5], 66.0f);
  // The same tensor may feed several inputs.
  ASSERT_OK(run({a, a}, slot));
  EXPECT_EQ(outData[5], 12.0f);
}

TEST_F(RunTest, OutputOutlivesModule) {
  dlcrt_tensor sum = nullptr;
  ASSERT_OK(run({a, b}, sum));
  owned.push_back(sum);
  dlcrt_module_release(module);
  module = nullptr;
  EXPECT_EQ(static_cast<float *>(dlcrt_tensor_data(sum))[0], 11.0f);
}

TEST_F(RunTest, MixedDtypesAndScalars) {
  dlcrt_module mixed = nullptr;
  ASSERT_OK(dlcrt_module_open(device, FAKE_MODEL_MIXED, &mixed));
  int32_t x[4] = {1, 2, 3, 4};
  bool flag[4] = {true, false, true, true};
  dlcrt_tensor inputs[2] = {wrap(DLCRT_DTYPE_I32, {4}, x, sizeof(x)),
                            wrap(DLCRT_DTYPE_BOOL, {4}, flag, sizeof(flag))};
  dlcrt_tensor outputs[2] = {nullptr, nullptr};
  ASSERT_OK(dlcrt_module_run(mixed, inputs, 2, outputs, 2));
  owned.insert(owned.end(), outputs, outputs + 2);
  auto *out = static_cast<int64_t *>(dlcrt_tensor_data(outputs[0]));
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], -2);
  EXPECT_EQ(dlcrt_tensor_rank(outputs[1]), 0u);
  EXPECT_EQ(*static_cast<int32_t *>(dlcrt_tensor_data(outputs[1])), 3);
  dlcrt_module_release(mixed);
}

TEST_F(RunTest, WrongCounts) {
  dlcrt_tensor sum = nullptr;
  EXPECT_TRUE(fails(run({a}, sum), DLCRT_STATUS_INVALID_ARGUMENT,
                    "expected 2 inputs but got 1"));
  EXPECT_TRUE(fails(run({a, b, b}, sum), DLCRT_STATUS_INVALID_ARGUMENT,
                    "expected 2 inputs but got 3"));
  dlcrt_tensor inputs[2] = {a, b}, outputs[2] = {nullptr, nullptr};
  EXPECT_TRUE(fails(dlcrt_module_run(module, inputs, 2, outputs, 2),
                    DLCRT_STATUS_INVALID_ARGUMENT,
                    "expected 1 outputs but got 2"));
  EXPECT_TRUE(fails(dlcrt_module_run(module, inputs, 2, outputs, 0),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_EQ(sum, nullptr);
  EXPECT_EQ(outputs[0], nullptr);
}

TEST_F(RunTest, NullArguments) {
  dlcrt_tensor sum = nullptr, inputs[2] = {a, b};
  EXPECT_TRUE(fails(dlcrt_module_run(nullptr, inputs, 2, &sum, 1),
                    DLCRT_STATUS_INVALID_ARGUMENT, "module is NULL"));
  EXPECT_TRUE(fails(dlcrt_module_run(module, nullptr, 2, &sum, 1),
                    DLCRT_STATUS_INVALID_ARGUMENT, "inputs is NULL"));
  EXPECT_TRUE(fails(dlcrt_module_run(module, inputs, 2, nullptr, 1),
                    DLCRT_STATUS_INVALID_ARGUMENT, "outputs is NULL"));
  EXPECT_TRUE(fails(run({a, nullptr}, sum), DLCRT_STATUS_INVALID_ARGUMENT,
                    "input 'b': tensor is NULL"));
  EXPECT_EQ(sum, nullptr);
}

TEST_F(RunTest, WrongDtype) {
  std::vector<double> wide(6);
  dlcrt_tensor sum = nullptr;
  EXPECT_TRUE(
      fails(run({wrap(DLCRT_DTYPE_F64, {2, 3}, wide.data(), 48), b}, sum),
            DLCRT_STATUS_INVALID_ARGUMENT,
            "input 'a': expected dtype f32 but got f64"));
  EXPECT_TRUE(
      fails(run({a, wrap(DLCRT_DTYPE_I32, {2, 3}, bData.data(), 24)}, sum),
            DLCRT_STATUS_INVALID_ARGUMENT,
            "input 'b': expected dtype f32 but got i32"));
  dlcrt_tensor bad = create(DLCRT_DTYPE_F16, {2, 3});
  EXPECT_TRUE(fails(run({a, b}, bad), DLCRT_STATUS_INVALID_ARGUMENT,
                    "output 'sum': expected dtype f32 but got f16"));
  EXPECT_EQ(sum, nullptr);
}

TEST_F(RunTest, WrongShape) {
  dlcrt_tensor sum = nullptr;
  EXPECT_TRUE(
      fails(run({a, wrap(DLCRT_DTYPE_F32, {3, 2}, bData.data(), 24)}, sum),
            DLCRT_STATUS_INVALID_ARGUMENT,
            "input 'b': expected shape [2,3] but got [3,2]"));
  EXPECT_TRUE(
      fails(run({wrap(DLCRT_DTYPE_F32, {2, 3, 1}, aData.data(), 24), b}, sum),
            DLCRT_STATUS_INVALID_ARGUMENT,
            "input 'a': expected shape [2,3] but got [2,3,1]"));
  EXPECT_TRUE(fails(run({wrap(DLCRT_DTYPE_F32, {2}, aData.data(), 8), b}, sum),
                    DLCRT_STATUS_INVALID_ARGUMENT,
                    "input 'a': expected shape [2,3] but got [2]"));
  dlcrt_tensor bad = create(DLCRT_DTYPE_F32, {6});
  EXPECT_TRUE(fails(run({a, b}, bad), DLCRT_STATUS_INVALID_ARGUMENT,
                    "output 'sum': expected shape [2,3] but got [6]"));
  EXPECT_EQ(sum, nullptr);
}

TEST_F(RunTest, AnotherHandleToTheSameDeviceIsAccepted) {
  // Devices compare by kind and ordinal, not by handle.
  dlcrt_device other = nullptr;
  ASSERT_OK(dlcrt_device_create_cpu(&other));
  dlcrt_tensor c = nullptr;
  int64_t dims[] = {2, 3};
  ASSERT_OK(
      dlcrt_tensor_wrap(other, DLCRT_DTYPE_F32, 2, dims, bData.data(), 24, &c));
  dlcrt_device_release(other);
  owned.push_back(c);
  dlcrt_tensor sum = nullptr;
  ASSERT_OK(run({a, c}, sum));
  owned.push_back(sum);
}

TEST_F(RunTest, OutputsMustNotOverlap) {
  EXPECT_TRUE(fails(run({a, b}, a), DLCRT_STATUS_INVALID_ARGUMENT,
                    "output 'sum': memory overlaps input 'a'"));
  // A view that starts inside b's buffer.
  std::vector<float> big(9);
  dlcrt_tensor first = wrap(DLCRT_DTYPE_F32, {2, 3}, big.data(), 24);
  dlcrt_tensor shifted = wrap(DLCRT_DTYPE_F32, {2, 3}, big.data() + 3, 24);
  EXPECT_TRUE(fails(run({first, b}, shifted), DLCRT_STATUS_INVALID_ARGUMENT,
                    "overlaps input 'a'"));
  EXPECT_TRUE(fails(run({a, shifted}, first), DLCRT_STATUS_INVALID_ARGUMENT,
                    "overlaps input 'b'"));
  // Adjacent buffers do not overlap.
  std::vector<float> twelve(12);
  dlcrt_tensor lo = wrap(DLCRT_DTYPE_F32, {2, 3}, twelve.data(), 24);
  dlcrt_tensor hi = wrap(DLCRT_DTYPE_F32, {2, 3}, twelve.data() + 6, 24);
  ASSERT_OK(run({lo, b}, hi));
  EXPECT_EQ(twelve[6], 10.0f);
}

TEST_F(RunTest, ConcurrentRuns) {
  // Models keep no state, so one module may run on many threads.
  constexpr int kThreads = 4, kRuns = 200;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      float out[6];
      int64_t dims[] = {2, 3};
      for (int i = 0; i < kRuns; ++i) {
        dlcrt_tensor sum = nullptr;
        dlcrt_status status =
            dlcrt_tensor_wrap(device, DLCRT_DTYPE_F32, 2, dims, out, 24, &sum);
        dlcrt_tensor inputs[2] = {a, b};
        if (!status)
          status = dlcrt_module_run(module, inputs, 2, &sum, 1);
        failures[t] += status != nullptr || out[2] != 33.0f;
        dlcrt_status_free(status);
        dlcrt_tensor_release(sum);
      }
    });
  }
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(failures[t], 0);
}

} // namespace

TEST_F(RunTest, FailedCheckIsAnErrorWithItsMessage) {
  dlcrt_module checked = nullptr;
  ASSERT_OK(dlcrt_module_open(device, FAKE_MODEL_CHECK, &checked));
  std::vector<int64_t> good = {2, 3}, bad = {3, 2};
  dlcrt_tensor shape = wrap(DLCRT_DTYPE_I64, {2}, good.data(), 16);
  dlcrt_tensor y = nullptr;
  ASSERT_OK(dlcrt_module_run(checked, &shape, 1, &y, 1));
  owned.push_back(y);
  dlcrt_tensor badShape = wrap(DLCRT_DTYPE_I64, {2}, bad.data(), 16);
  dlcrt_tensor none = nullptr;
  EXPECT_TRUE(fails(dlcrt_module_run(checked, &badShape, 1, &none, 1),
                    DLCRT_STATUS_INVALID_ARGUMENT,
                    "a run-time check of the model failed: node 'Reshape_0': "
                    "the run-time shape is not 2x3"));
  // A failed run hands out no output.
  EXPECT_EQ(none, nullptr);
  dlcrt_module_release(checked);
}

namespace {

/// The FAKE_DYN model: a, b: f32[?batch,2] -> sum: f32[?batch,2] (model
/// allocated), total: f32[].
class DynamicRunTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_OK(dlcrt_device_create_cpu(&device));
    ASSERT_OK(dlcrt_module_open(device, FAKE_MODEL_DYN, &module));
  }
  void TearDown() override {
    for (dlcrt_tensor tensor : owned)
      dlcrt_tensor_release(tensor);
    dlcrt_module_release(module);
    dlcrt_device_release(device);
    unsetenv("DLC_FAKE_DYN_MODE");
  }
  dlcrt_tensor make(std::vector<int64_t> dims, float first) {
    dlcrt_tensor tensor = nullptr;
    EXPECT_OK(dlcrt_tensor_create(device, DLCRT_DTYPE_F32, dims.size(),
                                  dims.data(), &tensor));
    owned.push_back(tensor);
    auto *data = static_cast<float *>(dlcrt_tensor_data(tensor));
    for (size_t i = 0; i < dlcrt_tensor_element_count(tensor); ++i)
      data[i] = first + i;
    return tensor;
  }
  dlcrt_status run(std::vector<dlcrt_tensor> inputs,
                   std::vector<dlcrt_tensor> &outputs) {
    return dlcrt_module_run(module, inputs.data(), inputs.size(),
                            outputs.data(), outputs.size());
  }

  dlcrt_device device = nullptr;
  dlcrt_module module = nullptr;
  std::vector<dlcrt_tensor> owned;
};

TEST_F(DynamicRunTest, WrapsModelOutputsOfEveryBatch) {
  for (int64_t batch : {0, 1, 3, 7}) {
    dlcrt_tensor a = make({batch, 2}, 1), b = make({batch, 2}, 10);
    std::vector<dlcrt_tensor> outputs(2, nullptr);
    ASSERT_OK(run({a, b}, outputs));
    owned.insert(owned.end(), outputs.begin(), outputs.end());
    dlcrt_tensor sum = outputs[0];
    EXPECT_TRUE(dlcrt_tensor_is_owned(sum));
    ASSERT_EQ(dlcrt_tensor_rank(sum), 2u);
    EXPECT_EQ(dlcrt_tensor_dims(sum)[0], batch);
    EXPECT_EQ(dlcrt_tensor_dims(sum)[1], 2);
    EXPECT_EQ(dlcrt_tensor_byte_size(sum), size_t(batch * 2 * 4));
    auto *data = static_cast<float *>(dlcrt_tensor_data(sum));
    float total = 0;
    for (int64_t i = 0; i < batch * 2; ++i) {
      EXPECT_EQ(data[i], 11.0f + 2 * i);
      total += data[i];
    }
    EXPECT_EQ(*static_cast<float *>(dlcrt_tensor_data(outputs[1])), total);
  }
}

TEST_F(DynamicRunTest, SymbolsMustAgreeAcrossInputs) {
  dlcrt_tensor a = make({3, 2}, 1), b = make({4, 2}, 1);
  std::vector<dlcrt_tensor> outputs(2, nullptr);
  EXPECT_TRUE(fails(run({a, b}, outputs), DLCRT_STATUS_INVALID_ARGUMENT,
                    "input 'b' dim 0 is 4 but input 'a' dim 0 sets symbol "
                    "'batch' to 3"));
  EXPECT_EQ(outputs[0], nullptr);
}

TEST_F(DynamicRunTest, StaticDimsAndRankStillMatch) {
  dlcrt_tensor a = make({3, 2}, 1), b = make({3, 3}, 1), c = make({3}, 1);
  std::vector<dlcrt_tensor> outputs(2, nullptr);
  EXPECT_TRUE(fails(run({a, b}, outputs), DLCRT_STATUS_INVALID_ARGUMENT,
                    "input 'b': expected shape [?batch,2] but got [3,3]"));
  EXPECT_TRUE(fails(run({a, c}, outputs), DLCRT_STATUS_INVALID_ARGUMENT,
                    "input 'b': expected shape [?batch,2] but got [3]"));
}

TEST_F(DynamicRunTest, CopiesIntoCallerOutputOfTheRightShape) {
  dlcrt_tensor a = make({3, 2}, 1), b = make({3, 2}, 10);
  dlcrt_tensor given = make({3, 2}, 0);
  std::vector<dlcrt_tensor> outputs = {given, nullptr};
  ASSERT_OK(run({a, b}, outputs));
  owned.push_back(outputs[1]);
  EXPECT_EQ(outputs[0], given);
  EXPECT_EQ(static_cast<float *>(dlcrt_tensor_data(given))[5], 21.0f);

  dlcrt_tensor wrong = make({4, 2}, 0);
  std::vector<dlcrt_tensor> mismatched = {wrong, nullptr};
  EXPECT_TRUE(fails(run({a, b}, mismatched), DLCRT_STATUS_INVALID_ARGUMENT,
                    "output 'sum': the given tensor has shape [4,2] but the "
                    "model produced shape [3,2]"));
  EXPECT_EQ(mismatched[1], nullptr);
  dlcrt_tensor badStatic = make({3, 3}, 0);
  std::vector<dlcrt_tensor> rejected = {badStatic, nullptr};
  EXPECT_TRUE(fails(run({a, b}, rejected), DLCRT_STATUS_INVALID_ARGUMENT,
                    "output 'sum': expected shape [?batch,2] but got [3,3]"));
}

TEST_F(DynamicRunTest, FailedCheckFreesModelBuffers) {
  setenv("DLC_FAKE_DYN_MODE", "fail", 1);
  dlcrt_tensor a = make({3, 2}, 1), b = make({3, 2}, 10);
  // Under a leak checker this loop would report the model's buffers.
  for (int i = 0; i < 3; ++i) {
    std::vector<dlcrt_tensor> outputs(2, nullptr);
    EXPECT_TRUE(fails(run({a, b}, outputs), DLCRT_STATUS_INVALID_ARGUMENT,
                      "a run-time check of the model failed: forced failure"));
    EXPECT_EQ(outputs[0], nullptr);
    EXPECT_EQ(outputs[1], nullptr);
  }
}

TEST_F(DynamicRunTest, BadModelOutputsAreInvalidModel) {
  dlcrt_tensor a = make({3, 2}, 1), b = make({3, 2}, 10);
  const std::pair<const char *, const char *> cases[] = {
      {"bad_dim", "output 'sum' dim 0 is 4 but input 'a' dim 0 sets symbol "
                  "'batch' to 3"},
      {"neg_dim", "dim 0 is -1"},
      {"null", "output 'sum' has 24 bytes but its data is NULL"},
  };
  for (auto [mode, message] : cases) {
    setenv("DLC_FAKE_DYN_MODE", mode, 1);
    std::vector<dlcrt_tensor> outputs(2, nullptr);
    EXPECT_TRUE(
        fails(run({a, b}, outputs), DLCRT_STATUS_INVALID_MODEL, message))
        << mode;
    EXPECT_EQ(outputs[0], nullptr);
  }
}

TEST_F(DynamicRunTest, ConcurrentRunsOfDifferentBatches) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      int64_t dims[2] = {t + 1, 2};
      for (int i = 0; i < 200; ++i) {
        dlcrt_tensor in = nullptr;
        dlcrt_tensor_create(device, DLCRT_DTYPE_F32, 2, dims, &in);
        dlcrt_tensor inputs[2] = {in, in};
        dlcrt_tensor outputs[2] = {nullptr, nullptr};
        dlcrt_status status = dlcrt_module_run(module, inputs, 2, outputs, 2);
        if (status || dlcrt_tensor_dims(outputs[0])[0] != t + 1)
          ++failures[t];
        dlcrt_status_free(status);
        dlcrt_tensor_release(outputs[0]);
        dlcrt_tensor_release(outputs[1]);
        dlcrt_tensor_release(in);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(failures[t], 0) << "thread " << t;
}

} // namespace
