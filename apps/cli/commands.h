// The subcommands of the cordon command line, each a function of its arguments.
#ifndef CORDON_APPS_CLI_COMMANDS_H_
#define CORDON_APPS_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "cordon/base/status.h"

namespace cordon::cli {

struct Globals {
  std::string home;
  const char* argv0 = nullptr;
};

struct CheckArgs {
  std::string file;
  std::string context;
  std::vector<std::string> lists;
  double threshold = 0.90;
  std::string good_guys;  // accepted false positives (JSON Lines)
  std::string date;
  std::string format = "text";
  bool jsonl = false;
  bool strict = false;
  bool no_trace = false;
  std::vector<std::string> extra_rules;
};

struct RulesArgs {
  bool coverage = false;
  std::vector<std::string> cases;
  std::string format = "text";
  std::string date;
};

// cordon screen (screen_command.cc): one name, a batch file, or --evaluate.
struct ScreenArgs {
  std::string name;
  std::string country;
  std::vector<std::string> lists;
  std::string threshold = "0.90";  // validated by Screen: a number in [0, 1]
  std::string scorer = "jw";       // jw | levenshtein | token-set
  std::string format = "text";     // text | json
  std::string batch;               // CSV with a name column, or JSON Lines
  bool evaluate = false;           // recall and precision on the labelled sets
  std::string good_guys;           // accepted false positives (JSON Lines): hits marked accepted or stale
  std::string accept;              // entity id of a match of NAME: print its good-guy record
  std::string reviewer, reason;    // for --accept
};

// cordon lists diff OLD NEW (screen_command.cc).
struct ListsDiffArgs {
  std::string old_path;
  std::string new_path;
  std::string format = "text";
};

// cordon trace PRODUCT --to CC (trace_command.cc): de minimis and FDP reach over the catalogue.
struct TraceArgs {
  std::string product;
  std::string to;
  std::vector<std::string> parties;
  std::string date;
  std::string format = "text";
  std::string context;     // context JSON with products
  std::string parts, bom;  // or the CSV tables
};
// The state commands (state_command.cc): licences, orders, audit, replay, lists update.
struct StateArgs {
  std::string db = "cordon.db";  // --db: a SQLite file, or a PostgreSQL connection string
  std::string format = "text";
  std::string id;           // licence id, order id or audit record id
  std::string file;         // licence, amendment, order or list file
  std::string context;      // orders add --context
  std::string effective;    // licenses revoke --effective (default today)
  bool suspend = false;     // licenses revoke --suspend: suspend instead of revoking
  bool open_only = false;   // orders list --open
  std::string order;        // audit --order
  int limit = 100;          // audit --limit
  bool today = false;       // replay --today
  double threshold = 0.90;  // lists update: screening threshold for new entries
  std::string caller;       // --as (default $USER)
  std::string date;         // orders ship --date (default: the order's date)
};
Status Licenses(const Globals& g, const std::string& action, const StateArgs& a);
Status Orders(const Globals& g, const std::string& action, const StateArgs& a, int* exit_code);
Status Audit(const Globals& g, const StateArgs& a);
Status Replay(const Globals& g, const StateArgs& a, int* exit_code);
Status ListsUpdate(const Globals& g, const StateArgs& a);

Status Version(const Globals& g);
Status Trace(const Globals& g, const TraceArgs& a);
Status Check(const Globals& g, const CheckArgs& a, int* exit_code);
Status Cases(const Globals& g, const std::vector<std::string>& paths, bool verbose, int* exit_code);
Status Rules(const Globals& g, const RulesArgs& a);
Status Screen(const Globals& g, const ScreenArgs& a);
Status ListsDiff(const Globals& g, const ListsDiffArgs& a);
// Recall and precision of the screening on the labelled sets (screen_evaluate.cc).
Status EvaluateScreening(const Globals& g, double threshold, const std::string& scorer, const std::string& format);

// cordon simulate and cordon flows generate (simulate_command.cc): what-if scenarios.
struct SimulateArgs {
  std::string flows;
  std::vector<std::string> scenarios;
  std::string report;
  std::string format = "text";
};
Status Simulate(const Globals& g, const SimulateArgs& a);
struct FlowsGenerateArgs {
  size_t count = 1000;
  uint64_t seed = 20251201;
  std::string profile;
  std::string out;
};
Status FlowsGenerate(const Globals& g, const FlowsGenerateArgs& a);

// cordon serve (serve_command.cc): the HTTP/JSON service, docs/service.md.
struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db;                  // empty: no state endpoints
  std::vector<std::string> lists;
  std::string context;
  std::string tokens;
  std::string web;                 // default: web/ beside the binary
  std::string write_log;           // default: DB.writes.jsonl for a SQLite file
  double threshold = 0.90;
  std::string good_guys;           // accepted false positives (JSON Lines): /screen and /check hits
  int threads = 0;                 // 0: 8 per core
  size_t max_body_kib = 8192;
  int timeout = 10;
};
Status Serve(const Globals& g, const ServeArgs& a);
struct TokensArgs {
  std::string name;
  std::string role = "analyst";
  std::string tokens;
};
Status TokensAdd(const Globals& g, const TokensArgs& a);

}  // namespace cordon::cli

#endif  // CORDON_APPS_CLI_COMMANDS_H_
