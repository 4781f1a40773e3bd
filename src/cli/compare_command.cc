// `liaison compare`: scores two persons and explains the score.
//
//   liaison compare "محمد آصف ولد بشیر" "Muhammad Asif s/o Bashir" [--dob-a D] [--dob-b D]
//       [--father-a N] [--father-b N] [--gender-a G] [--gender-b G]
//       [--id-a SCHEME:VALUE]... [--id-b SCHEME:VALUE]... [--nationality-a CC]...
//       [--nationality-b CC]... [--json]
//   liaison compare --a-json '{"name": "...", "dob": "1985"}' --b-json '{...}' [--json]
//   liaison compare --pairs P.csv --out S.csv [--threshold T]
//
// The batch form follows ../shared/CONTRACTS.md: P.csv has id,name_a,name_b
// and any person-list column with suffix _a/_b; S.csv gets id,score,match,
// reasons in input order. Needs no node directory: matching is pure.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "ingest/csv_reader.h"
#include "ingest/csv_writer.h"
#include "ingest/person_fields.h"
#include "match/matcher.h"
#include "match/record_person.h"

namespace liaison::cli {
namespace {

using ingest::CsvField;

constexpr char kCommand[] = "compare";

struct SideArgs {
  std::string name;
  std::string json;
  std::string dob;
  std::string father;
  std::string gender;
  std::vector<std::string> ids;
  std::vector<std::string> nationalities;
};

struct CompareArgs {
  SideArgs a, b;
  std::string pairs;
  std::string out;
  double threshold = match::kDefaultThreshold;
  bool json_output = false;
};

absl::StatusOr<match::PersonInput> SideInput(const SideArgs& side, std::string_view label) {
  if (!side.json.empty()) {
    auto json = ParseJson(side.json);
    if (!json.ok()) {
      return absl::InvalidArgumentError(
          StrCat("--", label, "-json: ", StdView(json.status().message())));
    }
    auto record = ingest::PersonFromFlatJson(*json, ingest::PersonDefaults());
    if (!record.ok()) {
      return absl::InvalidArgumentError(
          StrCat("--", label, "-json: ", StdView(record.status().message())));
    }
    const auto* person = std::get_if<records::Person>(&record->body);
    if (person == nullptr) return absl::InvalidArgumentError("not a person");
    return match::PersonInputFromRecord(*person);
  }
  match::PersonInput in;
  in.names.push_back(side.name);
  in.dob = side.dob;
  in.father_name = side.father;
  in.gender = side.gender;
  in.nationalities = side.nationalities;
  for (const auto& id : side.ids) {
    const size_t colon = id.find(':');
    if (colon == std::string::npos || colon == 0) {
      return absl::InvalidArgumentError(
          StrCat("--id-", label, ": expected SCHEME:VALUE, got '", id, "'"));
    }
    in.id_numbers.push_back({id.substr(0, colon), id.substr(colon + 1)});
  }
  return in;
}

Json ExplanationJson(const match::MatchResult& r) {
  Json tokens = Json::array();
  for (const auto& t : r.explanation.tokens) {
    tokens.push_back({{"a", t.a},
                      {"b", t.b},
                      {"similarity", t.similarity},
                      {"how", t.how},
                      {"points", t.points}});
  }
  Json features = Json::array();
  for (const auto& f : r.explanation.features) {
    features.push_back({{"feature", f.feature}, {"detail", f.detail}, {"points", f.points}});
  }
  return {{"score", r.score},
          {"match", r.match},
          {"summary", r.summary},
          {"explanation",
           {{"name_a", r.explanation.name_a},
            {"name_b", r.explanation.name_b},
            {"tokens", tokens},
            {"unmatched_a", r.explanation.unmatched_a},
            {"unmatched_b", r.explanation.unmatched_b},
            {"name_points", r.explanation.name_points},
            {"features", features},
            {"bias", r.explanation.bias},
            {"total_points", r.explanation.total_points}}}};
}

absl::Status RunSingle(const CompareArgs& args) {
  if ((args.a.name.empty() && args.a.json.empty()) ||
      (args.b.name.empty() && args.b.json.empty())) {
    return absl::InvalidArgumentError(
        "give two names (or --a-json and --b-json), or --pairs P.csv --out S.csv");
  }
  match::Matcher matcher(match::MatcherOptions{.threshold = args.threshold});
  ASSIGN_OR_RETURN(match::PersonInput in_a, SideInput(args.a, "a"));
  ASSIGN_OR_RETURN(match::PersonInput in_b, SideInput(args.b, "b"));
  auto a = matcher.Prepare(in_a);
  if (!a.ok())
    return absl::InvalidArgumentError(StrCat("first person: ", StdView(a.status().message())));
  auto b = matcher.Prepare(in_b);
  if (!b.ok()) {
    return absl::InvalidArgumentError(StrCat("second person: ", StdView(b.status().message())));
  }
  const match::MatchResult r = matcher.Compare(*a, *b);
  if (args.json_output) {
    std::cout << DumpJson(ExplanationJson(r)) << "\n";
    return absl::OkStatus();
  }
  std::cout << absl::StrFormat("score %.4f  %s (threshold %.2f)\n", r.score,
                               r.match ? "MATCH" : "no match", args.threshold);
  const auto& ex = r.explanation;
  std::cout << absl::StrFormat("  names  %+.2f\n", ex.name_points);
  for (const auto& t : ex.tokens) {
    std::cout << absl::StrFormat("    %-20s %-20s %-26s sim %.2f  %+.2f\n", t.a, t.b, t.how,
                                 t.similarity, t.points);
  }
  for (const auto& u : ex.unmatched_a) std::cout << "    " << u << "  (only in the first)\n";
  for (const auto& u : ex.unmatched_b) std::cout << "    " << u << "  (only in the second)\n";
  for (const auto& f : ex.features) {
    std::cout << absl::StrFormat("  %-14s %+.2f  %s\n", f.feature, f.points, f.detail);
  }
  std::cout << absl::StrFormat("  bias   %+.2f\n  total  %+.2f points\n", ex.bias, ex.total_points);
  return absl::OkStatus();
}

absl::Status RunPairs(const CompareArgs& args) {
  if (args.out.empty()) return absl::InvalidArgumentError("--pairs needs --out S.csv");
  ASSIGN_OR_RETURN(std::unique_ptr<ingest::CsvReader> reader, ingest::CsvReader::Open(args.pairs));
  const std::optional<int> id_column = reader->Column("id");
  if (!id_column) return absl::InvalidArgumentError(StrCat(args.pairs, ": missing column 'id'"));
  ASSIGN_OR_RETURN(ingest::PersonColumns cols_a,
                   ingest::PersonColumns::Resolve(*reader, "_a", /*require_id=*/false));
  ASSIGN_OR_RETURN(ingest::PersonColumns cols_b,
                   ingest::PersonColumns::Resolve(*reader, "_b", /*require_id=*/false));
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(StrCat("cannot write ", args.out));
  out << "id,score,match,reasons\n";
  match::Matcher matcher(match::MatcherOptions{.threshold = args.threshold});
  ingest::CsvRow row;
  int64_t rows = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(row));
    if (!more) break;
    ++rows;
    const ingest::PersonDefaults defaults;
    ASSIGN_OR_RETURN(records::Record ra, cols_a.Parse(*reader, row, defaults));
    ASSIGN_OR_RETURN(records::Record rb, cols_b.Parse(*reader, row, defaults));
    auto prepare = [&](const records::Record& r,
                       const char* suffix) -> absl::StatusOr<match::PreparedPerson> {
      const auto* person = std::get_if<records::Person>(&r.body);
      if (person == nullptr) return absl::InternalError("not a person");
      auto p = matcher.Prepare(match::PersonInputFromRecord(*person));
      if (!p.ok()) {
        return reader->FieldError(row, *reader->Column(StrCat("name", suffix)),
                                  StdView(p.status().message()));
      }
      return p;
    };
    ASSIGN_OR_RETURN(match::PreparedPerson a, prepare(ra, "_a"));
    ASSIGN_OR_RETURN(match::PreparedPerson b, prepare(rb, "_b"));
    const match::MatchResult r = matcher.Compare(a, b);
    out << CsvField(row.fields[*id_column]) << "," << absl::StrFormat("%.4f", r.score) << ","
        << (r.match ? "true" : "false") << "," << CsvField(r.summary) << "\n";
  }
  out.flush();
  if (!out) return absl::InternalError(StrCat("write failed: ", args.out));
  if (isatty(STDERR_FILENO))
    std::fprintf(stderr, "%lld pairs compared\n", static_cast<long long>(rows));
  return absl::OkStatus();
}

}  // namespace

void AddCompareCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Score two persons (names in any script) and explain the score, or a pair file");
  cmd->add_option("name_a", args->a.name, "first person's name");
  cmd->add_option("name_b", args->b.name, "second person's name");
  cmd->add_option("--a-json", args->a.json, "first person as a flat JSON object");
  cmd->add_option("--b-json", args->b.json, "second person as a flat JSON object");
  cmd->add_option("--dob-a", args->a.dob, "first person's date of birth (YYYY[-MM[-DD]])");
  cmd->add_option("--dob-b", args->b.dob, "second person's date of birth");
  cmd->add_option("--father-a", args->a.father, "first person's father's name");
  cmd->add_option("--father-b", args->b.father, "second person's father's name");
  cmd->add_option("--gender-a", args->a.gender, "M, F or X");
  cmd->add_option("--gender-b", args->b.gender, "M, F or X");
  cmd->add_option("--id-a", args->a.ids, "identity number SCHEME:VALUE (repeatable)");
  cmd->add_option("--id-b", args->b.ids, "identity number SCHEME:VALUE (repeatable)");
  cmd->add_option("--nationality-a", args->a.nationalities, "ISO 3166-1 alpha-2 (repeatable)");
  cmd->add_option("--nationality-b", args->b.nationalities, "ISO 3166-1 alpha-2 (repeatable)");
  cmd->add_option("--pairs", args->pairs, "pair file: id,name_a,name_b[,dob_a,...]");
  cmd->add_option("--out", args->out, "output file for --pairs: id,score,match,reasons");
  cmd->add_option("--threshold", args->threshold, "decision threshold")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--json", args->json_output, "print the result as JSON");
  cmd->callback([args, &ctx] {
    const absl::Status status = args->pairs.empty() ? RunSingle(*args) : RunPairs(*args);
    if (!status.ok()) ctx.exit_code = Fail(kCommand, status);
  });
}

}  // namespace liaison::cli
