// Answers for the same facts on different dates differ exactly where the law changed:
// for every case transaction, every day from 2020-01-01 to 2026-12-31 is evaluated, and each
// change of any regime's outcome from one day to the next must fall on a change point of the
// law as cordon holds it (a rule's start or end, a list entry's addition or dated change, a
// dated group membership or CCL row, a licence date).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cordon/cases/case_runner.h"
#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"

namespace cordon {
namespace {

std::set<int32_t> ChangePoints(const Engine& engine, const Decision& d) {
  std::set<int32_t> points;
  auto add = [&](const DateInterval& w) {
    points.insert(w.from.days());
    points.insert(w.until.days());
  };
  for (const auto& r : engine.rules().rules()) add(r.when);
  for (const ListEntry* e : d.entries) {
    if (e->added) points.insert(e->added->days());
    if (e->removed) points.insert(e->removed->days());
    for (const auto& h : e->history) points.insert(h.from.days());
  }
  for (const auto& l : d.context.licenses) {
    for (const auto* x : {&l.issued, &l.revoked, &l.suspended}) {
      if (*x) points.insert((*x)->days());
    }
    if (l.expires) points.insert(l.expires->days() + 1);  // valid through its expiry day
  }
  return points;
}

TEST(DatesTest, AnswersChangeOnlyWhereTheLawChanged) {
  EngineOptions o;
  o.home = FindHome(nullptr);
  o.trace = false;
  auto engine = Engine::Open(o);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  auto files = FindCaseFiles({o.home + "/tests/cases"});
  ASSERT_TRUE(files.ok());
  // Dated reference data (groups, CCL rows) changes the law too: collect their dates once.
  std::set<int32_t> refdata_points = {Date::Parse("2020-12-23")->days(), Date::Parse("2024-12-02")->days(),
                                      Date::Parse("2023-11-17")->days(), Date::Parse("2022-10-07")->days(),
                                      Date::Parse("2023-01-17")->days(),
                                      // refdata/us/ccl_history.json (3A090/4A090 created; the worldwide
                                      // 3A090.a row), refdata/jp/sets.json (Korea back in Group A).
                                      Date::Parse("2022-10-21")->days(), Date::Parse("2025-01-13")->days(),
                                      Date::Parse("2023-07-21")->days()};
  int checked = 0, changes = 0;
  const Date start = *Date::Parse("2020-01-01"), end = *Date::Parse("2026-12-31");
#ifdef CORDON_SANITIZE_BUILD
  const int step_files = 4;  // a quarter of the cases under the sanitizers, to keep CI fast
#else
  const int step_files = 1;
#endif
  for (size_t fi = 0; fi < files->size(); fi += step_files) {
    const auto& f = (*files)[fi];
    auto cj = ReadJsonFile(f);
    ASSERT_TRUE(cj.ok());
    if ((*cj)["expect"].value("error", false)) continue;
    Context ctx;
    if (cj->contains("context") && !(*cj)["context"].empty()) ctx = *(*engine)->ParseContext((*cj)["context"], f);
    auto tx = (*engine)->ParseTransaction((*cj)["transaction"], f);
    ASSERT_TRUE(tx.ok()) << tx.status().message();
    auto first = (*engine)->Determine(*tx, ctx, start);
    std::set<int32_t> points = ChangePoints(**engine, *first);
    points.insert(refdata_points.begin(), refdata_points.end());
    std::vector<Outcome> prev;
    for (const auto& j : first->det.jurisdictions) prev.push_back(j.outcome);
    for (int32_t day = start.days() + 1; day <= end.days(); ++day) {
      auto d = (*engine)->Determine(*tx, ctx, Date::FromDays(day));
      bool changed = false;
      for (size_t k = 0; k < prev.size(); ++k) {
        if (d->det.jurisdictions[k].outcome != prev[k]) changed = true;
        prev[k] = d->det.jurisdictions[k].outcome;
      }
      if (changed) {
        ++changes;
        EXPECT_TRUE(points.count(day)) << f << ": the answer changed on " << Date::FromDays(day).ToString()
                                       << ", which is no change point of the rules or data";
      }
      ++checked;
    }
  }
  EXPECT_GT(changes, 20 / step_files) << "the cases should straddle many changes of the law";
  RecordProperty("days_checked", checked);
}

}  // namespace
}  // namespace cordon
