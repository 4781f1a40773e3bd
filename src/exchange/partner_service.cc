#include "exchange/partner_service.h"

#include <chrono>
#include <thread>

#include "audit/hex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/watchlist_messages.h"

namespace liaison::exchange {
namespace {

// Envelopes sent before this process started are refused: the guard does
// not know which of them the node accepted before.
federation::InMemoryReplayGuard::Options FlooredAt(const Clock& clock) {
  return federation::InMemoryReplayGuard::AfterRestart(
      clock.NowMillis(), absl::ToInt64Milliseconds(federation::OpenOptions().max_skew));
}

absl::StatusOr<match::PersonInput> PersonInputOf(const federation::QueriedPerson& p) {
  match::PersonInput input;
  input.names = p.names;
  input.father_name = p.father_name;
  input.dob = p.dob;
  input.gender = p.gender;
  input.nationalities = p.nationalities;
  for (const std::string& id : p.id_numbers) {
    size_t colon = id.find(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(StrCat("id number '", id, "' is not scheme:value"));
    }
    input.id_numbers.push_back({id.substr(0, colon), id.substr(colon + 1)});
  }
  return input;
}

int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace

absl::StatusOr<size_t> LoadOwnPersons(store::Store& store, std::string_view owner,
                                      federation::IndexedPersonSearch& search) {
  size_t loaded = 0;
  RETURN_IF_ERROR(store.Read([&](store::Reader& r) {
    return r.ScanRecords(records::RecordType::kPerson, [&](records::Record&& record) {
      if (record.meta.owner == owner && search.Upsert(record).ok()) ++loaded;
      return absl::OkStatus();
    });
  }));
  return loaded;
}

std::vector<std::string> QueryTerms(const federation::QueriedPerson& p) {
  std::vector<std::string> terms = p.names;
  terms.push_back(p.father_name);
  terms.push_back(p.dob);
  for (const std::string& id : p.id_numbers) terms.push_back(id);
  return terms;
}

PartnerService::PartnerService(PartnerServiceOptions options, access::Partners& partners,
                               const audit::Signer& signer, const Clock& clock, Random& random,
                               const federation::LocalPersonSearch* search)
    : options_(std::move(options)),
      partners_(partners),
      signer_(signer),
      clock_(clock),
      random_(random),
      search_(search),
      guard_(FlooredAt(clock)),
      reply_guard_(FlooredAt(clock)) {
  federation::PartnerClientOptions client;
  client.node_id = options_.node_id;
  client.identity = options_.identity;
  client.connect_timeout = options_.connect_timeout;
  client.read_timeout = options_.read_timeout;
  client_ = std::make_unique<federation::PartnerClient>(client, directory_, signer_, clock_,
                                                        random_, reply_guard_);
}

PartnerService::~PartnerService() { StopListener(); }

absl::Status PartnerService::Refresh() {
  ASSIGN_OR_RETURN(std::vector<store::PartnerRow> rows, partners_.ActivePartners());
  std::vector<federation::PartnerKeys> keys;
  for (const store::PartnerRow& row : rows) {
    federation::PartnerKeys k;
    k.node_id = row.node_id;
    k.endpoint = row.endpoint;
    std::optional<std::vector<uint8_t>> signing = audit::HexDecode(row.signing_public_key);
    std::optional<std::vector<uint8_t>> fingerprint = audit::HexDecode(row.tls_fingerprint);
    if (!signing || signing->size() != 32 || !fingerprint || fingerprint->size() != 32) {
      return absl::DataLossError(StrCat("partner ", row.node_id, ": stored keys are not valid"));
    }
    k.signing_public_key.assign(signing->begin(), signing->end());
    std::copy(fingerprint->begin(), fingerprint->end(), k.fingerprint.begin());
    keys.push_back(std::move(k));
  }
  directory_.Replace(std::move(keys));
  return absl::OkStatus();
}

absl::StatusOr<int> PartnerService::StartListener(const std::string& host, int port) {
  federation::PartnerServerOptions o;
  o.host = host;
  o.port = port;
  o.node_id = options_.node_id;
  o.identity = options_.identity;
  o.worker_threads = options_.worker_threads;
  ASSIGN_OR_RETURN(server_,
                   federation::PartnerServer::Create(
                       o, directory_, signer_, clock_, random_, guard_,
                       [this](const federation::OpenedEnvelope& envelope, int64_t received_ms) {
                         return HandleMessage(envelope, received_ms);
                       },
                       [this](const federation::EnvelopeRefusal& refusal, std::string_view sender,
                              std::string_view message_id) {
                         // A failed audit write must not hide the refusal; the answer is
                         // a refusal either way.
                         (void)partners_.RecordEnvelopeRefusal(
                             federation::EnvelopeErrorCode(refusal.error), refusal.field, sender,
                             message_id, refusal.message);
                       }));
  return server_->Start();
}

void PartnerService::StopListener() {
  if (server_) server_->Shutdown();
}

void PartnerService::SetCaseBatchHandler(federation::MessageHandler handler) {
  case_batch_handler_ = std::move(handler);
}

void PartnerService::SetWatchlistPullHandler(federation::MessageHandler handler) {
  watchlist_pull_handler_ = std::move(handler);
}

absl::StatusOr<federation::PartnerClient::Sent> PartnerService::SendEnvelope(
    std::string_view partner, std::string_view message_type, std::string_view body) {
  return client_->Send(partner, message_type, body);
}

absl::StatusOr<federation::MessageReply> PartnerService::HandleMessage(
    const federation::OpenedEnvelope& envelope, int64_t received_ms) {
  if (envelope.header.message_type == federation::kCaseBatchType && case_batch_handler_) {
    return case_batch_handler_(envelope, received_ms);
  }
  if (envelope.header.message_type == federation::kWatchlistPullType && watchlist_pull_handler_) {
    return watchlist_pull_handler_(envelope, received_ms);
  }
  if (envelope.header.message_type != federation::kHitQueryType) {
    return absl::UnimplementedError(
        StrCat("message type '", envelope.header.message_type, "' is not handled by this node"));
  }
  ASSIGN_OR_RETURN(federation::HitQuery query, federation::ParseHitQuery(envelope.body));
  access::IncomingQuery incoming;
  incoming.partner = envelope.header.sender;
  incoming.message_id = envelope.header.message_id;
  incoming.query_id = query.query_id;
  incoming.purpose = {query.purpose, query.case_ref};
  incoming.crime_area = query.crime_area;
  incoming.terms = QueryTerms(query.person);
  incoming.received_ms = received_ms;

  auto search =
      [&](const access::AgreementScope& scope) -> absl::StatusOr<std::vector<access::ScopedHit>> {
    std::vector<access::ScopedHit> out;
    if (search_ == nullptr) return out;
    ASSIGN_OR_RETURN(match::PersonInput input, PersonInputOf(query.person));
    absl::StatusOr<match::PreparedPerson> prepared = search_->matcher().Prepare(input);
    // A query the matcher cannot use finds nothing, as a query for nobody.
    if (!prepared.ok()) return out;
    federation::LocalSearchScope local;
    local.crime_areas = scope.crime_areas;
    local.record_types = scope.record_types;
    local.max_handling_code = scope.max_handling_code;
    local.limit = federation::kMaxAnswerResults;
    ASSIGN_OR_RETURN(std::vector<federation::LocalPersonHit> hits,
                     search_->Search(*prepared, local));
    for (const auto& h : hits) {
      out.push_back({h.record_id, h.score >= kStrongBandScore ? "strong" : "possible"});
    }
    return out;
  };
  ASSIGN_OR_RETURN(access::AnsweredQuery answered, partners_.Answer(incoming, search));

  federation::HitAnswer answer;
  answer.query_id = query.query_id;
  answer.in_reply_to = envelope.header.message_id;
  if (!answered.refusal.empty()) {
    answer.status = "refused";
    answer.refusal = answered.refusal;
  } else {
    for (const auto& r : answered.results) {
      answer.results.push_back({r.reference, r.band == "strong"
                                                 ? federation::MatchBand::kStrong
                                                 : federation::MatchBand::kPossible});
    }
    answer.hit = !answer.results.empty();
  }
  return federation::MessageReply{std::string(federation::kHitAnswerType),
                                  federation::HitAnswerToJson(answer)};
}

PartnerQueryResult PartnerService::SendOne(const access::Actor& actor, const OutgoingQuery& query,
                                           const federation::HitQuery& hit_query,
                                           const std::string& partner) {
  PartnerQueryResult result;
  result.partner = partner;
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<federation::PartnerClient::Sent> sent =
      client_->Send(partner, federation::kHitQueryType, federation::HitQueryToJson(hit_query));
  if (!sent.ok()) {
    result.error = std::string(sent.status().message());
  } else if (sent->reply.header.message_type != federation::kHitAnswerType) {
    result.error = StrCat("partner ", partner, " replied with a '", sent->reply.header.message_type,
                          "' instead of a hit_answer");
  } else {
    absl::StatusOr<federation::HitAnswer> answer = federation::ParseHitAnswer(sent->reply.body);
    if (!answer.ok()) {
      result.error = StrCat("partner ", partner,
                            " sent an unreadable answer: ", StdView(answer.status().message()));
    } else if (answer->query_id != hit_query.query_id || answer->in_reply_to != sent->message_id) {
      result.error = StrCat("partner ", partner, " answered another query");
    } else if (answer->status == "refused") {
      result.response_ms = MillisSince(start);
      result.error = StrCat("partner ", partner, " refused the query: ", answer->refusal);
    } else {
      result.response_ms = MillisSince(start);
      result.answered = true;
      result.hit = answer->hit;
      result.results = answer->results;
    }
  }
  access::SentQueryOutcome outcome;
  outcome.partner = partner;
  outcome.query_id = hit_query.query_id;
  outcome.response_ms = result.response_ms;
  outcome.hit = result.hit;
  for (const auto& r : result.results) outcome.references.push_back(r.reference);
  outcome.error = result.error;
  outcome.crime_area = query.crime_area;
  absl::Status audited =
      partners_.RecordSent(actor, query.purpose, QueryTerms(query.person), outcome);
  if (!audited.ok() && result.error.empty()) {
    result.error =
        StrCat("the answer of ", partner, " could not be audited: ", StdView(audited.message()));
    result.answered = false;
    result.hit = false;
    result.results.clear();
  }
  return result;
}

absl::StatusOr<std::vector<PartnerQueryResult>> PartnerService::Query(const access::Actor& actor,
                                                                      const OutgoingQuery& query) {
  RETURN_IF_ERROR(partners_.CheckMayQuery(actor, query.purpose));
  federation::HitQuery hit_query;
  hit_query.query_id = random_.NewId("qry_");
  hit_query.purpose = query.purpose.text;
  hit_query.case_ref = query.purpose.case_ref;
  hit_query.crime_area = query.crime_area;
  hit_query.person = query.person;
  RETURN_IF_ERROR(federation::ValidateHitQuery(hit_query));

  std::vector<std::string> targets;
  if (query.all) {
    for (const federation::PartnerKeys& p : directory_.All()) targets.push_back(p.node_id);
    if (targets.empty()) {
      return absl::FailedPreconditionError(
          "no partners are registered; add one with liaison partner add");
    }
  } else {
    if (query.partners.empty()) return absl::InvalidArgumentError("name a partner, or all");
    for (const std::string& p : query.partners) {
      if (!directory_.Find(p)) {
        return absl::NotFoundError(StrCat("'", p, "' is not a registered partner"));
      }
      targets.push_back(p);
    }
  }
  std::vector<PartnerQueryResult> results(targets.size());
  std::vector<std::thread> threads;
  for (size_t i = 1; i < targets.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = SendOne(actor, query, hit_query, targets[i]); });
  }
  results[0] = SendOne(actor, query, hit_query, targets[0]);
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace liaison::exchange
