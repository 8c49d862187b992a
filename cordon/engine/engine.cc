#include "cordon/engine/engine.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "cordon/lists/loader.h"
#include "cordon/screening/good_guys.h"
#include "cordon/screening/screening.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string Fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (static_cast<unsigned char>(c) >= 0x80) out += c;  // keep non-ASCII bytes (CJK names)
  }
  return out;
}

bool IsHome(const fs::path& p) { return fs::is_regular_file(p / "refdata" / "regimes.json") && fs::is_directory(p / "rules"); }

std::string FormatNumber(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}", v);
  std::string s = fmt::format("{:.4f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string FoldName(std::string_view s) { return Fold(s); }

std::string FindHome(const char* argv0) {
  if (const char* env = std::getenv("CORDON_HOME"); env && *env && IsHome(env)) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec && argv0) exe = fs::absolute(argv0, ec);
  for (fs::path p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    if (IsHome(p)) return p.string();
  }
#ifdef CORDON_SOURCE_DIR
  if (IsHome(CORDON_SOURCE_DIR)) return CORDON_SOURCE_DIR;
#endif
  return ".";
}

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  std::unique_ptr<Engine> e(new Engine());
  e->options_ = options;
  e->home_ = options.home.empty() ? FindHome(nullptr) : options.home;
  ASSIGN_OR_RETURN(e->refdata_, ReferenceData::Load(e->home_ + "/refdata"));
  std::vector<std::string> dirs = {e->home_ + "/rules"};
  for (const auto& x : options.extra_rules) dirs.push_back(x);
  ASSIGN_OR_RETURN(e->rules_, RuleSet::Load(dirs, e->refdata_, options.retire));
  e->content_levels_ = ContentLevels(*e->rules_);
  for (const auto& b : e->refdata_->list_entries()) {
    ListEntry x = b;
    x.compiled_policy = e->rules_->EntryPolicy(x);
    x.parsed_policy = static_cast<int>(ParseReviewPolicy(x.review_policy));
    const int index = static_cast<int>(e->bundled_.size());
    e->bundled_folded_.push_back(Fold(x.name));
    e->bundled_by_name_[e->bundled_folded_.back()].push_back(NameHit{index, false});
    for (const auto& a : x.aliases) e->bundled_by_name_[Fold(a)].push_back(NameHit{index, true});
    e->bundled_.push_back(std::move(x));
  }
  if (!options.lists.empty()) RETURN_IF_ERROR(e->LoadLists());
  if (!options.good_guys.empty()) {
    if (options.lists.empty()) return InvalidArgument("--good-guys: needs --lists (the entries it refers to)");
    auto gg = screening::GoodGuyList::Load(options.good_guys);
    if (!gg.ok()) return gg.status().WithPrefix("--good-guys");
    e->good_guys_ = std::make_shared<const screening::GoodGuyList>(std::move(*gg));
  }
  return e;
}

Status Engine::LoadLists() {
  std::vector<lists::ListEntity> all;
  std::vector<std::string> sources;
  for (const auto& path : options_.lists) {
    auto loaded = lists::LoadListPath(path);
    if (!loaded.ok()) return loaded.status().WithPrefix("--lists");
    for (auto& l : *loaded) {
      list_warnings_.push_back(fmt::format("{}: {} ({}): {} entries, {} warnings", l.path, l.snapshot.list, l.format,
                                           l.snapshot.entities.size(), l.warnings.size()));
      for (auto& ent : l.snapshot.entities) {
        sources.push_back(l.path);
        all.push_back(std::move(ent));
      }
    }
  }
  // The rules read list entries; the index finds them. Entry i describes index entity i.
  for (size_t i = 0; i < all.size(); ++i) {
    const lists::ListEntity& ent = all[i];
    ListEntry e;
    e.list = Symbol::Intern(ent.list);
    e.name = ent.name;
    e.aliases = ent.aliases;
    for (const auto& c : ent.countries) {
      Symbol cs = Symbol::Intern(c);
      if (refdata_->vocabulary().IsCountry(cs)) { e.country = cs; break; }
    }
    e.added = ent.start_date;
    e.removed = ent.end_date;
    e.license_requirement = ent.license_requirement;
    e.review_policy = ent.license_policy;
    e.footnotes = ent.footnotes;
    e.federal_register = ent.federal_register;
    e.source = sources[i] + "#" + ent.source_id;
    list_entries_.push_back(std::move(e));
  }
  auto index = screening::ScreeningIndex::Build(std::move(all));
  if (!index.ok()) return index.status().WithPrefix("--lists");
  index_ = std::move(*index);
  return Status::Ok();
}

std::string Engine::Version() const {
  return fmt::format("cordon 0.1.0\nrules sha256 {}\n{} rules in {} files; {} regimes", rules_->hash(),
                     rules_->rules().size(), rules_->files().size(), rules_->regimes().size());
}

