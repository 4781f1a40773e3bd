// Walks the node's whole route table (api::BuildApiRouter, the table
// `liaison serve` uses) and proves, for every route and every role, that the
// gate refuses exactly the roles the permission table says it must refuse,
// and refuses everyone without a credential.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "access/audit_trail.h"
#include "access/followups.h"
#include "access/identity.h"
#include "access/messaging.h"
#include "access/node_signer.h"
#include "access/partners.h"
#include "access/permissions.h"
#include "access/person_search.h"
#include "access/record_access.h"
#include "access/retention.h"
#include "access/screening_jobs.h"
#include "access/watchlists.h"
#include "api/api_routes.h"
#include "common/absl_bridge.h"
#include "exchange/partner_service.h"
#include "node/node_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::api {
namespace {

using access::Role;

constexpr Role kRoles[] = {Role::kAdministrator, Role::kLiaisonOfficer, Role::kAnalyst,
                           Role::kSupervisor,    Role::kAuditor,        Role::kSystem};

class RouteAuthorisationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison_routes_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto node = node::CreateNodeDir(dir_.string(), "Test Agency", "IT", clock_, random_);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::make_unique<node::NodeDir>(*std::move(node));
    store_ = *store::OpenSqliteStore((dir_ / "test.db").string(), clock_, {.create = true});
    signer_ = std::make_unique<access::NodeSigner>(node_->keys);
    trail_ = std::make_unique<access::AuditTrail>(node_->config.node_id, *signer_,
                                                  signer_->QueryHashKey(),
                                                  audit::CheckpointPolicy{}, clock_);
    records_ = std::make_unique<access::RecordAccess>(
        *store_, *trail_, access::RecordPolicy{.node_id = node_->config.node_id}, random_);
    access::IdentityPolicy policy;
    policy.password_cost = auth::PasswordCost::TestOnly();
    policy.totp_sealing_key = signer_->TotpSealingKey();
    identity_ = std::make_unique<access::Identity>(*store_, *trail_, policy, random_);
    retention_ = std::make_unique<access::Retention>(*store_, *trail_, access::RetentionPolicy{});
    screening_ = std::make_unique<screening::ScreeningService>(
        *store_, screening::ServiceOptions{.build_threads = 1});
    ASSERT_TRUE(screening_->Build().ok());
    search_ = std::make_unique<access::PersonSearch>(*store_, *trail_, *screening_);
    screening_jobs_ =
        std::make_unique<access::ScreeningJobs>(*store_, *trail_, *screening_, random_);

