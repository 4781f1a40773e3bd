#include "access/permissions.h"

#include <array>

namespace liaison::access {
namespace {

constexpr std::array<std::string_view, 16> kAll = {
    kPublic,        kSelf,      kRecordsRead, kRecordsWrite,   kRecordsImport, kAuditRead,
    kUsersManage,   kNodeAdmin, kStatsRead,   kRetentionRun,   kPartnersQuery, kScreeningSearch,
    kScreeningJobs, kCasesRead, kCasesWrite,  kFollowupsDecide};

struct Grant {
  std::string_view permission;
  std::initializer_list<Role> roles;
};

// Who may do what. Auditors read the audit log and statistics and nothing
// else; administrators run the node but read records only through the same
// clearance checks as everybody else.
const Grant kGrants[] = {
    {kRecordsRead,
     {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor,
      Role::kSystem}},
    {kRecordsWrite, {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSystem}},
    {kRecordsImport, {Role::kAdministrator, Role::kAnalyst, Role::kSystem}},
    {kAuditRead, {Role::kAuditor, Role::kSupervisor}},
    {kUsersManage, {Role::kAdministrator}},
    {kNodeAdmin, {Role::kAdministrator}},
    {kStatsRead, {Role::kAdministrator, Role::kSupervisor, Role::kAuditor, Role::kLiaisonOfficer}},
    {kRetentionRun, {Role::kAdministrator, Role::kSupervisor}},
    // Searching persons by name and screening lists, with explanations:
    // the people who work cases. Auditors and upstream systems do not.
    {kScreeningSearch,
     {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor}},
    {kScreeningJobs,
     {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor}},
    // Hit/no-hit search of partner nodes: no personal data comes back.
    {kPartnersQuery,
     {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor}},
    // Case messaging with partners: liaison officers and their supervisors
    // work the threads; analysts read them (and may be forwarded messages).
    {kCasesRead, {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst, Role::kSupervisor}},
    {kCasesWrite, {Role::kAdministrator, Role::kLiaisonOfficer, Role::kSupervisor}},
    // Deciding partners' follow-up requests (releasing data): the liaison
    // officers' queue, and their supervisors.
    {kFollowupsDecide, {Role::kAdministrator, Role::kLiaisonOfficer, Role::kSupervisor}},
};

}  // namespace

std::span<const std::string_view> AllPermissions() { return kAll; }

bool RoleHolds(Role role, std::string_view permission) {
  if (permission == kPublic || permission == kSelf) return true;
  for (const Grant& g : kGrants) {
    if (g.permission != permission) continue;
    for (Role r : g.roles) {
      if (r == role) return true;
    }
    return false;
  }
  return false;
}

std::vector<std::string_view> PermissionsOf(Role role) {
  std::vector<std::string_view> out;
  for (std::string_view p : kAll) {
    if (p != kPublic && p != kSelf && RoleHolds(role, p)) out.push_back(p);
  }
  return out;
}

}  // namespace liaison::access
