#include "cordon/service/service.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "cordon/base/sha256.h"
#include "cordon/engine/trace.h"
#include "cordon/lists/loader.h"
#include "cordon/model/json_io.h"
#include "cordon/model/json_text.h"
#include "cordon/screening/good_guys.h"
#include "cordon/screening/screening.h"
#include "cordon/screening/screening_json.h"
#include "cordon/state/state.h"
#include "cordon/store/store.h"

namespace cordon::service {

using json = nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const char kOpenApiText[] =
#include "cordon/service/openapi.inc"
    ;

}  // namespace

const json& Service::OpenApi() {
  static const json doc = json::parse(kOpenApiText);
  return doc;
}

const char* RoleName(Role r) { return r == Role::kOfficer ? "officer" : "analyst"; }

Result<Role> ParseRole(const std::string& text) {
  if (text == "analyst") return Role::kAnalyst;
  if (text == "officer") return Role::kOfficer;
  return InvalidArgument("role '" + text + "' is not analyst or officer");
}

namespace {

std::string Sha256Hex(std::string_view s) {
  Sha256 h;
  h.Update(s);
  return h.HexDigest();
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c)); });
}

}  // namespace

Result<TokenTable> LoadTokens(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgument(path + ": cannot open the token file");
  TokenTable out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    std::istringstream ls(line);
    std::string digest, role, name;
    if (!(ls >> digest)) continue;
    const std::string where = fmt::format("{}:{}", path, n);
    if (!IsHex64(digest)) return InvalidArgument(where + ": expected the sha256 of a token (64 lower-case hex digits)");
    if (!(ls >> role >> name)) return InvalidArgument(where + ": expected 'SHA256 ROLE NAME'");
    auto r = ParseRole(role);
    if (!r.ok()) return InvalidArgument(where + ": " + r.status().message());
    if (!out.emplace(digest, Caller{name, *r}).second) return InvalidArgument(where + ": the same token twice");
  }
  if (out.empty()) return InvalidArgument(path + ": no token in the token file");
  return out;
}

Result<std::string> NewToken() {
  std::ifstream rnd("/dev/urandom", std::ios::binary);
  unsigned char b[32];
  if (!rnd.read(reinterpret_cast<char*>(b), sizeof b)) return Internal("cannot read /dev/urandom");
  std::string hex;
  for (unsigned char c : b) hex += fmt::format("{:02x}", c);
  return hex;
}

std::string TokenLine(const std::string& token, Role role, const std::string& name) {
  return Sha256Hex(token) + " " + RoleName(role) + " " + name;
}

// ---------------------------------------------------------------------------------------------
// Input hygiene: what no field of a request may carry.

namespace {

// The characters the refusal patterns are made of, as bits: letters (either case) and the
// punctuation they use, whitespace as one. A pattern can only occur in a text that holds every one
// of its bits, which rules out nearly every pattern for nearly every text at the cost of one table
// look-up per byte.
uint64_t CharClass(unsigned char c) {
  static const std::array<uint64_t, 256> table = [] {
    std::array<uint64_t, 256> t{};
    for (int k = 0; k < 26; ++k) t['a' + k] = t['A' + k] = uint64_t{1} << k;
    const std::string_view punct = "_'\";()*=./\\%-";
    for (size_t k = 0; k < punct.size(); ++k) t[static_cast<unsigned char>(punct[k])] = uint64_t{1} << (26 + k);
    for (unsigned char w : {' ', '\t', '\n', '\r'}) t[w] = uint64_t{1} << 40;
    return t;
  }();
  return table[c];
}

struct RefusalPattern {
  std::string_view text;
  const char* why;
  uint64_t classes = 0;  // CharClass of every character of text
};

// Path traversal first (a ".." segment, raw or percent-encoded), then SQL: statement keywords in
// the order an injection writes them, and separators, comments and tautologies next to a quote.
// The order is that in which a text is tried: the first pattern found says why it is refused.
constexpr size_t kTraversalPatterns = 6;
const std::vector<RefusalPattern>& RefusalPatterns() {
  static const std::vector<RefusalPattern> patterns = [] {
    std::vector<RefusalPattern> v;
    for (const char* t : {"../", "..\\", "%2e%2e", "%2f..", "..%2f", "..%5c"}) v.push_back({t, "a path traversal"});
    for (const char* t : {"drop table", "drop database", "union select", "union all select", "insert into", "delete from",
                          "truncate table", "alter table", "waitfor delay", "select * from", "xp_cmdshell",
                          "information_schema"})
      v.push_back({t, "SQL"});
    for (const char* t : {"' or ", "\" or ", "' and ", "\" and ", "'or'", "or 1=1", "or '1'='1", "'--", "' --", "\"--", "';",
                          "' ;", "\";", "/*", "*/", "; drop ", ";drop ", "; delete", ";delete", "; update ", ";update ",
                          "; select", ";select", "; insert", ";insert", "pg_sleep", "sleep(", "benchmark(", "exec(",
                          "; shutdown", "; exec", "');", "\");"})
      v.push_back({t, "SQL"});
    for (auto& p : v) {
      for (unsigned char c : p.text) p.classes |= CharClass(c);
    }
    return v;
  }();
  return patterns;
}

// Why a text is refused, or nullptr: control characters, a path traversal or SQL
// (RefusalPatterns). One pass collects the text's CharClass bits; only the patterns whose bits
// it all holds are looked for, so most fields (codes, dates, keys, plain names) try none.
const char* Refusal(std::string_view s) {
  uint64_t classes = 0;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return "control characters";
    classes |= CharClass(c);
  }
  const auto& patterns = RefusalPatterns();
  // ".." alone or as the last segment ("/..") is looked for too.
  const uint64_t dot_slash = CharClass('.') | CharClass('/');
  const bool dots = s == ".." || (classes & dot_slash) == dot_slash;
  if (!dots && std::none_of(patterns.begin(), patterns.end(), [&](const RefusalPattern& p) { return (p.classes & ~classes) == 0; }))
    return nullptr;
  // Lower-cased (ASCII: every pattern is), whitespace runs as one space, in a buffer reused by the
  // thread; it holds the same CharClass bits as the text.
  thread_local std::string f;
  f.clear();
  for (char ch : s) {
    const bool ws = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
    if (ws && !f.empty() && f.back() == ' ') continue;
    f += ws ? ' ' : (ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
  }
  const std::string_view text = f;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const RefusalPattern& p = patterns[i];
    // After the traversal patterns: ".." alone or as the last segment.
    if (i == kTraversalPatterns && (text == ".." || (text.size() >= 3 && text.substr(text.size() - 3) == "/..")))
      return "a path traversal";
    if ((p.classes & ~classes) == 0 && text.find(p.text) != std::string_view::npos) return p.why;
  }
  return nullptr;
}

}  // namespace

