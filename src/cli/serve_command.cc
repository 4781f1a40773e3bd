// `liaison serve --data DIR [--listen HOST:PORT]`: serves the node's HTTPS API
// until SIGTERM or SIGINT, then stops accepting, lets requests in flight
// finish and exits 0.
//
// Output contract (CONTRACTS.md): one line on stdout,
//   listening on https://HOST:PORT
// once the node is ready (followed by "web interface on https://HOST:PORT/"
// with --web-root, and the partner endpoint's line when there is one);
// everything else (log lines, warnings) goes to stderr.
//
// Signals: SIGTERM and SIGINT are blocked in every thread before any thread
// starts, and the main thread takes them synchronously with sigtimedwait, so
// no code runs in signal-handler context.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "api/api_routes.h"
#include "api/http_server.h"
#include "api/web_app.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/clock.h"
#include "exchange/case_delivery.h"
#include "exchange/own_person_search.h"
#include "exchange/partner_service.h"
#include "exchange/watchlist_sync.h"
#include "node/node_dir.h"
#include "screening/screening_service.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::cli {
namespace {

constexpr char kCommand[] = "serve";

struct ServeArgs {
  std::string data;
  std::string listen;
  std::string partner_listen;
  std::string web_root;
  int watchlist_pull_seconds = 60;
};

// Logs go to stderr: stdout carries only the address line.
void LogToStderr() {
  auto logger = std::make_shared<spdlog::logger>(
      "liaison", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  spdlog::set_default_logger(std::move(logger));
}

int RunServe(const ServeArgs& args) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  // Before any thread exists, so every thread inherits the mask and the
  // signals wait for sigtimedwait below.
  if (int error = pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr); error != 0) {
    return Fail(kCommand,
                absl::InternalError(absl::StrCat("pthread_sigmask: ", std::strerror(error))));
  }
  LogToStderr();

  absl::StatusOr<std::unique_ptr<NodeContext>> node = OpenNodeContext(args.data);
  if (!node.ok()) return Fail(kCommand, node.status());
  const node::NodeDir* dir = &(*node)->dir;
  for (const std::string& warning : dir->warnings) {
    std::cerr << "liaison serve: warning: " << warning << "\n";
  }
  node::ListenAddress listen = dir->config.listen;
  if (!args.listen.empty()) {
    absl::StatusOr<node::ListenAddress> parsed = node::ParseListenAddress(args.listen);
    if (!parsed.ok()) return Fail(kCommand, parsed.status());
    listen = *parsed;
  }

