// cordon serve: the engine, screening and state over HTTP/JSON (docs/service.md).
//
//   ServiceOptions o;  o.engine.home = home;  o.db = "cordon.db";  o.tokens = "tokens.txt";
//   ASSIGN_OR_RETURN(auto svc, Service::Open(o));
//   ASSIGN_OR_RETURN(int port, svc->Bind("127.0.0.1", 8080));   // 0: any free port
//   svc->Run();                                                  // until Stop() (another thread)
//
// The engine, its list index and the default context are loaded once, at Open, and shared by the
// worker threads (an Engine is immutable); a list update builds a new engine and swaps it in. The
// store is one connection used under a mutex: only requests that write or read state take it.
// Every endpoint but /healthz and the web page's static files needs `Authorization: Bearer TOKEN`;
// tokens are kept as sha256 digests with a role (analyst reads and checks; officer also writes).
#ifndef CORDON_SERVICE_SERVICE_H_
#define CORDON_SERVICE_SERVICE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/base/status.h"
#include "cordon/engine/engine.h"

namespace cordon::service {

enum class Role { kAnalyst, kOfficer };
const char* RoleName(Role r);

struct Caller {
  std::string name;
  Role role = Role::kAnalyst;
};

// A token file holds one token per line: "SHA256-HEX ROLE NAME" ('#' starts a comment). The
// token itself is never stored. Bad lines are InvalidArgument naming file:line.
using TokenTable = std::unordered_map<std::string, Caller>;  // by sha256 hex of the token
Result<TokenTable> LoadTokens(const std::string& path);
// A new random token (64 hex digits from the system's random source).
Result<std::string> NewToken();
// The token file line for `token` (its digest, the role, the name).
std::string TokenLine(const std::string& token, Role role, const std::string& name);
Result<Role> ParseRole(const std::string& text);

// Refuses a JSON value whose strings (or keys) look like SQL or a path traversal, or carry control
// characters: InvalidArgument naming the field path (docs/service.md § Input hygiene).
Status CheckTextFields(const nlohmann::json& j, const std::string& where);
// An identifier (transaction, order, licence id): letters, digits and . _ - : / #, no "..",
// 1..128 characters.
Status CheckIdentifier(const std::string& id, const std::string& where);

struct ServiceOptions {
  EngineOptions engine;       // home, --lists, threshold, --good-guys (also reviews /screen hits)
  std::string db;             // SQLite file or PostgreSQL URL; empty: the state endpoints answer 503
  std::string context;        // default context file (facilities, products, licences)
  std::string tokens;         // token file (required)
  std::string web_dir;        // static files of the web page; empty or missing: no page
  std::string lists_dir;      // where POST /lists keeps the snapshots it receives
  std::string write_log;      // JSON Lines: every write request with its caller; empty: none
  int threads = 0;            // worker threads (connections served at once); 0: 8 per core
  size_t max_body = 8u << 20;  // bytes; larger bodies are refused with 413
  size_t max_batch = 1000;     // transactions in one /check or /orders body
  int timeout_seconds = 10;    // reading a request, writing an answer, idle keep-alive
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Open(const ServiceOptions& options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Binds the port (0: any free one) and returns it.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(); returns when stopped.
  void Run();
  void Stop();

  // The OpenAPI 3 document served at /openapi.json.
  static const nlohmann::json& OpenApi();

  struct Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cordon::service

#endif  // CORDON_SERVICE_SERVICE_H_
