#include "access/watchlists.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "access/partners.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/canonical_bytes.h"

namespace liaison::access {
namespace {

constexpr std::string_view kPurpose = "shared watchlist";
constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
// Published entries read per page (the page stops earlier at its byte limit).
constexpr int kPageRows = static_cast<int>(federation::kMaxWatchlistPageEntries);
// Leaves room for the page's other members under kMaxWatchlistPageBytes.
constexpr size_t kPageEntryBytes = federation::kMaxWatchlistPageBytes - 4096;
constexpr size_t kMaxObjects = 200;

audit::Event NodeEvent(std::string_view partner, audit::Action action, const AuditTrail& trail) {
  audit::Event e;
  e.actor_id = "node";
  e.actor_name = trail.node_id();
  e.actor_role = "node";
  e.origin = StrCat("partner:", partner);
  e.action = action;
  e.purpose = std::string(kPurpose);
  return e;
}

bool IsProtected(const records::Record& r) {
  return r.meta.alert == records::AlertKind::kProtectedPerson ||
         r.meta.alert == records::AlertKind::kTraffickingVictim ||
         r.meta.subject_category == records::SubjectCategory::kVictim;
}

void AddLimited(std::vector<std::string>& out, std::string_view s, size_t max_items,
                size_t max_bytes) {
  if (s.empty() || s.size() > max_bytes || out.size() >= max_items) return;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return;
  }
  if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
}

// The position (version, reference) ordering of published entries.
bool After(int64_t v, std::string_view ref, int64_t than_v, std::string_view than_ref) {
  return v > than_v || (v == than_v && ref > than_ref);
}

}  // namespace

std::optional<federation::WatchlistEntry> WatchlistEntryOf(const records::Record& record) {
  const auto* p = std::get_if<records::Person>(&record.body);
  if (p == nullptr) return std::nullopt;
  switch (record.meta.alert) {
    case records::AlertKind::kNone:
    case records::AlertKind::kStolenVehicle:
    case records::AlertKind::kLostStolenDocument:
      return std::nullopt;
    default:
      break;
  }
  federation::WatchlistEntry e;
  e.crime_area = std::string(records::Name(record.meta.crime_area));
  e.handling_code = std::string(records::Name(record.meta.handling_code));
  // Protected persons and victims: matching fields only, not even why they
  // are listed. (No entry ever carries place of birth, address or contact.)
  e.alert = IsProtected(record) ? "" : std::string(records::Name(record.meta.alert));
  AddLimited(e.person.names, p->name, federation::kMaxQueryNames, federation::kMaxNameBytes);
  for (const std::string& a : p->aliases) {
    AddLimited(e.person.names, a, federation::kMaxQueryNames, federation::kMaxNameBytes);
  }
  if (e.person.names.empty()) return std::nullopt;
  if (p->father_name.size() <= federation::kMaxNameBytes) e.person.father_name = p->father_name;
  e.person.dob = records::FormatPartialDate(p->dob);
  e.person.gender = p->gender;
  for (const std::string& n : p->nationalities) {
    if (n.size() == 2) AddLimited(e.person.nationalities, n, federation::kMaxQueryNationalities, 2);
  }
  for (const records::IdNumber& id : p->id_numbers) {
    AddLimited(e.person.id_numbers, StrCat(id.scheme, ":", id.value),
               federation::kMaxQueryIdNumbers, 100);
  }
  return e;
}

std::optional<SharedHitSource> ParseSharedRef(std::string_view ref) {
  constexpr std::string_view kPrefix = "partner:";
  if (!ref.starts_with(kPrefix)) return std::nullopt;
  ref.remove_prefix(kPrefix.size());
  size_t colon = ref.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == ref.size()) {
    return std::nullopt;
  }
  return SharedHitSource{std::string(ref.substr(0, colon)), std::string(ref.substr(colon + 1))};
}

Watchlists::Watchlists(store::Store& store, AuditTrail& trail, Random& random)
    : store_(store), trail_(trail), random_(random) {}

absl::Status Watchlists::Require(const Actor& actor, std::string_view permission) {
  if (RoleHolds(actor.role, permission)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      StrCat("the ", RoleName(actor.role), " role does not hold ", permission));
}

