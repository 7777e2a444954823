//===- MetadataTest.cpp - Strict parsing of untrusted model metadata ------===//
//
// The FAKE_ENV model returns $DLC_FAKE_METADATA as its metadata, so one
// library exercises any text.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cstdlib>
#include <random>
#include <string>

using dlc::test::fails;

namespace {

class MetadataTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_OK(dlcrt_device_create_cpu(&device)); }
  void TearDown() override {
    dlcrt_module_release(module);
    dlcrt_device_release(device);
    unsetenv("DLC_FAKE_METADATA");
  }

  dlcrt_status open(const std::string &metadata) {
    setenv("DLC_FAKE_METADATA", metadata.c_str(), 1);
    dlcrt_module_release(module);
    module = nullptr;
    return dlcrt_module_open(device, FAKE_MODEL_ENV, &module);
  }

  dlcrt_device device = nullptr;
  dlcrt_module module = nullptr;
};

TEST_F(MetadataTest, AcceptsEveryFeature) {
  // No trailing newline, interleaved records, encoded names, rank 0, dim 0.
  ASSERT_OK(open("dlc-model 4\n"
                 "input x%20y%25 f32 0\n"
                 "output out:0/a.b-c_d u8 3 1 0 2\n"
                 "input %C3%A9 bf16 1 7"));
  ASSERT_EQ(dlcrt_module_num_inputs(module), 2u);
  ASSERT_EQ(dlcrt_module_num_outputs(module), 1u);
  dlcrt_tensor_info_t info;
  ASSERT_OK(dlcrt_module_input_info(module, 0, &info));
  EXPECT_STREQ(info.name, "x y%");
  EXPECT_EQ(info.rank, 0u);
  ASSERT_OK(dlcrt_module_input_info(module, 1, &info));
  EXPECT_STREQ(info.name, "\xC3\xA9");
  EXPECT_EQ(info.dtype, DLCRT_DTYPE_BF16);
  EXPECT_EQ(info.byte_size, 14u);
  ASSERT_OK(dlcrt_module_output_info(module, 0, &info));
  EXPECT_STREQ(info.name, "out:0/a.b-c_d");
  EXPECT_EQ(info.byte_size, 0u);
}

TEST_F(MetadataTest, AcceptsChecks) {
  ASSERT_OK(open("dlc-model 4\n"
                 "input x f32 0\n"
                 "check 1 node%20%27Reshape_0%27%3A%20bad%20shape\n"
                 "output y f32 0\n"
                 "check 2 second\n"));
  EXPECT_EQ(dlcrt_module_num_outputs(module), 1u);
}

TEST_F(MetadataTest, CudaModelsDoNotOpenOnTheCpu) {
  // A well-formed `device` record: the model needs a CUDA device.
  dlcrt_status status = open("dlc-model 4\n"
                             "device cuda sm_90a\n"
                             "input x f32 0\n"
                             "output y f32 0\n");
  EXPECT_TRUE(dlc::test::fails(
      status, DLCRT_STATUS_INCOMPATIBLE,
      "compiled for cuda (sm_90a), it cannot run on cpu:0"));
}

TEST_F(MetadataTest, AcceptsDynamicDims) {
  ASSERT_OK(open("dlc-model 4\n"
                 "input x f32 3 ?batch 16 ?\n"
                 "output y f32 2 ?batch%20size 4\n"));
  dlcrt_tensor_info_t info;
  ASSERT_OK(dlcrt_module_input_info(module, 0, &info));
  ASSERT_EQ(info.rank, 3u);
  EXPECT_EQ(info.dims[0], DLCRT_DYNAMIC_DIM);
  EXPECT_EQ(info.dims[1], 16);
  EXPECT_EQ(info.dims[2], -1);
  EXPECT_STREQ(info.dim_names[0], "batch");
  EXPECT_STREQ(info.dim_names[1], "");
  EXPECT_STREQ(info.dim_names[2], "");
  EXPECT_EQ(info.byte_size, 0u);
  ASSERT_OK(dlcrt_module_output_info(module, 0, &info));
  EXPECT_EQ(info.dims[0], -1);
  EXPECT_STREQ(info.dim_names[0], "batch size");
  EXPECT_STREQ(info.dim_names[1], "");
}

