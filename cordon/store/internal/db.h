// The little a Store needs from a SQL database: parameterised statements, scripts and
// write transactions. One implementation per backend (sqlite_db.cc, postgres_db.cc); the
// store itself (sql_store.cc) is written once against this.
#ifndef CORDON_STORE_INTERNAL_DB_H_
#define CORDON_STORE_INTERNAL_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/base/status.h"

namespace cordon::store::internal {

// A bound parameter: null, text, a real or an integer.
struct Param {
  enum class Kind { kNull, kText, kReal, kInt } kind = Kind::kNull;
  std::string text;
  double real = 0;
  int64_t integer = 0;
  Param() = default;
  Param(std::string s) : kind(Kind::kText), text(std::move(s)) {}  // NOLINT: implicit by design
  Param(const char* s) : kind(Kind::kText), text(s) {}             // NOLINT
  Param(double d) : kind(Kind::kReal), real(d) {}                  // NOLINT
  Param(int64_t i) : kind(Kind::kInt), integer(i) {}               // NOLINT
  Param(int i) : kind(Kind::kInt), integer(i) {}                   // NOLINT
  template <typename T>
  static Param Opt(const std::optional<T>& v) { return v ? Param(*v) : Param(); }
};

using Value = std::optional<std::string>;  // every column comes back as text (or NULL)
using Row = std::vector<Value>;

class Db {
 public:
  virtual ~Db() = default;
  virtual const char* dialect() const = 0;  // "sqlite" | "postgresql"
  // One statement with `?` placeholders. Rows go to *rows when given; returns rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const std::vector<Param>& params = {},
                               std::vector<Row>* rows = nullptr) = 0;
  virtual Status Script(const std::string& sql) = 0;  // several statements, no parameters
  virtual Status Begin() = 0;                         // a write transaction
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
};

Result<std::unique_ptr<Db>> OpenSqlite(const std::string& path);
Result<std::unique_ptr<Db>> OpenPostgres(const std::string& conninfo);

// The versioned schema, written once with dialect tokens ({ID}, {REAL}, {BIGINT}); applied in order.
struct Migration {
  int version;
  const char* name;
  const char* sql;          // both dialects
  const char* sqlite_only;  // extra statements per dialect (triggers), may be empty
  const char* postgres_only;
};
const std::vector<Migration>& Migrations();
std::string ForDialect(const std::string& sql, std::string_view dialect);

}  // namespace cordon::store::internal

#endif  // CORDON_STORE_INTERNAL_DB_H_
