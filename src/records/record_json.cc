#include "records/record_json.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::records {
namespace {

// Reads fields of one JSON object, remembering which keys were consumed so
// that unknown keys can be reported.
class ObjectReader {
 public:
  ObjectReader(const Json& j, std::string path) : j_(j), path_(std::move(path)) {}

  absl::Status CheckObject() const {
    if (!j_.is_object()) return Error("", "expected a JSON object");
    return absl::OkStatus();
  }

  absl::Status String(std::string_view key, std::string* out) {
    const Json* v = Find(key);
    if (v == nullptr || v->is_null()) return absl::OkStatus();
    if (!v->is_string()) return Error(key, "expected a string");
    *out = v->get<std::string>();
    return absl::OkStatus();
  }

  absl::Status StringList(std::string_view key, std::vector<std::string>* out) {
    const Json* v = Find(key);
    if (v == nullptr || v->is_null()) return absl::OkStatus();
    if (!v->is_array()) return Error(key, "expected an array of strings");
    out->clear();
    for (const Json& item : *v) {
      if (!item.is_string()) return Error(key, "expected an array of strings");
      out->push_back(item.get<std::string>());
    }
    return absl::OkStatus();
  }

  absl::Status Int(std::string_view key, int64_t* out) {
    const Json* v = Find(key);
    if (v == nullptr || v->is_null()) return absl::OkStatus();
    if (!v->is_number_integer()) return Error(key, "expected an integer");
    *out = v->get<int64_t>();
    return absl::OkStatus();
  }

  const Json* Find(std::string_view key) {
    seen_.insert(std::string(key));
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }

  absl::Status CheckNoUnknown() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!seen_.contains(it.key())) return Error(it.key(), "unknown field");
    }
    return absl::OkStatus();
  }

  absl::Status Error(std::string_view key, std::string_view what) const {
    std::string p = path_;
    if (!key.empty()) p = p.empty() ? std::string(key) : StrCat(p, ".", key);
    return absl::InvalidArgumentError(StrCat(p.empty() ? "record" : p, ": ", what));
  }

  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : StrCat(path_, ".", key);
  }

 private:
  const Json& j_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

absl::Status Wrap(std::string_view path, const absl::Status& s) {
  if (s.ok()) return s;
  return absl::InvalidArgumentError(StrCat(path, ": ", s.message()));
}

absl::StatusOr<Person> PersonFromJson(const Json& j) {
  ObjectReader r(j, "person");
  RETURN_IF_ERROR(r.CheckObject());
  Person p;
  RETURN_IF_ERROR(r.String("name", &p.name));
  RETURN_IF_ERROR(r.StringList("aliases", &p.aliases));
  RETURN_IF_ERROR(r.String("father_name", &p.father_name));
  std::string dob;
  RETURN_IF_ERROR(r.String("dob", &dob));
  auto d = ParsePartialDate(dob);
  if (!d.ok()) return Wrap("person.dob", d.status());
  p.dob = *d;
  RETURN_IF_ERROR(r.String("gender", &p.gender));
  RETURN_IF_ERROR(r.StringList("nationalities", &p.nationalities));
  if (const Json* ids = r.Find("id_numbers"); ids != nullptr && !ids->is_null()) {
    if (!ids->is_array()) return r.Error("id_numbers", "expected an array of objects");
    for (size_t i = 0; i < ids->size(); ++i) {
      ObjectReader ir((*ids)[i], StrCat("person.id_numbers[", i, "]"));
      RETURN_IF_ERROR(ir.CheckObject());
      IdNumber id;
      RETURN_IF_ERROR(ir.String("scheme", &id.scheme));
      RETURN_IF_ERROR(ir.String("value", &id.value));
      RETURN_IF_ERROR(ir.String("country", &id.country));
      RETURN_IF_ERROR(ir.CheckNoUnknown());
      p.id_numbers.push_back(std::move(id));
    }
  }
  RETURN_IF_ERROR(r.String("place_of_birth", &p.place_of_birth));
  RETURN_IF_ERROR(r.String("address", &p.address));
  RETURN_IF_ERROR(r.String("contact", &p.contact));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return p;
}

absl::StatusOr<Organisation> OrganisationFromJson(const Json& j) {
  ObjectReader r(j, "organisation");
  RETURN_IF_ERROR(r.CheckObject());
  Organisation o;
  RETURN_IF_ERROR(r.String("name", &o.name));
  RETURN_IF_ERROR(r.StringList("aliases", &o.aliases));
  RETURN_IF_ERROR(r.StringList("countries", &o.countries));
  RETURN_IF_ERROR(r.String("description", &o.description));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return o;
}