Result<Transaction> Engine::ParseTransaction(const json& j, const std::string& where) const {
  return TransactionFromJson(j, refdata_->vocabulary(), where);
}

Result<Context> Engine::ParseContext(const json& j, const std::string& where) const {
  ASSIGN_OR_RETURN(Context c, ContextFromJson(j, refdata_->vocabulary(), where));
  if (!c.products_json.empty()) {
    ASSIGN_OR_RETURN(c.catalog, LoadCatalogIndex(c.products_json, where));
  }
  return c;
}

Status Engine::CheckProducts(const Transaction& tx, const Context& context) const {
  for (size_t i = 0; i < tx.items.size(); ++i) {
    const std::string& id = tx.items[i].product;
    if (id.empty()) continue;
    if (!context.catalog || !context.catalog->catalog.Find(id)) {
      return InvalidArgument(fmt::format("items[{}].product: '{}' is not a product of context.products", i, id));
    }
  }
  return Status::Ok();
}

void Engine::DeriveSupplyChain(Decision* d) const {
  bool any = false;
  for (const auto& it : d->tx.items) any = any || !it.product.empty();
  if (!any) return;
  if (!d->context.catalog && !d->context.products_json.empty()) {
    auto index = LoadCatalogIndex(d->context.products_json, "context");
    if (!index.ok()) {
      d->det.notes.push_back("context.products: " + index.status().message());
      return;
    }
    d->context.catalog = *index;
  }
  if (!d->context.catalog) {
    d->det.notes.push_back("items name catalogue products but the context has no products; their facts are unknown");
    return;
  }
  auto derived = DeriveProductFacts(*d->context.catalog, *rules_, content_levels_, d->date, &d->tx);
  if (!derived.ok()) {
    d->det.notes.push_back(derived.status().message() + "; its facts are unknown");
    return;
  }
  d->supply_chain = std::move(*derived);
  for (const auto& dv : d->supply_chain) SetItemContent(dv, std::nullopt, &d->tx.items[dv.item]);
}

void Engine::DecideContent(Decision* d) const {
  // Content whose unknowns span a de minimis level: the rules are run at the bounds and on both
  // sides of each level spanned. If every rule answers the same everywhere, the known content
  // decides (the level spanned does not matter here, e.g. the 10 % level of E:1/E:2 for China);
  // otherwise the content stays unknown and the rules that read it answer UNDETERMINED.
  for (auto& dv : d->supply_chain) {
    if (dv.content_decided || !dv.value_known || dv.levels_straddled.empty()) continue;
    Item& item = d->tx.items[dv.item];
    std::vector<double> samples = {dv.pct_low};
    for (double l : dv.levels_straddled) {
      samples.push_back(l);
      samples.push_back(std::nextafter(l, std::numeric_limits<double>::infinity()));
    }
    if (std::isfinite(dv.pct_high)) samples.push_back(dv.pct_high);
    Trace first;
    bool same = true;
    for (size_t k = 0; k < samples.size() && same; ++k) {
      SetItemContent(dv, samples[k], &item);
      for (auto& u : d->input.units) u.pct_done = false;
      Determination probe;
      Evaluator ev(*rules_, EvaluatorOptions{true});
      ev.Evaluate(d->input, d->licences, &probe);
      if (k == 0) {
        first = probe.trace;
        continue;
      }
      same = probe.trace.size() == first.size();
      for (size_t i = 0; same && i < first.size(); ++i) {
        same = first[i].rule == probe.trace[i].rule && first[i].unit == probe.trace[i].unit &&
               first[i].result == probe.trace[i].result;
      }
    }
    dv.content_decided = same;
    SetItemContent(dv, std::nullopt, &item);
  }
  for (auto& u : d->input.units) u.pct_done = false;
}

