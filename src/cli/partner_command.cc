// Partners, sharing agreements and hit/no-hit queries from the command line
// (CONTRACTS.md):
//
//   liaison partner export --data DIR --out BUNDLE.json [--endpoint URL]
//   liaison partner add --data DIR BUNDLE.json [--yes]
//   liaison partner list --data DIR
//   liaison partner remove --data DIR NODE_ID
//   liaison partner query --data DIR --partner NODE_ID|--all --name NAME --purpose TEXT ...
//   liaison query --data DIR --partner NODE_ID|all --name NAME --purpose TEXT ... [--json]
//   liaison agreement set --data DIR --partner NODE_ID --crime-areas LIST ...
//   liaison agreement show --data DIR --partner NODE_ID
//
// All act as the node's local administrator and are audited as such.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "access/partners.h"
#include "audit/hex.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "exchange/partner_service.h"
#include "federation/canonical_bytes.h"
#include "federation/partner_bundle.h"

namespace liaison::cli {
namespace {

struct PartnerArgs {
  std::string data;
  std::string out;
  std::string endpoint;
  std::string bundle;
  bool yes = false;
  std::string node_id;  // positional, for remove / agreement
  std::string partner;  // --partner
  bool all = false;
  bool json = false;
  // query
  std::string name;
  std::vector<std::string> aliases;
  std::string father_name;
  std::string dob;
  std::string gender;
  std::vector<std::string> id_numbers;
  std::string crime_area;
  std::string purpose;
  std::string case_ref;
  // agreement
  std::string crime_areas;
  std::string record_types = "person";
  std::string max_handling_code = "H0";
  std::string auto_approve;
  int64_t retention_days = 90;
  int64_t quota = 1000;
};

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open"));
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max_bytes + 1));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(StrCat(path, ": larger than ", max_bytes, " bytes"));
  }
  return text;
}

// The endpoint partners reach this node at.
absl::StatusOr<std::string> OwnEndpoint(const node::NodeConfig& config, const std::string& flag) {
  if (!flag.empty()) return flag;
  if (!config.federation_endpoint.empty()) return config.federation_endpoint;
  if (!config.federation_listen.empty()) {
    ASSIGN_OR_RETURN(node::ListenAddress listen,
                     node::ParseListenAddress(config.federation_listen));
    if (listen.host != "0.0.0.0" && listen.host != "::" && listen.port != 0) {
      return StrCat(
          "https://",
          listen.host.find(':') != std::string::npos ? StrCat("[", listen.host, "]") : listen.host,
          ":", listen.port);
    }
  }
  return absl::FailedPreconditionError(
      "no partner endpoint: set [federation] endpoint in liaison.toml or pass --endpoint "
      "https://HOST:PORT");
}

absl::Status RunExport(const PartnerArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  const node::NodeConfig& config = ctx->dir.config;
  federation::PartnerBundle bundle;
  bundle.node_id = config.node_id;
  bundle.agency = config.agency;
  bundle.country = config.country;
  ASSIGN_OR_RETURN(bundle.endpoint, OwnEndpoint(config, a.endpoint));
  bundle.tls_certificate_pem = ctx->dir.keys.tls_cert_pem();
  bundle.issued_at_ms = ctx->clock->NowMillis();
  ASSIGN_OR_RETURN(federation::PartnerBundle signed_bundle,
                   federation::SignBundle(std::move(bundle), *ctx->signer));
  const std::string json = federation::BundleToJson(signed_bundle);
  {
    std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
    out << json;
    if (!out) return absl::UnavailableError(StrCat(a.out, ": cannot write"));
  }
  federation::BundleFingerprints fp = federation::ReadableFingerprints(signed_bundle);
  RETURN_IF_ERROR(ctx->store->Write([&](store::Transaction& tx) {
    audit::Event e = access::EventFor(access::Actor::LocalAdministrator(), audit::Action::kExport,
                                      {"partner bundle export", ""});
    e.details = {{"event", "partner_bundle_export"}, {"endpoint", signed_bundle.endpoint}};
    return ctx->trail->Append(tx, std::move(e)).status();
  }));
  std::cout << "wrote " << a.out << " for node " << config.node_id << " (" << config.agency << ", "
            << config.country << ") at " << signed_bundle.endpoint << "\n"
            << "read these fingerprints to your partner's administrator:\n"
            << "  TLS certificate  " << fp.tls_certificate << "\n"
            << "  signing key      " << fp.signing_key << "\n";
  return absl::OkStatus();
}

