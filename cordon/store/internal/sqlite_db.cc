// SQLite backend: one file in WAL mode, synchronous=FULL (a committed transaction survives a
// crash of the process or the machine), writers serialised with BEGIN IMMEDIATE and a busy
// timeout so that two processes sharing the file wait for each other instead of failing.
#include <sqlite3.h>

#include <map>
#include <string>

#include "cordon/store/internal/db.h"

namespace cordon::store::internal {
namespace {

class SqliteDb : public Db {
 public:
  explicit SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDb() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  const char* dialect() const override { return "sqlite"; }

  Result<int64_t> Exec(std::string_view sql, const std::vector<Param>& params, std::vector<Row>* rows) override {
    sqlite3_stmt* st = nullptr;
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) {
      st = it->second;
    } else {
      if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
        return Error("prepare");
      }
      cache_.emplace(std::string(sql), st);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < params.size(); ++i) {
      const Param& p = params[i];
      int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      switch (p.kind) {
        case Param::Kind::kNull: rc = sqlite3_bind_null(st, idx); break;
        case Param::Kind::kText: rc = sqlite3_bind_text(st, idx, p.text.data(), static_cast<int>(p.text.size()), SQLITE_TRANSIENT); break;
        case Param::Kind::kReal: rc = sqlite3_bind_double(st, idx, p.real); break;
        case Param::Kind::kInt: rc = sqlite3_bind_int64(st, idx, p.integer); break;
      }
      if (rc != SQLITE_OK) return Error("bind");
    }
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Status s = Error("step");
        sqlite3_reset(st);
        return s;
      }
      if (!rows) continue;
      Row row;
      int n = sqlite3_column_count(st);
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
          row.emplace_back(std::string(t, static_cast<size_t>(sqlite3_column_bytes(st, c))));
        }
      }
      rows->push_back(std::move(row));
    }
    sqlite3_reset(st);
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Status Script(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown error";
      sqlite3_free(err);
      return Unavailable(path_ + ": " + m);
    }
    return Status::Ok();
  }
  Status Begin() override { return Script("BEGIN IMMEDIATE"); }
  Status Commit() override { return Script("COMMIT"); }
  void Rollback() override { (void)Script("ROLLBACK"); }

 private:
  Status Error(const char* what) const {
    int code = sqlite3_errcode(db_);
    std::string m = path_ + ": " + what + ": " + sqlite3_errmsg(db_);
    if (code == SQLITE_CONSTRAINT) return FailedPrecondition(m);
    return Unavailable(m);
  }
  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

}  // namespace

Result<std::unique_ptr<Db>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return InvalidArgument(path + ": cannot open the database: " + m);
  }
  sqlite3_busy_timeout(db, 30000);
  auto out = std::make_unique<SqliteDb>(db, path);
  RETURN_IF_ERROR(out->Script("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  return std::unique_ptr<Db>(std::move(out));
}

}  // namespace cordon::store::internal