absl::StatusOr<store::PublishedListRow> Watchlists::RefreshPublished(store::Transaction& tx,
                                                                     std::string_view partner,
                                                                     int64_t* retention_days) {
  ASSIGN_OR_RETURN(std::optional<store::AgreementRow> row, tx.GetAgreement(partner));
  std::optional<Agreement> agreement;
  if (row) {
    ASSIGN_OR_RETURN(agreement, AgreementFromRow(*row));
  }
  *retention_days = agreement ? agreement->retention_days : Agreement{}.retention_days;

  // What the partner may see now, by record id, as entry JSON without the
  // reference (the reference is added once it is known).
  std::map<std::string, federation::WatchlistEntry> now;
  if (agreement && agreement->record_types.count(records::RecordType::kPerson) > 0) {
    const std::string& self = trail_.node_id();
    RETURN_IF_ERROR(tx.ScanRecords(records::RecordType::kPerson, [&](records::Record&& r) {
      if (r.meta.owner != self) return absl::OkStatus();
      if (agreement->crime_areas.count(r.meta.crime_area) == 0) return absl::OkStatus();
      if (static_cast<int>(r.meta.handling_code) > static_cast<int>(agreement->max_handling_code)) {
        return absl::OkStatus();
      }
      std::optional<federation::WatchlistEntry> e = WatchlistEntryOf(r);
      if (e) now.emplace(r.meta.id, *std::move(e));
      return absl::OkStatus();
    }));
  }

  ASSIGN_OR_RETURN(std::optional<store::PublishedListRow> list, tx.GetPublishedList(partner));
  store::PublishedListRow out =
      list.value_or(store::PublishedListRow{std::string(partner), 0, 0, 0});
  ASSIGN_OR_RETURN(std::vector<store::PublishedEntryRow> published, tx.PublishedEntries(partner));
  const int64_t next = out.version + 1;
  std::vector<store::PublishedEntryRow> changed;
  for (store::PublishedEntryRow& p : published) {
    auto it = now.find(p.record_id);
    if (it == now.end()) {
      if (!p.removed) {
        p.removed = true;
        p.entry_json.clear();
        p.version = next;
        changed.push_back(p);
      }
      continue;
    }
    it->second.reference = p.reference;
    std::string json = federation::WatchlistEntryToJson(it->second);
    if (p.removed || json != p.entry_json) {
      p.removed = false;
      p.entry_json = std::move(json);
      p.version = next;
      changed.push_back(p);
    }
    now.erase(it);
  }
  for (auto& [record_id, entry] : now) {
    entry.reference = random_.NewId("wle_");
    changed.push_back({std::string(partner), entry.reference, record_id,
                       federation::WatchlistEntryToJson(entry), next, false});
  }
  if (changed.empty()) return out;
  int64_t live = out.entries;
  for (const store::PublishedEntryRow& c : changed) RETURN_IF_ERROR(tx.PutPublishedEntry(c));
  // Recount rather than track: an entry may have been re-added.
  live = 0;
  ASSIGN_OR_RETURN(published, tx.PublishedEntries(partner));
  for (const store::PublishedEntryRow& p : published) live += p.removed ? 0 : 1;
  out.version = next;
  out.entries = live;
  out.updated_ms = trail_.clock().NowMillis();
  RETURN_IF_ERROR(tx.PutPublishedList(out));
  return out;
}

