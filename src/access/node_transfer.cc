#include "access/node_transfer.h"

#include <charconv>

#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "store/migrations.h"

namespace liaison::access {
namespace {

constexpr int kFormatVersion = 1;
// A line holds one row; the largest values are record bodies (16 MiB at
// most) and uploaded screening lists.
constexpr size_t kMaxLineBytes = 80 << 20;

const store::TransferTable* FindTable(std::string_view name) {
  for (const store::TransferTable& t : store::TransferTables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

absl::Status RequireAdministrator(const Actor& actor, std::string_view what) {
  if (actor.role != Role::kAdministrator || actor.id != Actor::LocalAdministrator().id) {
    return absl::PermissionDeniedError(
        StrCat("only the node's local administrator may ", what, " a whole node"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TransferReport> ExportNode(store::Store& store, AuditTrail& trail,
                                          const Actor& actor, std::ostream& out) {
  RETURN_IF_ERROR(RequireAdministrator(actor, "export"));
  ASSIGN_OR_RETURN(int schema, store.SchemaVersion());
  RETURN_IF_ERROR(store.Write([&](store::Transaction& tx) -> absl::Status {
    audit::Event e = EventFor(actor, audit::Action::kExport, {"whole-node export", ""});
    e.details = {{"event", "node_export"}, {"schema_version", schema}};
    return trail.Append(tx, std::move(e)).status();
  }));
  TransferReport report;
  auto write = [&](const Json& line) -> absl::Status {
    out << DumpJson(line) << '\n';
    if (!out) return absl::UnavailableError("writing the export failed (disk full?)");
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(write({{"liaison_node_export", kFormatVersion},
                         {"node_id", trail.node_id()},
                         {"schema_version", schema},
                         {"exported_ms", trail.clock().NowMillis()}}));
  RETURN_IF_ERROR(store.Read([&](store::Reader& r) -> absl::Status {
    for (const store::TransferTable& table : store::TransferTables()) {
      int64_t& count = report.rows[std::string(table.name)];
      RETURN_IF_ERROR(r.ScanTable(table, [&](const store::TransferRow& row) -> absl::Status {
        Json values = Json::array();
        for (size_t i = 0; i < row.size(); ++i) {
          if (table.columns[i].integer) {
            int64_t n = 0;
            std::from_chars(row[i].data(), row[i].data() + row[i].size(), n);
            values.push_back(n);
          } else {
            // JSON carries UTF-8 only; refuse rather than alter a value.
            if (!IsValidUtf8(row[i])) {
              return absl::DataLossError(StrCat(table.name, " row '", row[0], "' column ",
                                                table.columns[i].name,
                                                " is not valid UTF-8; cannot export it intact"));
            }
            values.push_back(row[i]);
          }
        }
        ++count;
        ++report.total;
        return write({{"table", table.name}, {"row", std::move(values)}});
      }));
    }
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(write({{"end", true}, {"rows", report.total}}));
  out.flush();
  if (!out) return absl::UnavailableError("writing the export failed (disk full?)");
  return report;
}

absl::StatusOr<TransferReport> ImportNode(store::Store& store, AuditTrail& trail,
                                          const Actor& actor, std::istream& in,
                                          std::string_view source) {
  RETURN_IF_ERROR(RequireAdministrator(actor, "import"));
  ASSIGN_OR_RETURN(int schema, store.SchemaVersion());
  TransferReport report;
  absl::Status s = store.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::AuditRow> head, tx.AuditHead());
    ASSIGN_OR_RETURN(int64_t records, tx.CountRecords(std::nullopt));
    ASSIGN_OR_RETURN(std::vector<store::UserRow> users, tx.ListUsers());
    if (head || records > 0 || !users.empty()) {
      return absl::FailedPreconditionError(
          "the node's database is not empty; import a whole node only into a new database");
    }
    std::string line;
    int64_t line_no = 0;
    bool header = false;
    bool ended = false;
    auto bad = [&](std::string_view what) {
      return absl::InvalidArgumentError(StrCat(source, ":", line_no, ": ", what));
    };
    while (std::getline(in, line)) {
      ++line_no;
      if (line.size() > kMaxLineBytes) return bad("line too long");
      if (ended) return bad("data after the end line");
      absl::StatusOr<Json> j = ParseJson(line, {.max_bytes = kMaxLineBytes, .max_depth = 4});
      if (!j.ok()) return bad(StdView(j.status().message()));
      if (!j->is_object()) return bad("expected a JSON object");
      if (!header) {
        auto version = j->find("liaison_node_export");
        if (version == j->end() || *version != kFormatVersion) {
          return bad("not a liaison node export (version 1)");
        }
        auto node = j->find("node_id");
        if (node == j->end() || !node->is_string() || node->get<std::string>() != trail.node_id()) {
          return bad(StrCat("the export is of node ",
                            node == j->end() ? std::string("?") : node->dump(), ", not of ",
                            trail.node_id(), "; import it into the directory of that node"));
        }
        auto from = j->find("schema_version");
        if (from == j->end() || !from->is_number_integer() || from->get<int>() != schema) {
          return bad(StrCat("the export is of schema version ",
                            from == j->end() ? std::string("?") : from->dump(),
                            " but this database is at ", schema,
                            "; import with the liaison version that exported it, then migrate"));
        }
        header = true;
        continue;
      }
      if (j->contains("end")) {
        auto rows = j->find("rows");
        if (rows == j->end() || !rows->is_number_integer() ||
            rows->get<int64_t>() != report.total) {
          return bad(StrCat("the end line counts ", rows == j->end() ? "?" : rows->dump(),
                            " rows but the file holds ", report.total));
        }
        ended = true;
        continue;
      }
      auto name = j->find("table");
      auto values = j->find("row");
      if (name == j->end() || !name->is_string() || values == j->end() || !values->is_array()) {
        return bad("expected {\"table\": NAME, \"row\": [...]}");
      }
      const store::TransferTable* table = FindTable(name->get<std::string>());
      if (table == nullptr) return bad(StrCat("unknown table '", name->get<std::string>(), "'"));
      if (values->size() != table->columns.size()) {
        return bad(StrCat(table->name, " rows have ", table->columns.size(), " values, not ",
                          values->size()));
      }
      store::TransferRow row;
      row.reserve(values->size());
      for (size_t i = 0; i < values->size(); ++i) {
        const Json& v = (*values)[i];
        if (table->columns[i].integer ? !v.is_number_integer() : !v.is_string()) {
          return bad(StrCat(table->name, " column ", table->columns[i].name, " must be ",
                            table->columns[i].integer ? "an integer" : "a string"));
        }
        row.push_back(v.is_string() ? v.get<std::string>() : std::to_string(v.get<int64_t>()));
      }
      absl::Status loaded = tx.LoadRow(*table, row);
      if (!loaded.ok()) return bad(StdView(loaded.message()));
      ++report.rows[std::string(table->name)];
      ++report.total;
    }
    if (in.bad()) return absl::UnavailableError(StrCat("reading ", source, " failed"));
    if (!header) return absl::InvalidArgumentError(StrCat(source, ": empty file"));
    if (!ended) {
      return absl::InvalidArgumentError(StrCat(source,
                                               ": the file ends early (no end line after line ",
                                               line_no, "); it was cut short"));
    }
    audit::Event e = EventFor(actor, audit::Action::kImport, {"whole-node import", ""});
    e.details = {{"event", "node_import"}, {"rows", report.total}};
    return trail.Append(tx, std::move(e)).status();
  });
  RETURN_IF_ERROR(s);
  return report;
}

}  // namespace liaison::access