namespace {

// The first text of `j` (a string value or an object key) that is refused: why, with its path
// below `j` (".parties[0].name") in *path, or nullptr. The path is only built for a refusal: a
// clean body (nearly every one) allocates nothing here.
const char* FirstRefusal(const json& j, std::string* path, bool* key) {
  if (j.is_string()) return Refusal(j.get_ref<const std::string&>());
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      if (const char* why = FirstRefusal(j[i], path, key)) {
        path->insert(0, fmt::format("[{}]", i));
        return why;
      }
    }
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const char* why = Refusal(it.key());
      if (why) *key = true;
      else why = FirstRefusal(it.value(), path, key);
      if (why) {
        path->insert(0, "." + it.key());
        return why;
      }
    }
  }
  return nullptr;
}

}  // namespace

Status CheckTextFields(const json& j, const std::string& where) {
  std::string path;
  bool key = false;
  const char* why = FirstRefusal(j, &path, &key);
  if (!why) return Status::Ok();
  const std::string at = where.empty() && !path.empty() && path[0] == '.' ? path.substr(1) : where + path;
  return InvalidArgument(at + (key ? ": refused: the key looks like " : ": refused: the text looks like ") + why);
}

Status CheckIdentifier(const std::string& id, const std::string& where) {
  if (id.empty() || id.size() > 128) return InvalidArgument(where + ": must be 1 to 128 characters");
  for (unsigned char c : id) {
    if (!std::isalnum(c) && std::string_view("._-:/#").find(static_cast<char>(c)) == std::string_view::npos) {
      return InvalidArgument(where + ": refused: only letters, digits and . _ - : / # may name it");
    }
  }
  if (id.find("..") != std::string::npos) return InvalidArgument(where + ": refused: the text looks like a path traversal");
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Metrics: fixed endpoints and status codes, so that counting is a relaxed atomic add.

namespace {

enum Endpoint : int {
  kCheck, kScreen, kTrace, kLicences, kLicence, kRevoke, kOrders, kLists, kAudit, kAuditOne, kReplay,
  kReevaluate, kOpenApiDoc, kHealthz, kMetrics, kStatic, kOther, kEndpointCount
};
constexpr std::array<const char*, kEndpointCount> kEndpointNames = {
    "/check", "/screen", "/trace", "/licenses", "/licenses/{id}", "/licenses/{id}/revoke", "/orders", "/lists",
    "/audit", "/audit/{id}", "/replay/{id}", "/reevaluate", "/openapi.json", "/healthz", "/metrics", "static",
    "other"};
constexpr std::array<int, 15> kStatuses = {200, 201, 204, 301, 304, 400, 401, 403, 404, 405, 409, 413, 414, 500, 503};
constexpr std::array<double, 15> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                            0.05,   0.1,     0.25,   0.5,   1,      2.5,   10};
constexpr std::array<const char*, 7> kOutcomes = {"PROHIBITED", "LICENSE_REQUIRED", "UNDETERMINED", "AUTHORIZED",
                                                  "GENERAL_AUTHORIZATION", "NO_LICENSE_REQUIRED", "NOT_SUBJECT"};

struct MetricSet {
  std::array<std::array<std::atomic<uint64_t>, kStatuses.size() + 1>, kEndpointCount> requests{};
  std::array<std::array<std::atomic<uint64_t>, kBuckets.size() + 1>, kEndpointCount> latency{};
  std::array<std::atomic<uint64_t>, kEndpointCount> latency_ns_sum{};
  std::array<std::atomic<uint64_t>, kOutcomes.size()> outcomes{};

  void Request(Endpoint e, int status, double seconds) {
    size_t s = std::find(kStatuses.begin(), kStatuses.end(), status) - kStatuses.begin();
    requests[e][s].fetch_add(1, std::memory_order_relaxed);
    size_t b = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin();
    latency[e][b].fetch_add(1, std::memory_order_relaxed);
    latency_ns_sum[e].fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  }
  void Outcome(std::string_view o) {
    for (size_t i = 0; i < kOutcomes.size(); ++i) {
      if (o == kOutcomes[i]) outcomes[i].fetch_add(1, std::memory_order_relaxed);
    }
  }
};

// What the request being handled on this thread is (a connection is served by one thread).
struct RequestScope {
  Clock::time_point start;
  Endpoint endpoint = kOther;
  const Caller* caller = nullptr;
};
thread_local RequestScope t_request;

// A list the engine screens against, for the snapshot-age gauge.
struct ListAge {
  std::string list;
  std::string path;
  std::time_t as_of = 0;  // when the snapshot was loaded into the store, else the file's mtime
};

std::time_t ParseUtc(const std::string& ts) {  // "YYYY-MM-DD HH:MM:SS" or ISO with T/Z
  std::tm tm{};
  if (sscanf(ts.c_str(), "%d-%d-%d%*c%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
             &tm.tm_sec) < 3)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

std::time_t FileTime(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mtime : 0;
}

struct HttpError {
  int status;
  std::string code;
  std::string message;
};

HttpError FromStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return {400, "bad_request", s.message()};
    case StatusCode::kNotFound: return {404, "not_found", s.message()};
    case StatusCode::kFailedPrecondition: return {409, "conflict", s.message()};
    case StatusCode::kUnavailable: return {503, "unavailable", "a service the request needs is unavailable"};
    default: return {500, "internal", "internal error"};  // no internals in answers
  }
}

const char* CodeOf(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "error";
  }
}

const char* MessageOf(int status) {
  switch (status) {
    case 400: return "the request is malformed";
    case 401: return "a valid token is required: Authorization: Bearer TOKEN";
    case 403: return "this needs an officer's token (writes: licences, orders, lists, re-evaluation, recorded checks)";
    case 404: return "no such resource";
    case 405: return "method not allowed here";
    case 413: return "the request body is too large";
    case 414: return "the request line is too long";
    default: return status >= 500 ? "internal error" : "request refused";
  }
}

