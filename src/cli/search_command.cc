// `liaison search --data DIR --name NAME [--dob D] [--father-name F]
//  [--gender G] [--nationality CC] [--id-number SCHEME:VALUE] --purpose TEXT
//  [--case-ref REF] [--min-score S] [--limit N] [--json]`: searches the node's
// persons as its local administrator, through the same gate as
// GET /api/v1/search/persons (purpose required, one audited search entry).
// Builds the screening index from the store first, so it takes as long as
// `liaison serve` takes to become ready.
//
// Output: one line per hit, best first (score, record id, name, date of
// birth, the matcher's reasons), or with --json one object
// {"hits": [...]} as the REST API answers.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "access/person_search.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "ingest/person_fields.h"
#include "match/record_person.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace liaison::cli {
namespace {

constexpr char kCommand[] = "search";

struct SearchArgs {
  std::string data;
  std::string name;
  std::string dob;
  std::string father_name;
  std::string gender;
  std::string nationality;
  std::string id_numbers;
  std::string purpose;
  std::string case_ref;
  double min_score = match::kDefaultThreshold;
  int limit = 10;
  bool json = false;
};

absl::Status RunSearch(const SearchArgs& args) {
  // The query fields are validated as a person-list row is.
  Json fields = {{"name", args.name}};
  if (!args.dob.empty()) fields["dob"] = args.dob;
  if (!args.father_name.empty()) fields["father_name"] = args.father_name;
  if (!args.gender.empty()) fields["gender"] = args.gender;
  if (!args.nationality.empty()) fields["nationality"] = args.nationality;
  if (!args.id_numbers.empty()) fields["id_numbers"] = args.id_numbers;
  ASSIGN_OR_RETURN(records::Record record,
                   ingest::PersonFromFlatJson(fields, ingest::PersonDefaults()));
  access::PersonQuery query;
  query.person = match::PersonInputFromRecord(std::get<records::Person>(record.body));
  query.min_score = args.min_score;
  query.limit = static_cast<size_t>(args.limit);

  // Stdout carries the hits only (--json is parsed by scripts).
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "liaison", std::make_shared<spdlog::sinks::stderr_color_sink_mt>()));
  spdlog::set_level(spdlog::level::warn);
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> node, OpenNodeContext(args.data));
  RETURN_IF_ERROR(node->screening->Build());
  ASSIGN_OR_RETURN(std::vector<access::PersonSearchHit> hits,
                   node->search->Search(access::Actor::LocalAdministrator(),
                                        {args.purpose, args.case_ref}, query));
  if (args.json) {
    Json out = Json::array();
    for (const access::PersonSearchHit& h : hits) out.push_back(access::SearchHitJson(h));
    std::cout << DumpJson({{"hits", out}, {"min_score", args.min_score}}) << "\n";
    return absl::OkStatus();
  }
  if (hits.empty()) {
    std::cout << "no person scores " << absl::StrFormat("%.2f", args.min_score) << " or more\n";
    return absl::OkStatus();
  }
  for (const access::PersonSearchHit& h : hits) {
    if (h.shared) {
      // A partner's shared list: who listed the person and under which
      // reference; there is no record here to open.
      const access::SharedListHit& s = *h.shared;
      std::cout << absl::StrFormat("%.4f", h.score) << "  shared list of "
                << (s.agency.empty() ? s.owner : s.agency) << " (" << s.owner << ")  "
                << s.reference << "  [" << records::Name(s.handling_code) << ", "
                << records::Name(s.crime_area) << (s.alert.empty() ? "" : ", ") << s.alert << "]"
                << (s.notified ? "  owner notified" : "") << "\n      " << h.result.summary << "\n";
      continue;
    }
    const auto& p = std::get<records::Person>(h.record.body);
    std::cout << absl::StrFormat("%.4f", h.score) << "  " << h.record_id << "  " << p.name;
    if (!p.dob.empty()) std::cout << "  " << records::FormatPartialDate(p.dob);
    std::cout << "  [" << records::Name(h.record.meta.handling_code) << ", "
              << records::Name(h.record.meta.crime_area) << "]\n      " << h.result.summary << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

void AddSearchCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* cmd = app.add_subcommand(
      kCommand, "Search the node's persons by name (any script), with scores and reasons");
  cmd->add_option("--data", args->data, "Node directory")->required();
  cmd->add_option("--name", args->name, "Name as written, any script, any order")->required();
  cmd->add_option("--dob", args->dob, "Date of birth: YYYY-MM-DD, YYYY-MM or YYYY");
  cmd->add_option("--father-name", args->father_name, "Father's name");
  cmd->add_option("--gender", args->gender, "M, F or X");
  cmd->add_option("--nationality", args->nationality, "ISO 3166-1 alpha-2, several with |");
  cmd->add_option("--id-number", args->id_numbers, "scheme:value pairs separated by ;");
  cmd->add_option("--purpose", args->purpose, "Why you search (required; audited)")->required();
  cmd->add_option("--case-ref", args->case_ref, "Case reference (audited)");
  cmd->add_option("--min-score", args->min_score, "Lowest score shown (default 0.66)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--limit", args->limit, "Most hits shown (1-100, default 10)")
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--json", args->json, "Print one JSON object, as the REST API answers");
  cmd->callback([args, &ctx] {
    const absl::Status status = RunSearch(*args);
    if (!status.ok()) ctx.exit_code = Fail(kCommand, status);
  });
}

}  // namespace liaison::cli