absl::StatusOr<Vehicle> VehicleFromJson(const Json& j) {
  ObjectReader r(j, "vehicle");
  RETURN_IF_ERROR(r.CheckObject());
  Vehicle v;
  RETURN_IF_ERROR(r.String("plate", &v.plate));
  RETURN_IF_ERROR(r.String("plate_country", &v.plate_country));
  RETURN_IF_ERROR(r.String("vin", &v.vin));
  RETURN_IF_ERROR(r.String("make", &v.make));
  RETURN_IF_ERROR(r.String("model", &v.model));
  RETURN_IF_ERROR(r.String("colour", &v.colour));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return v;
}

absl::StatusOr<Document> DocumentFromJson(const Json& j) {
  ObjectReader r(j, "document");
  RETURN_IF_ERROR(r.CheckObject());
  Document d;
  RETURN_IF_ERROR(r.String("doc_type", &d.doc_type));
  RETURN_IF_ERROR(r.String("number", &d.number));
  RETURN_IF_ERROR(r.String("issuing_country", &d.issuing_country));
  std::string expiry;
  RETURN_IF_ERROR(r.String("expiry", &expiry));
  auto e = ParsePartialDate(expiry);
  if (!e.ok()) return Wrap("document.expiry", e.status());
  d.expiry = *e;
  RETURN_IF_ERROR(r.String("holder_name", &d.holder_name));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return d;
}

absl::StatusOr<Phone> PhoneFromJson(const Json& j) {
  ObjectReader r(j, "phone");
  RETURN_IF_ERROR(r.CheckObject());
  Phone p;
  RETURN_IF_ERROR(r.String("number", &p.number));
  RETURN_IF_ERROR(r.String("country", &p.country));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return p;
}

absl::StatusOr<Case> CaseFromJson(const Json& j) {
  ObjectReader r(j, "case");
  RETURN_IF_ERROR(r.CheckObject());
  Case c;
  RETURN_IF_ERROR(r.String("title", &c.title));
  RETURN_IF_ERROR(r.String("our_reference", &c.our_reference));
  RETURN_IF_ERROR(r.String("partner_reference", &c.partner_reference));
  RETURN_IF_ERROR(r.String("partner", &c.partner));
  RETURN_IF_ERROR(r.String("description", &c.description));
  RETURN_IF_ERROR(r.String("status", &c.status));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return c;
}

}  // namespace

Json BodyToJson(const RecordBody& body, bool omit_empty) {
  Json j = Json::object();
  // Sets a field, leaving out empty values when `omit_empty` (the store's
  // compact form; readers treat a missing field as empty).
  auto put = [&j, omit_empty](const char* key, const auto& value) {
    if (omit_empty && value.empty()) return;
    j[key] = value;
  };
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, Person>) {
          put("name", b.name);
          put("aliases", b.aliases);
          put("father_name", b.father_name);
          put("dob", FormatPartialDate(b.dob));
          put("gender", b.gender);
          put("nationalities", b.nationalities);
          Json ids = Json::array();
          for (const IdNumber& id : b.id_numbers) {
            Json one = {{"scheme", id.scheme}, {"value", id.value}};
            if (!omit_empty || !id.country.empty()) one["country"] = id.country;
            ids.push_back(std::move(one));
          }
          if (!omit_empty || !ids.empty()) j["id_numbers"] = std::move(ids);
          put("place_of_birth", b.place_of_birth);
          put("address", b.address);
          put("contact", b.contact);
        } else if constexpr (std::is_same_v<T, Organisation>) {
          put("name", b.name);
          put("aliases", b.aliases);
          put("countries", b.countries);
          put("description", b.description);
        } else if constexpr (std::is_same_v<T, Vehicle>) {
          put("plate", b.plate);
          put("plate_country", b.plate_country);
          put("vin", b.vin);
          put("make", b.make);
          put("model", b.model);
          put("colour", b.colour);
        } else if constexpr (std::is_same_v<T, Document>) {
          put("doc_type", b.doc_type);
          put("number", b.number);
          put("issuing_country", b.issuing_country);
          put("expiry", FormatPartialDate(b.expiry));
          put("holder_name", b.holder_name);
        } else if constexpr (std::is_same_v<T, Phone>) {
          put("number", b.number);
          put("country", b.country);
        } else if constexpr (std::is_same_v<T, Case>) {
          put("title", b.title);
          put("our_reference", b.our_reference);
          put("partner_reference", b.partner_reference);
          put("partner", b.partner);
          put("description", b.description);
          put("status", b.status);
        }
      },
      body);
  return j;
}

absl::StatusOr<RecordBody> BodyFromJson(RecordType type, const Json& json) {
  switch (type) {
    case RecordType::kPerson:
      return PersonFromJson(json);
    case RecordType::kOrganisation:
      return OrganisationFromJson(json);
    case RecordType::kVehicle:
      return VehicleFromJson(json);
    case RecordType::kDocument:
      return DocumentFromJson(json);
    case RecordType::kPhone:
      return PhoneFromJson(json);
    case RecordType::kCase:
      return CaseFromJson(json);
  }
  return absl::InvalidArgumentError("unknown record type");
}