void Engine::Prepare(Decision* d) const {
  const Transaction& tx = d->tx;
  rules::EvalInput& in = d->input;
  in = rules::EvalInput();
  in.tx = &d->tx;
  in.date = d->date;
  // Facility: the end use's, else the service's; an id is looked up in the context.
  auto resolve = [&](const std::optional<Facility>& f) -> const FacilityFacts* {
    if (!f) return nullptr;
    if (f->name.empty() && f->country.empty() && !f->id.empty()) {
      for (const auto& cf : d->context.facilities) {
        if (cf.id == f->id) return &cf;
      }
    }
    return &*f;
  };
  in.facility = resolve(tx.facility);
  if (!in.facility && tx.service) in.facility = resolve(tx.service->facility);
  // Units: the items, and a service's equipment.
  for (size_t i = 0; i < tx.items.size(); ++i) {
    rules::UnitView u;
    u.item = &tx.items[i];
    u.index = static_cast<int>(i);
    in.units.push_back(u);
  }
  if (tx.service && tx.service->equipment) {
    rules::UnitView u;
    u.item = &*tx.service->equipment;
    u.index = 0;
    u.equipment = true;
    in.units.push_back(u);
  }
  if (in.units.empty()) in.units.push_back(rules::UnitView());
  for (auto& u : in.units) {
    if (!u.item) continue;
    for (size_t ri = 0; ri < rules_->regimes().size(); ++ri) {
      u.given_class[ri] = u.item->ClassificationFor(rules_->regimes()[ri]);
    }
  }
  // List entries: the context's, then the bundled ones (compiled at Open and referred to, not
  // copied). A context entry overrides a bundled entry of the same list and folded name.
  const size_t n_ctx = d->context.list_entries.size();
  d->own_entries.assign(d->context.list_entries.begin(), d->context.list_entries.end());
  std::vector<std::string> ctx_folded(n_ctx);
  std::vector<std::vector<std::string>> ctx_folded_aliases(n_ctx);
  std::vector<int> overridden;  // bundled entries a context entry replaces
  auto bundled_named = [&](const std::string& folded) -> const std::vector<NameHit>* {
    auto it = bundled_by_name_.find(folded);
    return it == bundled_by_name_.end() ? nullptr : &it->second;
  };
  for (size_t k = 0; k < n_ctx; ++k) {
    ListEntry& e = d->own_entries[k];
    ctx_folded[k] = Fold(e.name);
    for (const auto& a : e.aliases) ctx_folded_aliases[k].push_back(Fold(a));
    const std::vector<NameHit>* same_name = bundled_named(ctx_folded[k]);
    const std::string ctx_policy = same_name ? Fold(e.review_policy) : std::string();
    for (size_t h = 0; same_name && h < same_name->size(); ++h) {
      const NameHit& hit = (*same_name)[h];
      const ListEntry& b = bundled_[hit.entry];
      if (hit.alias || b.list != e.list) continue;
      overridden.push_back(hit.entry);
      // A context entry that restates a bundled one keeps the bundled entry's structured policy.
      if (!b.policy_when.empty() && e.policy_when.empty() && Fold(b.review_policy) == ctx_policy) {
        e.policy_when = b.policy_when;
        e.policy_else = b.policy_else;
        e.review_policy = b.review_policy;
      }
    }
    e.compiled_policy = rules_->EntryPolicy(e);
    e.parsed_policy = static_cast<int>(ParseReviewPolicy(e.review_policy));
  }
  std::sort(overridden.begin(), overridden.end());
  auto is_overridden = [&](int i) { return std::binary_search(overridden.begin(), overridden.end(), i); };
  d->entries.clear();
  d->entries.reserve(n_ctx + bundled_.size());
  for (const auto& e : d->own_entries) d->entries.push_back(&e);
  for (size_t i = 0; i < bundled_.size(); ++i) {
    if (!is_overridden(static_cast<int>(i))) d->entries.push_back(&bundled_[i]);
  }
  // Screening: exact match of folded names and aliases (the fuzzy index is wired in cordon/screening).
  // An entry matches on the first of the party's names (its name, then its aliases) equal to the
  // entry's name ("name" or "party alias") or to one of its aliases ("alias"); matches are listed
  // in the order of d->entries.
  d->screening.clear();
  struct Found {
    size_t order;  // position in d->entries' order: context entries first, then bundled
    const ListEntry* entry;
    const char* matched_on;
  };
  std::vector<Found> hits;
  auto match = [&](const Party& p, int index, rules::PartyView* view) {
    view->party = &p;
    view->index = index;
    hits.clear();
    auto seen = [&](size_t order) {
      for (const Found& x : hits) {
        if (x.order == order) return true;
      }
      return false;
    };
    const size_t n_names = 1 + p.aliases.size();
    for (size_t k = 0; k < n_names; ++k) {
      const std::string pn = Fold(k == 0 ? p.name : p.aliases[k - 1]);
      if (pn.empty()) continue;
      const char* on_name = k == 0 ? "name" : "party alias";
      for (size_t c = 0; c < n_ctx; ++c) {
        if (seen(c)) continue;
        const char* on = nullptr;
        if (pn == ctx_folded[c]) on = on_name;
        for (const auto& fa : ctx_folded_aliases[c]) {
          if (!on && pn == fa) on = "alias";
        }
        if (on) hits.push_back(Found{c, &d->own_entries[c], on});
      }
      if (const std::vector<NameHit>* named = bundled_named(pn)) {
        for (const NameHit& hit : *named) {
          const size_t order = n_ctx + static_cast<size_t>(hit.entry);
          if (is_overridden(hit.entry) || seen(order)) continue;  // an entry's name hit precedes its aliases'
          hits.push_back(Found{order, &bundled_[hit.entry], hit.alias ? "alias" : on_name});
        }
      }
    }
    std::sort(hits.begin(), hits.end(), [](const Found& a, const Found& b) { return a.order < b.order; });
    for (const Found& x : hits) {
      view->matches.push_back(x.entry);
      d->screening.push_back(ScreeningHit{p.name, index, x.entry, 1.0, x.matched_on});
    }
  };
  // The fuzzy index over the loaded lists: certain matches apply, possible ones are held for review.
  auto fuzzy = [&](const Party& p, int index, rules::PartyView* view) {
    if (!index_) return;
    screening::ScreeningOptions so;
    so.threshold = options_.threshold;
    std::vector<std::string> names = {p.name};
    for (const auto& a : p.aliases) names.push_back(a);
    for (const auto& n : names) {
      for (const auto& m : index_->Screen(n, so)) {
        const ListEntry* e = &list_entries_[m.entity_index];
        bool certain = m.score >= options_.certain;
        ScreeningHit hit{p.name, index, e, m.score, screening::MatchedOnName(m.matched_on), m.matched_name, m.why,
                         !certain};
        if (good_guys_) {
          // Keyed on the party as the transaction names it, whichever of its names matched.
          auto v = good_guys_->Check(p.name, index_->entity(m.entity_index));
          hit.accepted = v.status == screening::GoodGuyList::Status::kAccepted;
          hit.review = screening::GoodGuyList::Note(v);
        }
        if (hit.accepted) {
          bool shown = false;
          for (const auto& h : d->screening) shown = shown || (h.party_index == index && h.entry == e);
          if (!shown) d->screening.push_back(std::move(hit));
          continue;
        }
        auto& into = certain ? view->matches : view->possible;
        if (std::find(into.begin(), into.end(), e) != into.end()) continue;
        into.push_back(e);
        d->screening.push_back(std::move(hit));
      }
    }
  };
  in.parties.resize(tx.parties.size());
  for (size_t i = 0; i < tx.parties.size(); ++i) {
    match(tx.parties[i], static_cast<int>(i), &in.parties[i]);
    fuzzy(tx.parties[i], static_cast<int>(i), &in.parties[i]);
  }
  match(tx.exporter, -1, &in.exporter);
  fuzzy(tx.exporter, -1, &in.exporter);
  if (tx.service) {
    in.has_performer = true;
    match(tx.service->performer, -2, &in.performer);
    fuzzy(tx.service->performer, -2, &in.performer);
  }
  // Licences named by the transaction.
  d->licences.clear();
  for (const auto& id : tx.licenses) {
    bool found = false;
    for (const auto& l : d->context.licenses) {
      if (l.id == id) {
        d->licences.push_back(&l);
        found = true;
      }
    }
    if (!found) d->det.notes.push_back("licence '" + id + "' is not in the licence register or context; it authorises nothing");
  }
}

