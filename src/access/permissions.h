// The permission each API route and CLI command requires, and which roles
// hold it. This table is the single place where roles are enforced: the
// router's gate and the CLI both ask RoleHolds, and a test walks every route
// against every role.
//
// Thread-safety: pure functions over constant tables.
#ifndef LIAISON_ACCESS_PERMISSIONS_H_
#define LIAISON_ACCESS_PERMISSIONS_H_

#include <span>
#include <string_view>
#include <vector>

#include "access/actor.h"

namespace liaison::access {

// Permission names, as routes declare them.
inline constexpr std::string_view kPublic = "public";                     // health, sign-in
inline constexpr std::string_view kSelf = "self";                         // own session, sign-out
inline constexpr std::string_view kRecordsRead = "records.read";          // view, list, search
inline constexpr std::string_view kRecordsWrite = "records.write";        // create, update, delete
inline constexpr std::string_view kRecordsImport = "records.import";      // bulk import
inline constexpr std::string_view kAuditRead = "audit.read";              // audit trail, exports
inline constexpr std::string_view kUsersManage = "users.manage";          // users, tokens
inline constexpr std::string_view kNodeAdmin = "node.admin";              // config, partners, keys
inline constexpr std::string_view kStatsRead = "stats.read";              // joint-committee figures
inline constexpr std::string_view kRetentionRun = "retention.run";        // review and erase
inline constexpr std::string_view kScreeningSearch = "screening.search";  // person search
inline constexpr std::string_view kScreeningJobs = "screening.jobs";      // bulk screening, review
inline constexpr std::string_view kPartnersQuery = "partners.query";      // hit/no-hit to partners
inline constexpr std::string_view kCasesRead = "cases.read";              // case threads, inbox
inline constexpr std::string_view kCasesWrite = "cases.write";            // open, send, forward
inline constexpr std::string_view kFollowupsDecide = "followups.decide";  // partners' follow-ups

// Every permission name above.
std::span<const std::string_view> AllPermissions();

// True when `role` holds `permission`. kPublic and kSelf are held by all.
// Unknown permission names are held by nobody (fail closed).
bool RoleHolds(Role role, std::string_view permission);

// The permissions `role` holds, in AllPermissions() order, without kPublic
// and kSelf (held by everyone): what a client needs to show only what the
// caller may do.
std::vector<std::string_view> PermissionsOf(Role role);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_PERMISSIONS_H_
