#include "cordon/screening/internal/name_table.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <unordered_map>

#include "cordon/screening/internal/query_forms.h"

namespace cordon::screening::internal {

namespace {

// CharBit as a table (Features runs over every key of an index build).
constexpr std::array<int8_t, 256> kCharBit = [] {
  std::array<int8_t, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = static_cast<int8_t>(c >= 'a' && c <= 'z' ? c - 'a' : c >= '0' && c <= '9' ? 26 + (c - '0') : c == ' ' ? 36 : -1);
  return t;
}();

}  // namespace

int CharBit(char c) { return kCharBit[static_cast<unsigned char>(c)]; }

KeyFeatures Features(std::string_view key) {
  KeyFeatures f;
  f.len = static_cast<uint32_t>(key.size());
  for (char c : key) {
    const int b = kCharBit[static_cast<unsigned char>(c)];
    if (b < 0) continue;
    const uint64_t bit = uint64_t{1} << b;
    f.m2 |= f.m1 & bit;
    f.m1 |= bit;
  }
  for (size_t i = 0; i < 4 && i < key.size(); ++i)
    f.first4 |= static_cast<uint32_t>(static_cast<unsigned char>(key[i])) << (8 * i);
  return f;
}

void AssignKeys(const NormalizedName& n, NormalizedKeys* k) {
  k->joined.clear(), k->set.clear(), k->weak.clear();
  for (const auto& t : n.strong) k->joined += t;
  // The distinct tokens, sorted (views: no copies; up to 16 on the stack).
  std::string_view small[16];
  std::vector<std::string_view> large;
  std::string_view* v = small;
  if (n.strong.size() > std::size(small)) {
    large.resize(n.strong.size());
    v = large.data();
  }
  std::copy(n.strong.begin(), n.strong.end(), v);
  std::sort(v, v + n.strong.size());
  std::string_view* const end = std::unique(v, v + n.strong.size());
  for (std::string_view* t = v; t != end; ++t) {
    if (t != v) k->set += ' ';
    k->set += *t;
  }
  for (const auto& t : n.weak) {
    if (!k->weak.empty()) k->weak += ' ';
    k->weak += t;
  }
}

NormalizedKeys MakeKeys(const NormalizedName& n) {
  NormalizedKeys k;
  AssignKeys(n, &k);
  return k;
}

namespace {

std::string SkeletonKey(const NormalizedKeys& k, bool vav_as_v) { return ConsonantSkeleton(k.joined, vav_as_v); }

}  // namespace

QueryForm::QueryForm(NormalizedKeys form_keys, KeyKind target_kind, const ScreeningOptions& options)
    : keys(std::move(form_keys)),
      target(target_kind),
      strong_threshold(keys.weak.empty() ? options.threshold
                                         : (options.threshold - kWeakWeight) / (1.0 - kWeakWeight)),
      strong(options.scorer, target == KeyKind::kSet ? keys.set : keys.joined),
      weak(options.scorer, keys.weak) {
  features = Features(key());
  int counts[64] = {};
  for (char c : key())
    if (int b = CharBit(c); b >= 0) ++counts[b];
  for (int b = 0; b < 64; ++b) {
    for (int k = 0; k < counts[b] && k < 16; ++k) at_least[k] |= uint64_t{1} << b;
    max_count = std::max(max_count, std::min(counts[b], 16));
  }
}

PreparedQuery::PreparedQuery(std::string_view query, const Normalizer& normalizer, const ScreeningOptions& options)
    : name(normalizer.Normalize(query)), kind(options.scorer), threshold(options.threshold) {
  const KeyKind own = kind == ScorerKind::kTokenSet ? KeyKind::kSet : KeyKind::kJoined;
  NormalizedKeys base = MakeKeys(name);
  if (base.joined.empty()) return;
  forms.emplace_back(base, own, options);
  QueryVariants v = AlternativeSpellings(query, normalizer);
  for (const auto& sp : v.spellings) {
    NormalizedName alt = normalizer.Normalize(sp);
    alt.weak = name.weak;  // the spelling replaces the words, not the legal form
    NormalizedKeys k = MakeKeys(alt);
    bool seen = k.joined.empty();
    for (const auto& f : forms) seen = seen || (f.target == own && f.keys.joined == k.joined && f.keys.set == k.set);
    if (!seen) forms.emplace_back(std::move(k), own, options);
  }
  if (v.skeleton) {
    for (bool vav : {false, true}) {
      if (vav && !v.vav_as_v) continue;
      NormalizedKeys k = base;
      k.joined = SkeletonKey(base, vav);
      k.set = k.joined;
      bool seen = k.joined.empty();
      for (const auto& f : forms) seen = seen || (f.target == KeyKind::kSkeleton && f.keys.joined == k.joined);
      if (!seen) forms.emplace_back(std::move(k), KeyKind::kSkeleton, options);
    }
  }
}

// Scratch of the constructor: reused strings (no allocation per name once
// they have grown) and the weak key ids.
struct NameTable::Builder {
  NormalizedKeys keys;
  std::unordered_map<std::string, uint32_t> weak_ids;
  uint32_t empty_weak = UINT32_MAX;  // the id of "" (most names have no legal form)
};

NameTable::NameTable(std::vector<lists::ListEntity> entities, std::unique_ptr<const Normalizer> normalizer)
    : entities_(std::move(entities)), normalizer_(std::move(normalizer)) {
  size_t names = 0, chars = 0;
  for (const auto& e : entities_) {
    names += 1 + e.aliases.size(), chars += e.name.size();
    for (const auto& a : e.aliases) chars += a.size();
  }
  refs_.reserve(names), joined_.reserve(names), set_.reserve(names), skeleton_.reserve(names), weak_id_.reserve(names);
  // Joined + set + skeleton keys take about 2.5 bytes per byte of text (the
  // arena grew by doubling and copying before).
  arena_.reserve(chars * 5 / 2);
  Builder b;
  for (uint32_t e = 0; e < entities_.size(); ++e) {
    const lists::ListEntity& ent = entities_[e];
    AddName(e, 0, ent.name, b);
    for (uint32_t a = 0; a < ent.aliases.size(); ++a) AddName(e, a + 1, ent.aliases[a], b);
  }
}

NameTable::Span NameTable::Add(std::string_view s) {
  Span sp{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(s.size())};
  arena_.append(s);
  return sp;
}

void NameTable::AddKeys(uint32_t entity, uint32_t slot, const NormalizedName& n, Builder& b) {
  NormalizedKeys& k = b.keys;
  AssignKeys(n, &k);
  if (k.joined.empty()) return;
  refs_.push_back(NameRef{entity, slot});
  joined_.push_back(Add(k.joined));
  set_.push_back(Add(k.set));
  uint32_t weak;
  if (k.weak.empty() && b.empty_weak != UINT32_MAX) {
    weak = b.empty_weak;
  } else {
    auto [it, inserted] = b.weak_ids.try_emplace(k.weak, static_cast<uint32_t>(weak_keys_.size()));
    if (inserted) weak_keys_.push_back(Add(k.weak));
    weak = it->second;
    if (k.weak.empty()) b.empty_weak = weak;
  }
  weak_id_.push_back(weak);
  // The skeleton goes straight into the arena (k.joined is not the arena).
  const auto off = static_cast<uint32_t>(arena_.size());
  AppendConsonantSkeleton(k.joined, false, &arena_);
  skeleton_.push_back(Span{off, static_cast<uint32_t>(arena_.size() - off)});
}

void NameTable::AddName(uint32_t entity, uint32_t slot, const std::string& text, Builder& b) {
  NormalizedName n = normalizer_->Normalize(text);
  AddKeys(entity, slot, n, b);
  // Name-order variant: OFAC and others write individuals "LAST, First";
  // the variant "First LAST" is indexed as the same name.
  if (entities_[entity].type == lists::EntityType::kIndividual) {
    size_t comma = text.find(',');
    if (comma != std::string::npos && text.find(',', comma + 1) == std::string::npos) {
      NormalizedName v = normalizer_->Normalize(text.substr(comma + 1) + " " + text.substr(0, comma));
      if (v.strong != n.strong) AddKeys(entity, slot, v, b);
    } else if (comma == std::string::npos && n.strong.size() >= 2) {
      // "Nikolay Alekseyevich OVCHINNIKOV" is also written "OVCHINNIKOV
      // Nikolay Alekseyevich": index the family name first and last.
      NormalizedName v = n;
      std::rotate(v.strong.rbegin(), v.strong.rbegin() + 1, v.strong.rend());
      AddKeys(entity, slot, v, b);
      if (n.strong.size() >= 3) {
        NormalizedName w = n;
        std::rotate(w.strong.begin(), w.strong.begin() + 1, w.strong.end());
        AddKeys(entity, slot, w, b);
      }
    }
  }
}

const std::string& NameTable::name_text(uint32_t i) const {
  const NameRef& r = refs_[i];
  const lists::ListEntity& e = entities_[r.entity];
  return r.slot == 0 ? e.name : e.aliases[r.slot - 1];
}

size_t NameTable::memory_bytes() const {
  size_t n = arena_.capacity() + refs_.capacity() * sizeof(NameRef) +
             (joined_.capacity() + set_.capacity() + weak_keys_.capacity() + skeleton_.capacity()) * sizeof(Span) +
             weak_id_.capacity() * sizeof(uint32_t);
  for (const auto& e : entities_) {
    n += sizeof(e) + e.name.capacity() + e.list.capacity() + e.source_id.capacity();
    for (const auto& a : e.aliases) n += sizeof(a) + a.capacity();
    n += e.countries.size() * sizeof(std::string);
  }
  return n;
}

bool NameTable::Admits(uint32_t i, const ScreeningOptions& options) const {
  if (options.lists.empty() && options.country.empty()) return true;
  const lists::ListEntity& e = entities_[refs_[i].entity];
  if (!options.lists.empty()) {
    bool ok = false;
    for (const auto& l : options.lists) {
      if (!l.empty() && l.back() == '.' ? e.list.compare(0, l.size(), l) == 0 : e.list == l) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  if (!options.country.empty() && !e.countries.empty() &&
      std::find(e.countries.begin(), e.countries.end(), options.country) == e.countries.end())
    return false;
  return true;
}

double NameTable::Score(const PreparedQuery& q, uint32_t i) const {
  double best = 0.0;
  for (const QueryForm& f : q.forms) best = std::max(best, FormScore(f, i));
  return best;
}

namespace {

std::string Why(const NormalizedName& q, const NormalizedName& c) {
  std::string out;
  char buf[32];
  for (const auto& qt : q.strong) {
    double best = 0;
    const std::string* best_t = nullptr;
    for (const auto& ct : c.strong) {
      double s = JaroWinkler(qt, ct);
      if (s > best) best = s, best_t = &ct;
    }
    if (!out.empty()) out += ", ";
    if (!best_t || best < 0.7) {
      out += qt + " unmatched";
      continue;
    }
    std::snprintf(buf, sizeof buf, " %.2f", best);
    out += qt + (best == 1.0 ? "=" : "~") + *best_t + buf;
  }
  if (!q.weak.empty() || !c.weak.empty()) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& t : v) s += (s.empty() ? "" : " ") + t;
      return s.empty() ? std::string("-") : s;
    };
    out += "; legal form: " + join(q.weak) + (q.weak == c.weak ? "=" : "/") + join(c.weak);
  }
  return out;
}

}  // namespace