TEST_F(MetadataTest, NullMetadata) {
  unsetenv("DLC_FAKE_METADATA");
  EXPECT_TRUE(fails(dlcrt_module_open(device, FAKE_MODEL_ENV, &module),
                    DLCRT_STATUS_INVALID_MODEL, "metadata is NULL"));
}

TEST_F(MetadataTest, TooLong) {
  std::string text = "dlc-model 4\noutput y f32 0\n";
  text.resize(17 << 20, 'x');
  EXPECT_TRUE(fails(open(text), DLCRT_STATUS_INVALID_MODEL, "longer than"));
}

struct Malformed {
  const char *text;
  const char *message;
};

// Failures show the text and the expected message, not raw bytes.
void PrintTo(const Malformed &m, std::ostream *os) {
  *os << ::testing::PrintToString(std::string(m.text)) << " -> "
      << ::testing::PrintToString(std::string(m.message));
}

class MalformedMetadataTest : public MetadataTest,
                              public ::testing::WithParamInterface<Malformed> {
};

TEST_P(MalformedMetadataTest, IsRejected) {
  EXPECT_TRUE(fails(open(GetParam().text), DLCRT_STATUS_INVALID_MODEL,
                    GetParam().message));
  EXPECT_EQ(module, nullptr);
}

const Malformed kMalformed[] = {
    {"", "metadata is empty"},
    {"dlc-model 4\ndevice rocm gfx90a\noutput y f32 0\n",
     "expected 'device cuda <arch>'"},
    {"dlc-model 4\ndevice cuda\noutput y f32 0\n",
     "expected 'device cuda <arch>'"},
    {"dlc-model 4\ndevice cuda 90\noutput y f32 0\n",
     "bad CUDA architecture '90'"},
    {"dlc-model 4\ndevice cuda sm_9x\noutput y f32 0\n",
     "bad CUDA architecture 'sm_9x'"},
    {"dlc-model 4\ndevice cuda sm_80\ndevice cuda sm_90\noutput y f32 0\n",
     "more than one 'device' record"},
    {"dlc-model 4\n", "declares no outputs"},
    {"dlc-model 4\ninput x f32 0\n", "declares no outputs"},
    {"dlc-model 2\noutput y f32 0\n",
     "metadata is for ABI version 2 but the model reports version 4"},
    {"dlc-modl 1\noutput y f32 0\n", "first line"},
    {"output y f32 0\n", "first line"},
    {"dlc-model\noutput y f32 0\n", "first line"},
    {"dlc-model 01\noutput y f32 0\n", "bad ABI version '01'"},
    {"dlc-model 99999999999\noutput y f32 0\n", "bad ABI version"},
    {"dlc-model 4\noutput y f32 0\n\n", "line 3: empty line"},
    {"dlc-model 4\n\noutput y f32 0", "line 2: empty line"},
    {"dlc-model 4\noutput  y f32 0", "exactly one space"},
    {"dlc-model 4\noutput y f32 0 ", "exactly one space"},
    {" dlc-model 4\noutput y f32 0", "exactly one space"},
    {"dlc-model 1\r\noutput y f32 0", "control character"},
    {"dlc-model 4\noutput\ty f32 0", "control character"},
    {"dlc-model 4\nweight y f32 0", "unknown record 'weight'"},
    {"dlc-model 4\noutput y f33 0", "unknown dtype 'f33'"},
    {"dlc-model 4\noutput y F32 0", "unknown dtype"},
    {"dlc-model 4\noutput y f32 2 3", "rank 2 but 1 dims"},
    {"dlc-model 4\noutput y f32 1 3 4", "rank 1 but 2 dims"},
    {"dlc-model 4\noutput y f32 33 1", "bad rank '33'"},
    {"dlc-model 4\noutput y f32 -1", "bad rank"},
    {"dlc-model 4\noutput y f32 x", "bad rank"},
    {"dlc-model 4\noutput y f32 18446744073709551617", "bad rank"},
    {"dlc-model 4\noutput y f32 1 -3", "bad dim '-3'"},
    {"dlc-model 4\noutput y f32 1 +3", "bad dim"},
    {"dlc-model 4\noutput y f32 1 03", "bad dim"},
    {"dlc-model 4\noutput y f32 1 3x", "bad dim"},
    {"dlc-model 4\noutput y f32 1 9223372036854775808", "bad dim"},
    {"dlc-model 4\noutput y f32 2 4611686018427387904 4", "too large"},
    {"dlc-model 4\noutput y f64 1 2305843009213693952", "too large"},
    {"dlc-model 4\noutput y%2 f32 0", "two upper-case hex digits"},
    {"dlc-model 4\noutput y% f32 0", "two upper-case hex digits"},
    {"dlc-model 4\noutput y%2a f32 0", "two upper-case hex digits"},
    {"dlc-model 4\noutput y%G0 f32 0", "two upper-case hex digits"},
    {"dlc-model 4\noutput y%00 f32 0", "NUL"},
    {"dlc-model 4\noutput y\"z f32 0", "must be percent-encoded"},
    {"dlc-model 4\noutput \xC3\xA9 f32 0", "must be percent-encoded"},
    {"dlc-model 4\ninput x f32 0\ninput x f32 0\noutput y f32 0",
     "duplicate input name 'x'"},
    {"dlc-model 4\noutput y f32 0\noutput y f32 1 2", "duplicate output"},
    {"dlc-model 4\ninput x f32", "expected 'input <name> <dtype>"},
    {"dlc-model 4\noutput y f32 0\noutput", "expected 'output"},
    {"dlc-model 4\ndlc-model 4\noutput y f32 0", "unknown record"},
    {"dlc-model 4\noutput y f32 0\ncheck 2 shape", "check code '2' is not 1"},
    {"dlc-model 4\noutput y f32 0\ncheck 0 shape", "check code '0' is not 1"},
    {"dlc-model 4\noutput y f32 0\ncheck 1", "expected 'check <code>"},
    {"dlc-model 4\noutput y f32 0\ncheck 1 a b", "expected 'check <code>"},
    {"dlc-model 4\noutput y f32 0\ncheck 1 a%2", "two upper-case hex"},
    {"dlc-model 4\noutput y f32 1 ?\?", "bad dynamic dim '?\?'"},
    {"dlc-model 4\noutput y f32 1 ?a%2", "bad dynamic dim '?a%2'"},
    {"dlc-model 4\noutput y f32 1 ?a%00", "encodes a NUL byte"},
    {"dlc-model 4\noutput y f32 1 ?a\"b", "must be percent-encoded"},
    {"dlc-model 4\noutput y f32 1 3?", "bad dim '3?'"},
    {"dlc-model 4\noutput y f32 1 -", "bad dim '-'"},
    {"dlc-model 4\noutput y f32 2 ?b 9223372036854775808", "bad dim"},
};

