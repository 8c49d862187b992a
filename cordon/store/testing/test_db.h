// Test helper: a fresh, empty database of the backend the test binary runs against.
// CORDON_STORE_BACKEND=sqlite (default): a new file in a temporary folder per call.
// CORDON_STORE_BACKEND=postgresql: the throwaway server started by the ctest fixture
// (tests/pg/pg_fixture.sh), whose connection string is in the file $CORDON_PG_URL_FILE;
// its public schema is dropped and recreated.
#ifndef CORDON_STORE_TESTING_TEST_DB_H_
#define CORDON_STORE_TESTING_TEST_DB_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cordon/store/internal/db.h"

namespace cordon::store::testing {

inline std::string Backend() {
  const char* b = std::getenv("CORDON_STORE_BACKEND");
  return b && *b ? b : "sqlite";
}

// An empty database; "" with the reason in *why when the backend is not available.
inline std::string FreshDatabase(std::string* why) {
  if (Backend() == "postgresql") {
    const char* f = std::getenv("CORDON_PG_URL_FILE");
    std::ifstream in(f ? f : "");
    std::string url;
    if (!std::getline(in, url) || url.empty()) {
      *why = "no PostgreSQL server: CORDON_PG_URL_FILE is not set or empty (run through ctest)";
      return "";
    }
    auto db = internal::OpenPostgres(url);
    if (!db.ok()) {
      *why = db.status().message();
      return "";
    }
    Status s = (*db)->Script("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; "
                             "DROP FUNCTION IF EXISTS cordon_append_only()");
    if (!s.ok()) {
      *why = s.message();
      return "";
    }
    return url;
  }
  static int n = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("cordon-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return "sqlite:" + (dir / "cordon.db").string();
}

}  // namespace cordon::store::testing

#endif  // CORDON_STORE_TESTING_TEST_DB_H_