absl::StatusOr<federation::WatchlistPage> Watchlists::AnswerPull(
    std::string_view partner, std::string_view envelope_message_id,
    const federation::WatchlistPull& pull) {
  federation::WatchlistPage page;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    page = federation::WatchlistPage{};
    page.pull_id = pull.pull_id;
    page.in_reply_to = std::string(envelope_message_id);
    int64_t retention_days = 0;
    store::PublishedListRow list;
    if (pull.continuation) {
      // Later pages of a pass: the list as published at its first page.
      ASSIGN_OR_RETURN(std::optional<store::PublishedListRow> held, tx.GetPublishedList(partner));
      list = held.value_or(store::PublishedListRow{std::string(partner), 0, 0, 0});
      ASSIGN_OR_RETURN(std::optional<store::AgreementRow> row, tx.GetAgreement(partner));
      retention_days = Agreement{}.retention_days;
      if (row) {
        ASSIGN_OR_RETURN(Agreement agreement, AgreementFromRow(*row));
        retention_days = agreement.retention_days;
      }
    } else {
      ASSIGN_OR_RETURN(list, RefreshPublished(tx, partner, &retention_days));
    }
    page.list_version = list.version;
    page.retention_days = retention_days;
    // From the start, or from a position this node never published (it
    // was restored from an older backup): the whole list again.
    int64_t from_version = pull.after_version;
    std::string from_reference = pull.after_reference;
    if ((from_version == 0 && from_reference.empty()) || from_version > list.version) {
      page.snapshot = true;
      from_version = 0;
      from_reference.clear();
    }
    page.next_version = from_version;
    page.next_reference = from_reference;
    ASSIGN_OR_RETURN(std::vector<store::PublishedEntryRow> rows,
                     tx.PublishedEntriesAfter(partner, from_version, from_reference, kPageRows));
    size_t bytes = 0;
    size_t used = 0;
    std::vector<std::string> objects;
    for (const store::PublishedEntryRow& r : rows) {
      if (r.removed) {
        // A snapshot lists what is there; the puller starts afresh.
        if (!page.snapshot) page.removals.push_back(r.reference);
      } else {
        ASSIGN_OR_RETURN(federation::WatchlistEntry e,
                         federation::ParseWatchlistEntry(r.entry_json));
        if (bytes + r.entry_json.size() > kPageEntryBytes) break;
        bytes += r.entry_json.size();
        page.upserts.push_back(std::move(e));
        if (objects.size() < kMaxObjects) objects.push_back(r.record_id);
      }
      bytes += r.removed ? r.reference.size() + 3 : 0;
      page.next_version = r.version;
      page.next_reference = r.reference;
      ++used;
    }
    page.complete = used == rows.size() && rows.size() < static_cast<size_t>(kPageRows);
    if (page.upserts.empty() && page.removals.empty()) return absl::OkStatus();
    audit::Event e = NodeEvent(partner, audit::Action::kWatchlistPublished, trail_);
    e.object_ids = std::move(objects);
    e.details = {
        {"partner", std::string(partner)},  {"list_version", page.list_version},
        {"snapshot", page.snapshot},        {"upserts", page.upserts.size()},
        {"removals", page.removals.size()}, {"message_id", std::string(envelope_message_id)}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return page;
}

absl::StatusOr<federation::WatchlistPull> Watchlists::NextPull(std::string_view owner) {
  federation::WatchlistPull pull;
  pull.pull_id = random_.NewId("wlp_");
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::SharedListRow> list, r.GetSharedList(owner));
    if (list) {
      pull.after_version = list->cursor_version;
      pull.after_reference = list->cursor_reference;
    }
    return absl::OkStatus();
  }));
  return pull;
}

absl::Status Watchlists::ApplyPage(std::string_view owner, const federation::WatchlistPull& asked,
                                   const federation::WatchlistPage& page) {
  if (page.pull_id != asked.pull_id) {
    return absl::InvalidArgumentError(StrCat("partner ", owner, " answered another pull"));
  }
  if (!page.snapshot) {
    if (asked.after_version == 0 && asked.after_reference.empty()) {
      return absl::InvalidArgumentError(
          StrCat("partner ", owner, " sent a delta where the whole list was asked for"));
    }
    if (After(asked.after_version, asked.after_reference, page.next_version, page.next_reference)) {
      return absl::InvalidArgumentError(
          StrCat("partner ", owner, " sent a page that goes back before the position asked"));
    }
  }
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    const int64_t now = trail_.clock().NowMillis();
    ASSIGN_OR_RETURN(std::optional<store::SharedListRow> held, tx.GetSharedList(owner));
    store::SharedListRow list = held.value_or(store::SharedListRow{});
    list.owner = std::string(owner);
    int64_t removed = 0;
    if (page.snapshot) {
      std::vector<std::string> refs;
      RETURN_IF_ERROR(tx.ScanSharedEntries(owner, [&](store::SharedEntryRow&& e) {
        refs.push_back(std::move(e.reference));
        return absl::OkStatus();
      }));
      for (const std::string& ref : refs) {
        ASSIGN_OR_RETURN(bool gone, tx.DeleteSharedEntry(owner, ref));
        removed += gone ? 1 : 0;
      }
      list.entries = 0;
      list.version = 0;
    }
    const int64_t retain_until = now + page.retention_days * kDayMs;
    for (const federation::WatchlistEntry& e : page.upserts) {
      ASSIGN_OR_RETURN(std::optional<store::SharedEntryRow> before,
                       tx.GetSharedEntry(owner, e.reference));
      store::SharedEntryRow row;
      row.owner = std::string(owner);
      row.reference = e.reference;
      row.version = page.list_version;
      row.crime_area = e.crime_area;
      row.handling_code = e.handling_code;
      row.entry_json = federation::WatchlistEntryToJson(e);
      row.received_ms = now;
      row.retain_until_ms = retain_until;
      RETURN_IF_ERROR(tx.PutSharedEntry(row));
      if (!before) ++list.entries;
    }
    for (const std::string& ref : page.removals) {
      ASSIGN_OR_RETURN(bool gone, tx.DeleteSharedEntry(owner, ref));
      if (gone) {
        --list.entries;
        ++removed;
      }
    }
    list.cursor_version = page.next_version;
    list.cursor_reference = page.next_reference;
    if (page.complete) list.version = page.list_version;
    list.retention_days = page.retention_days;
    list.last_pull_ms = now;
    list.last_success_ms = now;
    list.last_error.clear();
    RETURN_IF_ERROR(tx.PutSharedList(list));
    if (page.upserts.empty() && page.removals.empty() && removed == 0) return absl::OkStatus();
    audit::Event ev = NodeEvent(owner, audit::Action::kWatchlistPulled, trail_);
    ev.origin = "node";
    ev.details = {{"partner", std::string(owner)}, {"list_version", page.list_version},
                  {"snapshot", page.snapshot},     {"upserts", page.upserts.size()},
                  {"removals", removed},           {"complete", page.complete}};
    return trail_.Append(tx, std::move(ev)).status();
  });
}