std::string ErrorBody(const std::string& code, const std::string& message) {
  // A message may quote the request's bytes (a JSON parse error does): ill-formed UTF-8 becomes
  // U+FFFD rather than an exception out of the error path (found by fuzz/http_fuzzer.cc).
  return json{{"error", {{"code", code}, {"message", message}}}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* ContentType(const std::string& path) {
  static const std::vector<std::pair<std::string, const char*>> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"}};
  for (const auto& [ext, type] : types) {
    if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) return type;
  }
  return "application/octet-stream";
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct Service::Impl {
  ServiceOptions options;
  TokenTable tokens;
  httplib::Server http;
  MetricSet metrics;

  // The engine in use; a list update swaps in a new one. Requests hold their own reference.
  mutable std::mutex engine_mu;
  std::shared_ptr<const Engine> engine_now;
  std::shared_ptr<const screening::ScreeningIndex> fallback_index;  // /screen without --lists
  std::shared_ptr<const screening::GoodGuyList> good_guys;  // --good-guys: reviews of /screen hits
  Context base_context;      // --context, parsed once
  json base_context_json = json::object();
  std::vector<ListAge> list_ages;

  // Screening answers by request, for the index they were computed on: compliance systems screen
  // the same counterparties again and again. Bounded; emptied when full or when the lists change.
  struct ScreenCache {
    std::mutex mu;
    const void* index = nullptr;
    std::unordered_map<std::string, std::string> answers;
  };
  static constexpr size_t kScreenCacheShards = 16, kScreenCacheSize = 4096;  // per shard
  std::array<ScreenCache, kScreenCacheShards> screen_cache;

  // The store and the desk over it: one connection, used under state_mu.
  std::mutex state_mu;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<state::Desk> desk_now;
  std::vector<std::string> cli_lists;  // --lists: screened against besides the store's snapshots

  std::mutex log_mu;
  std::ofstream write_log;

  std::shared_ptr<const Engine> CurrentEngine() const {
    std::lock_guard<std::mutex> l(engine_mu);
    return engine_now;
  }

  Status Init();
  void Routes();
  Status OpenEngine(const std::vector<state::ListRef>& store_lists);
  std::vector<state::ListRef> AllLists(const std::vector<state::ListRef>& store_lists) const;

  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  void Get(const std::string& pattern, Endpoint e, Handler h) { http.Get(pattern, Wrap(e, std::move(h))); }
  void Post(const std::string& pattern, Endpoint e, Handler h) { http.Post(pattern, Wrap(e, std::move(h))); }
  Handler Wrap(Endpoint e, Handler h);

  bool Authorize(const httplib::Request& req, httplib::Response& res);
  static bool IsWrite(const httplib::Request& req);
  void LogWrite(const httplib::Request& req, int status);

  // Handlers.
  void Check(const httplib::Request& req, httplib::Response& res);
  void Screen(const httplib::Request& req, httplib::Response& res);
  void Trace(const httplib::Request& req, httplib::Response& res);
  void Licences(const httplib::Request& req, httplib::Response& res);
  void Licence(const httplib::Request& req, httplib::Response& res);
  void AddLicences(const httplib::Request& req, httplib::Response& res);
  void Revoke(const httplib::Request& req, httplib::Response& res);
  void Orders(const httplib::Request& req, httplib::Response& res);
  void AddOrders(const httplib::Request& req, httplib::Response& res);
  void Lists(const httplib::Request& req, httplib::Response& res);
  void Audit(const httplib::Request& req, httplib::Response& res);
  void AuditOne(const httplib::Request& req, httplib::Response& res);
  void Replay(const httplib::Request& req, httplib::Response& res);
  void Reevaluate(const httplib::Request& req, httplib::Response& res);
  void Metrics(const httplib::Request& req, httplib::Response& res);
  void Static(const httplib::Request& req, httplib::Response& res, const std::string& rel);

  state::Desk& Desk();  // REQUIRES state_mu held and a store
};

namespace {

// Thrown inside a handler and turned into the error JSON by Wrap: keeps handlers linear.
struct Refuse {
  HttpError e;
};
[[noreturn]] void Fail(const Status& s) { throw Refuse{FromStatus(s)}; }
[[noreturn]] void Fail(int status, const std::string& message) { throw Refuse{{status, CodeOf(status), message}}; }
template <typename T>
T Take(Result<T> r) {
  if (!r.ok()) Fail(r.status());
  return std::move(*r);
}
void Must(const Status& s) {
  if (!s.ok()) Fail(s);
}

json Body(const httplib::Request& req) {
  if (req.body.empty()) Fail(400, "the request needs a JSON body");
  auto j = ParseJsonText(req.body, "body");
  if (!j.ok()) Fail(400, j.status().message());
  Must(CheckTextFields(*j, "body"));
  return std::move(*j);
}

// The answer's JSON text, moved into the response (httplib's set_content would copy it).
void ReplyText(httplib::Response& res, std::string text, int status = 200) {
  res.status = status;
  res.body = std::move(text);
  res.set_header("Content-Type", "application/json");
}

void Reply(httplib::Response& res, const json& j, int status = 200) { ReplyText(res, j.dump(), status); }

bool Flag(const httplib::Request& req, const std::string& name) {
  if (!req.has_param(name.c_str())) return false;
  const std::string v = req.get_param_value(name.c_str());
  if (v == "1" || v == "true" || v.empty()) return true;
  if (v == "0" || v == "false") return false;
  Fail(400, name + ": expected 1 or 0");
}

std::optional<Date> DateParam(const httplib::Request& req) {
  if (!req.has_param("date")) return std::nullopt;
  auto d = Date::Parse(req.get_param_value("date"));
  if (!d.ok()) Fail(400, "date: " + d.status().message());
  return *d;
}

// A body is one transaction, {"transaction", "context"}, or an array of either. An Ask points into
// the parsed body (which outlives it): nothing of the request is copied.
struct Ask {
  const json* transaction = nullptr;
  const json* context = nullptr;  // null: the service's default context
  std::string where;
};
std::vector<Ask> Asks(const json& body, size_t max_batch) {
  std::vector<Ask> out;
  auto one = [&](const json& j, std::string where) {
    if (!j.is_object()) Fail(400, where + ": expected a JSON object (a transaction)");
    Ask a;
    if (auto t = j.find("transaction"); t != j.end()) {
      a.transaction = &*t;
      if (auto c = j.find("context"); c != j.end()) a.context = &*c;
      a.where = std::move(where) + ".transaction";
    } else {
      a.transaction = &j;
      a.where = std::move(where);
    }
    const json& t = *a.transaction;
    if (t.is_object()) {
      if (auto id = t.find("id"); id != t.end() && id->is_string()) Must(CheckIdentifier(id->get_ref<const std::string&>(), a.where + ".id"));
    }
    out.push_back(std::move(a));
  };
  if (body.is_array()) {
    if (body.empty()) Fail(400, "body: an empty array");
    if (body.size() > max_batch) Fail(413, fmt::format("body: at most {} transactions in one request", max_batch));
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) one(body[i], fmt::format("body[{}]", i));
  } else {
    one(body, "body");
  }
  return out;
}

}  // namespace

Service::Impl::Handler Service::Impl::Wrap(Endpoint e, Handler h) {
  return [this, e, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
    t_request.endpoint = e;
    try {
      h(req, res);
    } catch (const Refuse& r) {
      res.status = r.e.status;
      res.set_content(ErrorBody(r.e.code, r.e.message), "application/json");
    } catch (const std::exception& ex) {
      std::cerr << "cordon serve: " << req.method << " " << req.path << ": " << ex.what() << "\n";
      res.status = 500;
      res.set_content(ErrorBody("internal", "internal error"), "application/json");
    }
  };
}

bool Service::Impl::IsWrite(const httplib::Request& req) {
  if (req.method != "POST") return false;
  const std::string& p = req.path;
  if (p == "/licenses" || p == "/orders" || p == "/lists" || p == "/reevaluate") return true;
  if (p.rfind("/licenses/", 0) == 0) return true;  // revoke
  if (p == "/check" && req.has_param("record")) return req.get_param_value("record") != "0";
  return false;
}

bool Service::Impl::Authorize(const httplib::Request& req, httplib::Response& res) {
  auto refuse = [&](int status) {
    res.status = status;
    res.set_content(ErrorBody(CodeOf(status), MessageOf(status)), "application/json");
    if (status == 401) res.set_header("WWW-Authenticate", "Bearer");
    return false;
  };
  const std::string auth = req.get_header_value("Authorization");
  static const std::string kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) return refuse(401);
  auto it = tokens.find(Sha256Hex(std::string_view(auth).substr(kBearer.size())));
  if (it == tokens.end()) return refuse(401);
  t_request.caller = &it->second;
  if (IsWrite(req) && it->second.role != Role::kOfficer) return refuse(403);
  return true;
}

