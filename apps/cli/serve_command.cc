// cordon serve: the HTTP/JSON service (cordon/service, docs/service.md); cordon tokens add.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "apps/cli/commands.h"
#include "cordon/engine/engine.h"
#include "cordon/service/service.h"

namespace cordon::cli {
namespace {

namespace fs = std::filesystem;

service::Service* g_running = nullptr;
extern "C" void StopOnSignal(int) {
  if (g_running) g_running->Stop();
}

// The web page built by `make web` lands beside the binary: build/release/web.
std::string DefaultWebDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  fs::path dir = exe.parent_path() / "web";
  return fs::is_directory(dir, ec) ? dir.string() : "";
}

}  // namespace

Status Serve(const Globals& g, const ServeArgs& a) {
  if (a.tokens.empty()) return InvalidArgument("--tokens: a token file is required (cordon tokens add NAME --role R --tokens FILE)");
  if (a.port < 0 || a.port > 65535) return InvalidArgument("--port: expected 0..65535");
  if (a.threshold <= 0 || a.threshold > 1) return InvalidArgument("--threshold: must be in (0, 1]");
  service::ServiceOptions o;
  o.engine.home = g.home.empty() ? FindHome(g.argv0) : g.home;
  o.engine.lists = a.lists;
  o.engine.threshold = a.threshold;
  o.engine.good_guys = a.good_guys;
  o.db = a.db;
  o.context = a.context;
  o.tokens = a.tokens;
  o.web_dir = a.web.empty() ? DefaultWebDir() : a.web;
  o.threads = a.threads;
  o.max_body = a.max_body_kib * 1024;
  o.timeout_seconds = a.timeout;
  o.write_log = a.write_log;
  if (o.write_log.empty() && !a.db.empty() && a.db.find("://") == std::string::npos && a.db.find('=') == std::string::npos)
    o.write_log = a.db + ".writes.jsonl";
  ASSIGN_OR_RETURN(auto svc, service::Service::Open(o));
  ASSIGN_OR_RETURN(int port, svc->Bind(a.host, a.port));
  std::cerr << "cordon serve: listening on http://" << a.host << ":" << port << "/"
            << (o.web_dir.empty() ? "  (no web page: --web DIR)" : "  (web page from " + o.web_dir + ")") << "\n";
  g_running = svc.get();
  std::signal(SIGINT, StopOnSignal);
  std::signal(SIGTERM, StopOnSignal);
  svc->Run();
  g_running = nullptr;
  std::cerr << "cordon serve: stopped\n";
  return Status::Ok();
}

Status TokensAdd(const Globals&, const TokensArgs& a) {
  ASSIGN_OR_RETURN(service::Role role, service::ParseRole(a.role));
  if (a.name.empty() || a.name.find_first_of(" \t\n#") != std::string::npos)
    return InvalidArgument("name: one word, without spaces or '#'");
  ASSIGN_OR_RETURN(std::string token, service::NewToken());
  std::ofstream out(a.tokens, std::ios::app);
  if (!out) return InvalidArgument(a.tokens + ": cannot write the token file");
  out << service::TokenLine(token, role, a.name) << "\n";
  if (!out) return InvalidArgument(a.tokens + ": cannot write the token file");
  std::cerr << "added " << a.role << " " << a.name << " to " << a.tokens << " (only its sha256 is kept; the token is shown once)\n";
  std::cout << token << "\n";
  return Status::Ok();
}

}  // namespace cordon::cli
