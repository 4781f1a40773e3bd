// `liaison init --data DIR --agency NAME --country CC [--listen HOST:PORT]
// [--storage sqlite|postgresql://...]`: creates a node directory
// (configuration, keys, database) and writes the first audit entry. Refuses to
// overwrite an existing node, in the directory or in the PostgreSQL database.
#include <iostream>

#include "access/actor.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "node/node_dir.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::cli {
namespace {

constexpr char kCommand[] = "init";

struct InitArgs {
  std::string data;
  std::string agency;
  std::string country;
  std::string listen;
  std::string storage = "sqlite";
};

// Creates the schema in an existing PostgreSQL database, which must not hold
// a node yet.
absl::Status InitializePostgres(const std::string& url) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                   store::OpenPostgresStore(url, RealClock(), {.migrate = true}));
  bool used = false;
  RETURN_IF_ERROR(store->Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::AuditRow> head, r.AuditHead());
    used = head.has_value();
    return absl::OkStatus();
  }));
  if (used) {
    return absl::AlreadyExistsError(
        "the PostgreSQL database already holds a liaison node (its audit log is not empty); "
        "refusing to overwrite it");
  }
  return absl::OkStatus();
}

absl::Status RunInit(const InitArgs& args) {
  node::CreateNodeOptions options;
  if (!args.listen.empty()) {
    ASSIGN_OR_RETURN(options.listen, node::ParseListenAddress(args.listen));
  }
  if (args.storage == "sqlite") {
    options.initialize_database = [](const std::string& path) -> absl::Status {
      return store::OpenSqliteStore(path, RealClock(), {.create = true}).status();
    };
  } else if (node::IsPostgresUrl(args.storage)) {
    options.storage = node::StorageEngine::kPostgres;
    options.storage_url = args.storage;
    options.initialize_database = [url = args.storage](const std::string&) {
      return InitializePostgres(url);
    };
  } else {
    return absl::InvalidArgumentError(
        StrCat("--storage: expected \"sqlite\" or a postgresql:// URL, got '", args.storage, "'"));
  }
  ASSIGN_OR_RETURN(node::NodeDir dir, node::CreateNodeDir(args.data, args.agency, args.country,
                                                          RealClock(), SystemRandom(), options));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(args.data));
  access::Actor admin = access::Actor::LocalAdministrator();
  RETURN_IF_ERROR(ctx->store->Write([&](store::Transaction& tx) -> absl::Status {
    audit::Event e = access::EventFor(admin, audit::Action::kConfigChange, {"node created", ""});
    e.details = {{"event", "init"},
                 {"agency", dir.config.agency},
                 {"country", dir.config.country},
                 {"tls_fingerprint", dir.keys.tls_fingerprint()},
                 {"signing_fingerprint", dir.keys.signing_fingerprint()}};
    RETURN_IF_ERROR(ctx->trail->Append(tx, std::move(e)).status());
    return ctx->trail->CheckpointNow(tx);
  }));
  std::cout << "created node " << dir.config.node_id << " (" << dir.config.agency << ", "
            << dir.config.country << ") in " << dir.path << "\n"
            << "  TLS certificate  " << dir.keys.tls_fingerprint() << "\n"
            << "  signing key      " << dir.keys.signing_fingerprint() << "\n"
            << "next: liaison serve --data " << dir.path << "\n";
  return absl::OkStatus();
}

}  // namespace

void AddInitCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* command = app.add_subcommand(kCommand, "Create a new node directory");
  command->add_option("--data", args->data, "Directory to create the node in")->required();
  command->add_option("--agency", args->agency, "Agency name, e.g. \"Punjab Police\"")->required();
  command->add_option("--country", args->country, "ISO 3166-1 alpha-2 country code, e.g. PK")
      ->required();
  command->add_option("--listen", args->listen,
                      "HOST:PORT for the HTTPS API (default 127.0.0.1:8443)");
  command->add_option("--storage", args->storage,
                      "\"sqlite\" (default: a file in the node directory) or a PostgreSQL URL, "
                      "postgresql://USER@HOST:PORT/DATABASE (the database must exist)");
  command->callback([args, &ctx] {
    absl::Status s = RunInit(*args);
    ctx.exit_code = s.ok() ? 0 : Fail(kCommand, s);
  });
}

}  // namespace liaison::cli
