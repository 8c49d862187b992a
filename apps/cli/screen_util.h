// Helpers shared by the screening subcommands (screen_command.cc,
// screen_evaluate.cc); private to apps/cli.
#ifndef CORDON_APPS_CLI_SCREEN_UTIL_H_
#define CORDON_APPS_CLI_SCREEN_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "apps/cli/commands.h"
#include "cordon/base/status.h"
#include "cordon/lists/list_entity.h"
#include "cordon/screening/scorer.h"

namespace cordon::cli {

std::string HomeOf(const Globals& g);
// A number in [0, 1], else InvalidArgument naming --threshold.
Result<double> ParseThreshold(const std::string& text);
Result<screening::ScorerKind> ParseScorerFlag(const std::string& text);
// The entities of every list path, or of the full CSL beside the home
// (../shared/data/peer-mcp/expanded/consolidated.csv) when paths is empty.
// A missing path is InvalidArgument naming it.
Result<std::vector<lists::ListEntity>> LoadScreeningLists(const Globals& g, const std::vector<std::string>& paths);
// RFC 4180 records (quoted fields, doubled quotes, CR LF); a leading BOM is skipped.
std::vector<std::vector<std::string>> ParseCsvText(std::string_view text);

}  // namespace cordon::cli

#endif  // CORDON_APPS_CLI_SCREEN_UTIL_H_