  std::atomic<bool> ready{false};
  api::ApiServices services;
  services.node = dir;
  services.store = (*node)->store.get();
  services.clock = (*node)->clock;
  screening::ScreeningService* screening = (*node)->screening.get();
  services.ready = [&ready, screening] { return ready.load() && screening->ready(); };
  services.identity = (*node)->identity.get();
  services.records = (*node)->records.get();
  services.trail = (*node)->trail.get();
  services.retention = (*node)->retention.get();
  services.search = (*node)->search.get();
  services.screening_jobs = (*node)->screening_jobs.get();
  // Federation: the node's own persons, searched for partners' hit/no-hit
  // queries; the partner directory; the partner listener when configured.
  // Partners' queries are answered from the screening index, which follows
  // every record change.
  exchange::OwnPersonSearch own_persons(*screening, *(*node)->store, dir->config.node_id);
  exchange::PartnerServiceOptions federation_options;
  federation_options.node_id = dir->config.node_id;
  federation_options.identity = {dir->keys.tls_cert_pem(), dir->keys.tls_key_pem()};
  // Each partner keeps up to 32 connections open (PartnerClientOptions), and
  // a kept-alive connection holds a listener thread: enough threads for four
  // partners at full concurrency.
  federation_options.worker_threads = std::max(dir->config.worker_threads, 128);
  exchange::PartnerService partner_service(federation_options, *(*node)->partners, *(*node)->signer,
                                           *(*node)->clock, *(*node)->random, &own_persons);
  if (absl::Status s = partner_service.Refresh(); !s.ok()) return Fail(kCommand, s);
  services.partners = (*node)->partners.get();
  services.partner_service = &partner_service;
  // Case messaging: the delivery worker sends the outbox to partners and
  // answers their case batches on the partner listener.
  exchange::CaseDelivery delivery(
      *(*node)->messaging,
      [&partner_service](std::string_view partner, std::string_view type, std::string_view body) {
        return partner_service.SendEnvelope(partner, type, body);
      });
  partner_service.SetCaseBatchHandler(
      [&delivery](const federation::OpenedEnvelope& envelope, int64_t) {
        return delivery.HandleBatch(envelope);
      });
  services.messaging = (*node)->messaging.get();
  // Follow-ups ride the same outbox; their commits wake the worker too.
  (*node)->followups->SetOutboxListener([&delivery] { delivery.Wake(); });
  services.followups = (*node)->followups.get();
  // Shared watchlists: partners pull this node's lists on the partner
  // listener; this node pulls theirs every --watchlist-pull-interval.
  exchange::WatchlistSyncOptions sync_options;
  sync_options.interval = absl::Seconds(std::max(1, args.watchlist_pull_seconds));
  exchange::WatchlistSync watchlist_sync(
      *(*node)->watchlists, *(*node)->partners,
      [&partner_service](std::string_view partner, std::string_view type, std::string_view body) {
        return partner_service.SendEnvelope(partner, type, body);
      },
      sync_options);
  partner_service.SetWatchlistPullHandler(
      [&watchlist_sync](const federation::OpenedEnvelope& envelope, int64_t) {
        return watchlist_sync.HandlePull(envelope);
      });
  services.watchlists = (*node)->watchlists.get();
  std::string partner_listen =
      args.partner_listen.empty() ? dir->config.federation_listen : args.partner_listen;
  if (!args.web_root.empty()) {
    absl::StatusOr<api::WebAppFiles> web = api::LoadWebApp(args.web_root);
    if (!web.ok()) return Fail(kCommand, web.status());
    spdlog::info("web interface: {} files from {}", web->files.size(), web->root);
    services.web_app = std::make_shared<const api::WebAppFiles>(*std::move(web));
  }
  absl::StatusOr<std::shared_ptr<api::Router>> router = api::BuildApiRouter(services);
  if (!router.ok()) return Fail(kCommand, router.status());

  api::ServerOptions options;
  options.host = listen.host;
  options.port = listen.port;
  options.tls_cert_pem = dir->keys.tls_cert_pem();
  options.tls_key_pem = dir->keys.tls_key_pem();
  options.worker_threads = dir->config.worker_threads;
  options.read_timeout = absl::Seconds(dir->config.read_timeout_seconds);
  options.write_timeout = absl::Seconds(dir->config.write_timeout_seconds);
  absl::StatusOr<std::unique_ptr<api::HttpServer>> server =
      api::HttpServer::Create(options, *std::move(router));
  if (!server.ok()) return Fail(kCommand, server.status());
  // The screening index builds in the background from the store; until it
  // is built, health answers 503 and the address line below waits.
  screening->Start();
  (*node)->screening_jobs->Start();
  absl::StatusOr<int> port = (*server)->Start();
  if (!port.ok()) return Fail(kCommand, port.status());
  ready = true;
  const timespec kPoll = {0, 200 * 1000 * 1000};
  int signal_number = -1;
  while (!screening->ready() && (*server)->IsServing()) {
    const timespec kShortPoll = {0, 5 * 1000 * 1000};
    signal_number = sigtimedwait(&stop_signals, nullptr, &kShortPoll);
    if (signal_number > 0) break;
  }

  spdlog::info("node {} ({}, {}) serving; TLS certificate {}", dir->config.node_id,
               dir->config.agency, dir->config.country, dir->keys.tls_fingerprint());
  std::cout << "listening on " << (*server)->url() << std::endl;
  if (services.web_app != nullptr) {
    std::cout << "web interface on " << (*server)->url() << "/" << std::endl;
  }
  if (!partner_listen.empty()) {
    absl::StatusOr<node::ListenAddress> address = node::ParseListenAddress(partner_listen);
    if (!address.ok()) return Fail(kCommand, address.status());
    absl::StatusOr<int> partner_port = partner_service.StartListener(address->host, address->port);
    if (!partner_port.ok()) return Fail(kCommand, partner_port.status());
    spdlog::info("partner endpoint on port {}; partners are answered from the screening index",
                 *partner_port);
    std::cout << "partner endpoint listening on https://"
              << (address->host.find(':') != std::string::npos ? "[" + address->host + "]"
                                                               : address->host)
              << ":" << *partner_port << std::endl;
  }
  absl::Time next_partner_refresh = (*node)->clock->Now() + absl::Seconds(2);
  delivery.Start();
  watchlist_sync.Start();

