#include "cordon/screening/good_guys.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cordon/base/sha256.h"

namespace cordon::screening {
namespace {

std::string FoldParty(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

std::string EntryKey(std::string_view list, std::string_view entity) {
  return std::string(list) + '\t' + std::string(entity);
}

}  // namespace

std::string EntryFingerprint(const lists::ListEntity& e) {
  Sha256 h;
  // Each field is length-prefixed, so no two entries serialise alike.
  auto put = [&](std::string_view s) {
    h.Update(std::to_string(s.size()));
    h.Update(":");
    h.Update(s);
  };
  auto date = [&](const std::optional<Date>& d) { put(d ? d->ToString() : ""); };
  put(e.list);
  put(e.source_id);
  put(e.name);
  put(std::to_string(e.aliases.size()));
  for (const auto& a : e.aliases) put(a);
  put(lists::EntityTypeName(e.type));
  put(std::to_string(e.addresses.size()));
  for (const auto& a : e.addresses) put(a.text), put(a.country);
  put(std::to_string(e.countries.size()));
  for (const auto& c : e.countries) put(c);
  put(std::to_string(e.programs.size()));
  for (const auto& p : e.programs) put(p);
  date(e.start_date);
  date(e.end_date);
  put(e.federal_register);
  put(e.license_requirement);
  put(e.license_policy);
  put(std::to_string(e.footnotes.size()));
  for (int f : e.footnotes) put(std::to_string(f));
  put(e.remarks);
  return h.HexDigest().substr(0, 16);
}

Result<GoodGuyList> GoodGuyList::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot read the accepted false positives (good-guy list)");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

Result<GoodGuyList> GoodGuyList::Parse(std::string_view text, const std::string& where) {
  GoodGuyList out;
  size_t start = 0;
  int line_no = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    const std::string at = where + ":" + std::to_string(line_no) + ": ";
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return InvalidArgument(at + "not a JSON object");
    GoodGuy g;
    g.line = line_no;
    for (auto& [key, field] : std::initializer_list<std::pair<const char*, std::string*>>{
             {"party", &g.party}, {"list", &g.list}, {"entity", &g.entity}, {"fingerprint", &g.fingerprint},
             {"reviewer", &g.reviewer}, {"date", &g.date}, {"reason", &g.reason}}) {
      auto it = j.find(key);
      if (it == j.end()) continue;
      if (!it->is_string()) return InvalidArgument(at + "\"" + key + "\" must be a string");
      *field = it->get<std::string>();
    }
    for (const auto& [key, value] : j.items()) {
      static const char* kKnown[] = {"party", "list", "entity", "fingerprint", "reviewer", "date", "reason"};
      if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
        return InvalidArgument(at + "unknown field \"" + key + "\"");
    }
    if (FoldParty(g.party).empty()) return InvalidArgument(at + "\"party\" is missing or empty");
    if (g.list.empty()) return InvalidArgument(at + "\"list\" is missing or empty");
    if (g.entity.empty()) return InvalidArgument(at + "\"entity\" is missing or empty");
    if (g.fingerprint.size() != 16 ||
        g.fingerprint.find_first_not_of("0123456789abcdef") != std::string::npos)
      return InvalidArgument(at + "\"fingerprint\" must be 16 lower-case hex digits (cordon screen --accept writes it)");
    out.by_key_[{FoldParty(g.party), EntryKey(g.list, g.entity)}] = out.records_.size();
    out.records_.push_back(std::move(g));
    if (end == text.size()) break;
  }
  return out;
}

GoodGuyList::Verdict GoodGuyList::Check(std::string_view party, const lists::ListEntity& e) const {
  auto it = by_key_.find({FoldParty(party), EntryKey(e.list, e.source_id)});
  if (it == by_key_.end()) return {};
  const GoodGuy& g = records_[it->second];
  return {g.fingerprint == EntryFingerprint(e) ? Status::kAccepted : Status::kStale, &g};
}

std::string GoodGuyList::Note(const Verdict& v) {
  if (!v.record) return "";
  const GoodGuy& g = *v.record;
  std::string note = "accepted false positive";
  if (!g.reviewer.empty()) note += " by " + g.reviewer;
  if (!g.date.empty()) note += " on " + g.date;
  if (!g.reason.empty()) note += ": " + g.reason;
  if (v.status == Status::kStale) note += ", but the entry has changed since: review again";
  return note;
}

std::string GoodGuyList::Record(std::string_view party, const lists::ListEntity& e, std::string_view reviewer,
                                std::string_view date, std::string_view reason) {
  nlohmann::ordered_json j;
  j["party"] = std::string(party);
  j["list"] = e.list;
  j["entity"] = e.source_id;
  j["fingerprint"] = EntryFingerprint(e);
  if (!reviewer.empty()) j["reviewer"] = std::string(reviewer);
  if (!date.empty()) j["date"] = std::string(date);
  if (!reason.empty()) j["reason"] = std::string(reason);
  return j.dump();
}

}  // namespace cordon::screening
