// Fuzz target for the audit export reader and verifier: the parser an auditor
// runs on a file of unknown origin. Must never crash, hang or assert; entry
// parsing must be a fixed point of canonical serialisation; and the fast
// canonical-line parser must agree with the general one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "audit/entry.h"
#include "audit/verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  liaison::audit::VerifyOptions options;
  options.limits.max_line_bytes = 16 * 1024;
  std::istringstream in(text);
  liaison::audit::VerifyReport report = liaison::audit::VerifyExport(in, options);
  (void)report.ToText();

  // Each line on its own as an entry: whatever parses must re-serialise to a
  // line that parses back to the same canonical text.
  std::string_view rest(text);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    // The fast canonical-only parser must never accept what the general
    // parser rejects, nor disagree with it.
    std::string contents_hash;
    std::optional<liaison::audit::Entry> fast =
        liaison::audit::ParseCanonicalEntryLine(line, &contents_hash);
    auto entry = liaison::audit::ParseEntryLine(line);
    if (fast.has_value()) {
      if (!entry.ok() ||
          liaison::audit::CanonicalEntryText(*entry, liaison::audit::HashField::kWithHash) !=
              line ||
          liaison::audit::ComputeEntryHash(*entry) != contents_hash) {
        std::abort();
      }
    }
    if (!entry.ok()) continue;
    std::string canonical =
        liaison::audit::CanonicalEntryText(*entry, liaison::audit::HashField::kWithHash);
    auto again = liaison::audit::ParseEntryLine(canonical);
    if (!again.ok() || liaison::audit::CanonicalEntryText(
                           *again, liaison::audit::HashField::kWithHash) != canonical) {
      std::abort();
    }
  }
  return 0;
}