absl::Status RunAdd(const PartnerArgs& a) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(a.bundle, federation::kMaxBundleBytes));
  absl::StatusOr<federation::PartnerBundle> parsed = federation::ParseBundle(text);
  if (!parsed.ok()) {
    return absl::Status(parsed.status().code(),
                        StrCat(a.bundle, ": ", StdView(parsed.status().message())));
  }
  const federation::PartnerBundle& bundle = *parsed;
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  if (bundle.node_id == ctx->dir.config.node_id) {
    return absl::InvalidArgumentError(StrCat(a.bundle, " is this node's own bundle"));
  }
  federation::BundleFingerprints fp = federation::ReadableFingerprints(bundle);
  std::cout << "partner " << bundle.node_id << "\n"
            << "  agency           " << bundle.agency << " (" << bundle.country << ")\n"
            << "  endpoint         " << bundle.endpoint << "\n"
            << "  TLS certificate  " << fp.tls_certificate << "\n"
            << "  signing key      " << fp.signing_key << "\n"
            << "Confirm both fingerprints with the partner's administrator (by telephone or in "
               "person) before registering.\n";
  if (!a.yes) {
    if (!isatty(STDIN_FILENO)) {
      return absl::FailedPreconditionError(
          "not registered: confirm the fingerprints, then run again with --yes");
    }
    std::cout << "Type yes if both fingerprints match: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (StripAscii(answer) != "yes") return absl::CancelledError("not registered");
  }
  // A newer bundle of the same node replaces an older one, never the reverse.
  RETURN_IF_ERROR(ctx->store->Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::PartnerRow> existing, r.GetPartner(bundle.node_id));
    if (existing && existing->status == "active") {
      absl::StatusOr<federation::PartnerBundle> old =
          federation::ParseBundle(existing->bundle_json);
      if (old.ok() && old->issued_at_ms > bundle.issued_at_ms) {
        return absl::FailedPreconditionError(
            StrCat(a.bundle, " is older than the bundle registered for ", bundle.node_id));
      }
    }
    return absl::OkStatus();
  }));
  store::PartnerRow row;
  row.node_id = bundle.node_id;
  row.agency = bundle.agency;
  row.country = bundle.country;
  row.endpoint = bundle.endpoint;
  row.tls_fingerprint = audit::HexEncode(federation::Sha256(bundle.tls_certificate_der));
  row.signing_public_key = audit::HexEncode(bundle.signing_public_key);
  row.bundle_json = text;
  RETURN_IF_ERROR(ctx->partners->Register(access::Actor::LocalAdministrator(), row).status());
  std::cout << "registered partner " << bundle.node_id
            << "; set what it may search with liaison agreement set\n";
  return absl::OkStatus();
}

absl::Status RunList(const PartnerArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(std::vector<store::PartnerRow> rows,
                   ctx->partners->List(access::Actor::LocalAdministrator()));
  for (const store::PartnerRow& p : rows) {
    std::cout << p.node_id << "\t" << p.status << "\t" << p.country << "\t" << p.agency << "\t"
              << p.endpoint << "\n";
  }
  return absl::OkStatus();
}

absl::Status RunRemove(const PartnerArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  RETURN_IF_ERROR(ctx->partners->Remove(access::Actor::LocalAdministrator(), a.node_id));
  std::cout << "removed partner " << a.node_id << "\n";
  return absl::OkStatus();
}

std::string PartnerOf(const PartnerArgs& a) { return a.partner.empty() ? a.node_id : a.partner; }

absl::Status RunAgreementSet(const PartnerArgs& a) {
  access::Agreement agreement;
  ASSIGN_OR_RETURN(agreement.crime_areas, access::ParseCrimeAreaList(a.crime_areas));
  ASSIGN_OR_RETURN(agreement.record_types, access::ParseRecordTypeList(a.record_types));
  ASSIGN_OR_RETURN(agreement.max_handling_code, records::ParseHandlingCode(a.max_handling_code));
  ASSIGN_OR_RETURN(agreement.auto_approve, access::ParseCrimeAreaList(a.auto_approve));
  agreement.retention_days = a.retention_days;
  agreement.daily_quota = a.quota;
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(
      store::AgreementRow row,
      ctx->partners->SetAgreement(access::Actor::LocalAdministrator(), PartnerOf(a), agreement));
  std::cout << "agreement with " << row.partner << " is now version " << row.version << "\n";
  return absl::OkStatus();
}