std::vector<Match> NameTable::Finish(const PreparedQuery& q, std::vector<std::pair<uint32_t, double>> scored,
                                     const ScreeningOptions& options) const {
  // One score per (entity, name): a name-order variant is the same name.
  // Within a key the best score wins; ties go to the primary name, then to
  // the lower slot. Everything is ranked on small records; a Match (five
  // strings, the entity's fields) is built only for what is returned.
  struct Scored {
    uint32_t entity, slot_key, slot, i;
    double s;
  };
  std::vector<Scored> all;
  all.reserve(scored.size());
  for (const auto& [i, s] : scored) {
    const NameRef& r = refs_[i];
    all.push_back(Scored{r.entity, options.best_per_entity ? 0u : r.slot, r.slot, i, s});
  }
  std::sort(all.begin(), all.end(), [](const Scored& a, const Scored& b) {
    if (a.entity != b.entity) return a.entity < b.entity;
    if (a.slot_key != b.slot_key) return a.slot_key < b.slot_key;
    if (a.s != b.s) return a.s > b.s;
    if (a.slot != b.slot) return a.slot < b.slot;
    return a.i < b.i;
  });
  size_t kept = 0;
  for (size_t k = 0; k < all.size(); ++k) {
    if (k > 0 && all[k].entity == all[k - 1].entity && all[k].slot_key == all[k - 1].slot_key) continue;
    all[kept++] = all[k];
  }
  all.resize(kept);
  // Best first; then by entity, the published name, name before alias.
  std::sort(all.begin(), all.end(), [&](const Scored& a, const Scored& b) {
    if (a.s != b.s) return a.s > b.s;
    if (a.entity != b.entity) return a.entity < b.entity;
    const int c = name_text(a.i).compare(name_text(b.i));
    if (c != 0) return c < 0;
    return a.slot < b.slot;
  });
  if (options.max_results && all.size() > options.max_results) all.resize(options.max_results);
  std::vector<Match> out(all.size());
  // The entities are scattered over memory: start the reads a few ahead.
  constexpr size_t kAhead = 8;
  auto prefetch = [&](size_t k) {
    const char* e = reinterpret_cast<const char*>(&entities_[all[k].entity]);
    __builtin_prefetch(e);
    __builtin_prefetch(e + 64);
    __builtin_prefetch(e + 128);
  };
  for (size_t k = 0; k < kAhead && k < all.size(); ++k) prefetch(k);
  for (size_t k = 0; k < all.size(); ++k) {
    if (k + kAhead < all.size()) prefetch(k + kAhead);
    const Scored& h = all[k];
    const lists::ListEntity& e = entities_[h.entity];
    Match& m = out[k];
    m.list = e.list;
    m.entity = e.source_id;
    m.name = e.name;
    m.matched_name = h.slot == 0 ? e.name : e.aliases[h.slot - 1];
    m.matched_on = h.slot == 0 ? MatchedOn::kName : MatchedOn::kAlias;
    m.score = h.s;
    m.entity_index = h.entity;
  }
  // Many hits may share a published name; its explanation is built once.
  std::unordered_map<std::string_view, std::string> why;
  for (Match& m : out) {
    auto [it, inserted] = why.try_emplace(m.matched_name);
    if (inserted) it->second = Why(q.name, normalizer_->Normalize(m.matched_name));
    m.why = it->second;
  }
  return out;
}

}  // namespace cordon::screening::internal