INSTANTIATE_TEST_SUITE_P(All, MalformedMetadataTest,
                         ::testing::ValuesIn(kMalformed),
                         [](const ::testing::TestParamInfo<Malformed> &info) {
                           return std::to_string(info.index);
                         });

TEST_F(MetadataTest, RandomMutationsNeverCrash) {
  // Byte flips, insertions and truncations of a valid text must each either
  // load or fail with INVALID_MODEL.
  const std::string valid = "dlc-model 4\ninput a%20b f32 2 2 3\n"
                            "input c i64 0\noutput d bool 1 5\n";
  std::mt19937 rng(1234);
  const char alphabet[] = " \n%09AFaz-_.:/\xff\x01";
  int loaded = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text = valid;
    int edits = 1 + rng() % 3;
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t pos = rng() % text.size();
      switch (rng() % 3) {
      case 0:
        text[pos] = alphabet[rng() % (sizeof(alphabet) - 1)];
        break;
      case 1:
        text.insert(pos, 1, alphabet[rng() % (sizeof(alphabet) - 1)]);
        break;
      default:
        text.resize(pos);
      }
    }
    dlcrt_status status = open(text);
    if (!status) {
      ++loaded;
      continue;
    }
    EXPECT_EQ(dlcrt_status_code(status), DLCRT_STATUS_INVALID_MODEL)
        << dlcrt_status_message(status);
    dlcrt_status_free(status);
  }
  EXPECT_LT(loaded, 400);
}

} // namespace