namespace {

// One evaluator per thread and rule set, kept between determinations: an evaluator is made to be
// reused (what it remembers — the rules in force per date, Country Chart rows, ECCN hierarchy
// answers — holds for every evaluation under the same rules; bench W6 checks a second pass gives the
// same answers), and making one zeroes its memos (~100 KB) per determination. The weak_ptr ties it
// to that rule set: one rule set gone, another at the same address is not mistaken for it.
Evaluator& ThreadEvaluator(const std::shared_ptr<const RuleSet>& rules, bool trace) {
  struct Kept {
    std::weak_ptr<const RuleSet> rules;
    bool trace = false;
    std::unique_ptr<Evaluator> ev;
  };
  thread_local Kept kept;
  const bool same = kept.ev && kept.trace == trace && !kept.rules.owner_before(rules) &&
                    !rules.owner_before(kept.rules) && !kept.rules.expired();
  if (!same) {
    kept.ev = std::make_unique<Evaluator>(*rules, EvaluatorOptions{trace});
    kept.rules = rules;
    kept.trace = trace;
  }
  return *kept.ev;
}

}  // namespace

std::unique_ptr<Decision> Engine::Determine(Transaction tx, Context context, std::optional<Date> date) const {
  auto d = std::make_unique<Decision>();
  d->tx = std::move(tx);
  d->context = std::move(context);
  d->date = date ? *date : (d->tx.date_given ? d->tx.date : Date::Today());
  DeriveSupplyChain(d.get());
  Prepare(d.get());
  DecideContent(d.get());
  ThreadEvaluator(rules_, options_.trace).Evaluate(d->input, d->licences, &d->det);
  for (const auto& dv : d->supply_chain) {
    if (dv.content_decided || dv.us_origin) continue;
    std::string why;
    for (const auto& m : dv.missing) why += (why.empty() ? "" : ", ") + m.part + "." + m.fact;
    if (!dv.value_known) why = dv.product + ".unit_value" + (why.empty() ? "" : ", " + why);
    d->det.notes.push_back(fmt::format("item {}: the de minimis content of {} for {} cannot be decided without: {}",
                                       dv.item_id, dv.product, d->tx.destination.text(), why));
  }
  // Stated vs computed de minimis content: say so when they differ.
  for (const auto& u : d->input.units) {
    if (!u.item || !u.pct_done || !u.pct_from_parts || !u.item->controlled_value) continue;
    if (std::fabs(u.counted_value - u.item->controlled_value->amount) > 0.005 * std::max(1.0, u.counted_value)) {
      d->det.notes.push_back(fmt::format(
          "item {}: the stated controlled US content ({}) differs from what the itemised parts give for {} ({}); "
          "the parts were used",
          u.item->id, FormatNumber(u.item->controlled_value->amount), d->tx.destination.text(),
          FormatNumber(u.counted_value)));
    }
  }
  return d;
}

