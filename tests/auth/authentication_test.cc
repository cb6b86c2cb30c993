// The verdict vocabulary shared by every authentication method.
#include "mail/authentication.h"

#include <gtest/gtest.h>

namespace flexmail {
namespace {

TEST(Authentication, ResultNames) {
  EXPECT_EQ(AuthResultName(AuthResult::kPass), "pass");
  EXPECT_EQ(AuthResultName(AuthResult::kFail), "fail");
  EXPECT_EQ(AuthResultName(AuthResult::kTempError), "temperror");
  EXPECT_EQ(AuthResultName(AuthResult::kNone), "none");
}

}  // namespace
}  // namespace flexmail
