#include "records/validation.h"

#include <unicode/uloc.h>

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"

namespace liaison::records {
namespace {

const std::set<std::string, std::less<>>& CountryCodes() {
  static const auto* codes = [] {
    auto* s = new std::set<std::string, std::less<>>;
    for (const char* const* c = uloc_getISOCountries(); *c != nullptr; ++c) s->insert(*c);
    return s;
  }();
  return *codes;
}

std::string UpperAlnum(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool OnlySeparators(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '/' ||
           c == '.';
  });
}

// Italian codice fiscale check character (Decreto Ministeriale 23/12/1976).
char CodiceFiscaleCheck(std::string_view cf15) {
  static constexpr int kOdd[36] = {1,  0, 5, 7,  9,  13, 15, 17, 19, 21, 1,  0,
                                   5,  7, 9, 13, 15, 17, 19, 21, 2,  4,  18, 20,
                                   11, 3, 6, 8,  12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (size_t i = 0; i < 15; ++i) {
    char c = cf15[i];
    int idx = absl::ascii_isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A' + 10;
    int even_value = absl::ascii_isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A';
    sum += (i % 2 == 0) ? kOdd[idx] : even_value;  // positions are 1-based: index 0 is "odd"
  }
  return static_cast<char>('A' + sum % 26);
}

absl::Status Field(std::string_view path, const absl::Status& s) {
  if (s.ok()) return s;
  return absl::Status(s.code(), StrCat(path, ": ", s.message()));
}

absl::Status CheckText(std::string_view path, std::string& v, size_t max_bytes) {
  v = std::string(StripAscii(v));
  if (!IsValidUtf8(v)) return absl::InvalidArgumentError(StrCat(path, ": invalid UTF-8"));
  if (v.size() > max_bytes) {
    return absl::InvalidArgumentError(
        StrCat(path, ": ", v.size(), " bytes; the limit is ", max_bytes));
  }
  for (unsigned char c : v) {
    if (c < 0x20 && c != '\t') {
      return absl::InvalidArgumentError(StrCat(path, ": contains a control character"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTextList(std::string_view path, std::vector<std::string>& list,
                           size_t max_bytes) {
  if (list.size() > kMaxListItems) {
    return absl::InvalidArgumentError(
        StrCat(path, ": ", list.size(), " items; the limit is ", kMaxListItems));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    RETURN_IF_ERROR(CheckText(StrCat(path, "[", i, "]"), list[i], max_bytes));
  }
  std::erase(list, std::string());
  return absl::OkStatus();
}

absl::Status CheckCountry(std::string_view path, std::string& cc, bool required) {
  cc = absl::AsciiStrToUpper(AbslView(StripAscii(cc)));
  if (cc.empty() && !required) return absl::OkStatus();
  if (!IsCountryCode(cc)) {
    return absl::InvalidArgumentError(
        StrCat(path, ": '", cc, "' is not an ISO 3166-1 alpha-2 country code"));
  }
  return absl::OkStatus();
}

absl::Status CheckPerson(Person& p) {
  RETURN_IF_ERROR(CheckText("person.name", p.name, kMaxNameBytes));
  if (p.name.empty()) return absl::InvalidArgumentError("person.name: required");
  RETURN_IF_ERROR(CheckTextList("person.aliases", p.aliases, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText("person.father_name", p.father_name, kMaxNameBytes));
  p.gender = absl::AsciiStrToUpper(AbslView(StripAscii(p.gender)));
  if (!p.gender.empty() && p.gender != "M" && p.gender != "F" && p.gender != "X") {
    return absl::InvalidArgumentError(
        StrCat("person.gender: '", p.gender, "' is not M, F, X or empty"));
  }
  if (p.nationalities.size() > kMaxListItems) {
    return absl::InvalidArgumentError("person.nationalities: too many items");
  }
  for (size_t i = 0; i < p.nationalities.size(); ++i) {
    RETURN_IF_ERROR(
        CheckCountry(StrCat("person.nationalities[", i, "]"), p.nationalities[i], true));
  }
  if (p.id_numbers.size() > kMaxListItems) {
    return absl::InvalidArgumentError("person.id_numbers: too many items");
  }
  for (size_t i = 0; i < p.id_numbers.size(); ++i) {
    IdNumber& id = p.id_numbers[i];
    std::string path = StrCat("person.id_numbers[", i, "]");
    id.scheme = absl::AsciiStrToLower(AbslView(StripAscii(id.scheme)));
    if (!IsKnownIdScheme(id.scheme)) {
      return absl::InvalidArgumentError(StrCat(
          path, ".scheme: unknown scheme '", id.scheme,
          "' (expected cnic, nicop, passport, codice_fiscale, national_id, driving_licence)"));
    }
    auto norm = NormaliseIdNumber(id.scheme, id.value);
    if (!norm.ok()) return Field(path + ".value", norm.status());
    id.value = *std::move(norm);
    RETURN_IF_ERROR(CheckCountry(path + ".country", id.country, false));
  }
  RETURN_IF_ERROR(CheckText("person.place_of_birth", p.place_of_birth, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText("person.address", p.address, kMaxTextBytes));
  RETURN_IF_ERROR(CheckText("person.contact", p.contact, kMaxTextBytes));
  return absl::OkStatus();
}

absl::Status CheckOrganisation(Organisation& o) {
  RETURN_IF_ERROR(CheckText("organisation.name", o.name, kMaxNameBytes));
  if (o.name.empty()) return absl::InvalidArgumentError("organisation.name: required");
  RETURN_IF_ERROR(CheckTextList("organisation.aliases", o.aliases, kMaxNameBytes));
  for (size_t i = 0; i < o.countries.size() && i <= kMaxListItems; ++i) {
    RETURN_IF_ERROR(CheckCountry(StrCat("organisation.countries[", i, "]"), o.countries[i], true));
  }
  return CheckText("organisation.description", o.description, kMaxTextBytes);
}

absl::Status CheckVehicle(Vehicle& v) {
  if (!OnlySeparators(v.plate)) {
    return absl::InvalidArgumentError("vehicle.plate: only letters, digits, spaces and dashes");
  }
  v.plate = UpperAlnum(v.plate);
  if (v.plate.size() > 16) return absl::InvalidArgumentError("vehicle.plate: too long");
  RETURN_IF_ERROR(CheckCountry("vehicle.plate_country", v.plate_country, false));
  if (!OnlySeparators(v.vin)) return absl::InvalidArgumentError("vehicle.vin: invalid characters");
  v.vin = UpperAlnum(v.vin);
  if (!v.vin.empty()) {
    if (v.vin.size() != 17) {
      return absl::InvalidArgumentError(
          StrCat("vehicle.vin: ", v.vin.size(), " characters; a VIN has 17"));
    }
    if (v.vin.find_first_of("IOQ") != std::string::npos) {
      return absl::InvalidArgumentError("vehicle.vin: a VIN never contains I, O or Q");
    }
  }
  if (v.plate.empty() && v.vin.empty()) {
    return absl::InvalidArgumentError("vehicle: a plate or a VIN is required");
  }
  RETURN_IF_ERROR(CheckText("vehicle.make", v.make, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText("vehicle.model", v.model, kMaxNameBytes));
  return CheckText("vehicle.colour", v.colour, kMaxNameBytes);
}

absl::Status CheckDocument(Document& d) {
  static const std::set<std::string, std::less<>> kTypes = {
      "passport",         "id_card",         "cnic", "nicop",
      "residence_permit", "driving_licence", "visa", "other"};
  d.doc_type = absl::AsciiStrToLower(AbslView(StripAscii(d.doc_type)));
  if (!kTypes.contains(d.doc_type)) {
    return absl::InvalidArgumentError(StrCat(
        "document.doc_type: '", d.doc_type,
        "' is not one of passport, id_card, cnic, nicop, residence_permit, driving_licence, visa, "
        "other"));
  }
  if (!OnlySeparators(d.number)) {
    return absl::InvalidArgumentError("document.number: invalid characters");
  }
  d.number = UpperAlnum(d.number);
  if (d.number.empty() || d.number.size() > 32) {
    return absl::InvalidArgumentError("document.number: required, at most 32 characters");
  }
  RETURN_IF_ERROR(CheckCountry("document.issuing_country", d.issuing_country, false));
  return CheckText("document.holder_name", d.holder_name, kMaxNameBytes);
}

absl::Status CheckPhone(Phone& p) {
  RETURN_IF_ERROR(CheckCountry("phone.country", p.country, false));
  auto n = NormalisePhone(p.number, p.country);
  if (!n.ok()) return Field("phone.number", n.status());
  p.number = *std::move(n);
  return absl::OkStatus();
}

absl::Status CheckCase(Case& c) {
  RETURN_IF_ERROR(CheckText("case.title", c.title, kMaxNameBytes));
  if (c.title.empty()) return absl::InvalidArgumentError("case.title: required");
  RETURN_IF_ERROR(CheckText("case.our_reference", c.our_reference, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText("case.partner_reference", c.partner_reference, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText("case.partner", c.partner, kMaxNameBytes));
  RETURN_IF_ERROR(CheckText("case.description", c.description, kMaxTextBytes));
  if (c.status.empty()) c.status = "open";
  if (c.status != "open" && c.status != "closed") {
    return absl::InvalidArgumentError("case.status: 'open' or 'closed'");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsCountryCode(std::string_view cc) { return CountryCodes().contains(cc); }

bool IsKnownIdScheme(std::string_view scheme) {
  static const std::set<std::string, std::less<>> kSchemes = {
      "cnic", "nicop", "passport", "codice_fiscale", "national_id", "driving_licence"};
  return kSchemes.contains(scheme);
}

absl::StatusOr<std::string> NormaliseIdNumber(std::string_view scheme, std::string_view value) {
  if (!OnlySeparators(value)) {
    return absl::InvalidArgumentError(
        "only letters, digits, spaces, dashes, dots and slashes are allowed");
  }
  std::string v = UpperAlnum(value);
  if (v.empty()) return absl::InvalidArgumentError("empty identity number");
  if (scheme == "cnic" || scheme == "nicop") {
    if (v.size() != 13 || !std::all_of(v.begin(), v.end(), absl::ascii_isdigit)) {
      return absl::InvalidArgumentError(
          StrCat("'", value, "' is not a CNIC: expected 13 digits (35202-1234567-1)"));
    }
    return v;
  }
  if (scheme == "codice_fiscale") {
    if (v.size() != 16) {
      return absl::InvalidArgumentError(
          StrCat("'", value, "' is not a codice fiscale: expected 16 characters"));
    }
    if (CodiceFiscaleCheck(v) != v[15]) {
      return absl::InvalidArgumentError(StrCat("'", value,
                                               "' fails the codice fiscale check character "
                                               "(expected ",
                                               std::string(1, CodiceFiscaleCheck(v)), ")"));
    }
    return v;
  }
  if (v.size() < 4 || v.size() > 20) {
    return absl::InvalidArgumentError(StrCat("'", value, "': expected 4 to 20 letters and digits"));
  }
  return v;
}

absl::StatusOr<std::string> NormalisePhone(std::string_view number, std::string_view country) {
  std::string digits;
  bool plus = false;
  for (char c : StripAscii(number)) {
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return absl::InvalidArgumentError(
          StrCat("'", number, "' has a character that is not part of a phone number"));
    }
  }
  if (!plus && digits.starts_with("00")) {
    plus = true;
    digits.erase(0, 2);
  }
  if (!plus) {
    if (country == "PK" && digits.starts_with("0")) {
      digits = "92" + digits.substr(1);  // trunk prefix 0 is dropped in international form
    } else if (country == "IT") {
      digits = "39" + digits;  // Italian numbers keep their leading 0 after +39
    } else {
      return absl::InvalidArgumentError(StrCat(
          "'", number, "' is in national form; give it as +CC... or give the phone's country"));
    }
  }
  if (digits.size() < 8 || digits.size() > 15) {
    return absl::InvalidArgumentError(
        StrCat("'", number, "': an international number has 8 to 15 digits"));
  }
  return "+" + digits;
}

absl::Status RequireHandlingNote(const RecordMeta& meta) {
  if (meta.handling_code == HandlingCode::kH3 && meta.handling_note.empty()) {
    return absl::InvalidArgumentError(
        "handling_note: H3 records must state their restrictions in text");
  }
  return absl::OkStatus();
}

absl::Status NormaliseRecord(Record& record) {
  RecordMeta& m = record.meta;
  if (m.source_reliability != 'A' && m.source_reliability != 'B' && m.source_reliability != 'C' &&
      m.source_reliability != 'X') {
    return absl::InvalidArgumentError("source_reliability: expected A, B, C or X");
  }
  if (m.information_accuracy < 1 || m.information_accuracy > 4) {
    return absl::InvalidArgumentError("information_accuracy: expected 1, 2, 3 or 4");
  }
  RETURN_IF_ERROR(CheckText("handling_note", m.handling_note, kMaxTextBytes));
  RETURN_IF_ERROR(CheckText("source_id", m.source_id, kMaxNameBytes));
  if (!m.review_date.empty()) {
    auto d = ParsePartialDate(m.review_date);
    if (!d.ok() || d->day == 0) {
      return absl::InvalidArgumentError(
          StrCat("review_date: '", m.review_date, "' is not a YYYY-MM-DD date"));
    }
  }
  return std::visit(
      [](auto& body) -> absl::Status {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Person>) return CheckPerson(body);
        if constexpr (std::is_same_v<T, Organisation>) return CheckOrganisation(body);
        if constexpr (std::is_same_v<T, Vehicle>) return CheckVehicle(body);
        if constexpr (std::is_same_v<T, Document>) return CheckDocument(body);
        if constexpr (std::is_same_v<T, Phone>) return CheckPhone(body);
        if constexpr (std::is_same_v<T, Case>) return CheckCase(body);
      },
      record.body);
}

}  // namespace liaison::records
