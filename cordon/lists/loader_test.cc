#include "cordon/lists/loader.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace cordon::lists {
namespace {

std::string Shared() {
  const char* env = std::getenv("CORDON_SHARED");
  return env ? env : "../shared";
}
std::string Lists() { return Shared() + "/data/lists/"; }

struct Expected {
  const char* path;  // under ../shared/data/
  const char* format;
  size_t entities;
  size_t aliases;
  size_t warnings;
  const char* date;  // "" for none
};

// The pinned counts are those in docs/screening.md; a change here is a change
// in what the loaders read and must be explained there.
const Expected kFiles[] = {
    {"peer-mcp/expanded/consolidated.csv", "csl-csv", 25921, 31246, 1, ""},
    {"lists/moov-io-watchman/test/testdata/csl.csv", "csl-csv", 115, 161, 2, "2019-08-13"},
    {"lists/moov-io-watchman/internal/cslustest/testdata/consolidated.csv", "csl-csv", 13, 15, 0, "2023-07-19"},
    {"lists/moov-io-watchman/test/testdata/bench/sdn.csv", "ofac-csv", 8976, 11904, 0, ""},
    {"lists/moov-io-watchman/test/testdata/cons_prim.csv", "ofac-csv", 442, 1071, 0, ""},
    {"lists/jackdwyer-specially-designated-nationals-list/2024-04-26/sdn.csv", "ofac-csv", 14668, 0, 0, "2024-04-26"},
    {"lists/jackdwyer-specially-designated-nationals-list/2024-05-03/sdn.csv", "ofac-csv", 14965, 0, 0, "2024-05-03"},
    {"lists/moov-io-watchman/test/testdata/bench/dpl.txt", "bis-dpl", 459, 0, 125, "2022-09-02"},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/dpl/dpl.txt", "bis-dpl", 9, 0, 0, "2007-08-14"},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/el/el.csv", "bis-el-csv", 5, 4, 16, "2013-12-12"},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/meu/meu.csv", "bis-el-csv", 5, 4, 16, "2013-12-12"},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/uvl/uvl.csv", "bis-uvl-csv", 13, 0, 6, ""},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/isn/isn.csv", "isn-csv", 5, 0, 0, ""},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/dtc/itar_debarred_parties.csv", "ddtc-csv", 4, 0, 0, ""},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/sdn/sdn.xml", "ofac-xml", 4, 13, 0, "2014-07-16"},
    {"lists/InternationalTradeAdministration-webservices/spec/fixtures/screening_lists/treasury_consolidated/consolidated.xml", "ofac-xml", 24, 60, 0, "2014-12-17"},
    {"lists/moov-io-watchman/test/testdata/UN_consolidated.xml", "un-xml", 1003, 3118, 0, "2026-02-27"},
    {"lists/opendatalabcz-sanction-lists/src/test/resources/EU/data.xml", "eu-fsf-xml", 595, 2102, 0, "2016-02-11"},
    {"lists/opendatalabcz-sanction-lists/src/test/resources/BOE/data.csv", "hmt-csv", 463, 245, 0, "2016-02-12"},
    {"lists/kenmizuno-cpu-sanctions-watch/data/manual/meti/records/20260905T201914Z__c632d657f9c1.csv", "meti-eul-csv", 835, 1412, 0, ""},
};

TEST(LoadListFileTest, PinnedCountsPerFile) {
  for (const Expected& x : kFiles) {
    SCOPED_TRACE(x.path);
    auto r = LoadListFile(Shared() + "/data/" + x.path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->format, x.format);
    EXPECT_EQ(r->snapshot.entities.size(), x.entities);
    EXPECT_EQ(r->alias_count(), x.aliases);
    EXPECT_EQ(r->warnings.size(), x.warnings);
    EXPECT_EQ(r->snapshot.date ? r->snapshot.date->ToString() : "", x.date);
  }
}

TEST(LoadListFileTest, FullCslPerList) {
  auto r = LoadListFile(Shared() + "/data/peer-mcp/expanded/consolidated.csv");
  ASSERT_TRUE(r.ok());
  std::map<std::string, int> per;
  const ListEntity* huawei_be = nullptr;
  for (const auto& e : r->snapshot.entities) {
    per[e.list]++;
    if (e.name == "Huawei Technologies Research & Development Belgium NV") huawei_be = &e;
  }
  EXPECT_EQ(per["US.SDN"], 19181);
  EXPECT_EQ(per["US.EL"], 3420);
  EXPECT_EQ(per["US.DPL"], 1596);
  EXPECT_EQ(per["US.MEU"], 70);
  ASSERT_NE(huawei_be, nullptr);
  EXPECT_EQ(huawei_be->countries, std::vector<std::string>{"BE"});
  EXPECT_EQ(huawei_be->footnotes, (std::vector<int>{1, 2}));
  EXPECT_EQ(huawei_be->license_policy, "Presumption of denial");
  EXPECT_NE(huawei_be->federal_register.find("84 FR 22961"), std::string::npos);
}

