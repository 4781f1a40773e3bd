#include "access/permissions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace liaison::access {
namespace {

TEST(PermissionsTest, AuditorReadsTheAuditLogButNoRecords) {
  EXPECT_TRUE(RoleHolds(Role::kAuditor, kAuditRead));
  EXPECT_FALSE(RoleHolds(Role::kAuditor, kRecordsRead));
  EXPECT_FALSE(RoleHolds(Role::kAuditor, kRecordsWrite));
}

TEST(PermissionsTest, AnalystCannotReadTheAuditLogOrManageUsers) {
  EXPECT_TRUE(RoleHolds(Role::kAnalyst, kRecordsRead));
  EXPECT_FALSE(RoleHolds(Role::kAnalyst, kAuditRead));
  EXPECT_FALSE(RoleHolds(Role::kAnalyst, kUsersManage));
}

TEST(PermissionsTest, OnlyAdministratorsManageUsersAndTheNode) {
  for (Role r :
       {Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor, Role::kAuditor, Role::kSystem}) {
    EXPECT_FALSE(RoleHolds(r, kUsersManage)) << RoleName(r);
    EXPECT_FALSE(RoleHolds(r, kNodeAdmin)) << RoleName(r);
  }
  EXPECT_TRUE(RoleHolds(Role::kAdministrator, kUsersManage));
}

TEST(PermissionsTest, UnknownPermissionIsHeldByNobody) {
  for (Role r : {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor,
                 Role::kAuditor, Role::kSystem}) {
    EXPECT_FALSE(RoleHolds(r, "records.reed")) << RoleName(r);
    EXPECT_TRUE(RoleHolds(r, kPublic));
  }
}

TEST(PermissionsTest, PermissionsOfListsExactlyWhatTheRoleHolds) {
  for (Role r : {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor,
                 Role::kAuditor, Role::kSystem}) {
    std::vector<std::string_view> held = PermissionsOf(r);
    for (std::string_view p : AllPermissions()) {
      bool listed = std::find(held.begin(), held.end(), p) != held.end();
      if (p == kPublic || p == kSelf) {
        EXPECT_FALSE(listed) << RoleName(r) << " " << p;
      } else {
        EXPECT_EQ(listed, RoleHolds(r, p)) << RoleName(r) << " " << p;
      }
    }
  }
  std::vector<std::string_view> auditor = PermissionsOf(Role::kAuditor);
  EXPECT_EQ(auditor, (std::vector<std::string_view>{kAuditRead, kStatsRead}));
}

TEST(PermissionsTest, AnalystsAndSystemsDoNotDecideFollowUps) {
  EXPECT_TRUE(RoleHolds(Role::kLiaisonOfficer, kFollowupsDecide));
  EXPECT_TRUE(RoleHolds(Role::kSupervisor, kFollowupsDecide));
  for (Role r : {Role::kAnalyst, Role::kAuditor, Role::kSystem}) {
    EXPECT_FALSE(RoleHolds(r, kFollowupsDecide)) << RoleName(r);
  }
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role r : {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor,
                 Role::kAuditor, Role::kSystem}) {
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
  }
  EXPECT_FALSE(ParseRole("root").ok());
}

}  // namespace
}  // namespace liaison::access
