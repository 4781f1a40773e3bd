// The delivery worker of case messaging: a background thread that takes the
// outbox (access/messaging.h) partner by partner, oldest item first, sends
// the pending items in `case_batch` envelopes (several items per envelope
// when many are pending) over the partner transport, and records each
// acknowledgement. A partner that cannot be reached, refuses the envelope
// or answers something that is not a valid acknowledgement keeps its items
// pending; it is tried again after an exponential backoff (capped), and the
// error is logged and noted on the outbox item. Items are never dropped and
// never reordered: a partner's next batch starts where the last
// acknowledged one ended.
//
// It also receives: HandleBatch answers a partner's case_batch envelope
// (the partner listener's handler) by committing it through
// Messaging::Accept and acknowledging item by item.
//
// Thread-safety: safe for concurrent use; Start and Stop from one thread.
#ifndef LIAISON_EXCHANGE_CASE_DELIVERY_H_
#define LIAISON_EXCHANGE_CASE_DELIVERY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "access/messaging.h"
#include "federation/envelope.h"
#include "federation/partner_transport.h"

namespace liaison::exchange {

struct CaseDeliveryOptions {
  size_t max_batch_items = 500;
  size_t max_batch_bytes = 600 * 1024;  // item JSON per batch; the body limit is 700 KiB
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  // How often the outbox is looked at when nothing woke the worker (items
  // queued by another process, e.g. `liaison message send`).
  absl::Duration poll = absl::Milliseconds(250);
};

// Sends one envelope to a partner and returns its reply (PartnerClient::Send).
using EnvelopeSender = std::function<absl::StatusOr<federation::PartnerClient::Sent>(
    std::string_view partner, std::string_view message_type, std::string_view body)>;

class CaseDelivery {
 public:
  // `messaging` must outlive the worker.
  CaseDelivery(access::Messaging& messaging, EnvelopeSender sender,
               CaseDeliveryOptions options = {});
  ~CaseDelivery();
  CaseDelivery(const CaseDelivery&) = delete;
  CaseDelivery& operator=(const CaseDelivery&) = delete;

  // Starts the worker thread (and registers as the outbox listener).
  void Start();
  // Stops the worker after the batch in flight. Idempotent.
  void Stop();
  // Wakes the worker: something was queued.
  void Wake();

  // Sends what is pending for `partner` now, batch after batch, until the
  // outbox for it is empty or a send fails. Returns the number of items
  // acknowledged, or the failure. (The worker's step; public for tests.)
  absl::StatusOr<int64_t> DeliverTo(const std::string& partner);

  // The partner listener's handler for a case_batch envelope: parses the
  // body (InvalidArgument: malformed), commits it (the store's error when it
  // fails: nothing was committed, the partner will retry) and returns the
  // case_batch_ack reply.
  absl::StatusOr<federation::MessageReply> HandleBatch(const federation::OpenedEnvelope& envelope);

 private:
  void Run();

  access::Messaging& messaging_;
  const EnvelopeSender sender_;
  const CaseDeliveryOptions options_;
  absl::Mutex mutex_;
  bool stop_ ABSL_GUARDED_BY(mutex_) = false;
  bool woken_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
  // Per partner: when to try again, and the current backoff.
  struct Backoff {
    absl::Time next = absl::InfinitePast();
    absl::Duration delay = absl::ZeroDuration();
  };
  std::map<std::string, Backoff> backoff_;  // worker thread only
};

}  // namespace liaison::exchange

#endif  // LIAISON_EXCHANGE_CASE_DELIVERY_H_