// ---------------------------------------------------------------------------
// Rendering

std::string Engine::RenderExplain(const Decision& d, const Reason& r, const std::string& tmpl) const {
  const rules::UnitView* unit = r.unit >= 0 && r.unit < static_cast<int>(d.input.units.size()) ? &d.input.units[r.unit] : nullptr;
  const Item* item = unit ? unit->item : nullptr;
  const FacilityFacts* fac = d.input.facility;
  auto value = [&](const std::string& key) -> std::string {
    const Transaction& tx = d.tx;
    if (key == "destination") return std::string(tx.destination.text());
    if (key == "ship_from") return std::string(tx.ship_from.text());
    if (key == "date") return d.date.ToString();
    if (key == "exporter") return tx.exporter.name;
    if (key == "exporter.headquarters") return std::string(tx.exporter.headquarters.text());
    if (key == "route") {
      std::string s;
      for (auto c : tx.route) s += (s.empty() ? "" : ", ") + std::string(c.text());
      return s;
    }
    if (key.rfind("item.", 0) == 0 && item) {
      std::string f = key.substr(5);
      if (f == "id") return item->id;
      if (f == "made_in") return std::string(item->made_in.text());
      if (f.rfind("class.", 0) == 0) {
        Symbol regime = Symbol::Intern(f.substr(6));
        int ri = rules_->RegimeIndex(regime);
        if (ri >= 0 && unit->derived_by[ri] >= 0) return std::string(unit->derived_class[ri].text());
        Symbol c = item->ClassificationFor(regime);
        return c.empty() ? "unclassified" : std::string(c.text());
      }
      if (f == "us_content_pct") {
        if (!unit->pct_done) rules_->program().ContentPct(*unit, d.input);
        return unit->pct_known == Tri::kTrue ? FormatNumber(unit->pct) + " %" : "unknown";
      }
      if (f == "counted_value") return FormatNumber(unit->counted_value);
      if (f.rfind("spec.", 0) == 0) {
        const SpecValue* v = item->Spec(Symbol::Intern(f.substr(5)));
        if (!v) return "?";
        if (v->kind == SpecValue::Kind::kNumber) return FormatNumber(v->number);
        if (v->kind == SpecValue::Kind::kBool) return v->flag ? "yes" : "no";
        return std::string(v->text.text());
      }
      if (f == "mrf_nm") {
        const SpecValue* wl = item->Spec(Symbol::Intern("wavelength_nm"));
        const SpecValue* na = item->Spec(Symbol::Intern("numerical_aperture"));
        if (wl && na && na->number > 0) return FormatNumber(std::round(wl->number * 0.35 / na->number * 100) / 100) + " nm";
        return "?";
      }
    }
    if (key.rfind("facility.", 0) == 0 && fac) {
      std::string f = key.substr(9);
      if (f == "name") return fac->name;
      if (f == "country") return std::string(fac->country.text());
      if (f == "headquarters") return std::string(fac->headquarters.text());
      if (f == "ic") return std::string(fac->ic.text());
      if (f == "node_nm" && fac->node_nm) return FormatNumber(*fac->node_nm) + " nm";
      if (f == "nand_layers" && fac->nand_layers) return FormatNumber(*fac->nand_layers);
      if (f == "dram_half_pitch_nm" && fac->dram_half_pitch_nm) return FormatNumber(*fac->dram_half_pitch_nm) + " nm";
      if (f == "dram_cell_area_um2" && fac->dram_cell_area_um2) return FormatNumber(*fac->dram_cell_area_um2);
      if (f == "dram_density_gb_mm2" && fac->dram_density_gb_mm2) return FormatNumber(*fac->dram_density_gb_mm2);
      return "?";
    }
    if (key == "entry" || key == "entry.policy" || key == "entry.requirement" || key == "entry.added") {
      std::string s;
      for (int i = 0; i < r.n_entries; ++i) {
        const ListEntry& e = *r.entries[i];
        std::string v = key == "entry" ? e.name
                        : key == "entry.policy" ? e.review_policy
                        : key == "entry.requirement" ? e.license_requirement
                        : (e.added ? e.added->ToString() : "?");
        s += (s.empty() ? "" : "; ") + v;
      }
      return s.empty() ? "?" : s;
    }
    if (key == "rows") {
      std::string s;
      for (int i = 0; i < r.n_rows; ++i) {
        const ChartRow& row = *r.rows[i];
        std::string where = !row.column.empty() ? std::string(row.column.text()) + " column"
                            : row.worldwide ? "worldwide"
                            : "destination list";
        s += (s.empty() ? "" : "; ") + std::string(row.reason.text()) + " (" + where +
             (row.cite.empty() ? "" : ", " + row.cite) + ")";
      }
      return s.empty() ? "?" : s;
    }
    if (key == "performer") return d.tx.service ? d.tx.service->performer.name : "?";
    if (key == "performer.employer") {
      return d.tx.service && d.tx.service->performer.employer ? d.tx.service->performer.employer->name : "?";
    }
    return "{" + key + "}";
  };
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      size_t end = tmpl.find('}', i);
      if (end != std::string::npos) {
        out += value(tmpl.substr(i + 1, end - i - 1));
        i = end;
        continue;
      }
    }
    out += tmpl[i];
  }
  return out;
}

