#include "ingest/person_fields.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "records/validation.h"

namespace liaison::ingest {
namespace {

using records::Person;
using records::Record;

constexpr std::array<std::string_view, 12> kColumns = {
    "id",          "name",       "aliases",    "father_name",   "dob",   "gender",
    "nationality", "id_numbers", "crime_area", "handling_code", "alert", "handling_note"};

std::vector<std::string> SplitList(std::string_view v, char sep) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(AbslView(v), sep)) {
    std::string_view t = StripAscii(StdView(part));
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

absl::StatusOr<std::vector<records::IdNumber>> ParseIdNumbers(std::string_view v) {
  std::vector<records::IdNumber> ids;
  for (const std::string& pair : SplitList(v, ';')) {
    size_t colon = pair.find(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(
          StrCat("'", pair, "' is not scheme:value (e.g. cnic:35202-1234567-1)"));
    }
    ids.push_back({std::string(StripAscii(std::string_view(pair).substr(0, colon))),
                   std::string(StripAscii(std::string_view(pair).substr(colon + 1))), ""});
  }
  return ids;
}

// Which input field a validation error path ("person.dob: ...") refers to.
std::string_view FieldOfPath(std::string_view message) {
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
      {"person.name", "name"},
      {"person.aliases", "aliases"},
      {"person.father_name", "father_name"},
      {"person.dob", "dob"},
      {"person.gender", "gender"},
      {"person.nationalities", "nationality"},
      {"person.id_numbers", "id_numbers"},
      {"handling_note", "handling_note"},
  };
  for (const auto& [prefix, field] : kMap) {
    if (message.starts_with(prefix)) return field;
  }
  return "";
}

// Applies the fields common to CSV and JSON input. `get` returns a field's
// text or nullopt; errors come back as (field, status).
struct FieldFailure {
  std::string field;
  absl::Status status;
};

template <typename Get>
std::variant<Record, FieldFailure> BuildPerson(const Get& get, const PersonDefaults& defaults) {
  Record rec;
  rec.meta.crime_area = defaults.crime_area;
  rec.meta.handling_code = defaults.handling_code;
  rec.meta.alert = defaults.alert;
  Person p;
  auto text = [&](std::string_view f) { return std::string(get(f).value_or("")); };
  rec.meta.source_id = std::string(StripAscii(text("id")));
  p.name = text("name");
  p.aliases = SplitList(text("aliases"), '|');
  p.father_name = text("father_name");
  auto dob = records::ParsePartialDate(text("dob"));
  if (!dob.ok()) return FieldFailure{"dob", dob.status()};
  p.dob = *dob;
  p.gender = text("gender");
  p.nationalities = SplitList(text("nationality"), '|');
  auto ids = ParseIdNumbers(text("id_numbers"));
  if (!ids.ok()) return FieldFailure{"id_numbers", ids.status()};
  p.id_numbers = *std::move(ids);
  if (std::string v = text("crime_area"); !StripAscii(v).empty()) {
    auto a = records::ParseCrimeArea(v);
    if (!a.ok()) return FieldFailure{"crime_area", a.status()};
    rec.meta.crime_area = *a;
  }
  if (std::string v = text("handling_code"); !StripAscii(v).empty()) {
    auto h = records::ParseHandlingCode(v);
    if (!h.ok()) return FieldFailure{"handling_code", h.status()};
    rec.meta.handling_code = *h;
  }
  rec.meta.handling_note = text("handling_note");
  if (std::string v = text("alert"); !StripAscii(v).empty()) {
    auto a = records::ParseAlertKind(v);
    if (!a.ok()) return FieldFailure{"alert", a.status()};
    rec.meta.alert = *a;
  }
  // Victims and missing persons get the strictest defaults (Directive
  // 2016/680 Art. 6): their own category and, unless the file says
  // otherwise, handling code H3 with the restriction stated.
  bool handling_given =
      !StripAscii(text("handling_code")).empty() || defaults.handling_code_explicit;
  switch (rec.meta.alert) {
    case records::AlertKind::kMissingChild:
    case records::AlertKind::kMissingAdult:
      rec.meta.subject_category = records::SubjectCategory::kMissingPerson;
      break;
    case records::AlertKind::kTraffickingVictim:
    case records::AlertKind::kProtectedPerson:
      rec.meta.subject_category = records::SubjectCategory::kVictim;
      break;
    case records::AlertKind::kWanted:
    case records::AlertKind::kSurveillance:
      rec.meta.subject_category = records::SubjectCategory::kSuspect;
      break;
    default:
      break;
  }
  bool protected_subject = rec.meta.subject_category == records::SubjectCategory::kVictim ||
                           rec.meta.subject_category == records::SubjectCategory::kMissingPerson;
  if (protected_subject && !handling_given) {
    rec.meta.handling_code = records::HandlingCode::kH3;
    if (rec.meta.handling_note.empty()) {
      rec.meta.handling_note =
          "Victim or missing person: no use or disclosure without the owner's explicit "
          "decision; never disclose location or contact details.";
    }
  }
  rec.body = std::move(p);
  absl::Status s = records::NormaliseRecord(rec);
  if (!s.ok()) return FieldFailure{std::string(FieldOfPath(StdView(s.message()))), s};
  return rec;
}

}  // namespace

