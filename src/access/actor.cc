#include "access/actor.h"

#include <array>
#include <utility>

#include "common/absl_bridge.h"
#include "common/json_text.h"

namespace liaison::access {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoles{{
    {Role::kAdministrator, "administrator"},
    {Role::kLiaisonOfficer, "liaison_officer"},
    {Role::kAnalyst, "analyst"},
    {Role::kSupervisor, "supervisor"},
    {Role::kAuditor, "auditor"},
    {Role::kSystem, "system"},
}};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return absl::InvalidArgumentError(
      StrCat("'", name,
             "' is not a role (administrator, liaison_officer, analyst, supervisor, auditor, "
             "system)"));
}

bool Clearance::Covers(const records::RecordMeta& meta) const {
  if (static_cast<int>(meta.handling_code) > static_cast<int>(max_handling_code)) return false;
  return crime_areas.empty() || crime_areas.contains(meta.crime_area);
}

Actor Actor::LocalAdministrator() {
  Actor a;
  a.id = "local-admin";
  a.name = "local administrator";
  a.role = Role::kAdministrator;
  a.clearance.max_handling_code = records::HandlingCode::kH3;
  a.origin = "cli";
  return a;
}

absl::Status ValidatePurpose(const Purpose& purpose) {
  if (StripAscii(purpose.text).empty()) {
    return absl::InvalidArgumentError(
        "purpose: required; say why you need this (Directive 2016/680 Art. 25 logging)");
  }
  if (purpose.text.size() > 1000 || purpose.case_ref.size() > 200) {
    return absl::InvalidArgumentError("purpose: at most 1,000 bytes (case reference 200)");
  }
  if (!IsValidUtf8(purpose.text) || !IsValidUtf8(purpose.case_ref)) {
    return absl::InvalidArgumentError("purpose: invalid UTF-8");
  }
  return absl::OkStatus();
}

}  // namespace liaison::access
