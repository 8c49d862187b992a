// Fuzz target: one raw HTTP request through `cordon serve` — httplib's request line, header and
// body reading (Content-Length, chunked, multipart), routing, the bearer-token check, the handlers
// (/check, /screen, /trace, /metrics, static files …) and the error answers — in memory, with no
// socket (Service::HandleRawRequest). Input: the request's bytes. When the head (up to the first
// blank line) has no Content-Length and bytes follow it, a Content-Length of those bytes is added,
// so that mutated bodies still reach the handlers; a Content-Length in the input is kept as it is.
//
// The service: tokens `fuzz-officer` (officer) and `fuzz-analyst` (analyst), a two-entry CSL list,
// the example context, a web folder. No database: the state endpoints answer 503 (with one, every
// mutated POST /orders or /lists would grow the store without bound and make runs irreproducible).
// Besides crashes and sanitizer reports, the target traps on an answer that is not HTTP, a 500
// (an exception no handler turned into a 4xx: bad input must get a clear message), and an answer
// that names the service's folder on this machine (unless the request did).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "cordon/engine/engine.h"
#include "cordon/service/service.h"
#include "fuzz/fuzz_util.h"

namespace {

using cordon::service::Role;
using cordon::service::Service;
using cordon::service::ServiceOptions;

Service& TheService() {
  static std::unique_ptr<Service> service = [] {
    namespace fs = std::filesystem;
    const std::string dir = cordon::fuzz::ScratchDir() + "/serve";
    fs::create_directories(dir + "/web/assets");
    std::ofstream(dir + "/tokens.txt") << cordon::service::TokenLine("fuzz-officer", Role::kOfficer, "olga") << "\n"
                                       << cordon::service::TokenLine("fuzz-analyst", Role::kAnalyst, "ana") << "\n";
    std::ofstream(dir + "/web/index.html") << "<!doctype html><title>cordon</title>";
    std::ofstream(dir + "/web/assets/app.js") << "console.log('cordon');";
    std::ofstream(dir + "/secret.txt") << "outside the web folder";
    // Two entities in the CSL's published layout: /check screens parties and /screen ranks hits.
    std::string csl =
        "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,"
        "standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
        "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
        "dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n";
    for (const char* name : {"Sinobright Import and Export Company", "Example Distributor Ltd."}) {
      csl += std::string("\"el-") + name[0] + "\",\"Entity List (EL) - Bureau of Industry and Security\",\"\",\"\",\"\",\"" +
             name + "\",\"\",\"Shenzhen, CN\",\"\",\"2024-01-02\",\"\",\"\",\"For all items subject to the EAR\","
             "\"Presumption of denial\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n";
    }
    std::ofstream(dir + "/csl.csv") << csl;
    ServiceOptions o;
    o.engine.home = cordon::FindHome(nullptr);
    o.engine.lists = {dir + "/csl.csv"};
    o.context = o.engine.home + "/examples/context.json";
    o.tokens = dir + "/tokens.txt";
    o.web_dir = dir + "/web";
    o.max_body = 64 * 1024;
    o.max_batch = 50;
    auto s = Service::Open(o);
    if (!s.ok()) cordon::fuzz::SetupFailed("the service", s.status().message());
    return std::move(*s);
  }();
  return *service;
}

// The request as read, with a Content-Length added when the head has none and a body follows.
std::string WithLength(std::string_view in) {
  const size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos || end + 4 == in.size()) return std::string(in);
  std::string head(in.substr(0, end));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.find("\ncontent-length:") != std::string::npos || head.find("\ntransfer-encoding:") != std::string::npos)
    return std::string(in);
  const std::string_view body = in.substr(end + 4);
  std::string out(in.substr(0, end));
  out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Service& service = TheService();
  const std::string request = WithLength(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string answer = service.HandleRawRequest(request);
  static const bool print = std::getenv("FUZZ_HTTP_PRINT") != nullptr;  // to see what the seeds get
  if (print) std::fprintf(stderr, "answer: %.*s\n", static_cast<int>(answer.find('\r')), answer.c_str());
  if (answer.empty()) return 0;  // nothing readable as a request line: the connection is closed unanswered
  if (answer.compare(0, 9, "HTTP/1.1 ") != 0 || answer.size() < 12) {
    std::fprintf(stderr, "fuzz: not an HTTP answer: %.200s\n", answer.c_str());
    std::abort();
  }
  const int status = std::atoi(answer.c_str() + 9);
  if (status < 100 || status > 599 || (status >= 500 && status != 503)) {
    std::fprintf(stderr, "fuzz: answer %d to a request:\n%.2000s\n", status, answer.c_str());
    std::abort();
  }
  // (An answer may quote the request: libFuzzer learns the folder's name from this very check.)
  const std::string& dir = cordon::fuzz::ScratchDir();
  if (answer.find(dir) != std::string::npos && request.find(dir) == std::string::npos) {
    std::fprintf(stderr, "fuzz: the answer names the service's folder:\n%.2000s\n", answer.c_str());
    std::abort();
  }
  return 0;
}
