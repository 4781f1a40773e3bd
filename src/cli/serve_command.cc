// `liaison serve --data DIR [--listen HOST:PORT]`: serves the node's HTTPS API
// until SIGTERM or SIGINT, then stops accepting, lets requests in flight
// finish and exits 0.
//
// Output contract (CONTRACTS.md): one line on stdout,
//   listening on https://HOST:PORT
// once the node is ready; everything else (log lines, warnings) goes to
// stderr.
//
// Signals: SIGTERM and SIGINT are blocked in every thread before any thread
// starts, and the main thread takes them synchronously with sigtimedwait, so
// no code runs in signal-handler context.
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "api/api_routes.h"
#include "api/http_server.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/clock.h"
#include "node/node_dir.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::cli {
namespace {

constexpr char kCommand[] = "serve";

struct ServeArgs {
  std::string data;
  std::string listen;
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
  services.ready = [&ready] { return ready.load(); };
  services.identity = (*node)->identity.get();
  services.records = (*node)->records.get();
  services.trail = (*node)->trail.get();
  services.retention = (*node)->retention.get();
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
  absl::StatusOr<int> port = (*server)->Start();
  if (!port.ok()) return Fail(kCommand, port.status());
  ready = true;

  spdlog::info("node {} ({}, {}) serving; TLS certificate {}", dir->config.node_id,
               dir->config.agency, dir->config.country, dir->keys.tls_fingerprint());
  std::cout << "listening on " << (*server)->url() << std::endl;

  // Wake up now and then to notice a server that stopped by itself.
  const timespec kPoll = {0, 200 * 1000 * 1000};
  int signal_number = -1;
  // Retention runs on this thread: a minute after start, then daily.
  access::Actor scheduler = access::Actor::LocalAdministrator();
  scheduler.id = "node-scheduler";
  scheduler.name = "retention schedule";
  scheduler.origin = "node";
  absl::Time next_retention = (*node)->clock->Now() + absl::Minutes(1);
  while ((*server)->IsServing()) {
    signal_number = sigtimedwait(&stop_signals, nullptr, &kPoll);
    if (signal_number > 0) break;
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
  command->callback([args, &ctx] { ctx.exit_code = RunServe(*args); });
}

}  // namespace liaison::cli