void Service::Impl::LogWrite(const httplib::Request& req, int status) {
  if (!write_log.is_open()) return;
  char at[32];
  std::time_t now = std::time(nullptr);
  std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  json j{{"at", at}, {"method", req.method}, {"path", req.path}, {"status", status},
         {"caller", t_request.caller ? json(t_request.caller->name) : json()},
         {"role", t_request.caller ? json(RoleName(t_request.caller->role)) : json()},
         {"remote", req.remote_addr}};
  std::lock_guard<std::mutex> l(log_mu);
  write_log << j.dump() << "\n" << std::flush;
}

std::vector<state::ListRef> Service::Impl::AllLists(const std::vector<state::ListRef>& store_lists) const {
  std::vector<state::ListRef> out = store_lists;
  for (const auto& p : cli_lists) {
    if (std::none_of(out.begin(), out.end(), [&](const state::ListRef& r) { return r.path == p; })) {
      auto sha = fs::is_regular_file(p) ? state::FileSha256(p) : Result<std::string>(std::string());
      out.push_back({fs::path(p).filename().string(), p, sha.ok() ? *sha : ""});
    }
  }
  return out;
}

Status Service::Impl::OpenEngine(const std::vector<state::ListRef>& refs) {
  EngineOptions o = options.engine;
  o.lists.clear();
  for (const auto& r : refs) o.lists.push_back(r.path);
  // The engine applies good-guy decisions to the hits of the lists it screens; with none (the
  // bundled entries only) there is nothing they could refer to, and /screen applies them itself.
  if (o.lists.empty()) o.good_guys.clear();
  ASSIGN_OR_RETURN(auto e, Engine::Open(o));
  std::shared_ptr<const Engine> shared(std::move(e));
  std::lock_guard<std::mutex> l(engine_mu);
  engine_now = std::move(shared);
  return Status::Ok();
}

state::Desk& Service::Impl::Desk() {
  if (!store) Fail(503, "no database: start cordon serve with --db");
  return *desk_now;
}

Status Service::Impl::Init() {
  ASSIGN_OR_RETURN(tokens, LoadTokens(options.tokens));
  if (!options.engine.good_guys.empty()) {
    auto gg = screening::GoodGuyList::Load(options.engine.good_guys);
    if (!gg.ok()) return gg.status().WithPrefix("--good-guys");
    good_guys = std::make_shared<const screening::GoodGuyList>(std::move(*gg));
  }
  cli_lists = options.engine.lists;
  std::vector<state::ListRef> store_lists;
  std::vector<store::ListSnapshotRecord> snaps;
  if (!options.db.empty()) {
    auto st = store::Open(options.db);
    if (!st.ok()) return st.status().WithPrefix("--db");
    store = std::move(*st);
    ASSIGN_OR_RETURN(snaps, store->CurrentLists());
    store_lists = state::RefsOf(snaps);
  }
  auto refs = AllLists(store_lists);
  RETURN_IF_ERROR(OpenEngine(refs));
  for (const auto& r : refs) {
    std::time_t t = FileTime(r.path);
    for (const auto& s : snaps) {
      if (s.path == r.path && ParseUtc(s.loaded_at)) t = ParseUtc(s.loaded_at);
    }
    list_ages.push_back({r.list, r.path, t});
  }
  if (store) desk_now = std::make_unique<state::Desk>(store.get(), engine_now.get(), refs);
  if (!options.context.empty()) {
    ASSIGN_OR_RETURN(base_context_json, ReadJsonFile(options.context));
    ASSIGN_OR_RETURN(base_context, engine_now->ParseContext(base_context_json, options.context));
  }
  if (!engine_now->screening_index()) {
    // Like `cordon screen` without --lists: the full CSL beside the home, when it is there.
    const std::string csl = engine_now->home() + "/../shared/data/peer-mcp/expanded/consolidated.csv";
    if (fs::exists(csl)) {
      ASSIGN_OR_RETURN(auto loaded, lists::LoadListPath(csl));
      std::vector<lists::ListEntity> all;
      for (auto& l : loaded)
        for (auto& e : l.snapshot.entities) all.push_back(std::move(e));
      ASSIGN_OR_RETURN(auto index, screening::ScreeningIndex::Build(std::move(all)));
      fallback_index = std::move(index);
      list_ages.push_back({"US.CSL", csl, FileTime(csl)});
    }
  }
  if (options.lists_dir.empty()) {
    options.lists_dir = (options.db.empty() || options.db.find("://") != std::string::npos || options.db.find('=') != std::string::npos)
                            ? "cordon-lists"
                            : options.db + ".lists";
  }
  if (!options.write_log.empty()) {
    write_log.open(options.write_log, std::ios::app);
    if (!write_log) return InvalidArgument(options.write_log + ": cannot open the write log");
  }
  if (!options.web_dir.empty()) {
    std::error_code ec;
    fs::path w = fs::weakly_canonical(options.web_dir, ec);
    options.web_dir = ec ? std::string() : w.string();
  }
  Routes();
  return Status::Ok();
}