Json RecordToJson(const Record& record) {
  const RecordMeta& m = record.meta;
  Json j = {
      {"id", m.id},
      {"type", Name(record.type())},
      {"source_id", m.source_id},
      {"owner", m.owner},
      {"crime_area", Name(m.crime_area)},
      {"handling_code", Name(m.handling_code)},
      {"handling_note", m.handling_note},
      {"source_reliability", std::string(1, m.source_reliability)},
      {"information_accuracy", m.information_accuracy},
      {"alert", Name(m.alert)},
      {"subject_category", Name(m.subject_category)},
      {"review_date", m.review_date},
      {"created_at", FormatMillis(m.created_ms)},
      {"updated_at", FormatMillis(m.updated_ms)},
      {"version", m.version},
  };
  j[std::string(Name(record.type()))] = BodyToJson(record.body);
  return j;
}

absl::StatusOr<Record> RecordFromJson(const Json& json, const JsonReadOptions& options) {
  ObjectReader r(json, "");
  RETURN_IF_ERROR(r.CheckObject());
  Record rec;
  RecordMeta& m = rec.meta;
  std::string type_name;
  RETURN_IF_ERROR(r.String("type", &type_name));
  std::optional<RecordType> type = options.expected_type;
  if (!type_name.empty()) {
    auto t = ParseRecordType(type_name);
    if (!t.ok()) return Wrap("type", t.status());
    if (type.has_value() && *type != *t) {
      return absl::InvalidArgumentError(
          StrCat("type: '", type_name, "' does not match the collection (", Name(*type), ")"));
    }
    type = *t;
  }
  if (!type.has_value()) return absl::InvalidArgumentError("type: required");

  for (std::string_view server_field : {"id", "owner", "created_at", "updated_at", "version"}) {
    const Json* v = r.Find(server_field);
    if (v != nullptr && !options.allow_server_fields) {
      return absl::InvalidArgumentError(
          StrCat(server_field, ": set by the node; remove it from the request"));
    }
  }
  if (options.allow_server_fields) {
    RETURN_IF_ERROR(r.String("id", &m.id));
    RETURN_IF_ERROR(r.String("owner", &m.owner));
    RETURN_IF_ERROR(r.Int("version", &m.version));
    for (auto [key, out] :
         {std::pair{"created_at", &m.created_ms}, {"updated_at", &m.updated_ms}}) {
      std::string t;
      RETURN_IF_ERROR(r.String(key, &t));
      if (!t.empty()) {
        auto ms = ParseTimestampMillis(t);
        if (!ms.ok()) return Wrap(key, ms.status());
        *out = *ms;
      }
    }
  }
  RETURN_IF_ERROR(r.String("source_id", &m.source_id));
  // Reads an optional enum-valued string field with `parse`.
  auto read_enum = [&r](std::string_view key, auto parse, auto* out) -> absl::Status {
    std::string text;
    RETURN_IF_ERROR(r.String(key, &text));
    if (text.empty()) return absl::OkStatus();
    auto v = parse(text);
    if (!v.ok()) return Wrap(key, v.status());
    *out = *v;
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(read_enum("crime_area", ParseCrimeArea, &m.crime_area));
  RETURN_IF_ERROR(read_enum("handling_code", ParseHandlingCode, &m.handling_code));
  RETURN_IF_ERROR(read_enum("alert", ParseAlertKind, &m.alert));
  RETURN_IF_ERROR(read_enum("subject_category", ParseSubjectCategory, &m.subject_category));
  RETURN_IF_ERROR(r.String("handling_note", &m.handling_note));
  std::string reliability;
  RETURN_IF_ERROR(r.String("source_reliability", &reliability));
  if (!reliability.empty()) {
    if (reliability.size() != 1) {
      return absl::InvalidArgumentError("source_reliability: expected A, B, C or X");
    }
    m.source_reliability = reliability[0];
  }
  int64_t accuracy = m.information_accuracy;
  RETURN_IF_ERROR(r.Int("information_accuracy", &accuracy));
  if (accuracy < 1 || accuracy > 4) {
    return absl::InvalidArgumentError("information_accuracy: expected 1, 2, 3 or 4");
  }
  m.information_accuracy = static_cast<int>(accuracy);
  RETURN_IF_ERROR(r.String("review_date", &m.review_date));

  std::string body_key(Name(*type));
  const Json* body = r.Find(body_key);
  if (body == nullptr) return absl::InvalidArgumentError(StrCat(body_key, ": required"));
  ASSIGN_OR_RETURN(rec.body, BodyFromJson(*type, *body));
  RETURN_IF_ERROR(r.CheckNoUnknown());
  return rec;
}

}  // namespace liaison::records