json Engine::ReasonJson(const Decision& d, const Reason& r, bool otherwise) const {
  const Rule& rule = rules_->rules()[r.rule];
  json j;
  j["rule"] = rule.id;
  std::string cite = rule.cite;
  for (int i = 0; i < r.n_rows; ++i) {
    if (!r.rows[i]->cite.empty() && cite.find(r.rows[i]->cite) == std::string::npos) cite += "; " + r.rows[i]->cite;
  }
  j["cite"] = cite;
  j["outcome"] = OutcomeName(r.outcome);
  j["review_policy"] = r.policy == ReviewPolicy::kNone ? json() : json(ReviewPolicyName(r.policy));
  std::string because = RenderExplain(d, r, otherwise && !rule.otherwise.empty() ? rule.otherwise : rule.explain);
  if (r.outcome == Outcome::kUndetermined && rule.outcome != Outcome::kUndetermined) {
    // The rule could neither fire nor be ruled out: say what it asks and what is missing.
    because = (rule.title.empty() ? rule.id : rule.title);
  }
  if (r.outcome == Outcome::kUndetermined && r.n_missing > 0) {
    because += " — cannot tell without: ";
    for (int i = 0; i < r.n_missing; ++i) {
      because += (i ? ", " : "") + rules_->program().MissingPath(r.missing[i], r.unit >= 0 ? &d.input.units[r.unit] : nullptr);
    }
  }
  j["because"] = because;
  j["verified"] = rule.verified;
  if (!rule.note.empty()) j["note"] = rule.note;
  if (r.unit >= 0 && d.input.units[r.unit].item) {
    j["item"] = d.input.units[r.unit].item->id;
  }
  if (r.overcome_by >= 0) {
    const Rule& ex = rules_->rules()[r.overcome_by];
    j["overcome_by"] = {{"rule", ex.id}, {"cite", ex.cite}};
  }
  if (r.licence) {
    j["licence"] = {{"id", r.licence->id}, {"state", LicenceStateName(r.licence_state)}};
    if (r.licence_state == LicenceState::kRevoked && r.licence->revoked) j["licence"]["revoked"] = r.licence->revoked->ToString();
    if (r.licence_state == LicenceState::kExpired && r.licence->expires) j["licence"]["expires"] = r.licence->expires->ToString();
  }
  if (r.n_entries > 0) {
    json entries = json::array();
    for (int i = 0; i < r.n_entries; ++i) {
      const ListEntry& e = *r.entries[i];
      json ej = {{"list", std::string(e.list.text())}, {"name", e.name}};
      if (!e.review_policy.empty()) ej["review_policy"] = e.review_policy;
      if (!e.license_requirement.empty()) ej["license_requirement"] = e.license_requirement;
      if (!e.footnotes.empty()) ej["footnotes"] = e.footnotes;
      ej["verified"] = e.verified;
      if (!e.verified && !e.note.empty()) ej["note"] = e.note;
      entries.push_back(ej);
    }
    j["entries"] = entries;
  }
  if (!rule.unverified_sets.empty()) {
    // The rule consults reference sets whose membership the fact sheets do not confirm.
    json sets = json::array();
    for (const NamedSet* s : rule.unverified_sets) {
      sets.push_back({{"set", std::string(s->id.text())}, {"name", s->name}, {"note", s->note}});
    }
    j["unverified_sets"] = sets;
  }
  return j;
}

std::vector<std::string> Engine::UnverifiedBasis(const Jurisdiction& j) const {
  std::vector<std::string> out;
  auto add = [&](std::string what) {
    if (std::find(out.begin(), out.end(), what) == out.end()) out.push_back(std::move(what));
  };
  auto note = [&](const Reason& r) {
    const Rule& rule = rules_->rules()[r.rule];
    if (!rule.verified) add("rule " + rule.id + " (" + rule.cite + ")");
    for (int i = 0; i < r.n_entries; ++i) {
      const ListEntry& e = *r.entries[i];
      if (!e.verified) add(std::string(e.list.text()) + " entry " + e.name);
    }
  };
  for (const Reason& r : j.subject_because) note(r);
  for (const Reason& r : j.classified) note(r);
  for (const Reason& r : j.reasons) note(r);
  for (const Reason& r : j.exceptions) note(r);
  return out;
}

