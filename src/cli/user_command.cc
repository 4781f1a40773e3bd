// `liaison user add|list|disable|enable|reset-password|totp|token`: user
// administration from the node's console, as its local administrator
// (audited). Passwords are read from the terminal without echo, or from
// standard input with --password-stdin; never from the command line, where
// other users of the machine could see them.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::cli {
namespace {

struct UserArgs {
  std::string data;
  std::string username;
  std::string display_name;
  std::string role = "analyst";
  std::string clearance = "H0";
  std::string crime_areas;
  std::string label = "api token";
  bool password_stdin = false;
};

absl::StatusOr<std::string> ReadPassword(bool from_stdin, std::string_view prompt) {
  std::string password;
  if (from_stdin || isatty(STDIN_FILENO) == 0) {
    if (!std::getline(std::cin, password)) {
      return absl::InvalidArgumentError("no password on standard input");
    }
    return password;
  }
  termios old_mode{};
  tcgetattr(STDIN_FILENO, &old_mode);
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::string again;
  std::cerr << prompt << ": " << std::flush;
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, password);
  std::cerr << "\nagain: " << std::flush;
  std::getline(std::cin, again);
  tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::cerr << "\n";
  if (password != again) return absl::InvalidArgumentError("the passwords differ");
  return password;
}

absl::Status RunAdd(const UserArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  access::NewUser nu;
  nu.username = a.username;
  nu.display_name = a.display_name;
  ASSIGN_OR_RETURN(nu.role, access::ParseRole(a.role));
  ASSIGN_OR_RETURN(nu.max_handling_code, records::ParseHandlingCode(a.clearance));
  for (absl::string_view area : absl::StrSplit(a.crime_areas, ',', absl::SkipEmpty())) {
    ASSIGN_OR_RETURN(records::CrimeArea ca, records::ParseCrimeArea(StdView(area)));
    nu.crime_areas.push_back(ca);
  }
  if (nu.role != access::Role::kSystem) {
    ASSIGN_OR_RETURN(nu.password, ReadPassword(a.password_stdin, "password for " + a.username));
  }
  ASSIGN_OR_RETURN(access::UserInfo info,
                   ctx->identity->AddUser(access::Actor::LocalAdministrator(), nu));
  std::cout << "added " << info.username << " (" << info.id << "), " << access::RoleName(info.role)
            << ", clearance " << records::Name(info.clearance.max_handling_code) << "\n";
  return absl::OkStatus();
}

absl::Status RunList(const UserArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(std::vector<access::UserInfo> users,
                   ctx->identity->ListUsers(access::Actor::LocalAdministrator()));
  std::cout << "username\trole\tclearance\tcrime areas\t2FA\tstatus\tcreated\n";
  for (const access::UserInfo& u : users) {
    std::string areas;
    for (records::CrimeArea ca : u.clearance.crime_areas) {
      if (!areas.empty()) areas += ",";
      areas += records::Name(ca);
    }
    std::cout << u.username << "\t" << access::RoleName(u.role) << "\t"
              << records::Name(u.clearance.max_handling_code) << "\t"
              << (areas.empty() ? "all" : areas) << "\t" << (u.totp_enrolled ? "totp" : "-") << "\t"
              << (u.disabled ? "disabled" : "active") << "\t" << FormatMillis(u.created_ms) << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

void AddUserCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* user = app.add_subcommand("user", "Manage the node's users");
  user->require_subcommand(1);
  auto args = std::make_shared<UserArgs>();
  auto run = [&ctx](std::string_view name, absl::Status s) {
    ctx.exit_code = s.ok() ? 0 : Fail(StrCat("user ", name), s);
  };

  CLI::App* add = user->add_subcommand("add", "Add a user");
  add->add_option("--data", args->data, "Node directory")->required();
  add->add_option("--username", args->username, "Sign-in name")->required();
  add->add_option("--name", args->display_name, "Display name");
  add->add_option("--role", args->role,
                  "administrator, liaison_officer, analyst, supervisor, auditor or system");
  add->add_option("--clearance", args->clearance,
                  "Highest handling code the user may read (H0..H3)");
  add->add_option("--crime-areas", args->crime_areas, "Comma-separated crime areas (default: all)");
  add->add_flag("--password-stdin", args->password_stdin, "Read the password from standard input");
  add->callback([args, run] { run("add", RunAdd(*args)); });

  CLI::App* list = user->add_subcommand("list", "List users");
  list->add_option("--data", args->data, "Node directory")->required();
  list->callback([args, run] { run("list", RunList(*args)); });

  for (bool disable : {true, false}) {
    CLI::App* c = user->add_subcommand(disable ? "disable" : "enable",
                                       disable ? "Disable a user" : "Enable a disabled user");
    c->add_option("--data", args->data, "Node directory")->required();
    c->add_option("username", args->username, "User")->required();
    c->callback([args, run, disable] {
      absl::Status s = [&]() -> absl::Status {
        ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> node, OpenNodeContext(args->data));
        RETURN_IF_ERROR(node->identity->SetDisabled(access::Actor::LocalAdministrator(),
                                                    args->username, disable));
        std::cout << args->username << (disable ? " disabled\n" : " enabled\n");
        return absl::OkStatus();
      }();
      run(disable ? "disable" : "enable", s);
    });
  }

  CLI::App* reset = user->add_subcommand("reset-password", "Set a new password for a user");
  reset->add_option("--data", args->data, "Node directory")->required();
  reset->add_option("username", args->username, "User")->required();
  reset->add_flag("--password-stdin", args->password_stdin,
                  "Read the password from standard input");
  reset->callback([args, run] {
    absl::Status s = [&]() -> absl::Status {
      ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> node, OpenNodeContext(args->data));
      ASSIGN_OR_RETURN(std::string pw,
                       ReadPassword(args->password_stdin, "new password for " + args->username));
      RETURN_IF_ERROR(
          node->identity->ResetPassword(access::Actor::LocalAdministrator(), args->username, pw));
      std::cout << "password of " << args->username << " reset\n";
      return absl::OkStatus();
    }();
    run("reset-password", s);
  });

  CLI::App* totp =
      user->add_subcommand("totp", "Enrol a TOTP second factor (shows the secret once)");
  totp->add_option("--data", args->data, "Node directory")->required();
  totp->add_option("username", args->username, "User")->required();
  totp->callback([args, run] {
    absl::Status s = [&]() -> absl::Status {
      ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> node, OpenNodeContext(args->data));
      ASSIGN_OR_RETURN(
          access::TotpEnrolment e,
          node->identity->EnrolTotp(access::Actor::LocalAdministrator(), args->username));
      std::cout << "secret: " << e.secret_base32 << "\nuri: " << e.provisioning_uri
                << "\nGive these to the user in person; they are not shown again.\n";
      return absl::OkStatus();
    }();
    run("totp", s);
  });

  CLI::App* token = user->add_subcommand("token", "Issue an API token (shown once)");
  token->add_option("--data", args->data, "Node directory")->required();
  token->add_option("username", args->username, "User (usually a system account)")->required();
  token->add_option("--label", args->label, "What the token is for");
  token->callback([args, run] {
    absl::Status s = [&]() -> absl::Status {
      ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> node, OpenNodeContext(args->data));
      ASSIGN_OR_RETURN(access::IssuedToken t,
                       node->identity->IssueApiToken(access::Actor::LocalAdministrator(),
                                                     args->username, args->label));
      std::cout << t.token << "\n";
      std::cerr << "token id " << t.id << "; store the token now, it is not shown again\n";
      return absl::OkStatus();
    }();
    run("token", s);
  });
}

}  // namespace liaison::cli
