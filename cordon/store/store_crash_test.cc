// SIGKILL in the middle of a stream of writes, many times: after each restart every write the
// writer saw committed is there, whole, and the licence balance equals the sum of its uses.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "cordon/store/store.h"
#include "cordon/store/testing/stream.h"
#include "cordon/store/testing/test_db.h"

namespace cordon::store {
namespace {

using nlohmann::json;

// The child: from `first` on, records order O-i (audit record + order + dependency index) and
// draws 1.25 from licence L for it, both in one batch, then reports i.
[[noreturn]] void Writer(const std::string& url, int first, int report_fd) {
  auto s = Open(url);
  if (!s.ok()) _exit(3);
  for (int i = first;; ++i) {
    if (!testing::WriteStreamOrder(s->get(), i, 2000, 1.25).ok()) _exit(4);
    std::string line = std::to_string(i) + "\n";
    if (write(report_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(6);
  }
}

TEST(StoreCrash, NothingCommittedIsLostOrHalfWritten) {
  std::string why;
  std::string url = testing::FreshDatabase(&why);
  ASSERT_FALSE(url.empty()) << why;
  {
    auto s = Open(url);
    ASSERT_TRUE(s.ok()) << s.status().message();
    ASSERT_TRUE(testing::AddStreamLicence(s->get()).ok());
  }
  std::mt19937 rng(42);
  std::set<int> reported;
  int next = 0;
#ifdef CORDON_SANITIZE_BUILD
  const int kKills = 6;
#else
  const int kKills = 15;
#endif
  for (int round = 0; round < kKills; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Writer(url, next, fds[1]);
    }
    close(fds[1]);
    // Kill it mid-stream: once it has committed something (however loaded the machine is), after
    // a random further delay.
    std::string text;
    char buf[4096];
    pollfd pfd{fds[0], POLLIN, 0};
    if (poll(&pfd, 1, 20000) > 0) {
      ssize_t n = read(fds[0], buf, sizeof buf);
      if (n > 0) text.append(buf, static_cast<size_t>(n));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 80)(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself with exit " << WEXITSTATUS(status);
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    size_t pos = 0;
    for (size_t nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1) {
      reported.insert(std::stoi(text.substr(pos, nl - pos)));
    }
    // Restart: open the store again and check it.
    auto s = Open(url);
    ASSERT_TRUE(s.ok()) << s.status().message();
    auto orders = (*s)->Orders(false);
    ASSERT_TRUE(orders.ok()) << orders.status().message();
    std::set<std::string> have;
    for (const auto& o : *orders) {
      have.insert(o.id);
      auto a = (*s)->GetAudit(o.audit_id);
      ASSERT_TRUE(a.ok() && *a) << o.id;
      EXPECT_EQ((*a)->determination["transaction"], o.id);  // whole, and the one it points to
      EXPECT_EQ((*a)->input["payload"].get<std::string>().size(), 2000u);
    }
    for (int i : reported) EXPECT_TRUE(have.count("O-" + std::to_string(i))) << "committed order O-" << i << " lost";
    auto l = (*s)->GetLicence("L");
    auto uses = (*s)->LicenceUses("L");
    ASSERT_TRUE(l.ok() && *l && uses.ok());
    double sum = 0;
    std::set<std::string> used_by;
    for (const auto& u : *uses) {
      sum += u.value;
      used_by.insert(u.order_id);
    }
    EXPECT_DOUBLE_EQ((*l)->used_value, sum);
    EXPECT_DOUBLE_EQ((*l)->used_quantity, static_cast<double>(uses->size()));
    for (int i : reported) EXPECT_TRUE(used_by.count("O-" + std::to_string(i))) << "committed use of O-" << i << " lost";
    EXPECT_EQ(used_by, have);  // an order and its draw are one batch: both or neither
    EXPECT_EQ(uses->size(), have.size());
    auto trail = (*s)->Audit({"", 0, 1000000});
    ASSERT_TRUE(trail.ok());
    EXPECT_EQ(trail->size(), orders->size());  // one audit record per order, none half-written
    next = static_cast<int>(orders->size()) + 1000 * (round + 1);
  }
  EXPECT_GE(reported.size(), static_cast<size_t>(kKills));  // the writer did get work done between kills
}

}  // namespace
}  // namespace cordon::store
