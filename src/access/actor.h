// Who is acting: a signed-in user, an upstream system with an API token, a
// partner node, or the node's local administrator at the command line. The
// access gate decides everything from an Actor; nothing else about the
// request is trusted.
//
// Thread-safety: plain values.
#ifndef LIAISON_ACCESS_ACTOR_H_
#define LIAISON_ACCESS_ACTOR_H_

#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "records/record.h"

namespace liaison::access {

enum class Role {
  kAdministrator,
  kLiaisonOfficer,
  kAnalyst,
  kSupervisor,
  kAuditor,
  kSystem,
};

// "administrator", "liaison_officer", "analyst", "supervisor", "auditor", "system".
std::string_view RoleName(Role role);
absl::StatusOr<Role> ParseRole(std::string_view name);

// What a user may read: records up to a handling code, in some crime areas.
struct Clearance {
  records::HandlingCode max_handling_code = records::HandlingCode::kH0;
  std::set<records::CrimeArea> crime_areas;  // empty: every crime area
  bool Covers(const records::RecordMeta& meta) const;
};

struct Actor {
  std::string id;    // "usr_...", "local-admin", "partner:<node id>"
  std::string name;  // display name at the time
  Role role = Role::kAnalyst;
  Clearance clearance;
  std::string origin;  // "api", "cli", "partner:<node id>"

  // The node's administrator acting from the command line on the node's
  // data directory: full clearance, audited as "local-admin".
  static Actor LocalAdministrator();
};

// Why: every consultation of personal data states a purpose (Directive
// 2016/680 Art. 25), and a case reference where there is one.
struct Purpose {
  std::string text;
  std::string case_ref;
};

// Checks a purpose given by a user: non-empty, at most 1,000 bytes, valid
// UTF-8. Returns InvalidArgument saying what is missing.
absl::Status ValidatePurpose(const Purpose& purpose);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_ACTOR_H_