TEST(LoadListFileTest, DplDirtyDatesAndRepeatedAddresses) {
  auto r = LoadListFile(Lists() + "moov-io-watchman/test/testdata/bench/dpl.txt");
  ASSERT_TRUE(r.ok());
  int bad_dates = 0;
  for (const auto& w : r->warnings)
    if (w.message.find("not a plausible date") != std::string::npos) ++bad_dates;
  EXPECT_EQ(bad_dates, 3);  // 3017-08-22, 2922-09-01, 0222-05-18
  size_t addresses = 0;
  for (const auto& e : r->snapshot.entities) addresses += e.addresses.size();
  EXPECT_EQ(addresses, 579u);
}

TEST(LoadListFileTest, OfacSetJoinsCompanions) {
  auto r = LoadListFile(Lists() + "moov-io-watchman/test/testdata/bench/sdn.csv");
  ASSERT_TRUE(r.ok());
  const ListEntity& bnc = r->snapshot.entities[2];
  EXPECT_EQ(bnc.source_id, "306");
  EXPECT_EQ(bnc.name, "BANCO NACIONAL DE CUBA");
  EXPECT_EQ(bnc.aliases, std::vector<std::string>{"NATIONAL BANK OF CUBA"});
  EXPECT_EQ(bnc.addresses.size(), 4u);
  EXPECT_EQ(bnc.countries, (std::vector<std::string>{"CH", "ES", "JP", "PA"}));
  EXPECT_EQ(bnc.programs, std::vector<std::string>{"CUBA"});
}

TEST(LoadListFileTest, CompanionAloneIsRejected) {
  auto r = LoadListFile(Lists() + "moov-io-watchman/test/testdata/bench/alt.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("primary file"), std::string::npos);
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = (std::filesystem::temp_directory_path() / ("cordon_lists_" + std::to_string(counter_++) + ".txt")).string();
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

TEST(LoadListFileTest, DirtyRecordsAreRepairedAndCounted) {
  TempFile f(
      "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\t"
      "Standard_Order\tLast_Update\tAction\tFR_Citation\n"
      "ACME\x01 TRADING\tONE ST\tX\t\tCN\t\t01/02/2020\t\tY\t3017-08-22\t\t1 F.R. 1\n"
      "ACME TRADING\tTWO ST\tY\t\tHK\t\t01/02/2020\t\tY\t2020-01-03\t\t1 F.R. 1\n");
  auto r = LoadListFile(f.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->snapshot.entities.size(), 1u);
  const ListEntity& e = r->snapshot.entities[0];
  EXPECT_EQ(e.name, "ACME TRADING");
  EXPECT_EQ(e.addresses.size(), 2u);
  EXPECT_EQ(e.countries, (std::vector<std::string>{"CN", "HK"}));
  EXPECT_EQ(r->warnings.size(), 3u);  // control byte, impossible date, repeated row
  EXPECT_EQ(r->snapshot.date->ToString(), "2020-01-03");
}

TEST(LoadListFileTest, EmptyOrUnknownFilesFail) {
  TempFile empty("");
  EXPECT_FALSE(LoadListFile(empty.path()).ok());
  TempFile header_only("source,entity_number,type,programs,name\n");
  EXPECT_FALSE(LoadListFile(header_only.path()).ok());
  TempFile junk("hello world\n");
  EXPECT_EQ(LoadListFile(junk.path()).status().code(), StatusCode::kInvalidArgument);
  TempFile bad_xml("<?xml version=\"1.0\"?><CONSOLIDATED_LIST><INDIVIDUALS>");
  EXPECT_FALSE(LoadListFile(bad_xml.path()).ok());
  EXPECT_EQ(LoadListFile("/nonexistent/file.csv").status().code(), StatusCode::kNotFound);
}

TEST(LoadListFileTest, CslJson) {
  TempFile f(R"({"results": [{"source": "Entity List (EL) - Bureau of Industry and Security",
    "name": "Huawei Technologies Co., Ltd.", "alt_names": ["Huawei"], "programs": [],
    "addresses": [{"address": "Bantian", "city": "Shenzhen", "country": "CN"}],
    "license_requirement": "For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2",
    "start_date": "2019-05-16"}]})");
  auto r = LoadListFile(f.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->snapshot.entities.size(), 1u);
  EXPECT_EQ(r->format, "csl-json");
  EXPECT_EQ(r->snapshot.entities[0].list, "US.EL");
  EXPECT_EQ(r->snapshot.entities[0].footnotes, (std::vector<int>{1, 2}));
  EXPECT_EQ(r->snapshot.entities[0].countries, std::vector<std::string>{"CN"});
}

TEST(LoadListPathTest, FolderSkipsCompanionsAndUnknownFiles) {
  auto r = LoadListPath(Lists() + "moov-io-watchman/test/testdata");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> formats;
  for (const auto& l : *r) formats.push_back(l.format);
  // bench/dpl.txt, bench/sdn.csv, cons_prim.csv, csl.csv, UN_consolidated.xml
  EXPECT_EQ(formats, (std::vector<std::string>{"un-xml", "bis-dpl", "ofac-csv", "ofac-csv", "csl-csv"}));
}

}  // namespace
}  // namespace cordon::lists
