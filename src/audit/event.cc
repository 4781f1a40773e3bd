#include "audit/event.h"

#include <sodium.h>

#include <array>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "audit/canonical_json.h"
#include "audit/hex.h"

namespace liaison::audit {
namespace {

struct ActionNameEntry {
  Action action;
  std::string_view name;
};

constexpr std::array<ActionNameEntry, 39> kActionNames = {{
    {Action::kSignIn, "sign_in"},
    {Action::kSignInFailed, "sign_in_failed"},
    {Action::kSignOut, "sign_out"},
    {Action::kSearch, "search"},
    {Action::kView, "view"},
    {Action::kCreate, "create"},
    {Action::kUpdate, "update"},
    {Action::kDelete, "delete"},
    {Action::kImport, "import"},
    {Action::kExport, "export"},
    {Action::kScreening, "screening"},
    {Action::kPartnerQuerySent, "partner_query_sent"},
    {Action::kPartnerQueryAnswered, "partner_query_answered"},
    {Action::kDisclosure, "disclosure"},
    {Action::kRefusal, "refusal"},
    {Action::kAccessDenied, "access_denied"},
    {Action::kConfigChange, "config_change"},
    {Action::kUserChange, "user_change"},
    {Action::kRetentionErase, "retention_erase"},
    {Action::kCheckpoint, "checkpoint"},
    {Action::kRetentionReview, "retention_review"},
    {Action::kKeyChange, "key_change"},
    {Action::kAuditExport, "audit_export"},
    {Action::kAuditVerify, "audit_verify"},
    {Action::kCaseOpened, "case_opened"},
    {Action::kMessageSent, "message_sent"},
    {Action::kMessageDelivered, "message_delivered"},
    {Action::kMessageReceived, "message_received"},
    {Action::kMessageRead, "message_read"},
    {Action::kMessageForwarded, "message_forwarded"},
    {Action::kFollowupRequested, "followup_requested"},
    {Action::kFollowupDecided, "followup_decided"},
    {Action::kDataReleased, "data_released"},
    {Action::kDataReceived, "data_received"},
    {Action::kDataErased, "data_erased"},
    {Action::kWatchlistPublished, "watchlist_published"},
    {Action::kWatchlistPulled, "watchlist_pulled"},
    {Action::kWatchlistHitNotified, "watchlist_hit_notified"},
    {Action::kWatchlistHitReceived, "watchlist_hit_received"},
}};

constexpr std::array<Action, kActionNames.size()> MakeActionList() {
  std::array<Action, kActionNames.size()> list{};
  for (size_t i = 0; i < kActionNames.size(); ++i) list[i] = kActionNames[i].action;
  return list;
}
constexpr std::array<Action, kActionNames.size()> kAllActions = MakeActionList();

absl::Status CheckText(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("audit event field '", std::string(field),
                                                   "' is ", value.size(), " bytes; the limit is ",
                                                   max_bytes));
  }
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event field '", std::string(field), "' is not valid UTF-8"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view ActionName(Action action) {
  for (const ActionNameEntry& e : kActionNames) {
    if (e.action == action) return e.name;
  }
  return "unknown";
}

std::optional<Action> ActionFromName(std::string_view name) {
  for (const ActionNameEntry& e : kActionNames) {
    if (e.name == name) return e.action;
  }
  return std::nullopt;
}

std::span<const Action> AllActions() { return kAllActions; }

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kError:
      return "error";
  }
  return "error";
}

std::optional<Outcome> OutcomeFromName(std::string_view name) {
  if (name == "ok") return Outcome::kOk;
  if (name == "denied") return Outcome::kDenied;
  if (name == "error") return Outcome::kError;
  return std::nullopt;
}

absl::Status ValidateEvent(const Event& event) {
  struct Field {
    std::string_view name;
    const std::string& value;
  };
  const Field fields[] = {
      {"actor_id", event.actor_id},         {"actor_name", event.actor_name},
      {"actor_role", event.actor_role},     {"query_hash", event.query_hash},
      {"purpose", event.purpose},           {"case_ref", event.case_ref},
      {"outcome_text", event.outcome_text}, {"origin", event.origin},
  };
  for (const Field& f : fields) {
    absl::Status s = CheckText(f.name, f.value, kMaxTextBytes);
    if (!s.ok()) return s;
  }
  if (ActionName(event.action) == "unknown") {
    return absl::InvalidArgumentError("audit event has an action outside the enum");
  }
  if (event.object_ids.size() > kMaxObjectIds) {
    return absl::InvalidArgumentError(absl::StrCat("audit event has ", event.object_ids.size(),
                                                   " object ids; the limit is ", kMaxObjectIds));
  }
  for (const std::string& id : event.object_ids) {
    absl::Status s = CheckText("object_ids", id, kMaxObjectIdBytes);
    if (!s.ok()) return s;
  }
  if (!event.details.is_object()) {
    return absl::InvalidArgumentError("audit event field 'details' must be a JSON object");
  }
  std::string details;
  absl::Status s = AppendCanonicalJson(event.details, kMaxDetailsDepth, &details);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("audit event field 'details': ", s.message()));
  }
  if (details.size() > kMaxDetailsBytes) {
    return absl::InvalidArgumentError(absl::StrCat("audit event field 'details' is ",
                                                   details.size(), " bytes; the limit is ",
                                                   kMaxDetailsBytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashQueryTerms(std::span<const uint8_t> key,
                                           std::span<const std::string> terms) {
  if (key.size() != kQueryKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("query hash key must be ", kQueryKeyBytes, " bytes, got ", key.size()));
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), crypto_generichash_BYTES);
  for (const std::string& term : terms) {
    uint8_t len[8];
    uint64_t n = term.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
    crypto_generichash_update(&state, len, sizeof len);
    crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(term.data()), term.size());
  }
  uint8_t out[crypto_generichash_BYTES];
  crypto_generichash_final(&state, out, sizeof out);
  return HexEncode(out, sizeof out);
}

}  // namespace liaison::audit
