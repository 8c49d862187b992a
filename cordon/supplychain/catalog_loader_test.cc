#include "cordon/supplychain/catalog_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cordon::supplychain {
namespace {

using ::testing::HasSubstr;


TEST(CatalogCsv, LoadsPartsAndBom) {
  std::string parts =
      "id,made_in,value,currency,kind,class_US,class_EU,us_technology,us_software,plant_us_origin,made_with\n"
      "ETCH-300,KR,4200000,USD,commodity,3B001.c,3B001.c,3E001,none,false,LITHO-7\n"
      "FPGA-X,US,1500.50,USD,,3A001.a.7,,,,,\n"
      "LITHO-7,NL,90000000,EUR,,3B001.f.1,,3E001; 3D001,,,\n";
  std::string bom = "parent,child,quantity,unit\nETCH-300,FPGA-X,2,ea\n";
  auto r = LoadCatalogCsv(bom, "bom.csv", parts, "parts.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ProductCatalog& c = r->catalog;
  ASSERT_EQ(c.size(), 3u);
  const Product* etch = c.Find("ETCH-300");
  ASSERT_NE(etch, nullptr);
  EXPECT_EQ(etch->made_in.text(), "KR");
  EXPECT_EQ(etch->ClassificationFor(Symbol::Intern("US")).text(), "3B001.c");
  EXPECT_EQ(etch->ClassificationFor(Symbol::Intern("EU")).text(), "3B001.c");
  ASSERT_TRUE(etch->unit_value.has_value());
  EXPECT_DOUBLE_EQ(etch->unit_value->amount, 4200000);
  ASSERT_EQ(etch->components.size(), 1u);
  EXPECT_EQ(etch->components[0].product, "FPGA-X");
  EXPECT_EQ(etch->components[0].quantity, 2);
  EXPECT_EQ(etch->components[0].source.ToString(), "bom.csv:2");
  ASSERT_TRUE(etch->production.us_technology.has_value());
  EXPECT_EQ(etch->production.us_technology->size(), 1u);
  ASSERT_TRUE(etch->production.us_software.has_value());  // "none": stated empty
  EXPECT_TRUE(etch->production.us_software->empty());
  EXPECT_EQ(etch->production.plant_us_origin, Tri::kFalse);
  ASSERT_TRUE(etch->production.made_with.has_value());
  EXPECT_EQ((*etch->production.made_with)[0], "LITHO-7");
  const Product* fpga = c.Find("FPGA-X");
  EXPECT_FALSE(fpga->production.us_technology.has_value());  // empty cell: unknown
  EXPECT_EQ(fpga->production.plant_us_origin, Tri::kUnknown);
  EXPECT_DOUBLE_EQ(fpga->unit_value->amount, 1500.5);
  EXPECT_EQ(c.Find("LITHO-7")->production.us_technology->size(), 2u);
}

TEST(CatalogCsv, CycleNamesFileAndRows) {
  std::string parts = "id,made_in,value,currency\nA,KR,10,USD\nB,KR,5,USD\nC,KR,1,USD\n";
  std::string bom = "parent,child,quantity\nA,B,1\nB,C,1\nC,B,2\n";
  auto r = LoadCatalogCsv(bom, "bom.csv", parts, "parts.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("cycle"));
  EXPECT_THAT(r.status().message(), HasSubstr("bom.csv:3"));
  EXPECT_THAT(r.status().message(), HasSubstr("bom.csv:4"));
  EXPECT_THAT(r.status().message(), HasSubstr("B -> C -> B"));
}

TEST(CatalogCsv, DanglingReferenceNamesFileAndRow) {
  std::string parts = "id,made_in,value,currency,made_with\nA,KR,10,USD,\nB,KR,5,USD,NOPE-TOOL\n";
  std::string bom = "parent,child,quantity\nA,B,1\nA,GHOST,1\nPHANTOM,A,1\n";
  auto r = LoadCatalogCsv(bom, "bom.csv", parts, "parts.csv");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_THAT(m, HasSubstr("bom.csv:3: error: component 'GHOST' of 'A' is not in the catalogue"));
  EXPECT_THAT(m, HasSubstr("bom.csv:4: error: parent 'PHANTOM'"));
  EXPECT_THAT(m, HasSubstr("parts.csv:3: error: made_with 'NOPE-TOOL'"));
}

TEST(CatalogCsv, MissingValueIsAWarningWithRow) {
  std::string parts = "id,made_in,value,currency,class_US\nA,KR,10,USD,3B001.c\nB,US,,,\nC,,3,USD,EAR99\n";
  std::string bom = "parent,child,quantity\nA,B,1\nA,C,1\n";
  auto r = LoadCatalogCsv(bom, "bom.csv", parts, "parts.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string all;
  for (const Issue& w : r->warnings) all += w.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("parts.csv:3: warning: 'B': unit value missing"));
  EXPECT_THAT(all, HasSubstr("parts.csv:3: warning: 'B': US-origin part without a US classification"));
  EXPECT_THAT(all, HasSubstr("parts.csv:4: warning: 'C': made_in missing"));
}

TEST(CatalogCsv, BadUnitsAndNumbersAreErrorsWithRow) {
  std::string parts =
      "id,made_in,value,currency\nA,KR,10,usd\nB,KR,ten,USD\nC,Korea,1,USD\nD,KR,1,USD\n";
  std::string bom = "parent,child,quantity,unit\nD,A,2,kg\nD,B,-1,ea\nD,C,x,\n";
  auto r = LoadCatalogCsv(bom, "bom.csv", parts, "parts.csv");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_THAT(m, HasSubstr("parts.csv:2: error: 'A': currency 'usd' is not an ISO 4217 code (bad unit)"));
  EXPECT_THAT(m, HasSubstr("parts.csv:3: error: 'B': value 'ten'"));
  EXPECT_THAT(m, HasSubstr("parts.csv:4: error: 'C': made_in 'Korea'"));
  EXPECT_THAT(m, HasSubstr("bom.csv:2: error: unit 'kg'"));
  EXPECT_THAT(m, HasSubstr("bom.csv:3: error: quantity '-1'"));
  EXPECT_THAT(m, HasSubstr("bom.csv:4: error: quantity 'x'"));
}

TEST(CatalogCsv, DuplicateIdNamesBothRows) {
  std::string parts = "id,made_in\nA,KR\nA,JP\n";
  auto r = LoadCatalogCsv("parent,child,quantity\n", "bom.csv", parts, "parts.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("parts.csv:3: error: duplicate product id 'A' (first at parts.csv:2)"));
}

TEST(CatalogCsv, QuotedFieldsAndUnterminatedQuote) {
  std::string parts = "id,made_in,value,currency\r\n\"A,1\",KR,\"10\",USD\r\n";
  auto r = LoadCatalogCsv("parent,child,quantity\n", "bom.csv", parts, "parts.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->catalog.Find("A,1"), nullptr);
  auto bad = LoadCatalogCsv("parent,child,quantity\n\"A,B,1\n", "bom.csv", parts, "parts.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bom.csv:2: unterminated quoted field"));
}

TEST(CatalogCsv, HeaderWithoutRequiredColumns) {
  auto r = LoadCatalogCsv("parent,kid,qty\n", "bom.csv", "id\nA\n", "parts.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("bom.csv:1: header must name parent, child and quantity"));
  auto p = LoadCatalogCsv("parent,child,quantity\n", "bom.csv", "name\nA\n", "parts.csv");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("parts.csv:1: header has no 'id' column"));
}

constexpr const char* kContext = R"({
  "products": [
    {"id": "ETCH-300", "made_in": "KR", "classification": {"US": "3B001.c", "KR": "3B001.c"},
     "unit_value": {"amount": 4200000, "currency": "USD"},
     "components": [{"product": "FPGA-X", "quantity": 2}],
     "production": {"us_technology": ["3E001"], "made_with": ["LITHO-7"],
                    "plant": {"us_technology": ["3E001"]}},
     "declarations": [{"supplier": "Hanbit", "date": "2024-05-01", "reference": "D-1",
                       "made_in": "KR"}]},
    {"id": "FPGA-X", "made_in": "US", "classification": {"US": "3A001.a.7"},
     "unit_value": {"amount": 10500, "currency": "USD"}, "kind": "commodity"},
    {"id": "LITHO-7", "made_in": "NL", "production": {"us_technology": [], "us_software": ["3D001"],
     "plant_us_origin": true}}
  ]})";

TEST(CatalogJson, LoadsContractProducts) {
  auto r = LoadCatalogJson(kContext, "context.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Product* etch = r->catalog.Find("ETCH-300");
  ASSERT_NE(etch, nullptr);
  EXPECT_EQ(etch->components[0].quantity, 2);
  EXPECT_EQ(etch->components[0].source.ToString(), "context.json:products[0].components[0]");
  EXPECT_FALSE(etch->production.us_software.has_value());
  EXPECT_EQ(etch->production.plant_us_technology->size(), 1u);
  EXPECT_EQ(etch->declarations.size(), 1u);
  const Product* litho = r->catalog.Find("LITHO-7");
  EXPECT_EQ(litho->production.plant_us_origin, Tri::kTrue);
  EXPECT_TRUE(litho->production.us_technology->empty());
  // LITHO-7 has no value: a warning, not an error.
  bool warned = false;
  for (const Issue& w : r->warnings) {
    warned |= w.ToString() == "context.json:products[2]: warning: 'LITHO-7': unit value missing; its value is unknown";
  }
  EXPECT_TRUE(warned);
}

TEST(CatalogJson, ErrorsNameFileAndElement) {
  const char* text = R"([
    {"id": "A", "made_in": "KR", "unit_value": {"amount": 10, "currency": "US$"},
     "components": [{"product": "B", "quantity": 0}, {"product": "Z"}]},
    {"id": "B", "made_in": "KR", "components": [{"product": "A", "quantity": 1}]},
    {"made_in": "KR"}
  ])";
  auto r = LoadCatalogJson(text, "ctx.json");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_THAT(m, HasSubstr("ctx.json:products[0]: error: 'A': unit_value.currency must be an ISO 4217 code (bad unit)"));
  EXPECT_THAT(m, HasSubstr("ctx.json:products[0].components[0]: error: 'A': quantity of 'B'"));
  EXPECT_THAT(m, HasSubstr("ctx.json:products[0].components[1]: error: component 'Z' of 'A' is not in the catalogue"));
  EXPECT_THAT(m, HasSubstr("ctx.json:products[2]: error: id missing"));
  EXPECT_FALSE(LoadCatalogJson("{", "x.json").ok());
}

TEST(CatalogJson, CycleNamesElements) {
  const char* text = R"([{"id": "A", "components": [{"product": "B"}]},
                         {"id": "B", "components": [{"product": "A"}]}])";
  auto r = LoadCatalogJson(text, "ctx.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("cycle A -> B -> A"));
  EXPECT_THAT(r.status().message(), HasSubstr("ctx.json:products[0].components[0]"));
  EXPECT_THAT(r.status().message(), HasSubstr("ctx.json:products[1].components[0]"));
}

TEST(CatalogFiles, MissingFileIsNotFound) {
  auto r = LoadCatalogJsonFile("/nonexistent/ctx.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cordon::supplychain