void Service::Impl::Routes() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t threads = options.threads > 0 ? static_cast<size_t>(options.threads) : 8 * cores;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(options.max_body);
  http.set_read_timeout(options.timeout_seconds, 0);
  http.set_write_timeout(options.timeout_seconds, 0);
  http.set_keep_alive_timeout(options.timeout_seconds);
  http.set_keep_alive_max_count(1000000);
  http.set_tcp_nodelay(true);

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_request = RequestScope{Clock::now(), kOther, nullptr};
    const std::string& p = req.path;
    if (req.method == "GET" && (p == "/healthz" || p == "/" || p == "/app" || p.rfind("/app/", 0) == 0)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    return Authorize(req, res) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
  });
  // Statuses the library sets itself (404, 413, 400 on a bad request line) get the error JSON too.
  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(ErrorBody(CodeOf(res.status), MessageOf(res.status)), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    const double s = std::chrono::duration<double>(Clock::now() - t_request.start).count();
    metrics.Request(t_request.endpoint, res.status, s);
    if (IsWrite(req)) LogWrite(req, res.status);
  });

  using Rq = const httplib::Request&;
  using Rs = httplib::Response&;
  Get("/healthz", kHealthz, [](Rq, Rs res) { Reply(res, {{"status", "ok"}}); });
  Get("/openapi.json", kOpenApiDoc, [](Rq, Rs res) { Reply(res, OpenApi()); });
  Get("/metrics", kMetrics, [this](Rq q, Rs s) { Metrics(q, s); });
  Post("/check", kCheck, [this](Rq q, Rs s) { Check(q, s); });
  Post("/screen", kScreen, [this](Rq q, Rs s) { Screen(q, s); });
  Post("/trace", kTrace, [this](Rq q, Rs s) { Trace(q, s); });
  Get("/licenses", kLicences, [this](Rq q, Rs s) { Licences(q, s); });
  Post("/licenses", kLicences, [this](Rq q, Rs s) { AddLicences(q, s); });
  Get(R"(/licenses/([^/]+))", kLicence, [this](Rq q, Rs s) { Licence(q, s); });
  Post(R"(/licenses/([^/]+)/revoke)", kRevoke, [this](Rq q, Rs s) { Revoke(q, s); });
  Get("/orders", kOrders, [this](Rq q, Rs s) { Orders(q, s); });
  Post("/orders", kOrders, [this](Rq q, Rs s) { AddOrders(q, s); });
  Post("/lists", kLists, [this](Rq q, Rs s) { Lists(q, s); });
  Get("/audit", kAudit, [this](Rq q, Rs s) { Audit(q, s); });
  Get(R"(/audit/([^/]+))", kAuditOne, [this](Rq q, Rs s) { AuditOne(q, s); });
  Post(R"(/replay/([^/]+))", kReplay, [this](Rq q, Rs s) { Replay(q, s); });
  Post("/reevaluate", kReevaluate, [this](Rq q, Rs s) { Reevaluate(q, s); });
  Get("/", kStatic, [this](Rq q, Rs s) { Static(q, s, "index.html"); });
  Get("/app", kStatic, [](Rq, Rs s) { s.set_redirect("/app/"); });
  Get(R"(/app/(.*))", kStatic, [this](Rq q, Rs s) {
    std::string rel = q.matches[1].str();
    Static(q, s, rel.empty() ? "index.html" : rel);
  });
}

// ---------------------------------------------------------------------------------------------
// Handlers

void Service::Impl::Check(const httplib::Request& req, httplib::Response& res) {
  const json body = Body(req);
  const std::vector<Ask> asks = Asks(body, options.max_batch);
  const bool record = Flag(req, "record");
  const bool trace = !req.has_param("trace") || Flag(req, "trace");
  const std::optional<Date> date = DateParam(req);
  auto engine = CurrentEngine();
  std::string text;  // the answer: one determination, or an array of them as the body was
  if (body.is_array()) text += '[';
  if (record) {
    // Recorded checks go through the desk: the audit trail keeps the input, the answer and the caller.
    std::lock_guard<std::mutex> l(state_mu);
    state::Desk& desk = Desk();
    for (const auto& a : asks) {  // validate all before recording any
      auto t = engine->ParseTransaction(*a.transaction, a.where);
      if (!t.ok()) Fail(t.status());
    }
    for (const auto& a : asks) {
      auto r = desk.Determine(*a.transaction, a.context ? *a.context : base_context_json,
                              {t_request.caller->name, "POST /check", false, date});
      if (!r.ok()) Fail(r.status());
      metrics.Outcome(r->outcome);
      json d = std::move(r->determination);
      if (!trace) d.erase("trace");
      d["audit_id"] = r->audit_id;
      if (&a != &asks.front()) text += ',';
      text += d.dump();
    }
  } else {
    // Parse and check every transaction before answering any; then determine each and write its
    // JSON straight into the answer (Engine::RenderJsonText: the bytes of `cordon check`'s JSON).
    std::vector<std::pair<Transaction, Context>> txs;
    txs.reserve(asks.size());
    for (const auto& a : asks) {
      Transaction t = Take(engine->ParseTransaction(*a.transaction, a.where));
      Context c = a.context ? Take(engine->ParseContext(*a.context, a.where + ".context")) : base_context;
      Must(engine->CheckProducts(t, c));
      txs.emplace_back(std::move(t), std::move(c));
    }
    for (auto& [t, c] : txs) {
      auto d = engine->Determine(std::move(t), std::move(c), date);
      metrics.Outcome(OutcomeName(d->det.overall));
      if (&t != &txs.front().first) text += ',';
      text += engine->RenderJsonText(*d, trace);
    }
  }
  if (body.is_array()) text += ']';
  ReplyText(res, std::move(text));
}

namespace {

// The text of screening::ScreenResultJson(...) with "country" last, dumped: the same bytes
// (service_ServiceTest.ScreenTextIsTheDumpOfScreenResultJson), written straight into one string
// without the ordered JSON tree, which cost as much as a sixth of an uncached /screen.
std::string ScreenAnswerText(const std::string& query, const screening::ScreeningOptions& o,
                             const std::vector<screening::Match>& matches,
                             const std::vector<screening::MatchReview>& reviews) {
  std::string t;
  t.reserve(64 + matches.size() * 256);
  t += "{\"query\":";
  AppendJsonString(t, query);
  t += ",\"threshold\":";
  AppendJsonNumber(t, o.threshold);
  t += ",\"matches\":[";
  for (size_t k = 0; k < matches.size(); ++k) {
    const screening::Match& m = matches[k];
    if (k) t += ',';
    t += "{\"list\":";
    AppendJsonString(t, m.list);
    t += ",\"entity\":";
    AppendJsonString(t, m.entity);
    t += ",\"name\":";
    AppendJsonString(t, m.name);
    t += ",\"matched_name\":";
    AppendJsonString(t, m.matched_name);
    t += ",\"matched_on\":";
    AppendJsonString(t, screening::MatchedOnName(m.matched_on));
    t += ",\"score\":";
    AppendJsonNumber(t, std::round(m.score * 10000.0) / 10000.0);
    t += ",\"why\":";
    AppendJsonString(t, m.why);
    if (k < reviews.size() && !reviews[k].status.empty()) {
      t += ",\"review\":{\"status\":";
      AppendJsonString(t, reviews[k].status);
      t += ",\"note\":";
      AppendJsonString(t, reviews[k].note);
      t += '}';
    }
    t += '}';
  }
  t += ']';
  if (!o.country.empty()) {
    t += ",\"country\":";
    AppendJsonString(t, o.country);
  }
  t += '}';
  return t;
}

}  // namespace