// RenderJsonText (render_json.cc) writes this same text without the tree, for cordon serve: a field
// added here is added there too (engine_render_json_test compares the two over every case).
json Engine::RenderJson(const Decision& d) const {
  const Determination& det = d.det;
  json out;
  out["transaction"] = d.tx.id;
  out["date"] = d.date.ToString();
  out["rules_version"] = rules_->hash();
  out["overall"] = OutcomeName(det.overall);
  out["hold"] = det.hold;
  json juris = json::object();
  for (const Jurisdiction& j : det.jurisdictions) {
    json jj;
    jj["outcome"] = OutcomeName(j.outcome);
    jj["review_policy"] = j.policy == ReviewPolicy::kNone ? json() : json(ReviewPolicyName(j.policy));
    json because = json::array();
    for (const Reason& r : j.subject_because) {
      const Rule& rule = rules_->rules()[r.rule];
      json b = {{"rule", rule.id}, {"cite", rule.cite}, {"because", RenderExplain(d, r, rule.explain)},
                {"verified", rule.verified}};
      if (r.unit >= 0 && d.input.units[r.unit].item) b["item"] = d.input.units[r.unit].item->id;
      because.push_back(b);
    }
    jj["subject"] = {{"value", j.subject == Tri::kUnknown ? json() : json(j.subject == Tri::kTrue)},
                     {"because", because}};
    json reasons = json::array();
    if (j.outcome == Outcome::kNotSubject) {
      j.ForEachNotReached([&](const Reason& r) { reasons.push_back(ReasonJson(d, r, true)); });
    }
    for (const Reason& r : j.reasons) reasons.push_back(ReasonJson(d, r, false));
    jj["reasons"] = reasons;
    if (!j.classified.empty()) {
      json cls = json::array();
      for (const Reason& r : j.classified) {
        const Rule& rule = rules_->rules()[r.rule];
        cls.push_back({{"rule", rule.id}, {"cite", rule.cite}, {"classification", std::string(rule.classify_as.text())},
                       {"because", RenderExplain(d, r, rule.explain)}, {"verified", rule.verified},
                       {"item", d.input.units[r.unit].item ? d.input.units[r.unit].item->id : ""}});
      }
      jj["classification"] = cls;
    }
    json ex = json::array();
    for (const Reason& r : j.exceptions) {
      const Rule& rule = rules_->rules()[r.rule];
      ex.push_back({{"rule", rule.id}, {"cite", rule.cite}, {"because", RenderExplain(d, r, rule.explain)}});
    }
    jj["exceptions"] = ex;
    json missing = json::array();
    for (const MissingFact& m : j.missing) {
      std::string p = rules_->program().MissingPath(m.ref, m.unit >= 0 ? &d.input.units[m.unit] : nullptr);
      if (std::find(missing.begin(), missing.end(), p) == missing.end()) missing.push_back(p);
    }
    jj["missing"] = missing;
    std::vector<std::string> unverified = UnverifiedBasis(j);
    jj["verified"] = !j.rests_on_unverified && unverified.empty();
    jj["unverified"] = unverified;
    juris[std::string(j.regime.text())] = jj;
  }
  out["jurisdictions"] = juris;
  json screening = json::array();
  for (const auto& h : d.screening) {
    json hj = {{"party", h.party}, {"list", std::string(h.entry->list.text())}, {"entry", h.entry->name},
               {"score", h.score}, {"matched_on", h.matched_on},
               {"status", h.accepted ? "accepted" : h.possible ? "possible" : "match"}};
    if (!h.matched_name.empty()) hj["matched_name"] = h.matched_name;
    if (!h.review.empty()) hj["review"] = h.review;
    if (!h.why.empty()) hj["why"] = h.why;
    hj["verified"] = h.entry->verified;
    if (!h.entry->verified && !h.entry->note.empty()) hj["note"] = h.entry->note;
    screening.push_back(hj);
  }
  out["screening"] = screening;
  if (!d.supply_chain.empty()) {
    json scj = json::array();
    for (const auto& dv : d.supply_chain) scj.push_back(DerivationJson(dv));
    out["supply_chain"] = scj;
  }
  json notes = json::array();
  for (const auto& n : det.notes) notes.push_back(n);
  out["notes"] = notes;
  json trace = json::array();
  for (const TraceStep& s : det.trace) {
    const Rule& rule = rules_->rules()[s.rule];
    std::string item = s.unit >= 0 && d.input.units[s.unit].item ? d.input.units[s.unit].item->id : "-";
    trace.push_back(fmt::format("{} {} [{}] item {}: {}", rule.regime.text(), rule.id, StageName(rule.stage), item,
                                s.result == Tri::kTrue ? "true" : s.result == Tri::kFalse ? "false" : "unknown"));
  }
  out["trace"] = trace;
  return out;
}

