#include "access/permissions.h"

#include <gtest/gtest.h>

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

TEST(RoleTest, NamesRoundTrip) {
  for (Role r : {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor,
                 Role::kAuditor, Role::kSystem}) {
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
  }
  EXPECT_FALSE(ParseRole("root").ok());
}

}  // namespace
}  // namespace liaison::access