void Service::Impl::Screen(const httplib::Request& req, httplib::Response& res) {
  const json body = Body(req);
  if (!body.is_object()) Fail(400, "body: expected an object {name, country?, lists?, threshold?}");
  if (!body.contains("name") || !body["name"].is_string() || body["name"].get<std::string>().empty())
    Fail(400, "body.name: required string is missing");
  const std::string name = body["name"].get<std::string>();
  if (name.size() > 1000) Fail(400, "body.name: longer than 1000 characters");
  screening::ScreeningOptions o;
  if (body.contains("threshold") && !body["threshold"].is_null()) {
    if (!body["threshold"].is_number()) Fail(400, "body.threshold: expected a number in [0, 1]");
    o.threshold = body["threshold"].get<double>();
    if (!(o.threshold >= 0 && o.threshold <= 1)) Fail(400, "body.threshold: expected a number in [0, 1]");
  }
  if (body.contains("country") && !body["country"].is_null()) {
    if (!body["country"].is_string()) Fail(400, "body.country: expected a string");
    o.country = body["country"].get<std::string>();
    if (o.country.size() != 2 || !std::isupper(static_cast<unsigned char>(o.country[0])) ||
        !std::isupper(static_cast<unsigned char>(o.country[1])))
      Fail(400, "body.country: '" + o.country + "' is not an ISO 3166-1 alpha-2 code");
  }
  if (body.contains("lists") && !body["lists"].is_null()) {
    if (!body["lists"].is_array()) Fail(400, "body.lists: expected an array of list ids");
    for (const auto& l : body["lists"]) {
      if (!l.is_string()) Fail(400, "body.lists: expected an array of list ids");
      o.lists.push_back(l.get<std::string>());
    }
  }
  if (body.contains("scorer") && !body["scorer"].is_null()) {
    auto k = body["scorer"].is_string() ? screening::ParseScorer(body["scorer"].get<std::string>())
                                        : Result<screening::ScorerKind>(InvalidArgument(""));
    if (!k.ok()) Fail(400, "body.scorer: expected jw, levenshtein or token-set");
    o.scorer = *k;
  }
  auto engine = CurrentEngine();
  const screening::ScreeningIndex* index = engine->screening_index() ? engine->screening_index() : fallback_index.get();
  if (!index) Fail(503, "no list to screen against: start cordon serve with --lists");
  std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f", name, o.country, o.threshold, static_cast<int>(o.scorer));
  for (const auto& l : o.lists) key += l + ",";
  ScreenCache& shard = screen_cache[std::hash<std::string>()(key) % kScreenCacheShards];
  if (!Flag(req, "nocache")) {
    std::lock_guard<std::mutex> l(shard.mu);
    if (shard.index == index) {
      if (auto it = shard.answers.find(key); it != shard.answers.end()) {
        ReplyText(res, it->second);
        return;
      }
    }
  }
  // As `cordon screen --good-guys`: each hit a reviewer accepted as a false positive says so
  // ("accepted"), or that the entry has changed since ("stale").
  const auto matches = index->Screen(name, o);
  std::vector<screening::MatchReview> reviews;
  if (good_guys) {
    reviews.reserve(matches.size());
    for (const auto& m : matches) reviews.push_back(screening::ReviewOf(good_guys.get(), *index, name, m));
  }
  std::string text = ScreenAnswerText(name, o, matches, reviews);
  {
    std::lock_guard<std::mutex> l(shard.mu);
    if (shard.index != index || shard.answers.size() >= kScreenCacheSize) {
      shard.answers.clear();
      shard.index = index;
    }
    shard.answers.emplace(std::move(key), text);
  }
  ReplyText(res, std::move(text));
}

void Service::Impl::Trace(const httplib::Request& req, httplib::Response& res) {
  const json body = Body(req);
  if (!body.is_object()) Fail(400, "body: expected an object {product, to, parties?, date?, context?}");
  TraceRequest t;
  auto str = [&](const char* k) {
    if (!body.contains(k) || !body[k].is_string() || body[k].get<std::string>().empty())
      Fail(400, std::string("body.") + k + ": required string is missing");
    return body[k].get<std::string>();
  };
  t.product = str("product");
  t.to = str("to");
  if (body.contains("parties")) {
    if (!body["parties"].is_array()) Fail(400, "body.parties: expected an array of names");
    for (const auto& p : body["parties"]) {
      if (!p.is_string()) Fail(400, "body.parties: expected an array of names");
      t.parties.push_back(p.get<std::string>());
    }
  }
  if (body.contains("date")) {
    if (!body["date"].is_string()) Fail(400, "body.date: expected YYYY-MM-DD");
    auto d = Date::Parse(body["date"].get<std::string>());
    if (!d.ok()) Fail(400, "body.date: " + d.status().message());
    t.date = *d;
  }
  auto engine = CurrentEngine();
  Context c = body.contains("context") ? Take(engine->ParseContext(body["context"], "body.context")) : base_context;
  auto traced = TraceProduct(*engine, std::move(c), t);
  if (!traced.ok()) Fail(traced.status().code() == StatusCode::kInvalidArgument
                             ? InvalidArgument("body." + traced.status().message())
                             : traced.status());
  Reply(res, TraceJson(*traced));
}

void Service::Impl::Licences(const httplib::Request&, httplib::Response& res) {
  std::lock_guard<std::mutex> l(state_mu);
  Desk();
  json out = json::array();
  for (const auto& r : Take(store->Licences())) out.push_back(state::LicenceJson(r));
  Reply(res, out);
}

void Service::Impl::Licence(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1].str();
  Must(CheckIdentifier(id, "licence id"));
  std::lock_guard<std::mutex> l(state_mu);
  Desk();
  auto lic = Take(store->GetLicence(id));
  if (!lic) Fail(NotFound("licence '" + id + "' is not in the register"));
  Reply(res, state::LicenceDetailJson(*lic, Take(store->LicenceUses(id)), Take(store->LicenceEvents(id))));
}

void Service::Impl::AddLicences(const httplib::Request& req, httplib::Response& res) {
  const json body = Body(req);
  const json all = body.is_array() ? body : json::array({body});
  if (all.empty() || all.size() > options.max_batch) Fail(400, "body: one licence object or a non-empty array");
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string where = body.is_array() ? fmt::format("body[{}]", i) : "body";
    if (!all[i].is_object() || !all[i].contains("id") || !all[i]["id"].is_string())
      Fail(400, where + ".id: required string is missing");
    Must(CheckIdentifier(all[i]["id"].get<std::string>(), where + ".id"));
  }
  std::lock_guard<std::mutex> l(state_mu);
  state::Desk& desk = Desk();
  json out = json::array();
  for (size_t i = 0; i < all.size(); ++i) {
    auto r = desk.AddLicence(all[i], t_request.caller->name);
    if (!r.ok()) Fail(r.status().WithPrefix(body.is_array() ? fmt::format("body[{}]", i) : "body"));
    out.push_back(state::ReevaluationJson(*r));
  }
  Reply(res, out, 201);
}

