#include "api/import_routes.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "access/permissions.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::api {
namespace {

// The uploaded body in a private temporary file (the importer reads files),
// removed when this goes out of scope.
class UploadFile {
 public:
  UploadFile() = default;
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;
  ~UploadFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  absl::Status Write(const std::string& body, std::string_view suffix) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / StrCat("liaison-import-XXXXXX", suffix)).string();
    int fd = ::mkstemps(pattern.data(), static_cast<int>(suffix.size()));
    if (fd < 0) return absl::InternalError(StrCat("mkstemps: ", std::strerror(errno)));
    path_ = pattern;
    size_t written = 0;
    while (written < body.size()) {
      ssize_t n = ::write(fd, body.data() + written, body.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int error = errno;
        ::close(fd);
        return absl::InternalError(StrCat("writing the upload: ", std::strerror(error)));
      }
      written += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) return absl::InternalError("closing the upload failed");
    return absl::OkStatus();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `text` with the temporary path replaced by the name the client gave.
std::string Named(std::string_view text, const std::string& path, const std::string& name) {
  return absl::StrReplaceAll(AbslView(text), {{path, name}});
}

}  // namespace

absl::Status RegisterImportRoutes(Router& router, access::RecordAccess& records,
                                  const node::NodeConfig& config) {
  return router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/import/persons",
       .permission = std::string(access::kRecordsImport),
       .handler = [&records, &config](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         access::Purpose purpose = PurposeOf(req);
         RETURN_IF_ERROR(access::ValidatePurpose(purpose));
         if (req.body.empty()) return absl::InvalidArgumentError("the request has no file");
         std::string name = req.Query("name").value_or("upload");
         if (name.size() > 200) name = name.substr(0, 200);
         ingest::ImportOptions options;
         std::string format = req.Query("format").value_or("csv");
         if (format == "csv") {
           options.format = ingest::ImportFormat::kCsv;
         } else if (format == "jsonl") {
           options.format = ingest::ImportFormat::kJsonLines;
         } else {
           return absl::InvalidArgumentError("format: expected csv or jsonl");
         }
         std::string area = req.Query("crime_area").value_or(config.default_crime_area);
         std::optional<std::string> code_flag = req.Query("handling_code");
         std::string code = code_flag.value_or(config.default_handling_code);
         auto parsed_area = records::ParseCrimeArea(area);
         if (!parsed_area.ok()) {
           return absl::InvalidArgumentError(
               StrCat("crime_area: ", StdView(parsed_area.status().message())));
         }
         auto parsed_code = records::ParseHandlingCode(code);
         if (!parsed_code.ok()) {
           return absl::InvalidArgumentError(
               StrCat("handling_code: ", StdView(parsed_code.status().message())));
         }
         auto parsed_alert = records::ParseAlertKind(req.Query("alert").value_or(""));
         if (!parsed_alert.ok()) {
           return absl::InvalidArgumentError(
               StrCat("alert: ", StdView(parsed_alert.status().message())));
         }
         options.defaults = {*parsed_area, *parsed_code, *parsed_alert, code_flag.has_value()};
         options.skip_bad_rows = req.Query("skip_bad_rows").value_or("0") != "0";

         UploadFile file;
         RETURN_IF_ERROR(file.Write(req.body, format == "csv" ? ".csv" : ".jsonl"));
         absl::StatusOr<ingest::ImportReport> report =
             records.ImportPersons(actor, purpose, file.path(), options);
         if (!report.ok()) {
           return absl::Status(report.status().code(),
                               Named(StdView(report.status().message()), file.path(), name));
         }
         Json skipped = Json::array();
         for (const std::string& s : report->skipped)
           skipped.push_back(Named(s, file.path(), name));
         return Response::JsonBody({{"file", name},
                                    {"file_sha256", report->file_sha256},
                                    {"rows", report->rows},
                                    {"created", report->created},
                                    {"updated", report->updated},
                                    {"unchanged", report->unchanged},
                                    {"skipped", skipped}});
       },
       .body = BodyKind::kUpload,
       .summary = "Import a person list (CSV or JSON lines body), whole or not at all"});
}

}  // namespace liaison::api