bool IsPersonColumn(std::string_view base_name) {
  for (std::string_view c : kColumns) {
    if (c == base_name) return true;
  }
  return false;
}

absl::StatusOr<PersonColumns> PersonColumns::Resolve(const CsvReader& reader,
                                                     std::string_view suffix, bool require_id) {
  PersonColumns c;
  auto col = [&](std::string_view base) { return reader.Column(StrCat(base, suffix)); };
  c.id_ = col("id");
  c.name_ = col("name");
  c.aliases_ = col("aliases");
  c.father_name_ = col("father_name");
  c.dob_ = col("dob");
  c.gender_ = col("gender");
  c.nationality_ = col("nationality");
  c.id_numbers_ = col("id_numbers");
  c.crime_area_ = col("crime_area");
  c.handling_code_ = col("handling_code");
  c.alert_ = col("alert");
  c.handling_note_ = col("handling_note");
  if (!c.name_) {
    return absl::InvalidArgumentError(
        StrCat(reader.name(), ":1: the header has no '", StrCat("name", suffix), "' column"));
  }
  if (require_id && !c.id_) {
    return absl::InvalidArgumentError(
        StrCat(reader.name(), ":1: the header has no '", StrCat("id", suffix), "' column"));
  }
  return c;
}

absl::StatusOr<Record> PersonColumns::Parse(const CsvReader& reader, const CsvRow& row,
                                            const PersonDefaults& defaults) const {
  auto index_of = [&](std::string_view f) -> std::optional<int> {
    if (f == "id") return id_;
    if (f == "name") return name_;
    if (f == "aliases") return aliases_;
    if (f == "father_name") return father_name_;
    if (f == "dob") return dob_;
    if (f == "gender") return gender_;
    if (f == "nationality") return nationality_;
    if (f == "id_numbers") return id_numbers_;
    if (f == "crime_area") return crime_area_;
    if (f == "handling_code") return handling_code_;
    if (f == "alert") return alert_;
    if (f == "handling_note") return handling_note_;
    return std::nullopt;
  };
  auto get = [&](std::string_view f) -> std::optional<std::string_view> {
    std::optional<int> i = index_of(f);
    if (!i) return std::nullopt;
    return row.fields[*i];
  };
  auto result = BuildPerson(get, defaults);
  if (auto* failure = std::get_if<FieldFailure>(&result)) {
    std::optional<int> i = index_of(failure->field);
    return reader.FieldError(row, i.value_or(-1), StdView(failure->status.message()));
  }
  return std::get<Record>(std::move(result));
}

absl::StatusOr<Record> PersonFromFlatJson(const Json& json, const PersonDefaults& defaults) {
  if (!json.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  std::vector<std::string> owned;  // keeps list fields joined into text alive
  owned.reserve(json.size());
  absl::flat_hash_map<std::string, std::string_view> fields;
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& key = it.key();
    if (!IsPersonColumn(key)) return absl::InvalidArgumentError(StrCat(key, ": unknown field"));
    const Json& v = it.value();
    if (v.is_null()) continue;
    if (v.is_string()) {
      fields[key] = v.get_ref<const std::string&>();
    } else if (v.is_array() && (key == "aliases" || key == "nationality")) {
      std::string joined;
      for (const Json& item : v) {
        if (!item.is_string()) return absl::InvalidArgumentError(StrCat(key, ": expected strings"));
        if (!joined.empty()) joined += '|';
        joined += item.get<std::string>();
      }
      owned.push_back(std::move(joined));
      fields[key] = owned.back();
    } else if (v.is_array() && key == "id_numbers") {
      std::string joined;
      for (const Json& item : v) {
        if (!item.is_object() || !item.contains("scheme") || !item.contains("value") ||
            !item["scheme"].is_string() || !item["value"].is_string()) {
          return absl::InvalidArgumentError(
              "id_numbers: expected objects with string 'scheme' and 'value'");
        }
        if (!joined.empty()) joined += ';';
        joined += item["scheme"].get<std::string>() + ":" + item["value"].get<std::string>();
      }
      owned.push_back(std::move(joined));
      fields[key] = owned.back();
    } else {
      return absl::InvalidArgumentError(StrCat(key, ": expected a string"));
    }
  }
  auto get = [&](std::string_view f) -> std::optional<std::string_view> {
    auto it = fields.find(AbslView(f));
    if (it == fields.end()) return std::nullopt;
    return it->second;
  };
  auto result = BuildPerson(get, defaults);
  if (auto* failure = std::get_if<FieldFailure>(&result)) {
    std::string_view msg = StdView(failure->status.message());
    if (!failure->field.empty() && !msg.starts_with("person.")) {
      return absl::InvalidArgumentError(StrCat(failure->field, ": ", msg));
    }
    return failure->status;
  }
  return std::get<Record>(std::move(result));
}

}  // namespace liaison::ingest
