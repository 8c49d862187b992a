#include "cordon/base/interner.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace cordon {
namespace {

// Texts live in fixed-size chunks that never move, so text() reads without a lock:
// a symbol's id is only ever handed out after its text is written.
constexpr uint32_t kChunkBits = 14;
constexpr uint32_t kChunkSize = 1u << kChunkBits;
constexpr uint32_t kMaxChunks = 1u << 14;  // 268 million symbols

struct Table {
  std::shared_mutex mu;
  std::atomic<std::string*> chunks[kMaxChunks] = {};
  uint32_t size = 0;
  std::unordered_map<std::string_view, uint32_t> ids;
  Table() {
    chunks[0].store(new std::string[kChunkSize], std::memory_order_release);
    size = 1;  // id 0: the empty string
    ids.emplace(std::string_view(), 0);
  }
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
    if (it != t.ids.end()) return FromId(it->second);
  }
  std::unique_lock lock(t.mu);
  auto it = t.ids.find(text);
  if (it != t.ids.end()) return FromId(it->second);
  uint32_t id = t.size;
  uint32_t chunk = id >> kChunkBits;
  if (chunk >= kMaxChunks) return Symbol();  // exhausted: the empty symbol
  std::string* c = t.chunks[chunk].load(std::memory_order_acquire);
  if (!c) {
    c = new std::string[kChunkSize];
    t.chunks[chunk].store(c, std::memory_order_release);
  }
  c[id & (kChunkSize - 1)] = std::string(text);
  ++t.size;
  t.ids.emplace(std::string_view(c[id & (kChunkSize - 1)]), id);
  return FromId(id);
}

Symbol Symbol::Find(std::string_view text) {
  Table& t = GetTable();
  std::shared_lock lock(t.mu);
  auto it = t.ids.find(text);
  return it == t.ids.end() ? Symbol() : FromId(it->second);
}

std::string_view Symbol::text() const {
  Table& t = GetTable();
  const std::string* c = t.chunks[id_ >> kChunkBits].load(std::memory_order_acquire);
  return c[id_ & (kChunkSize - 1)];
}

}  // namespace cordon