void Service::Impl::Revoke(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1].str();
  Must(CheckIdentifier(id, "licence id"));
  json body = req.body.empty() ? json::object() : Body(req);
  if (!body.is_object()) Fail(400, "body: expected an object {effective?, suspend?}");
  Date day = Date::Today();
  if (body.contains("effective")) {
    if (!body["effective"].is_string()) Fail(400, "body.effective: expected YYYY-MM-DD");
    auto d = Date::Parse(body["effective"].get<std::string>());
    if (!d.ok()) Fail(400, "body.effective: " + d.status().message());
    day = *d;
  }
  bool suspend = false;
  if (body.contains("suspend")) {
    if (!body["suspend"].is_boolean()) Fail(400, "body.suspend: expected true or false");
    suspend = body["suspend"].get<bool>();
  }
  std::lock_guard<std::mutex> l(state_mu);
  state::Desk& desk = Desk();
  auto r = suspend ? desk.SuspendLicence(id, day, t_request.caller->name) : desk.RevokeLicence(id, day, t_request.caller->name);
  Reply(res, state::ReevaluationJson(Take(std::move(r))));
}

void Service::Impl::Orders(const httplib::Request& req, httplib::Response& res) {
  std::optional<store::OrderStatus> want;
  if (req.has_param("status")) {
    auto s = store::ParseOrderStatus(req.get_param_value("status"));
    if (!s.ok()) Fail(400, "status: expected held, released, shipped or cancelled");
    want = *s;
  }
  const bool open_only = Flag(req, "open");
  std::lock_guard<std::mutex> l(state_mu);
  Desk();
  json out = json::array();
  for (const auto& o : Take(store->Orders(open_only))) {
    if (!want || o.status == *want) out.push_back(state::OrderJson(o));
  }
  Reply(res, out);
}

void Service::Impl::AddOrders(const httplib::Request& req, httplib::Response& res) {
  const json body = Body(req);
  const std::vector<Ask> asks = Asks(body, options.max_batch);
  auto engine = CurrentEngine();
  for (const auto& a : asks) {  // validate all before recording any
    Transaction t = Take(engine->ParseTransaction(*a.transaction, a.where));
    if (t.id.empty()) Fail(400, a.where + ".id: an order needs an id");
  }
  std::lock_guard<std::mutex> l(state_mu);
  state::Desk& desk = Desk();
  json out = json::array();
  for (const auto& a : asks) {
    auto r = desk.Determine(*a.transaction, a.context ? *a.context : base_context_json,
                            {t_request.caller->name, "POST /orders", true, std::nullopt});
    if (!r.ok()) Fail(r.status().WithPrefix(a.where));
    metrics.Outcome(r->outcome);
    out.push_back({{"order", r->order_id}, {"outcome", r->outcome}, {"audit_id", r->audit_id},
                   {"hold", r->determination.value("hold", true)}});
  }
  Reply(res, out, 201);
}

void Service::Impl::Lists(const httplib::Request& req, httplib::Response& res) {
  if (req.body.empty()) Fail(400, "the request needs a body: a list file in its publisher's format");
  double threshold = options.engine.threshold;
  if (req.has_param("threshold")) {
    char* end = nullptr;
    const std::string t = req.get_param_value("threshold");
    threshold = std::strtod(t.c_str(), &end);
    if (t.empty() || *end || !(threshold > 0 && threshold <= 1)) Fail(400, "threshold: expected a number in (0, 1]");
  }
  // The snapshot is kept under its digest: the caller names no path on this machine.
  std::string ext;
  if (req.has_param("name")) {
    const std::string name = req.get_param_value("name");
    Must(CheckIdentifier(name, "name"));
    if (name.find('/') != std::string::npos) Fail(400, "name: a file name, not a path");
    if (auto dot = name.rfind('.'); dot != std::string::npos && name.size() - dot <= 6) ext = name.substr(dot);
  }
  const std::string digest = Sha256Hex(req.body);
  std::lock_guard<std::mutex> l(state_mu);
  Desk();
  std::error_code ec;
  fs::create_directories(options.lists_dir, ec);
  const std::string path = fs::absolute(fs::path(options.lists_dir) / (digest + ext)).lexically_normal().string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
    if (!out) Fail(Internal("cannot keep the list snapshot"));
  }
  // Recognise the file before the store records anything.
  auto probe = lists::LoadListFile(path);
  if (!probe.ok()) {
    fs::remove(path, ec);
    std::string m = probe.status().message();
    for (size_t at; (at = m.find(path)) != std::string::npos;) m.replace(at, path.size(), "body");
    Fail(400, m);
  }
  EngineOptions base = options.engine;
  auto u = state::UpdateList(store.get(), path, base, threshold, t_request.caller->name);
  if (!u.ok()) Fail(u.status());
  // --lists given at start stay screened against, besides the store's snapshots.
  auto refs = AllLists(u->refs);
  if (refs.size() != u->refs.size()) {
    Must(OpenEngine(refs));
  } else {
    std::shared_ptr<const Engine> shared(std::move(u->engine));
    std::lock_guard<std::mutex> el(engine_mu);
    engine_now = std::move(shared);
  }
  desk_now = std::make_unique<state::Desk>(store.get(), CurrentEngine().get(), refs);
  {
    std::lock_guard<std::mutex> el(engine_mu);
    std::erase_if(list_ages, [&](const ListAge& a) { return a.list == u->list; });
    list_ages.push_back({u->list, path, std::time(nullptr)});
  }
  json out = u->ToJson();
  out["list"] = u->list;
  out["sha256"] = digest;
  Reply(res, out, 201);
}

void Service::Impl::Audit(const httplib::Request& req, httplib::Response& res) {
  store::AuditQuery q;
  if (req.has_param("order")) {
    q.order_id = req.get_param_value("order");
    Must(CheckIdentifier(q.order_id, "order"));
  }
  if (req.has_param("limit")) {
    const std::string v = req.get_param_value("limit");
    if (v.empty() || v.size() > 4 || !std::all_of(v.begin(), v.end(), ::isdigit)) Fail(400, "limit: expected 1..1000");
    q.limit = std::clamp(std::stoi(v), 1, 1000);
  }
  std::lock_guard<std::mutex> l(state_mu);
  Desk();
  json out = json::array();
  for (const auto& r : Take(store->Audit(q))) out.push_back(state::AuditJson(r));
  Reply(res, out);
}

namespace {
int64_t AuditId(const std::string& text) {
  if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), ::isdigit))
    Fail(400, "id: '" + text.substr(0, 40) + "' is not an audit record id (a number)");
  return std::stoll(text);
}
}  // namespace

void Service::Impl::AuditOne(const httplib::Request& req, httplib::Response& res) {
  const int64_t id = AuditId(req.matches[1].str());
  std::lock_guard<std::mutex> l(state_mu);
  Desk();
  auto r = Take(store->GetAudit(id));
  if (!r) Fail(NotFound(fmt::format("audit record {} does not exist", id)));
  Reply(res, state::AuditJson(*r));
}

