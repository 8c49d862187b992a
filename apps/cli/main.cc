// cordon: the command line (contract §5). The only place flags live; a Status
// becomes an exit code here: 0 ran, 2 bad input, 1 internal error, 3 held (--strict).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "cordon/base/status.h"

int main(int argc, char** argv) {
  CLI::App app{"cordon: export-control determinations for the semiconductor supply chain.\n"
               "Under which country's rules may this go, and why."};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "print the version and the rule-set hash");
  std::string home;
  app.add_option("--home", home, "folder holding rules/ and refdata/ (default: found next to the binary)");

  cordon::cli::CheckArgs check;
  auto* c = app.add_subcommand("check", "determine one transaction, a JSON array of them, or JSON Lines");
  c->add_option("file", check.file, "transaction file (JSON, array, or JSON Lines with --jsonl; - for stdin)")->required();
  c->add_option("--context", check.context, "context file: facilities, products, licences, list entries");
  c->add_option("--lists", check.lists, "list files or folders (publishers' formats)");
  c->add_option("--threshold", check.threshold, "screening threshold for --lists (default 0.90; 0.97 and above apply as matches)");
  c->add_option("--good-guys", check.good_guys, "accepted false positives (JSON Lines; cordon screen --accept writes lines)");
  c->add_option("--date", check.date, "evaluate as of this day (YYYY-MM-DD) instead of the transaction's date");
  c->add_option("--format", check.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  c->add_flag("--jsonl", check.jsonl, "the file holds one transaction per line");
  c->add_flag("--strict", check.strict, "exit 3 when any determination holds the transaction");
  c->add_flag("--no-trace", check.no_trace, "leave the rule trace out of JSON answers");
  c->add_option("--rules", check.extra_rules, "extra rule files or folders (scenarios)");

  std::vector<std::string> case_paths;
  bool cases_verbose = false;
  auto* cs = app.add_subcommand("cases", "run golden case files; ends with 'N passed, N failed'");
  cs->add_option("paths", case_paths, "case files or folders")->required();
  cs->add_flag("-v,--verbose", cases_verbose, "print every case, not only failures");

  cordon::cli::RulesArgs rules_args;
  auto* rl = app.add_subcommand("rules", "list the rules, or check their coverage by the cases");
  rl->add_flag("--coverage", rules_args.coverage, "which cases exercise each rule, on both sides of its start date");
  rl->add_option("--cases", rules_args.cases, "case folders for --coverage (default: ../shared/cases tests/cases)");
  rl->add_option("--format", rules_args.format, "text, json or markdown")->check(CLI::IsMember({"text", "json", "markdown"}));
  rl->add_option("--date", rules_args.date, "only the rules in force on this day");

  // Screening (issue 4): screen_command.cc.
  cordon::cli::ScreenArgs screen;
  cordon::cli::ListsDiffArgs diff;
  auto* sc = app.add_subcommand("screen", "screen a name (or --batch FILE) against restricted-party lists");
  sc->add_option("name", screen.name, "the name to screen");
  sc->add_option("--country", screen.country, "ISO-2 country of the party");
  sc->add_option("--lists", screen.lists, "list files or folders (default: the full CSL in ../shared)");
  sc->add_option("--threshold", screen.threshold, "score in [0, 1] a match needs (default 0.90)");
  sc->add_option("--scorer", screen.scorer, "jw, levenshtein or token-set");
  sc->add_option("--format", screen.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  sc->add_option("--batch", screen.batch, "CSV with a name (and country) column, or JSON Lines");
  sc->add_flag("--evaluate", screen.evaluate, "recall and precision on the labelled sets in ../shared/data/lists");
  sc->add_option("--good-guys", screen.good_guys, "accepted false positives (JSON Lines): hits shown as accepted, or stale when the entry changed");
  sc->add_option("--accept", screen.accept, "print the good-guy record accepting NAME's match on this entity id (append it to the file)");
  sc->add_option("--reviewer", screen.reviewer, "who accepts (--accept)");
  sc->add_option("--reason", screen.reason, "why (--accept)");
  auto* ls = app.add_subcommand("lists", "restricted-party list files")->require_subcommand(1);
  auto* df = ls->add_subcommand("diff", "entries added, removed and changed between two snapshots");
  df->add_option("old", diff.old_path, "older list file")->required();
  df->add_option("new", diff.new_path, "newer list file")->required();
  df->add_option("--format", diff.format, "text or json")->check(CLI::IsMember({"text", "json"}));

  // Supply chain (issue 5): trace_command.cc.
  cordon::cli::TraceArgs trace;
  auto* tr = app.add_subcommand("trace", "de minimis share and FDP lineage of a catalogue product for a destination");
  tr->add_option("product", trace.product, "product id in the catalogue")->required();
  tr->add_option("--to", trace.to, "destination country (ISO-2)")->required();
  tr->add_option("--party", trace.parties, "name of the end user (repeatable)");
  tr->add_option("--date", trace.date, "as of this day (YYYY-MM-DD; default today)");
  tr->add_option("--format", trace.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  tr->add_option("--context", trace.context, "context file with products");
  tr->add_option("--parts", trace.parts, "parts table (CSV)");
  tr->add_option("--bom", trace.bom, "BOM table parent,child,quantity (CSV)");
  // What-if (issue 8): simulate_command.cc.
  cordon::cli::SimulateArgs sim;
  auto* simc = app.add_subcommand("simulate", "what-if: trade flows under the regimes and under scenario overlays");
  simc->add_option("--flows", sim.flows, "flows, JSON Lines (docs/whatif.md)")->required();
  simc->add_option("--scenario", sim.scenarios, "scenario manifest (repeatable; scenarios/*/scenario.json); a+b runs two overlays together");
  simc->add_option("--report", sim.report, "write an HTML report here");
  simc->add_option("--format", sim.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cordon::cli::FlowsGenerateArgs gen;
  auto* flw = app.add_subcommand("flows", "trade-flow datasets")->require_subcommand(1);
  auto* flg = flw->add_subcommand("generate", "synthesise a seeded dataset of chip-tool, part and service flows");
  flg->add_option("--count", gen.count, "how many flows");
  flg->add_option("--seed", gen.seed, "random seed (same seed, same file)");
  flg->add_option("--profile", gen.profile, "profile (default examples/whatif/flow_profile.json)");
  flg->add_option("--out", gen.out, "output file (default stdout)");
  // State (issue 6): state_command.cc. Every state command takes --db and --format.
  cordon::cli::StateArgs st_args;
  auto state_opts = [&](CLI::App* sub) {
    sub->add_option("--db", st_args.db, "SQLite file (default cordon.db) or PostgreSQL connection string");
    sub->add_option("--format", st_args.format, "text or json")->check(CLI::IsMember({"text", "json"}));
    sub->add_option("--as", st_args.caller, "who is acting, for the audit trail (default $USER)");
    return sub;
  };
  auto* lic = app.add_subcommand("licenses", "the licence register")->require_subcommand(1);
  auto* lic_add = state_opts(lic->add_subcommand("add", "add licences (a JSON licence object or an array)"));
  lic_add->add_option("file", st_args.file, "licence file")->required();
  auto* lic_list = state_opts(lic->add_subcommand("list", "list the licences and what has been drawn"));
  auto* lic_show = state_opts(lic->add_subcommand("show", "one licence with its uses and history"));
  lic_show->add_option("id", st_args.id, "licence id")->required();
  auto* lic_revoke = state_opts(lic->add_subcommand("revoke", "revoke (or --suspend) a licence and re-evaluate its orders"));
  lic_revoke->add_option("id", st_args.id, "licence id")->required();
  lic_revoke->add_option("--effective", st_args.effective, "effective day YYYY-MM-DD (default today)");
  lic_revoke->add_flag("--suspend", st_args.suspend, "suspend instead of revoking");
  auto* lic_amend = state_opts(lic->add_subcommand("amend", "amend a licence (JSON object of fields) and re-evaluate its orders"));
  lic_amend->add_option("id", st_args.id, "licence id")->required();
  lic_amend->add_option("file", st_args.file, "amendment file")->required();
  auto* ord = app.add_subcommand("orders", "open orders and their latest determination")->require_subcommand(1);
  auto* ord_add = state_opts(ord->add_subcommand("add", "determine and register orders (a transaction or an array)"));
  ord_add->add_option("file", st_args.file, "transaction file")->required();
  ord_add->add_option("--context", st_args.context, "context file (licences come from the register)");
  auto* ord_ship = state_opts(ord->add_subcommand("ship", "ship a released order: determine it again and draw from its licences (exit 3 when refused)"));
  ord_ship->add_option("id", st_args.id, "order id")->required();
  ord_ship->add_option("--date", st_args.date, "shipping day YYYY-MM-DD (default: the order's date)");
  auto* ord_list = state_opts(ord->add_subcommand("list", "list orders"));
  ord_list->add_flag("--open", st_args.open_only, "only held and released orders");
  auto* aud = state_opts(app.add_subcommand("audit", "the audit trail of determinations"));
  aud->add_option("--order", st_args.order, "only this order's");
  aud->add_option("--limit", st_args.limit, "at most this many records (default 100)");
  auto* rep = state_opts(app.add_subcommand("replay", "replay an audit record: the same answer from what was stored"));
  rep->add_option("id", st_args.id, "audit record id")->required();
  rep->add_flag("--today", st_args.today, "answer it with today's rules, lists and licences instead");
  auto* lup = state_opts(ls->add_subcommand("update", "load a new list snapshot: the delta and the orders it changes"));
  lup->add_option("file", st_args.file, "list file")->required();
  lup->add_option("--threshold", st_args.threshold, "screening threshold (default 0.90)");

  // The service (issue 7): serve_command.cc.
  cordon::cli::ServeArgs serve;
  auto* sv = app.add_subcommand("serve", "the HTTP/JSON service (and the web page), docs/service.md");
  sv->add_option("--port", serve.port, "TCP port (default 8080; 0: any free port)");
  sv->add_option("--host", serve.host, "address to listen on (default 127.0.0.1)");
  sv->add_option("--db", serve.db, "SQLite file or PostgreSQL connection string (licences, orders, audit)");
  sv->add_option("--lists", serve.lists, "list files or folders screened against (besides the store's snapshots)");
  sv->add_option("--context", serve.context, "default context file: facilities, products, licences");
  sv->add_option("--tokens", serve.tokens, "token file: 'SHA256 ROLE NAME' per line (cordon tokens add)")->required();
  sv->add_option("--web", serve.web, "folder of the built web page (default: web/ beside the binary)");
  sv->add_option("--write-log", serve.write_log, "JSON Lines of every write request (default DB.writes.jsonl)");
  sv->add_option("--threshold", serve.threshold, "screening threshold (default 0.90)");
  sv->add_option("--good-guys", serve.good_guys, "accepted false positives (JSON Lines): /screen marks hits accepted or stale, as cordon screen does");
  sv->add_option("--threads", serve.threads, "worker threads = connections served at once (default 8 per core)");
  sv->add_option("--max-body", serve.max_body_kib, "largest request body in KiB (default 8192)");
  sv->add_option("--timeout", serve.timeout, "seconds to read a request or write an answer; idle keep-alive (default 10)");
  cordon::cli::TokensArgs tok;
  auto* tks = app.add_subcommand("tokens", "API tokens of cordon serve")->require_subcommand(1);
  auto* tka = tks->add_subcommand("add", "make a token, keep its sha256 in the token file, print the token once");
  tka->add_option("name", tok.name, "who holds it (recorded as the caller of its writes)")->required();
  tka->add_option("--role", tok.role, "analyst or officer")->check(CLI::IsMember({"analyst", "officer"}));
  tka->add_option("--tokens", tok.tokens, "token file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  cordon::cli::Globals g;
  g.home = home;
  g.argv0 = argv[0];
  cordon::Status st;
  int exit_code = 0;
  if (version) {
    st = cordon::cli::Version(g);
  } else if (*c) {
    st = cordon::cli::Check(g, check, &exit_code);
  } else if (*cs) {
    st = cordon::cli::Cases(g, case_paths, cases_verbose, &exit_code);
  } else if (*sc || *df) {
    st = *sc ? cordon::cli::Screen(g, screen) : cordon::cli::ListsDiff(g, diff);
  } else if (*simc) {
    st = cordon::cli::Simulate(g, sim);
  } else if (*flg) {
    st = cordon::cli::FlowsGenerate(g, gen);
  } else if (*tr) {
    st = cordon::cli::Trace(g, trace);
  } else if (*lic) {
    std::string action = *lic_add ? "add" : *lic_list ? "list" : *lic_show ? "show" : *lic_revoke ? "revoke" : "amend";
    st = cordon::cli::Licenses(g, action, st_args);
  } else if (*ord) {
    st = cordon::cli::Orders(g, *ord_add ? "add" : *ord_ship ? "ship" : "list", st_args, &exit_code);
  } else if (*aud) {
    st = cordon::cli::Audit(g, st_args);
  } else if (*rep) {
    st = cordon::cli::Replay(g, st_args, &exit_code);
  } else if (*lup) {
    st = cordon::cli::ListsUpdate(g, st_args);
  } else if (*sv) {
    st = cordon::cli::Serve(g, serve);
  } else if (*tka) {
    st = cordon::cli::TokensAdd(g, tok);
  } else if (*rl) {
    st = cordon::cli::Rules(g, rules_args);
  } else {
    std::cout << app.help();
    return 0;
  }
  if (!st.ok()) {
    std::cerr << "cordon: " << st.message() << "\n";
    return st.code() == cordon::StatusCode::kInvalidArgument || st.code() == cordon::StatusCode::kNotFound ? 2 : 1;
  }
  return exit_code;
}
