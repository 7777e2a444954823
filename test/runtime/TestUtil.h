//===- TestUtil.h - Helpers for the runtime tests ---------------*- C++ -*-===//

#ifndef DLC_TEST_RUNTIME_TESTUTIL_H
#define DLC_TEST_RUNTIME_TESTUTIL_H

#include "dlc/runtime/dlcrt.h"

#include <gtest/gtest.h>

#include <string>

namespace dlc::test {

/// Frees `status`, returning "OK" or "CODE: message" for readable failures.
inline std::string consume(dlcrt_status status) {
  std::string text = dlcrt_status_code_name(dlcrt_status_code(status));
  if (status)
    text += std::string(": ") + dlcrt_status_message(status);
  dlcrt_status_free(status);
  return text;
}

/// Frees `status` and checks that it is an error with `code` whose message
/// contains `part`.
inline ::testing::AssertionResult fails(dlcrt_status status,
                                        dlcrt_status_code_t code,
                                        const std::string &part = "") {
  if (!status)
    return ::testing::AssertionFailure() << "call succeeded";
  dlcrt_status_code_t got = dlcrt_status_code(status);
  std::string message = dlcrt_status_message(status);
  dlcrt_status_free(status);
  if (got != code)
    return ::testing::AssertionFailure()
           << "expected " << dlcrt_status_code_name(code) << " but got "
           << dlcrt_status_code_name(got) << ": " << message;
  if (message.find(part) == std::string::npos)
    return ::testing::AssertionFailure()
           << "message '" << message << "' lacks '" << part << "'";
  return ::testing::AssertionSuccess() << message;
}

} // namespace dlc::test

#define ASSERT_OK(expr) ASSERT_EQ(::dlc::test::consume(expr), "OK")
#define EXPECT_OK(expr) EXPECT_EQ(::dlc::test::consume(expr), "OK")

#endif // DLC_TEST_RUNTIME_TESTUTIL_H
