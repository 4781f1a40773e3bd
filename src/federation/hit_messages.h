// The bodies of the hit/no-hit exchange (docs/protocol.md section 8.1):
// `hit_query`, sent by an officer's node to a partner, and `hit_answer`, the
// partner's automatic answer. A query carries the searched person's
// identifying features (the only personal data that leaves a node, and only
// in a query); an answer carries, per hit, a match-strength band and an
// opaque reference, never personal data.
//
// Bodies come from another agency's node, so parsing is strict: one JSON
// object, every member required and of its documented form, no unknown
// members, limits on every size; errors name the member.
//
// Thread-safety: plain values and pure functions.
#ifndef LIAISON_FEDERATION_HIT_MESSAGES_H_
#define LIAISON_FEDERATION_HIT_MESSAGES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace liaison::federation {

inline constexpr std::string_view kHitQueryType = "hit_query";
inline constexpr std::string_view kHitAnswerType = "hit_answer";

// Limits a receiver enforces on a hit_query.
inline constexpr size_t kMaxQueryBodyBytes = 16 * 1024;
inline constexpr size_t kMaxQueryNames = 10;
inline constexpr size_t kMaxQueryIdNumbers = 10;
inline constexpr size_t kMaxQueryNationalities = 5;
inline constexpr size_t kMaxNameBytes = 300;
inline constexpr size_t kMaxPurposeBytes = 1000;
inline constexpr size_t kMaxCaseRefBytes = 200;
// At most this many hits are reported per answer.
inline constexpr size_t kMaxAnswerResults = 10;

struct QueriedPerson {
  std::vector<std::string> names;  // 1..kMaxQueryNames, any script
  std::string father_name;
  std::string dob;                         // "YYYY-MM-DD", "YYYY-MM", "YYYY" or ""
  std::string gender;                      // "M", "F", "X" or ""
  std::vector<std::string> nationalities;  // ISO 3166-1 alpha-2
  std::vector<std::string> id_numbers;     // "scheme:value"
};

struct HitQuery {
  std::string query_id;    // "qry_" + 26 Crockford base32; the same across retries
  std::string purpose;     // 1..1000 bytes, the officer's stated purpose
  std::string case_ref;    // 0..200 bytes
  std::string crime_area;  // a crime area of CONTRACTS.md, or "" for any the agreement allows
  QueriedPerson person;
};

enum class MatchBand { kStrong, kPossible };
// "strong", "possible".
std::string_view MatchBandName(MatchBand band);

struct HitResult {
  std::string reference;  // "ref_" + 26 Crockford base32, meaningful only to the answering node
  MatchBand band = MatchBand::kPossible;
};

struct HitAnswer {
  std::string query_id;
  std::string in_reply_to;  // message id of the query's envelope
  // "answered", or "refused" (then `refusal` says why: "quota_exceeded",
  // "no_agreement") and no hit is reported.
  std::string status = "answered";
  std::string refusal;
  bool hit = false;
  std::vector<HitResult> results;  // empty unless hit; at most kMaxAnswerResults
};

// Bodies as compact JSON, members in the documented order.
std::string HitQueryToJson(const HitQuery& query);
std::string HitAnswerToJson(const HitAnswer& answer);

// Parse and check a received body. Return InvalidArgument "hit_query: member
// '<name>': <problem>" (or "hit_answer: ...") for anything outside the
// documented form, ResourceExhausted for a body over its size limit.
absl::StatusOr<HitQuery> ParseHitQuery(std::string_view body);
absl::StatusOr<HitAnswer> ParseHitAnswer(std::string_view body);

// Checks a query built locally (before sending) the same way.
absl::Status ValidateHitQuery(const HitQuery& query);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_HIT_MESSAGES_H_
