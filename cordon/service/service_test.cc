// The service over loopback: a Service in this process on an ephemeral port, asked with
// httplib's client, on a fresh SQLite file.
#include "cordon/service/service.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "cordon/engine/engine.h"
#include "cordon/lists/loader.h"
#include "cordon/screening/good_guys.h"
#include "cordon/screening/screening_json.h"
#include "cordon/store/store.h"

namespace cordon::service {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const char kAnalyst[] = "analyst-token-0123456789";
const char kOfficer[] = "officer-token-9876543210";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string CslCsv(const std::vector<std::pair<std::string, std::string>>& rows) {  // id, name
  std::string out =
      "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,"
      "standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,"
      "vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,"
      "places_of_birth,source_information_url,ids\n";
  for (const auto& [id, name] : rows) {
    out += "\"" + id + "\",\"Entity List (EL) - Bureau of Industry and Security\",\"\",\"\",\"\",\"" + name +
           "\",\"\",\"Shenzhen, CN\",\"\",\"2024-01-02\",\"\",\"\",\"For all items subject to the EAR\",\"Presumption of denial\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n";
  }
  return out;
}

class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("cordon_service_test_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    std::ofstream(*dir_ / "tokens.txt") << "# test tokens\n"
                                         << TokenLine(kAnalyst, Role::kAnalyst, "ana") << "\n"
                                         << TokenLine(kOfficer, Role::kOfficer, "olga") << "\n";
    fs::create_directories(*dir_ / "web" / "assets");
    std::ofstream(*dir_ / "web" / "index.html") << "<!doctype html><title>cordon</title>";
    std::ofstream(*dir_ / "web" / "assets" / "app.js") << "console.log('cordon');";
    std::ofstream(*dir_ / "secret.txt") << "outside the web folder";
    std::ofstream(*dir_ / "list_v1.csv") << CslCsv({{"el-1", "Sinobright Import and Export Company"}});
    ServiceOptions o;
    o.engine.home = FindHome(nullptr);
    o.engine.lists = {(*dir_ / "list_v1.csv").string()};
    o.db = (*dir_ / "state.db").string();
    o.context = "tests/state/context.json";
    o.tokens = (*dir_ / "tokens.txt").string();
    o.web_dir = (*dir_ / "web").string();
    o.write_log = (*dir_ / "writes.jsonl").string();
    o.max_body = 256 * 1024;
    o.threads = 4;
    auto s = Service::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().message();
    service_ = s->release();
    auto port = service_->Bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = new std::thread([] { service_->Run(); });
    // Wait until it answers.
    httplib::Client c("127.0.0.1", port_);
    for (int i = 0; i < 200 && !c.Get("/healthz"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  static void TearDownTestSuite() {
    service_->Stop();
    thread_->join();
    delete thread_;
    delete service_;
    fs::remove_all(*dir_);
    delete dir_;
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  httplib::Result Post(const std::string& path, const std::string& body, const char* token = kAnalyst,
                       const char* type = "application/json") {
    auto c = Client();
    httplib::Headers h;
    if (token) h.emplace("Authorization", std::string("Bearer ") + token);
    return c.Post(path.c_str(), h, body, type);
  }
  httplib::Result Get(const std::string& path, const char* token = kAnalyst) {
    auto c = Client();
    httplib::Headers h;
    if (token) h.emplace("Authorization", std::string("Bearer ") + token);
    return c.Get(path.c_str(), h);
  }
  // The counts of every table the service writes, to show a refused request wrote nothing.
  static std::string StoreCounts() {
    auto st = store::Open((*dir_ / "state.db").string());
    if (!st.ok()) return "?";
    auto l = (*st)->Licences();
    auto o = (*st)->Orders(false);
    auto a = (*st)->Audit({"", 0, 100000});
    auto s = (*st)->CurrentLists();
    return std::to_string(l->size()) + "/" + std::to_string(o->size()) + "/" + std::to_string(a->size()) + "/" +
           std::to_string(s->size());
  }
  static json Error(const httplib::Result& r) {
    json j = json::parse(r->body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error") && j["error"].contains("code") && j["error"].contains("message"))
        << r->body;
    return j;
  }

  static fs::path* dir_;
  static Service* service_;
  static std::thread* thread_;
  static int port_;
};
fs::path* ServiceTest::dir_ = nullptr;
Service* ServiceTest::service_ = nullptr;
std::thread* ServiceTest::thread_ = nullptr;
int ServiceTest::port_ = 0;

std::string Order(const std::string& id) {  // H1 of tests/state/orders.json with another id
  json all = json::parse(Read("tests/state/orders.json"));
  json t = all[0];
  t["id"] = id;
  return t.dump();
}

TEST_F(ServiceTest, HealthNeedsNoTokenAndEverythingElseDoes) {
  auto h = Get("/healthz", nullptr);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(json::parse(h->body)["status"], "ok");
  for (const char* path : {"/licenses", "/orders", "/audit/1", "/metrics", "/openapi.json"}) {
    auto r = Get(path, nullptr);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(Error(r)["error"]["code"], "unauthorized");
    auto bad = Get(path, "not-a-token");
    EXPECT_EQ(bad->status, 401) << path;
  }
  for (const char* path : {"/check", "/screen", "/trace", "/orders", "/lists", "/reevaluate", "/replay/1"}) {
    auto r = Post(path, "{}", nullptr);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << path;
  }
}

TEST_F(ServiceTest, CheckAnswersTheDeterminationOfTheCommandLine) {
  const std::string before = StoreCounts();
  const std::string tx = Read("examples/shipment.json");
  json ctx = json::parse(Read("examples/context.json"));
  auto r = Post("/check", json{{"transaction", json::parse(tx)}, {"context", ctx}}.dump());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json d = json::parse(r->body);
  // The same library code as `cordon check --format json`.
  auto engine = Engine::Open(EngineOptions{.home = FindHome(nullptr),
                                           .lists = {(*dir_ / "list_v1.csv").string()}});
  ASSERT_TRUE(engine.ok());
  auto t = (*engine)->ParseTransaction(json::parse(tx), "tx");
  auto c = (*engine)->ParseContext(ctx, "ctx");
  ASSERT_TRUE(t.ok() && c.ok());
  json want = (*engine)->RenderJson(*(*engine)->Determine(std::move(*t), std::move(*c), std::nullopt));
  EXPECT_EQ(d, want);
  // Byte for byte what `cordon check --format json --jsonl` writes (RenderJson's dump).
  EXPECT_EQ(r->body, want.dump());
  auto untraced = Post("/check?trace=0", json{{"transaction", json::parse(tx)}, {"context", ctx}}.dump());
  want.erase("trace");
  EXPECT_EQ(untraced->body, want.dump());
  EXPECT_EQ(d["overall"], "LICENSE_REQUIRED");
  EXPECT_TRUE(d["hold"].get<bool>());
  // An array answers an array; trace=0 leaves the trace out.
  auto a = Post("/check?trace=0", "[" + tx + "," + tx + "]");
  ASSERT_EQ(a->status, 200) << a->body;
  json arr = json::parse(a->body);
  ASSERT_EQ(arr.size(), 2u);
  EXPECT_FALSE(arr[0].contains("trace"));
  // Not recorded: an unrecorded check writes nothing.
  EXPECT_EQ(StoreCounts(), before);
}

TEST_F(ServiceTest, ScreenAnswersRankedHitsWithWhy) {
  auto r = Post("/screen", R"({"name": "Sinobright Import Export Co", "threshold": 0.8})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  EXPECT_EQ(j["query"], "Sinobright Import Export Co");
  ASSERT_FALSE(j["matches"].empty()) << r->body;
  EXPECT_EQ(j["matches"][0]["name"], "Sinobright Import and Export Company");
  EXPECT_FALSE(j["matches"][0]["why"].get<std::string>().empty());
  // A repeated request is answered from the cache: the same bytes as screening afresh.
  EXPECT_EQ(Post("/screen", R"({"name": "Sinobright Import Export Co", "threshold": 0.8})")->body, r->body);
  EXPECT_EQ(Post("/screen?nocache=1", R"({"name": "Sinobright Import Export Co", "threshold": 0.8})")->body, r->body);
  EXPECT_EQ(Post("/screen", R"({"name": "x", "country": "china"})")->status, 400);
  EXPECT_EQ(Post("/screen", R"({"name": "x", "threshold": 2})")->status, 400);
  EXPECT_EQ(Post("/screen", R"({"country": "CN"})")->status, 400);
}

// /screen writes its answer straight into text: the bytes of ScreenResultJson(...).dump() (with
// "country" last when asked), escapes and all, with and without a country.
TEST_F(ServiceTest, ScreenTextIsTheDumpOfScreenResultJson) {
  auto loaded = lists::LoadListFile((*dir_ / "list_v1.csv").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  auto index = screening::ScreeningIndex::Build(loaded->snapshot.entities);
  ASSERT_TRUE(index.ok());
  for (const std::string name : {"Sinobright Import Export Co", "Sinobright \"Import\" \\ Export Co \u00fc", "Nobody At All"}) {
    for (const std::string country : {"", "CN"}) {
      screening::ScreeningOptions so;
      so.threshold = 0.8;
      so.country = country;
      auto expected = screening::ScreenResultJson(name, 0.8, (*index)->Screen(name, so));
      json body{{"name", name}, {"threshold", 0.8}};
      if (!country.empty()) {
        expected["country"] = country;
        body["country"] = country;
      }
      auto r = Post("/screen?nocache=1", body.dump());
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      EXPECT_EQ(r->body, expected.dump()) << name << " " << country;
      if (name == "Sinobright Import Export Co") {
        EXPECT_NE(r->body.find("\"matches\":[{"), std::string::npos) << r->body;
      }
    }
  }
}

// With --good-guys, /screen marks the hits a reviewer accepted as false positives, in the bytes
// `cordon screen --good-guys` builds its JSON from; /check applies them as `cordon check` does.
TEST_F(ServiceTest, ScreenAndCheckApplyGoodGuysAsTheCommandLineDoes) {
  const std::string list = (*dir_ / "list_v1.csv").string();
  const std::string party = "Sinobright Import Export Co";
  auto loaded = lists::LoadListFile(list);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->snapshot.entities.size(), 1u);
  const std::string accepted = (*dir_ / "accepted.jsonl").string();
  std::ofstream(accepted) << screening::GoodGuyList::Record(party, loaded->snapshot.entities[0], "A. Officer",
                                                            "2026-11-29", "another company")
                          << "\n";
  ServiceOptions o;
  o.engine.home = FindHome(nullptr);
  o.engine.lists = {list};
  o.engine.good_guys = accepted;
  o.tokens = (*dir_ / "tokens.txt").string();
  o.threads = 2;
  auto svc = Service::Open(o);
  ASSERT_TRUE(svc.ok()) << svc.status().message();
  auto port = (*svc)->Bind("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  std::thread run([&] { (*svc)->Run(); });
  httplib::Client c("127.0.0.1", *port);
  c.set_read_timeout(60, 0);
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kAnalyst}};
  for (int i = 0; i < 200 && !c.Get("/healthz"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  // What `cordon screen NAME --lists LIST --good-guys FILE --threshold 0.8 --format json` prints.
  auto index = screening::ScreeningIndex::Build(loaded->snapshot.entities);
  auto gg = screening::GoodGuyList::Load(accepted);
  ASSERT_TRUE(index.ok() && gg.ok());
  auto screen_like_cli = [&](const std::string& name) {
    screening::ScreeningOptions so;
    so.threshold = 0.8;
    const auto ms = (*index)->Screen(name, so);
    std::vector<screening::MatchReview> reviews;
    for (const auto& m : ms) reviews.push_back(screening::ReviewOf(&*gg, **index, name, m));
    return screening::ScreenResultJson(name, 0.8, ms, reviews).dump();
  };
  auto r = c.Post("/screen", auth, json{{"name", party}, {"threshold", 0.8}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, screen_like_cli(party));
  json j = json::parse(r->body);
  ASSERT_FALSE(j["matches"].empty()) << r->body;
  EXPECT_EQ(j["matches"][0]["review"]["status"], "accepted") << r->body;
  EXPECT_NE(j["matches"][0]["review"]["note"].get<std::string>().find("by A. Officer on 2026-11-29"), std::string::npos);
  // Another party on the same entry has no decision: a plain hit.
  auto other = c.Post("/screen", auth, R"({"name": "Sinobright Import and Export Company", "threshold": 0.8})",
                      "application/json");
  ASSERT_EQ(other->status, 200) << other->body;
  EXPECT_EQ(other->body, screen_like_cli("Sinobright Import and Export Company"));
  EXPECT_FALSE(json::parse(other->body)["matches"][0].contains("review")) << other->body;

  // /check: the accepted hit is shown as accepted and applies in no rule.
  json tx = json::parse(Read("examples/shipment.json"));
  tx["parties"][0]["name"] = party;
  auto d = c.Post("/check", auth, tx.dump(), "application/json");
  ASSERT_EQ(d->status, 200) << d->body;
  json det = json::parse(d->body);
  ASSERT_FALSE(det["screening"].empty()) << d->body;
  EXPECT_EQ(det["screening"][0]["status"], "accepted") << d->body;
  (*svc)->Stop();
  run.join();
}

TEST_F(ServiceTest, TraceAnswersLikeTheCommandLine) {
  json body = {{"product", "NOPE"}, {"to", "CN"}, {"context", json::object()}};
  auto r = Post("/trace", body.dump());
  ASSERT_EQ(r->status, 400) << r->body;
  EXPECT_NE(Error(r)["error"]["message"].get<std::string>().find("not in the catalogue"), std::string::npos);
  EXPECT_EQ(Post("/trace", R"({"product": "X", "to": "ZZZ"})")->status, 400);
}

TEST_F(ServiceTest, MalformedOversizedAndUnknownAreRefusedWithErrorJson) {
  auto bad = Post("/check", "{not json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Error(bad)["error"]["code"], "bad_request");
  auto empty = Post("/check", "");
  EXPECT_EQ(empty->status, 400);
  auto field = Post("/check", R"({"id": "T1", "date": "2025-13-45", "activity": "export"})");
  EXPECT_EQ(field->status, 400);
  Error(field);
  std::string huge(300 * 1024, ' ');
  huge = "{\"id\": \"" + std::string(300 * 1024, 'a') + "\"}";
  auto big = Post("/check", huge);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(Error(big)["error"]["code"], "payload_too_large");
  auto nowhere = Get("/no/such/endpoint");
  EXPECT_EQ(nowhere->status, 404);
  Error(nowhere);
  // No internals in answers: no file paths of this machine, no exception text.
  EXPECT_EQ(bad->body.find(dir_->string()), std::string::npos);
}

TEST_F(ServiceTest, AnAnalystMayNotWrite) {
  const std::string before = StoreCounts();
  auto lic = Post("/licenses", Read("tests/state/licence_d1.json"), kAnalyst);
  EXPECT_EQ(lic->status, 403);
  EXPECT_EQ(Error(lic)["error"]["code"], "forbidden");
  EXPECT_EQ(Post("/orders", Order("X1"), kAnalyst)->status, 403);
  EXPECT_EQ(Post("/licenses/D1/revoke", "{}", kAnalyst)->status, 403);
  EXPECT_EQ(Post("/lists", CslCsv({{"x", "Y"}}), kAnalyst, "text/csv")->status, 403);
  EXPECT_EQ(Post("/reevaluate", "{}", kAnalyst)->status, 403);
  EXPECT_EQ(Post("/check?record=1", Order("X2"), kAnalyst)->status, 403);
  EXPECT_EQ(StoreCounts(), before);
}

TEST_F(ServiceTest, SqlAndPathTraversalInEveryTextFieldAreRefusedAndNothingIsWritten) {
  const std::vector<std::string> attacks = {
      "'; DROP TABLE licences; --", "x' OR '1'='1", "1; DELETE FROM orders", "Robert'); DROP TABLE audit;--",
      "' UNION SELECT * FROM licences --", "../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2fetc%2fpasswd",
      "a\x01" "b"};
  const json order = json::parse(Order("INJ-1"));
  const json licence = json::parse(Read("tests/state/licence_d1.json"));
  // Every string leaf of a body, one at a time.
  std::function<void(const json&, const json::json_pointer&, std::vector<json::json_pointer>*)> leaves =
      [&](const json& j, const json::json_pointer& at, std::vector<json::json_pointer>* out) {
        if (j.is_string()) out->push_back(at);
        if (j.is_object())
          for (auto it = j.begin(); it != j.end(); ++it) leaves(it.value(), at / it.key(), out);
        if (j.is_array())
          for (size_t i = 0; i < j.size(); ++i) leaves(j[i], at / i, out);
      };
  const std::string before = StoreCounts();
  int asked = 0;
  for (const auto& [path, body] : std::vector<std::pair<std::string, json>>{
           {"/orders", order}, {"/licenses", licence}, {"/check?record=1", order}, {"/check", order},
           {"/screen", json{{"name", "Huawei"}, {"country", "CN"}}}, {"/trace", json{{"product", "P"}, {"to", "CN"}}}}) {
    std::vector<json::json_pointer> at;
    leaves(body, json::json_pointer(), &at);
    ASSERT_FALSE(at.empty());
    for (const auto& p : at) {
      for (const auto& attack : attacks) {
        json b = body;
        b[p] = attack;
        auto r = Post(path, b.dump(), kOfficer);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 400) << path << " " << p.to_string() << " = " << attack << ": " << r->body;
        ++asked;
      }
    }
  }
  EXPECT_GT(asked, 100);
  // In path segments and query parameters too.
  EXPECT_EQ(Post("/licenses/..%2f..%2fetc/revoke", "{}", kOfficer)->status / 100, 4);
  EXPECT_EQ(Post("/licenses/x';DROP TABLE licences;--/revoke", "{}", kOfficer)->status, 400);
  EXPECT_EQ(Get("/audit?order=1%27%20OR%20%271%27=%271")->status, 400);
  EXPECT_EQ(Post("/lists?name=..%2F..%2Fevil.csv", CslCsv({{"x", "Y"}}), kOfficer, "text/csv")->status, 400);
  EXPECT_EQ(StoreCounts(), before);
}

TEST_F(ServiceTest, StaticFilesOfTheWebPageWithoutTraversal) {
  auto index = Get("/", nullptr);
  ASSERT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("<title>cordon</title>"), std::string::npos);
  EXPECT_NE(index->get_header_value("Content-Type").find("text/html"), std::string::npos);
  auto js = Get("/app/assets/app.js", nullptr);
  ASSERT_EQ(js->status, 200);
  EXPECT_NE(js->get_header_value("Content-Type").find("javascript"), std::string::npos);
  for (const char* p : {"/app/../secret.txt", "/app/%2e%2e/secret.txt", "/app/assets/../../secret.txt",
                        "/app/..%2fsecret.txt", "/app//etc/passwd", "/app/assets/..\\..\\secret.txt"}) {
    auto r = Get(p, nullptr);
    ASSERT_TRUE(r) << p;
    EXPECT_TRUE(r->status == 400 || r->status == 404) << p << " " << r->status;
    EXPECT_EQ(r->body.find("outside the web folder"), std::string::npos) << p;
  }
  EXPECT_EQ(Get("/app/missing.js", nullptr)->status, 404);
}

TEST_F(ServiceTest, LicencesOrdersRevocationAuditReplayAndListsOverHttp) {
  // The Huawei revocation of tests/state/cli_state.sh, over HTTP, written by the officer.
  auto lic = Post("/licenses", Read("tests/state/licence_d1.json"), kOfficer);
  ASSERT_EQ(lic->status, 201) << lic->body;
  auto orders = Post("/orders", Read("tests/state/orders.json"), kOfficer);
  ASSERT_EQ(orders->status, 201) << orders->body;
  json placed = json::parse(orders->body);
  ASSERT_EQ(placed.size(), 3u);
  EXPECT_EQ(placed[0]["order"], "H1");
  EXPECT_EQ(placed[0]["outcome"], "AUTHORIZED");
  auto list = Get("/licenses");
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(json::parse(list->body)[0]["id"], "D1");
  auto one = Get("/licenses/D1");
  ASSERT_EQ(one->status, 200);
  EXPECT_EQ(json::parse(one->body)["events"][0]["caller"], "olga");  // the write is audited with its caller
  auto revoke = Post("/licenses/D1/revoke", R"({"effective": "2024-05-07"})", kOfficer);
  ASSERT_EQ(revoke->status, 200) << revoke->body;
  json r = json::parse(revoke->body);
  EXPECT_EQ(r["touched"], json({"H1", "H2"}));
  ASSERT_EQ(r["changed"].size(), 1u);
  EXPECT_EQ(r["changed"][0]["after"], "LICENSE_REQUIRED");
  auto held = Get("/orders?status=held");
  ASSERT_EQ(held->status, 200);
  bool h1_held = false;
  const json held_orders = json::parse(held->body);
  for (const auto& o : held_orders) {
    EXPECT_EQ(o["status"], "held");
    h1_held = h1_held || o["id"] == "H1";
  }
  EXPECT_TRUE(h1_held);
  auto audit = Get("/audit/1");
  ASSERT_EQ(audit->status, 200);
  json a = json::parse(audit->body);
  EXPECT_EQ(a["caller"], "olga");
  EXPECT_EQ(a["order"], "H1");
  EXPECT_EQ(Get("/audit/999999")->status, 404);
  EXPECT_EQ(Get("/audit/abc")->status, 400);
  auto replay = Post("/replay/1", "");
  ASSERT_EQ(replay->status, 200) << replay->body;
  EXPECT_TRUE(json::parse(replay->body)["identical"].get<bool>());
  auto today = Post("/replay/1?today=1", "");
  ASSERT_EQ(today->status, 200);
  EXPECT_EQ(json::parse(today->body)["replayed"]["overall"], "LICENSE_REQUIRED");
  auto re = Post("/reevaluate", R"({"orders": ["H1"]})", kOfficer);
  ASSERT_EQ(re->status, 200) << re->body;
  EXPECT_EQ(json::parse(re->body)["touched"], json({"H1"}));
  auto rec = Post("/check?record=1", Order("C-REC-1"), kOfficer);
  ASSERT_EQ(rec->status, 200) << rec->body;
  EXPECT_GT(json::parse(rec->body)["audit_id"].get<int64_t>(), 0);

  // A list snapshot: the first is all added; the next one's delta is one entry.
  auto v1 = Post("/lists?name=el.csv", CslCsv({{"el-1", "Sinobright Import and Export Company"}}), kOfficer, "text/csv");
  ASSERT_EQ(v1->status, 201) << v1->body;
  auto v2 = Post("/lists?name=el.csv",
                 CslCsv({{"el-1", "Sinobright Import and Export Company"}, {"el-2", "Example Distributor Ltd."}}),
                 kOfficer, "text/csv");
  ASSERT_EQ(v2->status, 201) << v2->body;
  json d = json::parse(v2->body);
  ASSERT_EQ(d["delta"]["added"].size(), 1u) << d.dump();
  EXPECT_EQ(d["delta"]["added"][0]["name"], "Example Distributor Ltd.");
  // The new entry is screened against at once.
  auto hit = Post("/screen", R"({"name": "Example Distributor Ltd"})");
  ASSERT_EQ(hit->status, 200);
  bool found = false;
  const json hits = json::parse(hit->body);
  for (const auto& m : hits["matches"]) found = found || m["name"] == "Example Distributor Ltd.";
  EXPECT_TRUE(found) << hit->body;
  auto junk = Post("/lists", "this is not a list file", kOfficer, "text/plain");
  EXPECT_EQ(junk->status, 400);
  EXPECT_EQ(junk->body.find(dir_->string()), std::string::npos) << junk->body;  // no server paths
  EXPECT_EQ(Get("/licenses/NOPE")->status, 404);
  EXPECT_EQ(Post("/licenses/NOPE/revoke", "{}", kOfficer)->status / 100, 4);

  // Every write request is in the write log with its caller.
  std::string log = Read((*dir_ / "writes.jsonl").string());
  EXPECT_NE(log.find("\"caller\":\"olga\""), std::string::npos);
  EXPECT_NE(log.find("/licenses/D1/revoke"), std::string::npos);
}

TEST_F(ServiceTest, MetricsAndTheOpenApiDocument) {
  Post("/check", Read("examples/shipment.json"));
  // A request is counted once its answer is written: the count may land just after the client reads it.
  auto m = Get("/metrics");
  for (int i = 0; i < 100 && m->body.find("endpoint=\"/check\",status=\"200\"") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    m = Get("/metrics");
  }
  ASSERT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("cordon_http_requests_total{endpoint=\"/check\",status=\"200\"}"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("cordon_http_request_duration_seconds_bucket{endpoint=\"/check\",le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(m->body.find("cordon_determinations_total{outcome=\"LICENSE_REQUIRED\"}"), std::string::npos);
  EXPECT_NE(m->body.find("cordon_list_snapshot_age_seconds{list="), std::string::npos);
  auto o = Get("/openapi.json");
  ASSERT_EQ(o->status, 200);
  json doc = json::parse(o->body);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* p : {"/check", "/screen", "/trace", "/licenses", "/licenses/{id}/revoke", "/orders", "/lists",
                        "/audit/{id}", "/replay/{id}", "/reevaluate", "/openapi.json", "/healthz", "/metrics"}) {
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
  }
  // Every $ref resolves.
  std::function<void(const json&)> refs = [&](const json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        std::string r = j["$ref"];
        EXPECT_TRUE(doc.contains(json::json_pointer(r.substr(1)))) << r;
      }
      for (const auto& v : j) refs(v);
    } else if (j.is_array()) {
      for (const auto& v : j) refs(v);
    }
  };
  refs(doc);
}

TEST(ServiceTokens, FileIsHashedAndBadLinesAreNamed) {
  const std::string line = TokenLine("secret", Role::kOfficer, "olga");
  EXPECT_EQ(line.find("secret"), std::string::npos);
  EXPECT_EQ(line.substr(65), "officer olga");
  auto path = fs::temp_directory_path() / ("cordon_tokens_" + std::to_string(::getpid()));
  std::ofstream(path) << line << "\nnot-a-digest analyst bob\n";
  auto t = LoadTokens(path.string());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find(":2:"), std::string::npos) << t.status().message();
  fs::remove(path);
  auto a = NewToken(), b = NewToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_NE(*a, *b);
}

TEST(ServiceHygiene, NamesWithApostrophesAreData) {
  EXPECT_TRUE(CheckTextFields(json{{"name", "O'Brien Trading Ltd."}}, "body").ok());
  EXPECT_TRUE(CheckTextFields(json{{"name", "Select Semiconductor Co., Ltd."}}, "body").ok());
  EXPECT_TRUE(CheckTextFields(json{{"address", "12/3 Main Rd - Unit 4; Shenzhen"}}, "body").ok());
  EXPECT_FALSE(CheckTextFields(json{{"name", "x'; DROP TABLE t;--"}}, "body").ok());
  EXPECT_FALSE(CheckIdentifier("../x", "id").ok());
  EXPECT_TRUE(CheckIdentifier("SO-2024-0117", "id").ok());
}

TEST(ServiceHygiene, ARefusalNamesTheFieldPath) {
  json body = json::parse(R"({"id": "T", "parties": [{"name": "ok"}, {"name": "a", "aliases": ["b", "../../etc/passwd"]}]})");
  Status s = CheckTextFields(body, "body");
  EXPECT_EQ(s.message(), "body.parties[1].aliases[1]: refused: the text looks like a path traversal");
  s = CheckTextFields(json{{"items", json::array({json{{"x' OR '1'='1", 1}}})}}, "body");
  EXPECT_EQ(s.message(), "body.items[0].x' OR '1'='1: refused: the key looks like SQL");
  EXPECT_EQ(CheckTextFields(json{{"name", "1; DELETE FROM orders"}}, "").message(), "name: refused: the text looks like SQL");
  EXPECT_EQ(CheckTextFields(json("../x"), "body").message(), "body: refused: the text looks like a path traversal");
}

}  // namespace
}  // namespace cordon::service
