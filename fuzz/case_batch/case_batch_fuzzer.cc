// Fuzz target for the case messaging bodies a partner sends
// (federation::ParseCaseBatch, ParseCaseBatchAck): untrusted network input.
// Must never crash or throw; a batch that parses must survive
// CaseBatchToJson and parse back to the same items.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "federation/case_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)liaison::federation::ParseCaseBatchAck(text);
  auto batch = liaison::federation::ParseCaseBatch(text);
  if (!batch.ok()) return 0;
  auto again = liaison::federation::ParseCaseBatch(liaison::federation::CaseBatchToJson(*batch));
  if (!again.ok() || again->items.size() != batch->items.size()) std::abort();
  for (size_t i = 0; i < batch->items.size(); ++i) {
    if (liaison::federation::BatchItemId(again->items[i]) !=
            liaison::federation::BatchItemId(batch->items[i]) ||
        again->items[i].index() != batch->items[i].index()) {
      std::abort();
    }
  }
  return 0;
}
