// Faults under a stream of writes (docs/reliability.md, "The store under faults"):
//  - SQLite, a full disk: the writer is limited to a file size (RLIMIT_FSIZE, as a full disk
//    answers a write) part-way through; the write that does not fit fails with a clear error, what
//    was committed before is all there and whole, nothing of the failed batch is, and once space
//    is back the same store writes again.
//  - PostgreSQL, the connection lost mid-transaction (the server ends the backend): the batch
//    fails with an error, none of it is visible, what was committed before is there, and a new
//    connection carries on.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cordon/store/internal/db.h"
#include "cordon/store/store.h"
#include "cordon/store/testing/stream.h"
#include "cordon/store/testing/test_db.h"

namespace cordon::store {
namespace {

using nlohmann::json;

Status WriteOrder(Store* s, int i) { return testing::WriteStreamOrder(s, i, 4000, 1); }

void AddLicence(Store* s) { ASSERT_TRUE(testing::AddStreamLicence(s).ok()); }

// Orders 0..n-1 are there, whole, each with its audit record and its one draw, and nothing else.
void ExpectExactly(Store* s, int n) {
  auto orders = s->Orders(false);
  ASSERT_TRUE(orders.ok()) << orders.status().message();
  EXPECT_EQ(static_cast<int>(orders->size()), n);
  for (const auto& o : *orders) {
    auto a = s->GetAudit(o.audit_id);
    ASSERT_TRUE(a.ok() && *a) << o.id;
    EXPECT_EQ((*a)->determination["transaction"], o.id);
    EXPECT_EQ((*a)->input["payload"].get<std::string>().size(), 4000u);
  }
  auto trail = s->Audit({"", 0, 1000000});
  ASSERT_TRUE(trail.ok());
  EXPECT_EQ(static_cast<int>(trail->size()), n);
  auto l = s->GetLicence("L");
  ASSERT_TRUE(l.ok() && *l);
  EXPECT_DOUBLE_EQ((*l)->used_value, n);
  EXPECT_EQ(static_cast<int>(s->LicenceUses("L")->size()), n);
}

TEST(StoreFault, ADiskThatFillsUpLosesNothingCommittedAndRecovers) {
  if (testing::Backend() != "sqlite") GTEST_SKIP() << "the file-size limit applies to SQLite's file";
  std::string why;
  std::string url = testing::FreshDatabase(&why);
  ASSERT_FALSE(url.empty()) << why;
  std::string path = url.substr(7);
  {
    auto s = Open(url);
    ASSERT_TRUE(s.ok()) << s.status().message();
    AddLicence(s->get());
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(WriteOrder(s->get(), i).ok());
  }
  // A child writes under a file-size limit 256 kB above what the database and its WAL hold now,
  // until a write fails; it reports how many it committed and the error.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG, as on a full disk
    std::error_code ec;
    auto size = [&](const std::string& p) { return std::filesystem::exists(p, ec) ? std::filesystem::file_size(p, ec) : 0; };
    rlim_t limit = static_cast<rlim_t>(std::max(size(path), size(path + "-wal")) + 256 * 1024);
    rlimit rl{limit, limit};
    setrlimit(RLIMIT_FSIZE, &rl);
    auto s = Open(url);
    if (!s.ok()) _exit(3);
    int i = 20;
    Status st;
    for (; i < 100000; ++i) {
      st = WriteOrder(s->get(), i);
      if (!st.ok()) break;
    }
    std::string report = std::to_string(i) + "\n" + std::string(StatusCodeName(st.code())) + ": " + st.message();
    (void)!write(fds[1], report.data(), report.size());
    _exit(st.ok() ? 4 : 0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer never met the limit: " << text;
  int committed = std::stoi(text.substr(0, text.find('\n')));
  std::string error = text.substr(text.find('\n') + 1);
  RecordProperty("committed_before_full", committed);
  std::cout << "committed " << committed << " orders, then: " << error << "\n";
  EXPECT_GT(committed, 20);
  EXPECT_NE(error.find(path), std::string::npos) << error;  // the message names the database
  // Space is back: everything committed is there, nothing of the failed batch, and writing goes on.
  auto s = Open(url);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ExpectExactly(s->get(), committed);
  ASSERT_TRUE(WriteOrder(s->get(), committed).ok());
  ExpectExactly(s->get(), committed + 1);
}

TEST(StoreFault, ALostConnectionMidTransactionLeavesNothingHalfWritten) {
  if (testing::Backend() != "postgresql") GTEST_SKIP() << "a PostgreSQL connection";
  std::string why;
  std::string url = testing::FreshDatabase(&why);
  ASSERT_FALSE(url.empty()) << why;
  auto s = Open(url);
  ASSERT_TRUE(s.ok()) << s.status().message();
  AddLicence(s->get());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(WriteOrder(s->get(), i).ok());
  auto admin = internal::OpenPostgres(url);
  ASSERT_TRUE(admin.ok());
  // Mid-batch: an order recorded, then the server ends the connection before the draw.
  std::string id = "O-10";
  AuditRecord a;
  a.caller = "fault-test";
  a.input = {{"id", id}};
  a.context = json::object();
  a.outcome = "AUTHORIZED";
  a.determination = {{"overall", "AUTHORIZED"}, {"transaction", id}};
  OrderRecord o;
  o.id = id;
  o.transaction = a.input;
  o.context = json::object();
  {
    Batch batch(s->get());
    ASSERT_TRUE(batch.Begin().ok());
    ASSERT_TRUE((*s)->Record(a, o).ok());
    std::vector<internal::Row> rows;
    ASSERT_TRUE((*admin)->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                               "AND datname = current_database() AND state LIKE 'idle in transaction%'",
                               {}, &rows).ok());
    ASSERT_EQ(rows.size(), 1u) << "expected the writer's connection, idle in its transaction";
    auto use = (*s)->UseLicence({0, "L", id, 1, 1, ""});
    EXPECT_EQ(use.status().code(), StatusCode::kUnavailable) << use.status().message();
    Status c = batch.Commit();
    EXPECT_FALSE(c.ok());
    std::cout << "draw: " << use.status().message() << "\ncommit: " << c.message() << "\n";
  }
  // The lost connection reports errors, not answers.
  EXPECT_FALSE((*s)->GetOrder("O-0").ok());
  // A new connection: the ten committed orders, none of the batch.
  auto again = Open(url);
  ASSERT_TRUE(again.ok()) << again.status().message();
  ExpectExactly(again->get(), 10);
  EXPECT_FALSE(*(*again)->GetOrder("O-10"));
  ASSERT_TRUE(WriteOrder(again->get(), 10).ok());
  ExpectExactly(again->get(), 11);
}

}  // namespace
}  // namespace cordon::store
