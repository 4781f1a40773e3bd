// Fuzz target for the shared-watchlist bodies a partner sends
// (federation::ParseWatchlistPull, ParseWatchlistPage as snapshot and as
// delta): untrusted network input. Must never crash or throw; a page that
// parses must survive WatchlistPageToJson and parse back to the same
// entries and removals.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "federation/watchlist_messages.h"

namespace fed = liaison::federation;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)fed::ParseWatchlistPull(text);
  for (std::string_view type : {fed::kWatchlistSnapshotType, fed::kWatchlistDeltaType}) {
    auto page = fed::ParseWatchlistPage(type, text);
    if (!page.ok()) continue;
    auto again = fed::ParseWatchlistPage(type, fed::WatchlistPageToJson(*page));
    if (!again.ok() || again->upserts.size() != page->upserts.size() ||
        again->removals != page->removals || again->list_version != page->list_version) {
      std::abort();
    }
    for (size_t i = 0; i < page->upserts.size(); ++i) {
      if (again->upserts[i].reference != page->upserts[i].reference ||
          again->upserts[i].person.names != page->upserts[i].person.names) {
        std::abort();
      }
    }
  }
  return 0;
}