std::string Engine::RenderText(const Decision& d) const {
  json j = RenderJson(d);
  std::ostringstream o;
  o << "Transaction " << (d.tx.id.empty() ? "(no id)" : d.tx.id) << " on " << d.date.ToString() << ": "
    << j["overall"].get<std::string>() << (d.det.hold ? "  — HOLD" : "") << "\n";
  o << "  rules " << rules_->hash().substr(0, 16) << "\n";
  for (const Jurisdiction& jr : d.det.jurisdictions) {
    const json& jj = j["jurisdictions"][std::string(jr.regime.text())];
    o << "\n" << jr.regime.text() << "  " << jj["outcome"].get<std::string>();
    if (!jj["review_policy"].is_null()) o << "  review: " << jj["review_policy"].get<std::string>();
    if (!jj["verified"].get<bool>()) o << "  (rests on UNVERIFIED rules or list entries)";
    o << "\n  " << refdata_->RegimeName(jr.regime) << "\n";
    for (const auto& c : jj.value("classification", json::array())) {
      o << "  classified " << c["item"].get<std::string>() << " as " << c["classification"].get<std::string>() << ": "
        << c["because"].get<std::string>() << "  [" << c["cite"].get<std::string>() << "]"
        << (c["verified"].get<bool>() ? "" : " UNVERIFIED") << "\n";
    }
    for (const auto& b : jj["subject"]["because"]) {
      o << "  reaches: " << b["because"].get<std::string>() << "  [" << b["cite"].get<std::string>() << "; "
        << b["rule"].get<std::string>() << "]" << (b["verified"].get<bool>() ? "" : " UNVERIFIED") << "\n";
    }
    for (const auto& r : jj["reasons"]) {
      o << "  - " << r["outcome"].get<std::string>();
      if (!r["review_policy"].is_null()) o << " (" << r["review_policy"].get<std::string>() << ")";
      o << ": " << r["because"].get<std::string>() << "\n      " << r["cite"].get<std::string>() << "  ["
        << r["rule"].get<std::string>() << "]" << (r["verified"].get<bool>() ? "" : "  UNVERIFIED");
      if (r.contains("item")) o << "  item " << r["item"].get<std::string>();
      o << "\n";
      if (r.contains("licence")) {
        o << "      licence " << r["licence"]["id"].get<std::string>() << ": " << r["licence"]["state"].get<std::string>();
        if (r["licence"].contains("revoked")) o << " on " << r["licence"]["revoked"].get<std::string>();
        o << "\n";
      }
      if (r.contains("overcome_by")) {
        o << "      overcome by " << r["overcome_by"]["cite"].get<std::string>() << "\n";
      }
      if (r.contains("note")) o << "      note: " << r["note"].get<std::string>() << "\n";
      for (const auto& e : r.value("entries", json::array())) {
        if (e["verified"].get<bool>()) continue;
        o << "      entry \"" << e["name"].get<std::string>() << "\" (" << e["list"].get<std::string>()
          << ") is UNVERIFIED" << (e.contains("note") ? ": " + e["note"].get<std::string>() : "") << "\n";
      }
      for (const auto& s : r.value("unverified_sets", json::array())) {
        o << "      consults " << s["set"].get<std::string>() << ", membership UNVERIFIED: " << s["note"].get<std::string>()
          << "\n";
      }
    }
    if (!jj["missing"].empty()) {
      o << "  missing facts:";
      for (const auto& m : jj["missing"]) o << " " << m.get<std::string>();
      o << "\n";
    }
  }
  if (!d.screening.empty()) {
    o << "\nScreening\n";
    for (const auto& h : d.screening) {
      o << "  " << h.party << (h.accepted ? " was accepted as not " : h.possible ? " possibly matches " : " matches ")
        << h.entry->list.text() << " entry \"" << h.entry->name << "\" (" << h.matched_on << ", score "
        << fmt::format("{:.2f}", h.score) << ")" << (h.why.empty() ? "" : "  " + h.why)
        << (h.accepted ? "" : h.possible ? "  — review: confirm or reject" : "")
        << (h.review.empty() ? "" : "  [" + h.review + "]") << (h.entry->verified ? "" : "  (entry UNVERIFIED)")
        << "\n";
    }
  }
  for (const auto& dv : d.supply_chain) {
    o << "\nSupply chain: item " << dv.item_id << " is catalogue product " << dv.product << "\n"
      << DerivationText(dv, "  ");
  }
  for (const auto& n : d.det.notes) o << "\nnote: " << n << "\n";
  return o.str();
}

}  // namespace cordon