    access::Actor admin = access::Actor::LocalAdministrator();
    for (Role role : kRoles) {
      std::string name(access::RoleName(role));
      std::replace(name.begin(), name.end(), '_', '-');
      access::NewUser nu{.username = name, .role = role};
      if (role != Role::kSystem) nu.password = "a long enough password";
      ASSERT_TRUE(identity_->AddUser(admin, nu).ok()) << name;
      if (role == Role::kSystem) {
        credentials_[role] = identity_->IssueApiToken(admin, name, "test")->token;
      } else {
        credentials_[role] =
            identity_->SignIn(name, "a long enough password", "", "test")->session_token;
      }
    }
    ApiServices services;
    services.node = node_.get();
    services.store = store_.get();
    services.clock = &clock_;
    services.ready = [] { return true; };
    services.identity = identity_.get();
    services.records = records_.get();
    services.trail = trail_.get();
    services.retention = retention_.get();
    services.search = search_.get();
    partners_ = std::make_unique<access::Partners>(*store_, *trail_, random_);
    partner_service_ = std::make_unique<exchange::PartnerService>(
        exchange::PartnerServiceOptions{
            .node_id = node_->config.node_id,
            .identity = {node_->keys.tls_cert_pem(), node_->keys.tls_key_pem()}},
        *partners_, *signer_, clock_, random_, nullptr);
    services.partners = partners_.get();
    services.partner_service = partner_service_.get();
    services.screening_jobs = screening_jobs_.get();
    messaging_ = std::make_unique<access::Messaging>(
        *store_, *trail_, random_,
        access::MessagingOptions{.node_id = node_->config.node_id, .records = records_.get()});
    services.messaging = messaging_.get();
    followups_ = std::make_unique<access::Followups>(*store_, *trail_, random_);
    services.followups = followups_.get();
    watchlists_ = std::make_unique<access::Watchlists>(*store_, *trail_, random_);
    services.watchlists = watchlists_.get();
    router_ = *BuildApiRouter(services);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A request for `route` with its parameters filled in.
  static Request RequestFor(const Route& route, const std::string& credential) {
    Request req;
    std::string path;
    size_t i = 0;
    const std::string& p = route.pattern;
    while (i < p.size()) {
      if (p[i] == '{') {
        size_t close = p.find('}', i);
        path += "x";
        i = close + 1;
      } else {
        path += p[i++];
      }
    }
    req.path = path;
    req.request_id = "req_test";
    req.peer = "127.0.0.1:1";
    if (!credential.empty()) req.headers.emplace("Authorization", "Bearer " + credential);
    req.headers.emplace("X-Purpose", "route authorisation test");
    if (route.body == BodyKind::kJson) {
      req.headers.emplace("Content-Type", "application/json");
      req.body = "{}";
    }
    return req;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{11};
  std::filesystem::path dir_;
  std::unique_ptr<node::NodeDir> node_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::NodeSigner> signer_;
  std::unique_ptr<access::AuditTrail> trail_;
  std::unique_ptr<access::RecordAccess> records_;
  std::unique_ptr<access::Identity> identity_;
  std::unique_ptr<access::Retention> retention_;
  std::unique_ptr<screening::ScreeningService> screening_;
  std::unique_ptr<access::PersonSearch> search_;
  std::unique_ptr<access::ScreeningJobs> screening_jobs_;
  std::unique_ptr<access::Partners> partners_;
  std::unique_ptr<exchange::PartnerService> partner_service_;
  std::unique_ptr<access::Messaging> messaging_;
  std::unique_ptr<access::Followups> followups_;
  std::unique_ptr<access::Watchlists> watchlists_;
  std::map<Role, std::string> credentials_;
  std::shared_ptr<Router> router_;
};

TEST_F(RouteAuthorisationTest, EveryRouteRefusesExactlyTheRolesWithoutItsPermission) {
  ASSERT_GT(router_->routes().size(), 10u);
  for (const Route& route : router_->routes()) {
    std::string name = StrCat(MethodName(route.method), " ", route.pattern);
    for (Role role : kRoles) {
      // Sign-out would end the session the next routes use.
      if (route.method == Method::kDelete && route.pattern == "/api/v1/session") continue;
      Response resp =
          router_->Handle(MethodName(route.method), RequestFor(route, credentials_[role]));
      bool allowed = access::RoleHolds(role, route.permission);
      if (allowed) {
        EXPECT_NE(resp.status, 403)
            << name << " as " << access::RoleName(role) << ": " << resp.body;
        // Public routes may answer 401 themselves (sign-in with a bad password).
        if (route.permission != access::kPublic) {
          EXPECT_NE(resp.status, 401)
              << name << " as " << access::RoleName(role) << ": " << resp.body;
        }
      } else {
        EXPECT_EQ(resp.status, 403)
            << name << " as " << access::RoleName(role) << ": " << resp.body;
      }
    }
  }
}

TEST_F(RouteAuthorisationTest, SearchAndScreeningRoutesAreInTheTable) {
  std::set<std::string> seen;
  for (const Route& route : router_->routes()) {
    seen.insert(StrCat(MethodName(route.method), " ", route.pattern));
  }
  for (const char* want :
       {"GET /api/v1/search/persons", "POST /api/v1/search/persons", "POST /api/v1/screening/jobs",
        "GET /api/v1/screening/jobs", "GET /api/v1/screening/jobs/{id}",
        "GET /api/v1/screening/jobs/{id}/hits",
        "POST /api/v1/screening/jobs/{id}/hits/{hit}/decision"}) {
    EXPECT_TRUE(seen.contains(want)) << want;
  }
}

TEST_F(RouteAuthorisationTest, PartnerRoutesAreInTheTable) {
  std::set<std::string> seen;
  for (const Route& route : router_->routes()) {
    seen.insert(StrCat(MethodName(route.method), " ", route.pattern));
  }
  EXPECT_TRUE(seen.contains("GET /api/v1/partners"));
  EXPECT_TRUE(seen.contains("POST /api/v1/partners/query"));
}

TEST_F(RouteAuthorisationTest, WatchlistRoutesAreInTheTable) {
  std::set<std::string> seen;
  for (const Route& route : router_->routes()) {
    seen.insert(StrCat(MethodName(route.method), " ", route.pattern));
  }
  EXPECT_TRUE(seen.contains("GET /api/v1/watchlists"));
  EXPECT_TRUE(seen.contains("GET /api/v1/watchlists/hits"));
}

TEST_F(RouteAuthorisationTest, MessagingRoutesAreInTheTable) {
  std::set<std::string> seen;
  for (const Route& route : router_->routes()) {
    seen.insert(StrCat(MethodName(route.method), " ", route.pattern));
  }
  for (const char* want :
       {"GET /api/v1/messaging/cases", "POST /api/v1/messaging/cases",
        "GET /api/v1/messaging/cases/{id}", "POST /api/v1/messaging/cases/{id}/messages",
        "GET /api/v1/messaging/inbox", "GET /api/v1/messaging/messages/{id}",
        "POST /api/v1/messaging/messages/{id}/read",
        "POST /api/v1/messaging/messages/{id}/answered",
        "POST /api/v1/messaging/messages/{id}/forward",
        "POST /api/v1/messaging/messages/{id}/links",
        "POST /api/v1/messaging/messages/{id}/entities/{index}/import",
        "POST /api/v1/messaging/messages/{id}/entities/{index}/match",
        "GET /api/v1/messaging/messages/{id}/attachments/{index}"}) {
    EXPECT_TRUE(seen.contains(want)) << want;
  }
}

TEST_F(RouteAuthorisationTest, FollowupRoutesAreInTheTable) {
  std::set<std::string> seen;
  for (const Route& route : router_->routes()) {
    seen.insert(StrCat(MethodName(route.method), " ", route.pattern));
  }
  for (const char* want : {"POST /api/v1/followups", "GET /api/v1/followups",
                           "GET /api/v1/followups/{id}", "POST /api/v1/followups/{id}/decision"}) {
    EXPECT_TRUE(seen.contains(want)) << want;
  }
}

TEST_F(RouteAuthorisationTest, EveryNonPublicRouteRefusesRequestsWithoutCredentials) {
  for (const Route& route : router_->routes()) {
    Response resp = router_->Handle(MethodName(route.method), RequestFor(route, ""));
    if (route.permission == access::kPublic) {
      EXPECT_NE(resp.status, 403) << route.pattern;
    } else {
      EXPECT_EQ(resp.status, 401) << MethodName(route.method) << " " << route.pattern;
    }
  }
}

TEST_F(RouteAuthorisationTest, EveryRouteDeclaresAKnownPermission) {
  auto known = access::AllPermissions();
  for (const Route& route : router_->routes()) {
    EXPECT_NE(std::find(known.begin(), known.end(), route.permission), known.end())
        << route.pattern << " declares '" << route.permission << "'";
  }
}

TEST_F(RouteAuthorisationTest, WhoAmIListsTheRolesPermissions) {
  Route who;
  for (const Route& r : router_->routes()) {
    if (r.method == Method::kGet && r.pattern == "/api/v1/session") who = r;
  }
  ASSERT_FALSE(who.pattern.empty());
  for (Role role : kRoles) {
    Response resp = router_->Handle("GET", RequestFor(who, credentials_[role]));
    ASSERT_EQ(resp.status, 200) << resp.body;
    Json body = *ParseJson(resp.body);
    ASSERT_TRUE(body["permissions"].is_array()) << resp.body;
    std::set<std::string> listed;
    for (const Json& p : body["permissions"]) listed.insert(p.get<std::string>());
    for (std::string_view p : access::AllPermissions()) {
      bool expected = p != access::kPublic && p != access::kSelf && access::RoleHolds(role, p);
      EXPECT_EQ(listed.contains(std::string(p)), expected) << access::RoleName(role) << " " << p;
    }
  }
}

TEST_F(RouteAuthorisationTest, AdministratorsSetAndReadAgreementsOverRest) {
  store::PartnerRow rome{.node_id = "node_rome",
                         .agency = "Polizia di Stato",
                         .country = "IT",
                         .endpoint = "https://127.0.0.1:1",
                         .tls_fingerprint = std::string(64, 'a'),
                         .signing_public_key = std::string(64, 'b')};
  ASSERT_TRUE(partners_->Register(access::Actor::LocalAdministrator(), rome).ok());
  auto call = [&](std::string_view method, std::string body, Role role) {
    Request req;
    req.path = "/api/v1/partners/node_rome/agreements";
    req.request_id = "req_test";
    req.peer = "127.0.0.1:1";
    req.headers.emplace("Authorization", "Bearer " + credentials_[role]);
    if (!body.empty()) {
      req.headers.emplace("Content-Type", "application/json");
      req.body = std::move(body);
    }
    return router_->Handle(method, std::move(req));
  };
  Response set = call("POST",
                      R"({"crime_areas": ["narcotics", "terrorism"], "max_handling_code": "H2",)"
                      R"( "retention_days": 30, "daily_quota": 500})",
                      Role::kAdministrator);
  ASSERT_EQ(set.status, 201) << set.body;
  Json row = *ParseJson(set.body);
  EXPECT_EQ(row["version"], 1);
  EXPECT_EQ(row["crime_areas"].size(), 2u);  // in the enum order the store keeps
  EXPECT_EQ(row["max_handling_code"], "H2");
  EXPECT_EQ(row["daily_quota"], 500);

  Response bad = call("POST", R"({"crime_areas": ["piracy"]})", Role::kAdministrator);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(call("POST", R"({"crime_areas": []})", Role::kLiaisonOfficer).status, 403);

  Response history = call("GET", "", Role::kAdministrator);
  ASSERT_EQ(history.status, 200) << history.body;
  Json versions = (*ParseJson(history.body))["versions"];
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0]["retention_days"], 30);
}