  // Retention runs on this thread: a minute after start, then daily.
  access::Actor scheduler = access::Actor::LocalAdministrator();
  scheduler.id = "node-scheduler";
  scheduler.name = "retention schedule";
  scheduler.origin = "node";
  absl::Time next_retention = (*node)->clock->Now() + absl::Minutes(1);
  // Received follow-up data past its retention: erased (and the owner told)
  // soon after start, then hourly.
  absl::Time next_purge = (*node)->clock->Now() + absl::Seconds(5);
  // Wake up now and then to notice a server that stopped by itself.
  while (signal_number <= 0 && (*server)->IsServing()) {
    signal_number = sigtimedwait(&stop_signals, nullptr, &kPoll);
    if (signal_number > 0) break;
    const int wait_errno = errno;
    if ((*node)->clock->Now() >= next_partner_refresh) {
      // Partners added or removed by `liaison partner` take effect here.
      next_partner_refresh = (*node)->clock->Now() + absl::Seconds(2);
      if (absl::Status s = partner_service.Refresh(); !s.ok()) {
        spdlog::error("reloading partners failed: {}", s.ToString());
      }
    }
    if ((*node)->clock->Now() >= next_purge) {
      next_purge = (*node)->clock->Now() + absl::Hours(1);
      absl::StatusOr<access::PurgeReport> purged = (*node)->followups->Purge(scheduler);
      if (!purged.ok()) {
        spdlog::error("purging received follow-up data failed: {}", purged.status().ToString());
      } else if (!purged->erased.empty()) {
        spdlog::info("follow-ups: {} received release(s) erased at the end of their retention",
                     purged->erased.size());
      }
    }
    errno = wait_errno;
    if ((*node)->clock->Now() >= next_retention) {
      next_retention = (*node)->clock->Now() + absl::Hours(24);
      absl::StatusOr<access::RetentionReport> report =
          (*node)->retention->Run(scheduler, /*dry_run=*/false);
      if (report.ok()) {
        spdlog::info("retention: {} erased, {} due for review", report->erased.size(),
                     report->due.size());
      } else {
        spdlog::error("retention run failed: {}", report.status().ToString());
      }
      continue;
    }
    if (errno != EAGAIN && errno != EINTR) {
      spdlog::error("sigtimedwait: {}", std::strerror(errno));
      break;
    }
  }
  ready = false;
  if (signal_number > 0) {
    spdlog::info("received {}; finishing requests in flight", strsignal(signal_number));
  }
  watchlist_sync.Stop();
  delivery.Stop();
  partner_service.StopListener();
  (*server)->Shutdown();
  spdlog::info("stopped");
  if (signal_number <= 0) {
    return Fail(kCommand, absl::UnavailableError("the HTTPS server stopped unexpectedly"));
  }
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command =
      app.add_subcommand(kCommand, "Serve the node's HTTPS API until SIGTERM or SIGINT");
  command->add_option("--data", args->data, "Node directory (made by liaison init)")->required();
  command->add_option("--listen", args->listen,
                      "HOST:PORT to listen on; port 0 picks a free port "
                      "(default: [server] listen in liaison.toml)");
  command->add_option("--partner-listen", args->partner_listen,
                      "HOST:PORT of the partner endpoint (default: [federation] listen in "
                      "liaison.toml; empty: none)");
  command->add_option("--web-root", args->web_root,
                      "Directory of the built web interface to serve at / (web/dist after "
                      "`npm run build` in web/); default: none, the API only");
  command->add_option("--watchlist-pull-interval", args->watchlist_pull_seconds,
                      "Seconds between pulls of each partner's shared watchlist (default 60)");
  command->callback([args, &ctx] { ctx.exit_code = RunServe(*args); });
}

}  // namespace liaison::cli
