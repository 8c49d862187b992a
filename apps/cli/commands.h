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

Status Version(const Globals& g);
Status Check(const Globals& g, const CheckArgs& a, int* exit_code);
Status Cases(const Globals& g, const std::vector<std::string>& paths, bool verbose, int* exit_code);
Status Rules(const Globals& g, const RulesArgs& a);

}  // namespace cordon::cli

#endif  // CORDON_APPS_CLI_COMMANDS_H_
