#include "exchange/case_delivery.h"

#include <algorithm>

#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/case_messages.h"
#include "spdlog/spdlog.h"

namespace liaison::exchange {

CaseDelivery::CaseDelivery(access::Messaging& messaging, EnvelopeSender sender,
                           CaseDeliveryOptions options)
    : messaging_(messaging), sender_(std::move(sender)), options_(options) {}

CaseDelivery::~CaseDelivery() { Stop(); }

void CaseDelivery::Start() {
  messaging_.SetOutboxListener([this] { Wake(); });
  thread_ = std::thread([this] { Run(); });
}

void CaseDelivery::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void CaseDelivery::Wake() {
  absl::MutexLock lock(&mutex_);
  woken_ = true;
}

absl::StatusOr<int64_t> CaseDelivery::DeliverTo(const std::string& partner) {
  int64_t acknowledged = 0;
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      if (stop_) return acknowledged;
    }
    ASSIGN_OR_RETURN(
        access::OutboxBatch batch,
        messaging_.PendingBatch(partner, options_.max_batch_items, options_.max_batch_bytes));
    if (batch.rows.empty()) return acknowledged;
    absl::StatusOr<federation::PartnerClient::Sent> sent =
        sender_(partner, federation::kCaseBatchType, batch.body);
    absl::Status failure;
    absl::StatusOr<federation::CaseBatchAck> ack;
    if (!sent.ok()) {
      failure = sent.status();
    } else if (sent->reply.header.message_type != federation::kCaseBatchAckType) {
      failure = absl::DataLossError(StrCat("partner ", partner, " answered a case_batch with a '",
                                           sent->reply.header.message_type, "'"));
    } else if (ack = federation::ParseCaseBatchAck(sent->reply.body); !ack.ok()) {
      failure = absl::DataLossError(StrCat(
          "partner ", partner, " sent an unreadable ack: ", StdView(ack.status().message())));
    } else if (ack->in_reply_to != sent->message_id) {
      failure = absl::DataLossError(StrCat("partner ", partner, " acknowledged another envelope"));
    } else {
      failure = messaging_.RecordAck(partner, batch, *ack);
    }
    if (!failure.ok()) {
      // Noting the attempt is for the outbox view; the items stay pending
      // whether or not the note is written.
      (void)messaging_.RecordAttempt(batch, StdView(failure.message()));
      return failure;
    }
    acknowledged += static_cast<int64_t>(batch.rows.size());
  }
}

void CaseDelivery::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stop_ || woken_; };
      mutex_.AwaitWithTimeout(absl::Condition(&wake), options_.poll);
      if (stop_) return;
      woken_ = false;
    }
    absl::StatusOr<std::vector<store::OutboxPartnerCount>> partners = messaging_.OutboxPartners();
    if (!partners.ok()) {
      spdlog::error("case delivery: reading the outbox failed: {}", partners.status().ToString());
      continue;
    }
    for (const store::OutboxPartnerCount& p : *partners) {
      if (p.pending == 0) continue;
      Backoff& backoff = backoff_[p.partner];
      const absl::Time now = absl::Now();
      if (now < backoff.next) continue;
      absl::StatusOr<int64_t> delivered = DeliverTo(p.partner);
      if (delivered.ok()) {
        if (backoff.delay > absl::ZeroDuration()) {
          spdlog::info("case delivery: partner {} reachable again; {} item(s) delivered", p.partner,
                       *delivered);
        }
        backoff = Backoff{};
        continue;
      }
      backoff.delay = backoff.delay == absl::ZeroDuration()
                          ? options_.initial_backoff
                          : std::min(backoff.delay * 2, options_.max_backoff);
      backoff.next = absl::Now() + backoff.delay;
      spdlog::warn("case delivery to {} failed ({} item(s) kept pending); retrying in {}: {}",
                   p.partner, p.pending, absl::FormatDuration(backoff.delay),
                   delivered.status().ToString());
    }
  }
}

absl::StatusOr<federation::MessageReply> CaseDelivery::HandleBatch(
    const federation::OpenedEnvelope& envelope) {
  ASSIGN_OR_RETURN(federation::CaseBatch batch, federation::ParseCaseBatch(envelope.body));
  absl::StatusOr<access::AcceptedBatch> accepted =
      messaging_.Accept(envelope.header.sender, envelope.header.message_id, batch);
  if (!accepted.ok()) {
    spdlog::error("case batch {} from {} not committed ({} item(s)); the partner will retry: {}",
                  batch.batch_id, envelope.header.sender, batch.items.size(),
                  accepted.status().ToString());
    // Whatever the store said, the answer is "unavailable": the partner keeps
    // the items and sends them again later.
    return absl::UnavailableError(
        StrCat("case batch not committed: ", StdView(accepted.status().message())));
  }
  if (accepted->refused > 0) {
    spdlog::warn("case batch {} from {}: {} item(s) refused", batch.batch_id,
                 envelope.header.sender, accepted->refused);
  }
  return federation::MessageReply{std::string(federation::kCaseBatchAckType),
                                  federation::CaseBatchAckToJson(accepted->ack)};
}

}  // namespace liaison::exchange
