#include "access/identity.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "access/test_node.h"
#include "auth/base32.h"
#include "auth/otp.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::access {
namespace {

class IdentityTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    IdentityPolicy policy;
    policy.password_cost = auth::PasswordCost::TestOnly();
    policy.totp_sealing_key = std::string(32, 's');
    identity_ = std::make_unique<Identity>(*store_, *trail_, policy, random_);
    ASSERT_TRUE(identity_
                    ->AddUser(admin_, {.username = "Asif.Khan",
                                       .display_name = "Asif Khan",
                                       .role = Role::kLiaisonOfficer,
                                       .max_handling_code = records::HandlingCode::kH2,
                                       .crime_areas = {records::CrimeArea::kNarcotics},
                                       .password = kPassword})
                    .ok());
  }

  static constexpr char kPassword[] = "correct horse battery staple";
  std::unique_ptr<Identity> identity_;
};

TEST_F(IdentityTest, SignInGivesASessionThatAuthenticatesAsTheUser) {
  auto s = identity_->SignIn("asif.khan", kPassword, "", "api");
  ASSERT_TRUE(s.ok()) << s.status();
  auto actor = identity_->Authenticate(s->session_token, "api");
  ASSERT_TRUE(actor.ok()) << actor.status();
  EXPECT_EQ(actor->role, Role::kLiaisonOfficer);
  EXPECT_EQ(actor->clearance.max_handling_code, records::HandlingCode::kH2);
  EXPECT_TRUE(actor->clearance.crime_areas.contains(records::CrimeArea::kNarcotics));
  EXPECT_EQ(CountAudit("sign_in"), 1);
}

TEST_F(IdentityTest, WrongPasswordAndUnknownUserGiveTheSameAnswer) {
  auto wrong = identity_->SignIn("asif.khan", "not the password at all", "", "api");
  auto unknown = identity_->SignIn("nobody", kPassword, "", "api");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_EQ(CountAudit("sign_in_failed"), 2);
}

TEST_F(IdentityTest, LockoutAfterRepeatedFailuresThenBackoffExpires) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(identity_->SignIn("asif.khan", "wrong password number x", "", "api").ok());
  }
  auto locked = identity_->SignIn("asif.khan", kPassword, "", "api");
  EXPECT_EQ(locked.status().code(), absl::StatusCode::kResourceExhausted) << locked.status();
  clock_.Advance(absl::Hours(2));
  EXPECT_TRUE(identity_->SignIn("asif.khan", kPassword, "", "api").ok());
}

TEST_F(IdentityTest, EnrolledTotpIsRequiredAndCodesCannotBeReused) {
  auto enrol = identity_->EnrolTotp(admin_, "asif.khan");
  ASSERT_TRUE(enrol.ok()) << enrol.status();
  EXPECT_TRUE(absl::StartsWith(enrol->provisioning_uri, "otpauth://totp/"));
  EXPECT_FALSE(identity_->SignIn("asif.khan", kPassword, "", "api").ok());
  std::vector<uint8_t> secret = *auth::Base32Decode(enrol->secret_base32);
  std::string code = *auth::Totp(secret, clock_.NowMillis());
  EXPECT_TRUE(identity_->SignIn("asif.khan", kPassword, code, "api").ok());
  EXPECT_FALSE(identity_->SignIn("asif.khan", kPassword, code, "api").ok());  // replay
}

TEST_F(IdentityTest, SessionsExpireWhenIdleAndEndAtSignOut) {
  auto s = *identity_->SignIn("asif.khan", kPassword, "", "api");
  clock_.Advance(absl::Minutes(31));
  EXPECT_EQ(identity_->Authenticate(s.session_token, "api").status().code(),
            absl::StatusCode::kUnauthenticated);
  auto s2 = *identity_->SignIn("asif.khan", kPassword, "", "api");
  ASSERT_TRUE(identity_->SignOut(s2.session_token).ok());
  EXPECT_FALSE(identity_->Authenticate(s2.session_token, "api").ok());
}

TEST_F(IdentityTest, ApiTokensAuthenticateUntilRevoked) {
  ASSERT_TRUE(identity_->AddUser(admin_, {.username = "hotel-feed", .role = Role::kSystem}).ok());
  auto t = identity_->IssueApiToken(admin_, "hotel-feed", "hotel guest register");
  ASSERT_TRUE(t.ok()) << t.status();
  auto actor = identity_->Authenticate(t->token, "api");
  ASSERT_TRUE(actor.ok()) << actor.status();
  EXPECT_EQ(actor->role, Role::kSystem);
  ASSERT_TRUE(identity_->RevokeApiToken(admin_, t->id).ok());
  EXPECT_FALSE(identity_->Authenticate(t->token, "api").ok());
}

TEST_F(IdentityTest, DisabledUsersCannotSignInOrUseSessions) {
  auto s = *identity_->SignIn("asif.khan", kPassword, "", "api");
  ASSERT_TRUE(identity_->SetDisabled(admin_, "asif.khan", true).ok());
  EXPECT_FALSE(identity_->Authenticate(s.session_token, "api").ok());
  EXPECT_FALSE(identity_->SignIn("asif.khan", kPassword, "", "api").ok());
}

TEST_F(IdentityTest, OnlyAdministratorsManageUsers) {
  Actor analyst = TestActor("usr_x", "X", Role::kAnalyst);
  auto added = identity_->AddUser(analyst, {.username = "eve", .password = kPassword});
  EXPECT_EQ(added.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("access_denied"), 1);
}

TEST_F(IdentityTest, WeakPasswordsAndBadUsernamesAreRefused) {
  EXPECT_FALSE(identity_->AddUser(admin_, {.username = "bob", .password = "short"}).ok());
  EXPECT_FALSE(identity_->AddUser(admin_, {.username = "bob smith", .password = kPassword}).ok());
  EXPECT_EQ(
      identity_->AddUser(admin_, {.username = "ASIF.KHAN", .password = kPassword}).status().code(),
      absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace liaison::access