absl::Status Watchlists::RecordPullFailure(std::string_view owner, std::string_view error) {
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::SharedListRow> held, tx.GetSharedList(owner));
    store::SharedListRow list = held.value_or(store::SharedListRow{});
    list.owner = std::string(owner);
    list.last_pull_ms = trail_.clock().NowMillis();
    list.last_error = std::string(error.substr(0, 1000));
    return tx.PutSharedList(list);
  });
}

absl::StatusOr<int64_t> Watchlists::PurgeExpired() {
  int64_t purged = 0;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    purged = 0;
    const int64_t now = trail_.clock().NowMillis();
    std::vector<store::SharedEntryRow> expired;
    RETURN_IF_ERROR(tx.ScanSharedEntries("", [&](store::SharedEntryRow&& e) {
      if (e.retain_until_ms < now) expired.push_back(std::move(e));
      return absl::OkStatus();
    }));
    std::map<std::string, int64_t> by_owner;
    for (const store::SharedEntryRow& e : expired) {
      ASSIGN_OR_RETURN(bool gone, tx.DeleteSharedEntry(e.owner, e.reference));
      if (gone) ++by_owner[e.owner];
    }
    for (const auto& [owner, n] : by_owner) {
      ASSIGN_OR_RETURN(std::optional<store::SharedListRow> list, tx.GetSharedList(owner));
      if (list) {
        list->entries = std::max<int64_t>(0, list->entries - n);
        // Start again from the beginning at the next pull: what was purged
        // must come back whole, not as a delta.
        list->cursor_version = 0;
        list->cursor_reference.clear();
        list->version = 0;
        RETURN_IF_ERROR(tx.PutSharedList(*list));
      }
      audit::Event ev = NodeEvent(owner, audit::Action::kRetentionErase, trail_);
      ev.origin = "node";
      ev.details = {{"partner", owner}, {"shared_watchlist_entries", n}};
      RETURN_IF_ERROR(trail_.Append(tx, std::move(ev)).status());
      purged += n;
    }
    return absl::OkStatus();
  }));
  return purged;
}