TEST_F(RouteAuthorisationTest, ImportsAPersonListUploadedOverRest) {
  access::NewUser nu{.username = "importer",
                     .role = Role::kAnalyst,
                     .max_handling_code = records::HandlingCode::kH3,
                     .password = "a long enough password"};
  ASSERT_TRUE(identity_->AddUser(access::Actor::LocalAdministrator(), nu).ok());
  std::string token =
      identity_->SignIn("importer", "a long enough password", "", "test")->session_token;
  auto upload = [&](std::string body, const std::string& credential) {
    Request req;
    req.path = "/api/v1/import/persons";
    req.query = ParseQueryString("name=guests.csv&crime_area=narcotics");
    req.request_id = "req_test";
    req.peer = "127.0.0.1:1";
    req.headers.emplace("Authorization", "Bearer " + credential);
    req.headers.emplace("X-Purpose", "hotel guest register");
    req.headers.emplace("Content-Type", "text/csv");
    req.body = std::move(body);
    return router_->Handle("POST", std::move(req));
  };
  Response ok = upload("id,name,dob\ng1,Muhammad Asif,1985-03-12\ng2,Giulia De Luca,1993\n", token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  Json report = *ParseJson(ok.body);
  EXPECT_EQ(report["created"], 2);
  EXPECT_EQ(report["file"], "guests.csv");

  Response bad = upload("id,name,dob\ng3,Someone,1985-02-30\n", token);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("guests.csv:2"), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find("liaison-import-"), std::string::npos) << bad.body;

  // The analyst of the fixture has the default clearance: refused.
  EXPECT_EQ(upload("id,name\nx,X\n", credentials_[Role::kAnalyst]).status, 403);
}

TEST_F(RouteAuthorisationTest, RefusalsAreAudited) {
  const Route* audit_route = nullptr;
  for (const Route& r : router_->routes()) {
    if (r.permission == access::kAuditRead) audit_route = &r;
  }
  ASSERT_NE(audit_route, nullptr);
  router_->Handle("GET", RequestFor(*audit_route, credentials_[Role::kAnalyst]));
  int denied = 0;
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) {
                    return r.ScanAudit(1, 0, [&](const store::AuditRow& row) {
                      if (row.action == "access_denied") ++denied;
                      return absl::OkStatus();
                    });
                  })
                  .ok());
  EXPECT_EQ(denied, 1);
}

}  // namespace
}  // namespace liaison::api
