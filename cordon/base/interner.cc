#include "cordon/base/interner.h"

#include <deque>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace cordon {
namespace {

struct Table {
  std::shared_mutex mu;
  std::deque<std::string> texts{std::string()};  // deque: stable addresses
  std::unordered_map<std::string_view, uint32_t> ids{{std::string_view(), 0}};
};

Table& GetTable() {
  static Table* table = new Table();  // never destroyed: symbols outlive statics
  return *table;
}

}  // namespace

Symbol Symbol::Intern(std::string_view text) {
  Table& t = GetTable();
  {
    std::shared_lock lock(t.mu);
    auto it = t.ids.find(text);
    if (it != t.ids.end()) { Symbol s; s.id_ = it->second; return s; }
  }
  std::unique_lock lock(t.mu);
  auto it = t.ids.find(text);
  Symbol s;
  if (it != t.ids.end()) { s.id_ = it->second; return s; }
  t.texts.emplace_back(text);
  s.id_ = static_cast<uint32_t>(t.texts.size() - 1);
  t.ids.emplace(std::string_view(t.texts.back()), s.id_);
  return s;
}

Symbol Symbol::Find(std::string_view text) {
  Table& t = GetTable();
  std::shared_lock lock(t.mu);
  auto it = t.ids.find(text);
  Symbol s;
  if (it != t.ids.end()) s.id_ = it->second;
  return s;
}

std::string_view Symbol::text() const {
  Table& t = GetTable();
  std::shared_lock lock(t.mu);
  return t.texts[id_];
}

}  // namespace cordon