void Service::Impl::Replay(const httplib::Request& req, httplib::Response& res) {
  const int64_t id = AuditId(req.matches[1].str());
  const bool today = Flag(req, "today");
  std::lock_guard<std::mutex> l(state_mu);
  state::Desk& desk = Desk();
  auto r = state::Replay(store.get(), id, today, options.engine, desk.lists());
  Reply(res, state::ReplayJson(id, today, Take(std::move(r))));
}

void Service::Impl::Reevaluate(const httplib::Request& req, httplib::Response& res) {
  json body = req.body.empty() ? json::object() : Body(req);
  if (!body.is_object()) Fail(400, "body: expected an object {orders?: [ids]}");
  std::vector<std::string> ids;
  if (body.contains("orders")) {
    if (!body["orders"].is_array()) Fail(400, "body.orders: expected an array of order ids");
    for (size_t i = 0; i < body["orders"].size(); ++i) {
      const json& o = body["orders"][i];
      if (!o.is_string()) Fail(400, fmt::format("body.orders[{}]: expected an order id", i));
      Must(CheckIdentifier(o.get<std::string>(), fmt::format("body.orders[{}]", i)));
      ids.push_back(o.get<std::string>());
    }
  }
  std::lock_guard<std::mutex> l(state_mu);
  state::Desk& desk = Desk();
  if (ids.empty()) {
    for (const auto& o : Take(store->Orders(true))) ids.push_back(o.id);
  }
  auto r = desk.Reevaluate(ids, "POST /reevaluate by " + t_request.caller->name, t_request.caller->name);
  Reply(res, state::ReevaluationJson(Take(std::move(r))));
}

void Service::Impl::Metrics(const httplib::Request&, httplib::Response& res) {
  std::string o;
  o += "# HELP cordon_http_requests_total Requests answered, by endpoint and status.\n";
  o += "# TYPE cordon_http_requests_total counter\n";
  for (int e = 0; e < kEndpointCount; ++e) {
    for (size_t s = 0; s <= kStatuses.size(); ++s) {
      uint64_t n = metrics.requests[e][s].load(std::memory_order_relaxed);
      if (!n) continue;
      o += fmt::format("cordon_http_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n", kEndpointNames[e],
                       s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other", n);
    }
  }
  o += "# HELP cordon_http_request_duration_seconds Time from the request's headers to its answer.\n";
  o += "# TYPE cordon_http_request_duration_seconds histogram\n";
  for (int e = 0; e < kEndpointCount; ++e) {
    uint64_t cum = 0;
    std::string lines;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cum += metrics.latency[e][b].load(std::memory_order_relaxed);
      lines += fmt::format("cordon_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"{}\"}} {}\n", kEndpointNames[e],
                           b < kBuckets.size() ? fmt::format("{}", kBuckets[b]) : "+Inf", cum);
    }
    if (!cum) continue;
    o += lines;
    o += fmt::format("cordon_http_request_duration_seconds_sum{{endpoint=\"{}\"}} {:.6f}\n", kEndpointNames[e],
                     metrics.latency_ns_sum[e].load(std::memory_order_relaxed) / 1e9);
    o += fmt::format("cordon_http_request_duration_seconds_count{{endpoint=\"{}\"}} {}\n", kEndpointNames[e], cum);
  }
  o += "# HELP cordon_determinations_total Determinations answered, by overall outcome.\n";
  o += "# TYPE cordon_determinations_total counter\n";
  for (size_t i = 0; i < kOutcomes.size(); ++i) {
    o += fmt::format("cordon_determinations_total{{outcome=\"{}\"}} {}\n", kOutcomes[i],
                     metrics.outcomes[i].load(std::memory_order_relaxed));
  }
  o += "# HELP cordon_list_snapshot_age_seconds Seconds since each screened list snapshot was loaded (file time for --lists).\n";
  o += "# TYPE cordon_list_snapshot_age_seconds gauge\n";
  const std::time_t now = std::time(nullptr);
  {
    std::lock_guard<std::mutex> l(engine_mu);
    for (const auto& a : list_ages) {
      o += fmt::format("cordon_list_snapshot_age_seconds{{list=\"{}\"}} {}\n", a.list, a.as_of ? now - a.as_of : 0);
    }
  }
  res.status = 200;
  res.set_content(o, "text/plain; version=0.0.4");
}

void Service::Impl::Static(const httplib::Request&, httplib::Response& res, const std::string& rel) {
  if (options.web_dir.empty()) Fail(404, "no web page: start cordon serve with --web DIR (make web)");
  // Refuse anything that could leave the web folder: "..", absolute paths, backslashes, NUL.
  if (Refusal(rel) || rel.find('\\') != std::string::npos || rel.front() == '/' ||
      std::any_of(rel.begin(), rel.end(), [](char c) { return c == '\0'; }))
    Fail(400, "path: refused");
  for (size_t b = 0; b <= rel.size();) {
    size_t e = rel.find('/', b);
    if (e == std::string::npos) e = rel.size();
    if (rel.compare(b, e - b, "..") == 0 || rel.compare(b, e - b, ".") == 0) Fail(400, "path: refused");
    b = e + 1;
  }
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(options.web_dir) / rel, ec);
  const std::string root = options.web_dir + "/";
  if (ec || p.string().compare(0, root.size(), root) != 0 || !fs::is_regular_file(p, ec)) Fail(404, "no such file");
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  res.status = 200;
  res.set_content(ss.str(), ContentType(p.string()));
}

// ---------------------------------------------------------------------------------------------

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() { Stop(); }

Result<std::unique_ptr<Service>> Service::Open(const ServiceOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Result<int> Service::Bind(const std::string& host, int port) {
  if (port == 0) {
    int p = impl_->http.bind_to_any_port(host);
    if (p <= 0) return Unavailable("cannot bind " + host);
    return p;
  }
  if (!impl_->http.bind_to_port(host, port)) return Unavailable(fmt::format("cannot bind {}:{}", host, port));
  return port;
}

void Service::Run() { impl_->http.listen_after_bind(); }

void Service::Stop() {
  if (impl_) impl_->http.stop();
}

namespace {

// A connection held in memory: reads drain the request, writes collect the answer.
class MemoryStream : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size = std::min(size, in_.size());
    std::copy_n(in_.data(), size, ptr);
    in_.remove_prefix(size);
    return static_cast<ssize_t>(size);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 0; }
  void get_local_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 0; }
  socket_t socket() const override { return INVALID_SOCKET; }
  std::string out;

 private:
  std::string_view in_;
};

// httplib keeps the per-connection request loop protected; a pointer to it, formed through a
// derived class, calls it on the service's own server.
struct ServerAccess : httplib::Server {
  using httplib::Server::process_request;
};

}  // namespace

std::string Service::HandleRawRequest(std::string_view request) {
  MemoryStream stream(request);
  bool closed = false;
  (impl_->http.*&ServerAccess::process_request)(stream, true, closed, [](httplib::Request&) {});
  return std::move(stream.out);
}

}  // namespace cordon::service
