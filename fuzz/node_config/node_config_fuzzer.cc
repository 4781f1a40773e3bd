// Fuzz target for liaison.toml parsing (node::ParseNodeConfig): an
// administrator's hand-edited file. Must never crash or throw; a file that
// parses must survive FormatNodeConfig and parse back to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "node/node_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  auto config = liaison::node::ParseNodeConfig(text, "fuzz.toml", &warnings);
  (void)liaison::node::ParseListenAddress(text.substr(0, 64));
  if (!config.ok()) return 0;
  auto again = liaison::node::ParseNodeConfig(liaison::node::FormatNodeConfig(*config),
                                              "formatted.toml", nullptr);
  if (!again.ok() || again->node_id != config->node_id || again->agency != config->agency ||
      again->country != config->country || !(again->listen == config->listen) ||
      again->max_body_bytes != config->max_body_bytes ||
      again->default_handling_code != config->default_handling_code) {
    std::abort();
  }
  return 0;
}
