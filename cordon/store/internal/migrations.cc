// The schema of the store, one migration per version, never edited once released: a change is
// a new migration. docs/state.md explains the tables.
#include "cordon/store/internal/db.h"

namespace cordon::store::internal {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema",
       R"sql(
CREATE TABLE licences (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  max_value {REAL},
  max_quantity {REAL},
  used_value {REAL} NOT NULL DEFAULT 0,
  used_quantity {REAL} NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  updated TEXT NOT NULL,
  CHECK (max_value IS NULL OR used_value <= max_value + 0.000001),
  CHECK (max_quantity IS NULL OR used_quantity <= max_quantity + 0.000001)
);
CREATE TABLE licence_events (
  id {ID},
  licence_id TEXT NOT NULL REFERENCES licences(id),
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  caller TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX licence_events_by_licence ON licence_events(licence_id);
CREATE TABLE licence_uses (
  id {ID},
  licence_id TEXT NOT NULL REFERENCES licences(id),
  order_id TEXT NOT NULL,
  value {REAL} NOT NULL,
  quantity {REAL} NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX licence_uses_by_licence ON licence_uses(licence_id);
CREATE TABLE audit (
  id {ID},
  at TEXT NOT NULL,
  caller TEXT NOT NULL,
  order_id TEXT NOT NULL,
  input TEXT NOT NULL,
  context TEXT NOT NULL,
  day TEXT NOT NULL,
  rules_version TEXT NOT NULL,
  lists TEXT NOT NULL,
  outcome TEXT NOT NULL,
  determination TEXT NOT NULL,
  cause TEXT NOT NULL,
  deps TEXT NOT NULL
);
CREATE INDEX audit_by_order ON audit(order_id, id);
CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('held', 'released', 'shipped', 'cancelled')),
  tx TEXT NOT NULL,
  context TEXT NOT NULL,
  outcome TEXT NOT NULL,
  audit_id {BIGINT} NOT NULL REFERENCES audit(id),
  updated TEXT NOT NULL
);
CREATE INDEX orders_by_status ON orders(status);
CREATE TABLE deps (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  order_id TEXT NOT NULL REFERENCES orders(id),
  PRIMARY KEY (kind, key, order_id)
);
CREATE INDEX deps_by_order ON deps(order_id);
CREATE TABLE list_snapshots (
  id {ID},
  list TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  entities {BIGINT} NOT NULL,
  loaded_at TEXT NOT NULL
);
CREATE TABLE rule_sets (
  version TEXT PRIMARY KEY,
  files TEXT NOT NULL
);
)sql",
       R"sql(
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER uses_no_update BEFORE UPDATE ON licence_uses BEGIN SELECT RAISE(ABORT, 'licence uses are append-only'); END;
CREATE TRIGGER uses_no_delete BEFORE DELETE ON licence_uses BEGIN SELECT RAISE(ABORT, 'licence uses are append-only'); END;
)sql",
       R"sql(
CREATE FUNCTION cordon_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION cordon_append_only();
CREATE TRIGGER uses_append_only BEFORE UPDATE OR DELETE ON licence_uses
  FOR EACH ROW EXECUTE FUNCTION cordon_append_only();
)sql"},
  };
  return kMigrations;
}

std::string ForDialect(const std::string& sql, std::string_view dialect) {
  bool pg = dialect == "postgresql";
  std::string out = sql;
  auto replace = [&](const std::string& token, const char* with) {
    for (size_t p; (p = out.find(token)) != std::string::npos;) out.replace(p, token.size(), with);
  };
  replace("{ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  replace("{REAL}", pg ? "DOUBLE PRECISION" : "REAL");
  replace("{BIGINT}", pg ? "BIGINT" : "INTEGER");
  return out;
}

}  // namespace cordon::store::internal
