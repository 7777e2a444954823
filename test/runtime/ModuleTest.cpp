//===- ModuleTest.cpp - Opening models and describing their signature -----===//

#include "TestUtil.h"

#include <cstdio>
#include <string>
#include <unistd.h>

using dlc::test::fails;

namespace {

class ModuleTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_OK(dlcrt_device_create_cpu(&device)); }
  void TearDown() override {
    dlcrt_module_release(module);
    dlcrt_device_release(device);
  }

  dlcrt_status open(const std::string &path) {
    return dlcrt_module_open(device, path.c_str(), &module);
  }

  dlcrt_device device = nullptr;
  dlcrt_module module = nullptr;
};

TEST_F(ModuleTest, DescribesInputsAndOutputs) {
  ASSERT_OK(open(FAKE_MODEL_SUM));
  EXPECT_EQ(dlcrt_module_device(module), device);
  ASSERT_EQ(dlcrt_module_num_inputs(module), 2u);
  ASSERT_EQ(dlcrt_module_num_outputs(module), 1u);
  dlcrt_tensor_info_t info;
  ASSERT_OK(dlcrt_module_input_info(module, 1, &info));
  EXPECT_STREQ(info.name, "b");
  EXPECT_EQ(info.dtype, DLCRT_DTYPE_F32);
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.dims[0], 2);
  EXPECT_EQ(info.dims[1], 3);
  EXPECT_EQ(info.byte_size, 24u);
  ASSERT_OK(dlcrt_module_output_info(module, 0, &info));
  EXPECT_STREQ(info.name, "sum");
}

TEST_F(ModuleTest, DecodesNamesAndScalars) {
  ASSERT_OK(open(FAKE_MODEL_MIXED));
  dlcrt_tensor_info_t info;
  ASSERT_OK(dlcrt_module_input_info(module, 0, &info));
  EXPECT_STREQ(info.name, "x y");
  ASSERT_OK(dlcrt_module_input_info(module, 1, &info));
  EXPECT_EQ(info.dtype, DLCRT_DTYPE_BOOL);
  ASSERT_OK(dlcrt_module_output_info(module, 1, &info));
  EXPECT_STREQ(info.name, "count");
  EXPECT_EQ(info.rank, 0u);
  EXPECT_EQ(info.byte_size, 4u);
}

TEST_F(ModuleTest, InfoIndexOutOfRange) {
  ASSERT_OK(open(FAKE_MODEL_SUM));
  dlcrt_tensor_info_t info;
  EXPECT_TRUE(fails(dlcrt_module_input_info(module, 2, &info),
                    DLCRT_STATUS_OUT_OF_RANGE,
                    "input index 2 is out of range (model has 2 inputs)"));
  EXPECT_TRUE(fails(dlcrt_module_output_info(module, 1, &info),
                    DLCRT_STATUS_OUT_OF_RANGE, "output index 1"));
  EXPECT_TRUE(fails(dlcrt_module_input_info(module, SIZE_MAX, &info),
                    DLCRT_STATUS_OUT_OF_RANGE));
  EXPECT_TRUE(fails(dlcrt_module_input_info(module, 0, nullptr),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(fails(dlcrt_module_output_info(nullptr, 0, &info),
                    DLCRT_STATUS_INVALID_ARGUMENT));
}

TEST_F(ModuleTest, FindByName) {
  ASSERT_OK(open(FAKE_MODEL_SUM));
  size_t index = 99;
  ASSERT_OK(dlcrt_module_find_input(module, "b", &index));
  EXPECT_EQ(index, 1u);
  ASSERT_OK(dlcrt_module_find_output(module, "sum", &index));
  EXPECT_EQ(index, 0u);
  EXPECT_TRUE(fails(dlcrt_module_find_input(module, "c", &index),
                    DLCRT_STATUS_NOT_FOUND,
                    "no input named 'c' (it has 'a', 'b')"));
  EXPECT_TRUE(fails(dlcrt_module_find_output(module, "a", &index),
                    DLCRT_STATUS_NOT_FOUND, "no output named 'a'"));
  EXPECT_TRUE(fails(dlcrt_module_find_input(module, nullptr, &index),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(fails(dlcrt_module_find_input(module, "a", nullptr),
                    DLCRT_STATUS_INVALID_ARGUMENT));
}

TEST_F(ModuleTest, NonexistentFile) {
  EXPECT_TRUE(fails(open("/nonexistent/model.so"), DLCRT_STATUS_NOT_FOUND,
                    "model '/nonexistent/model.so'"));
  EXPECT_EQ(module, nullptr);
}

TEST_F(ModuleTest, NotASharedLibrary) {
  std::string path = ::testing::TempDir() + "dlcrt_not_a_library.so";
  FILE *file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("this is not an ELF file\n", file);
  std::fclose(file);
  EXPECT_TRUE(fails(open(path), DLCRT_STATUS_INVALID_MODEL, "cannot load it"));
  std::remove(path.c_str());
  EXPECT_TRUE(fails(open(::testing::TempDir()), DLCRT_STATUS_INVALID_MODEL,
                    "not a regular file"));
}

TEST_F(ModuleTest, SharedLibraryThatIsNotAModel) {
  // libdlcrt itself loads fine but exports none of the model symbols.
  EXPECT_TRUE(fails(open(DLCRT_LIBRARY), DLCRT_STATUS_INVALID_MODEL,
                    "does not export 'dlc_model_abi_version'"));
  EXPECT_TRUE(fails(open(FAKE_MODEL_NO_RUN), DLCRT_STATUS_INVALID_MODEL,
                    "does not export 'dlc_model_run'"));
}

TEST_F(ModuleTest, BadAbiVersion) {
  EXPECT_TRUE(fails(open(FAKE_MODEL_BAD_ABI), DLCRT_STATUS_INCOMPATIBLE,
                    "built for model ABI version 99 but this runtime "
                    "supports version 4"));
  EXPECT_EQ(module, nullptr);
}

TEST_F(ModuleTest, BadCalls) {
  EXPECT_TRUE(fails(dlcrt_module_open(nullptr, FAKE_MODEL_SUM, &module),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(fails(dlcrt_module_open(device, nullptr, &module),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_TRUE(fails(dlcrt_module_open(device, FAKE_MODEL_SUM, nullptr),
                    DLCRT_STATUS_INVALID_ARGUMENT));
  EXPECT_EQ(dlcrt_module_num_inputs(nullptr), 0u);
  EXPECT_EQ(dlcrt_module_num_outputs(nullptr), 0u);
  EXPECT_EQ(dlcrt_module_device(nullptr), nullptr);
  dlcrt_module_retain(nullptr);
  dlcrt_module_release(nullptr);
}

TEST_F(ModuleTest, ModuleKeepsDeviceAlive) {
  ASSERT_OK(open(FAKE_MODEL_SUM));
  dlcrt_module_retain(module);
  dlcrt_module_release(module);
  dlcrt_device_release(device);
  device = nullptr;
  EXPECT_EQ(dlcrt_device_kind(dlcrt_module_device(module)), DLCRT_DEVICE_CPU);
}

TEST_F(ModuleTest, PathWithoutSlashIsAFileNotALibrarySearch) {
  std::string path = FAKE_MODEL_SUM;
  size_t slash = path.rfind('/');
  ASSERT_NE(slash, std::string::npos);
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(chdir(path.substr(0, slash).c_str()), 0);
  dlcrt_status status = open(path.substr(slash + 1));
  ASSERT_EQ(chdir(cwd), 0);
  ASSERT_OK(status);
  EXPECT_EQ(dlcrt_module_num_inputs(module), 2u);
}

} // namespace
