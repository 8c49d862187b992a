// PostgreSQL backend through libpqxx. Statements are written with `?` placeholders (as for
// SQLite) and numbered here; values travel as text and PostgreSQL types them from the columns.
// Write transactions run at READ COMMITTED: the store's writes are single conditional UPDATEs
// or inserts, which PostgreSQL re-checks under the row lock.
#include <pqxx/pqxx>

#include "cordon/store/internal/db.h"

namespace cordon::store::internal {
namespace {

std::string Numbered(std::string_view sql) {
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresDb : public Db {
 public:
  explicit PostgresDb(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}
  ~PostgresDb() override { work_.reset(); }
  const char* dialect() const override { return "postgresql"; }

  Result<int64_t> Exec(std::string_view sql, const std::vector<Param>& params, std::vector<Row>* rows) override {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Param& p = params[i];
      switch (p.kind) {
        case Param::Kind::kNull: values[i] = nullptr; continue;
        case Param::Kind::kText: text[i] = p.text; break;
        case Param::Kind::kReal: text[i] = pqxx::to_string(p.real); break;
        case Param::Kind::kInt: text[i] = std::to_string(p.integer); break;
      }
      values[i] = text[i].c_str();
    }
    return Run([&](pqxx::transaction_base& t) -> int64_t {
      pqxx::result r = t.exec_params(Numbered(sql), pqxx::prepare::make_dynamic_params(values));
      if (rows) {
        for (const auto& row : r) {
          Row out;
          for (const auto& f : row) out.emplace_back(f.is_null() ? Value() : Value(f.c_str()));
          rows->push_back(std::move(out));
        }
      }
      return static_cast<int64_t>(r.affected_rows());
    });
  }

  Status Script(const std::string& sql) override {
    return Run([&](pqxx::transaction_base& t) -> int64_t {
             t.exec(sql);
             return 0;
           }).status();
  }

  Status Begin() override {
    try {
      work_ = std::make_unique<pqxx::work>(*conn_);
    } catch (const std::exception& e) {
      return Unavailable(std::string("postgresql: begin: ") + e.what());
    }
    return Status::Ok();
  }
  Status Commit() override {
    if (!work_) return Internal("postgresql: commit without a transaction");
    try {
      work_->commit();
      work_.reset();
    } catch (const std::exception& e) {
      return Unavailable(std::string("postgresql: commit: ") + e.what());
    }
    return Status::Ok();
  }
  void Rollback() override {
    try {
      if (work_) work_->abort();
    } catch (const std::exception&) {  // the connection is gone: nothing was committed
    }
    work_.reset();
  }

 private:
  template <typename F>
  Result<int64_t> Run(F&& f) {
    try {
      if (work_) return f(*work_);
      pqxx::nontransaction n(*conn_);
      return f(n);
    } catch (const pqxx::integrity_constraint_violation& e) {
      return FailedPrecondition(std::string("postgresql: ") + e.what());
    } catch (const std::exception& e) {
      return Unavailable(std::string("postgresql: ") + e.what());
    }
  }
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> work_;
};

}  // namespace

Result<std::unique_ptr<Db>> OpenPostgres(const std::string& conninfo) {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    pqxx::nontransaction n(*conn);
    n.exec("SET client_min_messages = warning");
    n.commit();
    return std::unique_ptr<Db>(std::make_unique<PostgresDb>(std::move(conn)));
  } catch (const std::exception& e) {
    return Unavailable("postgresql: cannot connect: " + std::string(e.what()));
  }
}

}  // namespace cordon::store::internal