absl::StatusOr<std::vector<store::SharedListRow>> Watchlists::ListShared(const Actor& actor) {
  RETURN_IF_ERROR(Require(actor, kPartnersQuery));
  std::vector<store::SharedListRow> out;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(out, r.ListSharedLists());
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<store::WatchlistHitRow>> Watchlists::ListHitsReceived(const Actor& actor,
                                                                                 int limit) {
  RETURN_IF_ERROR(Require(actor, kPartnersQuery));
  if (limit < 1 || limit > 1000) return absl::InvalidArgumentError("limit: expected 1 to 1000");
  std::vector<store::WatchlistHitRow> out;
  // The hits name this node's records: reading them is audited as a view.
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, tx.ListWatchlistHits(limit));
    audit::Event e = EventFor(actor, audit::Action::kView, {"shared watchlist hits", ""});
    for (const store::WatchlistHitRow& h : out) {
      if (e.object_ids.size() < kMaxObjects &&
          std::find(e.object_ids.begin(), e.object_ids.end(), h.record_id) == e.object_ids.end()) {
        e.object_ids.push_back(h.record_id);
      }
    }
    e.details = {{"watchlist_hits", out.size()}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return out;
}

absl::StatusOr<bool> Watchlists::NotifyHit(store::Transaction& tx, AuditTrail& trail,
                                           const Actor& actor, const WatchlistHitNotice& n) {
  if (n.score < kWatchlistNotifyScore) return false;
  // One item per entry and search or job: the id is derived from them, so
  // the outbox (and the owner's received items) keep it once.
  const std::string digest =
      federation::Sha256(StrCat(n.owner, "\n", n.reference, "\n", n.source, "\n", n.source_id));
  uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = (seed << 8) | static_cast<unsigned char>(digest[i]);
  SeededRandom derived(seed);
  federation::WatchlistHitItem item;
  item.id = derived.NewId("wlh_");
  item.reference = n.reference;
  item.list_version = n.list_version;
  item.source = n.source;
  item.purpose = n.purpose.substr(0, 1000);
  if (item.purpose.empty()) item.purpose = "(no purpose stated)";
  item.band = "strong";
  item.score_permille = std::clamp<int64_t>(std::lround(n.score * 1000), 0, 1000);
  item.hit_at_ms = trail.clock().NowMillis();
  RETURN_IF_ERROR(federation::ValidateBatchItem(item));
  ASSIGN_OR_RETURN(std::vector<store::AuditRow> earlier, tx.AuditForObject(item.id));
  if (!earlier.empty()) return false;
  store::OutboxRow row;
  row.partner = n.owner;
  row.item_id = item.id;
  row.kind = "watchlist_hit";
  row.body = DumpJson(federation::BatchItemToJson(item));
  row.created_ms = item.hit_at_ms;
  absl::StatusOr<int64_t> queued = tx.EnqueueOutbox(row);
  if (absl::IsAlreadyExists(queued.status())) return false;
  RETURN_IF_ERROR(queued.status());
  audit::Event e = EventFor(actor, audit::Action::kWatchlistHitNotified, {n.purpose, ""});
  e.purpose = e.purpose.substr(0, 1000);
  e.object_ids = {item.id};
  e.details = {
      {"partner", n.owner}, {"reference", n.reference}, {"list_version", n.list_version},
      {"source", n.source}, {"band", item.band},        {"score_permille", item.score_permille}};
  RETURN_IF_ERROR(trail.Append(tx, std::move(e)).status());
  return true;
}

absl::StatusOr<std::string> Watchlists::AcceptHit(store::Transaction& tx, AuditTrail& trail,
                                                  std::string_view partner,
                                                  const federation::WatchlistHitItem& hit,
                                                  int64_t now) {
  ASSIGN_OR_RETURN(std::optional<store::PublishedEntryRow> entry,
                   tx.GetPublishedEntry(partner, hit.reference));
  if (!entry) return StrCat("no entry ", hit.reference, " was published to this partner");
  store::WatchlistHitRow row;
  row.id = hit.id;
  row.partner = std::string(partner);
  row.reference = hit.reference;
  row.record_id = entry->record_id;
  row.list_version = hit.list_version;
  row.source = hit.source;
  row.purpose = hit.purpose;
  row.band = hit.band;
  row.score_permille = hit.score_permille;
  row.hit_ms = hit.hit_at_ms;
  row.received_ms = now;
  RETURN_IF_ERROR(tx.InsertWatchlistHit(row));
  audit::Event e = NodeEvent(partner, audit::Action::kWatchlistHitReceived, trail);
  e.actor_id = StrCat("partner:", partner);
  e.actor_name = std::string(partner);
  e.actor_role = "partner";
  e.purpose = hit.purpose;
  e.object_ids = {entry->record_id};
  e.details = {
      {"partner", std::string(partner)},      {"reference", hit.reference},     {"item_id", hit.id},
      {"list_version", hit.list_version},     {"source", hit.source},           {"band", hit.band},
      {"score_permille", hit.score_permille}, {"removed_since", entry->removed}};
  RETURN_IF_ERROR(trail.Append(tx, std::move(e)).status());
  return std::string();
}

Json Watchlists::SharedListJson(const store::SharedListRow& l) {
  return {{"partner", l.owner},
          {"version", l.version},
          {"entries", l.entries},
          {"retention_days", l.retention_days},
          {"last_pull_ms", l.last_pull_ms},
          {"last_success_ms", l.last_success_ms},
          {"last_error", l.last_error}};
}

Json Watchlists::HitReceivedJson(const store::WatchlistHitRow& h) {
  return {{"id", h.id},
          {"partner", h.partner},
          {"reference", h.reference},
          {"record_id", h.record_id},
          {"list_version", h.list_version},
          {"source", h.source},
          {"purpose", h.purpose},
          {"band", h.band},
          {"score_permille", h.score_permille},
          {"hit_ms", h.hit_ms},
          {"received_ms", h.received_ms}};
}

}  // namespace liaison::access
