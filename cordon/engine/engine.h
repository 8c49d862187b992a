// Engine: start here. Wires reference data, rules and list matching into
// determinations (docs/architecture.md).
//
//   ASSIGN_OR_RETURN(auto engine, Engine::Open(options));
//   ASSIGN_OR_RETURN(Transaction t, engine->ParseTransaction(json, "order.json"));
//   Decision d = engine->Determine(t, context, std::nullopt);
//   std::cout << engine->RenderText(d);
//
// An Engine is immutable after Open and may be shared by threads; each Determine
// call builds its own Decision.
#ifndef CORDON_ENGINE_ENGINE_H_
#define CORDON_ENGINE_ENGINE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/base/status.h"
#include "cordon/engine/supply_chain.h"
#include "cordon/model/transaction.h"
#include "cordon/refdata/reference_data.h"
#include "cordon/rules/determination.h"
#include "cordon/rules/evaluator.h"
#include "cordon/rules/rule_set.h"

namespace cordon {

namespace screening {
class ScreeningIndex;
class GoodGuyList;
}  // namespace screening

struct EngineOptions {
  // The repository-style home holding rules/ and refdata/. Empty: found next to the binary.
  std::string home;
  // Extra rule files or folders (scenarios, local rules) loaded with the bundled ones.
  std::vector<std::string> extra_rules;
  // Rules an overlay ends from a date (what-if scenarios, cordon/whatif).
  std::vector<RuleRetirement> retire;
  bool trace = true;
  // Restricted-party lists in their publishers' formats (files or folders), screened with the
  // fuzzy index (cordon/screening). Matches at or above `certain` apply in the rules; matches from
  // `threshold` up to it are possible matches: shown for review, and the rules that turn on them
  // answer UNDETERMINED until a person confirms or rejects the match.
  std::vector<std::string> lists;
  double threshold = 0.90;
  double certain = 0.97;
  // Accepted false positives (cordon/screening/good_guys.h), JSON Lines. A hit a reviewer has
  // accepted for this party and this entry is shown as accepted and applies in no rule, until
  // the entry changes: then it counts again (as a match or a possible match) and says so.
  std::string good_guys;
};

// One party's hit on a list entry, as shown under "screening".
struct ScreeningHit {
  std::string party;
  int party_index = -1;  // -1 exporter, -2 performer
  const ListEntry* entry = nullptr;
  double score = 1.0;
  std::string matched_on;  // name | alias
  std::string matched_name;
  std::string why;
  bool possible = false;   // below certainty: to be reviewed
  bool accepted = false;   // an accepted false positive (good-guy list): not applied
  std::string review;      // the good-guy decision: who, when, why; or that it is stale
};

// Everything one determination needs to be rendered or replayed.
struct Decision {
  Transaction tx;
  Context context;
  Date date;
  rules::EvalInput input;
  std::vector<const License*> licences;
  // The context's own list entries, with their policies compiled for this call.
  std::vector<ListEntry> own_entries;
  // Every list entry of this call: the context's (in own_entries), then the bundled ones (owned
  // by the Engine, which must outlive the Decision) that no context entry overrides.
  std::vector<const ListEntry*> entries;
  std::vector<ScreeningHit> screening;
  // Items that name a catalogue product: what the catalogue gave them (docs/supply-chain.md).
  std::vector<ProductDerivation> supply_chain;
  Determination det;
  Decision() = default;
  Decision(const Decision&) = delete;  // input points into tx and own_entries
  Decision& operator=(const Decision&) = delete;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);

  Result<Transaction> ParseTransaction(const nlohmann::json& j, const std::string& where) const;
  Result<Context> ParseContext(const nlohmann::json& j, const std::string& where) const;

  // Items naming a product that context.products lacks: InvalidArgument naming items[i].product.
  Status CheckProducts(const Transaction& tx, const Context& context) const;

  // `date` overrides the transaction's date; without either, today.
  std::unique_ptr<Decision> Determine(Transaction tx, Context context, std::optional<Date> date) const;

  nlohmann::json RenderJson(const Decision& d) const;
  // The text of RenderJson(d).dump(), the same bytes, written straight into one string without
  // the tree (render_json.cc): what `cordon serve` answers. trace = false leaves "trace" out.
  std::string RenderJsonText(const Decision& d, bool trace = true) const;
  std::string RenderText(const Decision& d) const;

  const RuleSet& rules() const { return *rules_; }
  const ReferenceData& refdata() const { return *refdata_; }
  const std::string& home() const { return home_; }
  std::string Version() const;
  // Loading notes of --lists (counts, warnings), for the command line to show.
  const std::vector<std::string>& list_notes() const { return list_warnings_; }
  // The fuzzy index over the --lists entities (null without lists): `cordon serve` screens with it.
  const screening::ScreeningIndex* screening_index() const { return index_.get(); }

  // Prepares the evaluation input of a decision (units, parties and their list
  // matches, facility, licences). Public for benchmarks that time evaluation alone.
  void Prepare(Decision* d) const;

 private:
  Engine() = default;
  std::string RenderExplain(const Decision& d, const Reason& r, const std::string& tmpl) const;
  nlohmann::json ReasonJson(const Decision& d, const Reason& r, bool otherwise) const;
  // What a jurisdiction's answer rests on that the fact sheets mark UNVERIFIED: "rule <id> (<cite>)"
  // for each unverified rule that fired, "<list> entry <name>" for each unverified entry matched.
  std::vector<std::string> UnverifiedBasis(const Jurisdiction& j) const;

  Status LoadLists();
  // Derives the catalogue facts of the items naming products (before Prepare), and after it
  // settles content the unknowns leave between de minimis levels (DecideContent).
  void DeriveSupplyChain(Decision* d) const;
  void DecideContent(Decision* d) const;

  std::string home_;
  std::shared_ptr<const screening::ScreeningIndex> index_;
  std::shared_ptr<const screening::GoodGuyList> good_guys_;
  std::vector<ListEntry> list_entries_;  // the loaded lists' entities, by index entity number
  // The bundled list entries (refdata), with their policies compiled and names folded once at Open.
  std::vector<ListEntry> bundled_;
  std::vector<std::string> bundled_folded_;
  // Exact matching: folded name or alias -> the bundled entries that carry it, in entry order
  // (for one entry its name comes before its aliases).
  struct NameHit {
    int entry;
    bool alias;
  };
  std::unordered_map<std::string, std::vector<NameHit>> bundled_by_name_;
  std::vector<std::string> list_warnings_;
  std::shared_ptr<const ReferenceData> refdata_;
  std::shared_ptr<const RuleSet> rules_;
  EngineOptions options_;
  std::vector<double> content_levels_;  // the de minimis levels the rules compare with
};

// Finds the cordon home (a folder with rules/ and refdata/): $CORDON_HOME, then
// upwards from the executable, then the source tree the binary was built from.
std::string FindHome(const char* argv0);

// A name as exact list matching compares it: lower-case letters and digits, other ASCII dropped.
std::string FoldName(std::string_view s);

}  // namespace cordon

#endif  // CORDON_ENGINE_ENGINE_H_