absl::Status RunAgreementShow(const PartnerArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(
      std::vector<store::AgreementRow> rows,
      ctx->partners->AgreementHistory(access::Actor::LocalAdministrator(), PartnerOf(a)));
  if (rows.empty()) return absl::NotFoundError(StrCat("no agreement with ", PartnerOf(a)));
  Json versions = Json::array();
  for (const store::AgreementRow& r : rows) {
    versions.push_back({{"version", r.version},
                        {"crime_areas", r.crime_areas},
                        {"record_types", r.record_types},
                        {"max_handling_code", r.max_handling_code},
                        {"auto_approve", r.auto_approve},
                        {"retention_days", r.retention_days},
                        {"daily_quota", r.daily_quota},
                        {"changed_by", r.changed_by},
                        {"changed_ms", r.changed_ms}});
  }
  std::cout << Json(
                   {{"partner", PartnerOf(a)}, {"current", versions.back()}, {"history", versions}})
                   .dump(2)
            << "\n";
  return absl::OkStatus();
}

// Returns 0 when every partner answered, 1 otherwise (or on error).
int RunQuery(const PartnerArgs& a, std::string_view command) {
  auto run = [&]() -> absl::StatusOr<std::vector<exchange::PartnerQueryResult>> {
    ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
    exchange::PartnerServiceOptions options;
    options.node_id = ctx->dir.config.node_id;
    options.identity = {ctx->dir.keys.tls_cert_pem(), ctx->dir.keys.tls_key_pem()};
    exchange::PartnerService service(options, *ctx->partners, *ctx->signer, *ctx->clock,
                                     *ctx->random, nullptr);
    RETURN_IF_ERROR(service.Refresh());
    exchange::OutgoingQuery q;
    q.purpose = {a.purpose, a.case_ref};
    q.crime_area = a.crime_area;
    q.person.names.push_back(a.name);
    for (const std::string& alias : a.aliases) q.person.names.push_back(alias);
    q.person.father_name = a.father_name;
    q.person.dob = a.dob;
    q.person.gender = a.gender;
    q.person.id_numbers = a.id_numbers;
    if (a.all || a.partner == "all") {
      q.all = true;
    } else if (!a.partner.empty()) {
      q.partners = {a.partner};
    } else {
      return absl::InvalidArgumentError("name a partner with --partner NODE_ID, or --all");
    }
    return service.Query(access::Actor::LocalAdministrator(), q);
  };
  absl::StatusOr<std::vector<exchange::PartnerQueryResult>> results = run();
  if (!results.ok()) return Fail(command, results.status());
  bool all_answered = true;
  Json out = Json::array();
  for (const exchange::PartnerQueryResult& r : *results) {
    all_answered = all_answered && r.answered;
    Json refs = Json::array();
    Json matches = Json::array();
    for (const auto& h : r.results) {
      refs.push_back(h.reference);
      matches.push_back(
          {{"reference", h.reference}, {"band", std::string(federation::MatchBandName(h.band))}});
    }
    Json item = {{"partner", r.partner}, {"hit", r.hit}, {"references", refs}};
    item["matches"] = matches;
    item["answered"] = r.answered;
    if (r.response_ms >= 0) item["response_ms"] = r.response_ms;
    if (!r.error.empty()) {
      item["error"] = r.error;
      std::cerr << "liaison " << command << ": " << r.error << "\n";
    }
    out.push_back(std::move(item));
    if (!a.json) {
      std::cout << r.partner << "\t" << (!r.answered ? "no answer" : r.hit ? "hit" : "no hit");
      for (const auto& h : r.results) {
        std::cout << "\t" << h.reference << " (" << federation::MatchBandName(h.band) << ")";
      }
      std::cout << "\n";
    }
  }
  if (a.json) std::cout << Json({{"results", out}}).dump() << "\n";
  return all_answered ? 0 : 1;
}

void AddQueryOptions(CLI::App* q, PartnerArgs& a, bool contract_form) {
  q->add_option("--data", a.data, "Node directory")->required();
  if (contract_form) {
    q->add_option("--partner", a.partner, "Partner node id, or all")->required();
  } else {
    q->add_option("--partner", a.partner, "Partner node id");
    q->add_flag("--all", a.all, "Ask every registered partner");
  }
  q->add_option("--name", a.name, "Name as written, any script")->required();
  q->add_option("--alias", a.aliases, "Another name (repeatable)");
  q->add_option("--father-name", a.father_name, "Father's name");
  q->add_option("--dob", a.dob, "Date of birth: YYYY-MM-DD, YYYY-MM or YYYY");
  q->add_option("--gender", a.gender, "M, F or X");
  q->add_option("--id-number", a.id_numbers,
                "scheme:value, e.g. cnic:35202-1234567-1 (repeatable)");
  q->add_option("--crime-area", a.crime_area, "Crime area to search (default: any agreed)");
  q->add_option("--purpose", a.purpose, "Why you search (recorded on both nodes)")->required();
  q->add_option("--case-ref", a.case_ref, "Case reference");
  q->add_flag("--json", a.json, "Print one JSON object with a results array");
}

}  // namespace

void AddPartnerCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<PartnerArgs>();
  auto done = [&ctx](std::string_view name, const absl::Status& s) {
    ctx.exit_code = s.ok() ? 0 : Fail(name, s);
  };

  CLI::App* partner = app.add_subcommand("partner", "Partner nodes and hit/no-hit queries");
  partner->require_subcommand(1);

  CLI::App* exp = partner->add_subcommand("export", "Write this node's signed partner bundle");
  exp->add_option("--data", a->data, "Node directory")->required();
  exp->add_option("--out", a->out, "Bundle file to write")->required();
  exp->add_option("--endpoint", a->endpoint,
                  "https://HOST:PORT partners reach this node at (default: [federation])");
  exp->callback([a, done] { done("partner export", RunExport(*a)); });

  CLI::App* add = partner->add_subcommand("add", "Register a partner from its bundle");
  add->add_option("--data", a->data, "Node directory")->required();
  add->add_option("bundle", a->bundle, "The partner's bundle file")->required();
  add->add_flag("--yes", a->yes, "The fingerprints were confirmed out of band");
  add->callback([a, done] { done("partner add", RunAdd(*a)); });

  CLI::App* list = partner->add_subcommand("list", "List registered partners");
  list->add_option("--data", a->data, "Node directory")->required();
  list->callback([a, done] { done("partner list", RunList(*a)); });

  CLI::App* remove = partner->add_subcommand("remove", "Stop accepting a partner");
  remove->add_option("--data", a->data, "Node directory")->required();
  remove->add_option("node_id", a->node_id, "Partner node id")->required();
  remove->callback([a, done] { done("partner remove", RunRemove(*a)); });

  CLI::App* query = partner->add_subcommand("query", "Ask partners: hit or no hit?");
  AddQueryOptions(query, *a, /*contract_form=*/false);
  query->callback([a, &ctx] { ctx.exit_code = RunQuery(*a, "partner query"); });

  CLI::App* top_query = app.add_subcommand("query", "Ask partners: hit or no hit?");
  AddQueryOptions(top_query, *a, /*contract_form=*/true);
  top_query->callback([a, &ctx] { ctx.exit_code = RunQuery(*a, "query"); });

  CLI::App* agreement = app.add_subcommand("agreement", "Sharing agreements with partners");
  agreement->require_subcommand(1);
  CLI::App* set = agreement->add_subcommand("set", "Set a new version of a partner's agreement");
  set->add_option("--data", a->data, "Node directory")->required();
  set->add_option("--partner", a->partner, "Partner node id");
  set->add_option("node_id", a->node_id, "Partner node id (instead of --partner)");
  set->add_option("--crime-areas", a->crime_areas, "Searchable crime areas, comma-separated")
      ->required();
  set->add_option("--record-types", a->record_types, "Searchable record types (default person)");
  set->add_option("--max-handling-code", a->max_handling_code,
                  "Highest handling code a partner may find or receive (default H0)");
  set->add_option("--auto-approve", a->auto_approve,
                  "Crime areas whose follow-ups may be approved automatically");
  set->add_option("--retention-days", a->retention_days,
                  "Days the partner may keep released data (default 90)");
  set->add_option("--quota", a->quota, "Queries answered per UTC day (default 1000)");
  set->callback([a, done] {
    if (PartnerOf(*a).empty()) {
      done("agreement set", absl::InvalidArgumentError("name the partner with --partner NODE_ID"));
      return;
    }
    done("agreement set", RunAgreementSet(*a));
  });
  CLI::App* show = agreement->add_subcommand("show", "Show a partner's agreement and its history");
  show->add_option("--data", a->data, "Node directory")->required();
  show->add_option("--partner", a->partner, "Partner node id");
  show->add_option("node_id", a->node_id, "Partner node id (instead of --partner)");
  show->callback([a, done] {
    if (PartnerOf(*a).empty()) {
      done("agreement show", absl::InvalidArgumentError("name the partner with --partner NODE_ID"));
      return;
    }
    done("agreement show", RunAgreementShow(*a));
  });
}

}  // namespace liaison::cli
