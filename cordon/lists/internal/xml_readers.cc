// Readers for the XML list formats (see readers.h): OFAC sdnList, UN
// CONSOLIDATED_LIST, EU legacy WHOLE/ENTITY. libxml2 builds a tree (the files
// are a few MB); network access and external entities are off.
#include <filesystem>
#include <memory>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cordon/lists/internal/parse_util.h"
#include "cordon/lists/internal/readers.h"

namespace cordon::lists::internal {
namespace {

namespace fs = std::filesystem;

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

Result<Doc> ParseXml(const std::string& content, const std::string& path) {
  xmlDoc* d = xmlReadMemory(content.data(), static_cast<int>(content.size()), path.c_str(), nullptr,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  if (!d) {
    const xmlError* e = xmlGetLastError();
    return InvalidArgument(path + ":" + std::to_string(e ? e->line : 0) + ": malformed XML" +
                           (e && e->message ? std::string(": ") + e->message : ""));
  }
  return Doc(d);
}

bool Is(const xmlNode* n, const char* name) {
  return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

// Children elements with a given name.
std::vector<const xmlNode*> Children(const xmlNode* n, const char* name) {
  std::vector<const xmlNode*> out;
  if (!n) return out;
  for (const xmlNode* c = n->children; c; c = c->next)
    if (Is(c, name)) out.push_back(c);
  return out;
}

const xmlNode* Child(const xmlNode* n, const char* name) {
  if (!n) return nullptr;
  for (const xmlNode* c = n->children; c; c = c->next)
    if (Is(c, name)) return c;
  return nullptr;
}

std::string Text(const xmlNode* n, int* stripped) {
  if (!n) return "";
  xmlChar* s = xmlNodeGetContent(n);
  std::string out = s ? CleanText(reinterpret_cast<const char*>(s), stripped) : "";
  xmlFree(s);
  return out;
}

std::string ChildText(const xmlNode* n, const char* name, int* stripped) {
  return Text(Child(n, name), stripped);
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* s = xmlGetProp(n, BAD_CAST name);
  std::string out = s ? CleanText(reinterpret_cast<const char*>(s)) : "";
  xmlFree(s);
  return out;
}

std::string Join(std::initializer_list<std::string> parts, const char* sep) {
  std::string out;
  for (const auto& p : parts)
    if (!p.empty()) out += (out.empty() ? "" : sep) + p;
  return out;
}

void FlushStripped(LoadedList* out, const std::string& id, int stripped) {
  if (stripped > 0)
    Warn(out, fs::path(out->path).filename().string() + ":" + id,
         std::to_string(stripped) + " control byte(s) stripped");
}

std::optional<Date> DateOf(LoadedList* out, const std::string& id, const char* field, const std::string& s,
                           bool day_first) {
  bool bad = false;
  auto d = ParseListDate(s, day_first, &bad);
  if (bad)
    Warn(out, fs::path(out->path).filename().string() + ":" + id,
         std::string(field) + " '" + s + "' is not a plausible date; dropped");
  return d;
}

}  // namespace

Status ReadOfacXml(const std::string& content, LoadedList* out) {
  out->format = "ofac-xml";
  std::string file = ToLowerAscii(fs::path(out->path).filename().string());
  std::string list = file.find("cons") != std::string::npos ? "US.NONSDN" : "US.SDN";
  out->snapshot.list = list;
  ASSIGN_OR_RETURN(Doc doc, ParseXml(content, out->path));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (const xmlNode* pub = Child(root, "publshInformation"))
    out->snapshot.date = DateOf(out, "publshInformation", "Publish_Date", ChildText(pub, "Publish_Date", nullptr), false);
  for (const xmlNode* n : Children(root, "sdnEntry")) {
    int stripped = 0;
    ListEntity e;
    e.list = list;
    e.source_id = ChildText(n, "uid", &stripped);
    std::string last = ChildText(n, "lastName", &stripped), first = ChildText(n, "firstName", &stripped);
    e.name = Join({last, first}, ", ");
    if (e.name.empty()) continue;
    std::string type = ChildText(n, "sdnType", &stripped);
    e.type = type == "Individual" ? EntityType::kIndividual
             : type == "Vessel"   ? EntityType::kVessel
             : type == "Aircraft" ? EntityType::kAircraft
                                  : EntityType::kEntity;
    e.remarks = ChildText(n, "remarks", &stripped);
    for (const xmlNode* p : Children(Child(n, "programList"), "program")) AddUnique(&e.programs, Text(p, &stripped));
    for (const xmlNode* a : Children(Child(n, "akaList"), "aka"))
      AddUnique(&e.aliases, Join({ChildText(a, "lastName", &stripped), ChildText(a, "firstName", &stripped)}, ", "));
    for (const xmlNode* a : Children(Child(n, "addressList"), "address")) {
      std::string text = Join({ChildText(a, "address1", &stripped), ChildText(a, "address2", &stripped),
                               ChildText(a, "address3", &stripped), ChildText(a, "city", &stripped),
                               ChildText(a, "stateOrProvince", &stripped), ChildText(a, "postalCode", &stripped)},
                              ", ");
      AddAddress(&e, Address{text, CountryCode(ChildText(a, "country", &stripped))});
    }
    for (const char* l : {"nationalityList", "citizenshipList"})
      for (const xmlNode* c = Child(n, l) ? Child(n, l)->children : nullptr; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
          if (auto code = CountryCode(ChildText(c, "country", &stripped)); !code.empty()) AddUnique(&e.countries, code);
    FlushStripped(out, e.source_id, stripped);
    Finish(&e);
    out->snapshot.entities.push_back(std::move(e));
  }
  if (out->snapshot.entities.empty()) return InvalidArgument(out->path + ": no sdnEntry");
  return Status::Ok();
}

Status ReadUnXml(const std::string& content, LoadedList* out) {
  out->format = "un-xml";
  out->snapshot.list = "UN";
  ASSIGN_OR_RETURN(Doc doc, ParseXml(content, out->path));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  std::string generated = Attr(root, "dateGenerated");
  out->snapshot.date = DateOf(out, "CONSOLIDATED_LIST", "dateGenerated", generated.substr(0, 10), false);
  struct Kind { const char* group; const char* item; const char* alias; const char* address; EntityType type; };
  for (const Kind& k : {Kind{"INDIVIDUALS", "INDIVIDUAL", "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS", EntityType::kIndividual},
                        Kind{"ENTITIES", "ENTITY", "ENTITY_ALIAS", "ENTITY_ADDRESS", EntityType::kEntity}}) {
    for (const xmlNode* n : Children(Child(root, k.group), k.item)) {
      int stripped = 0;
      ListEntity e;
      e.list = "UN";
      e.type = k.type;
      e.source_id = ChildText(n, "DATAID", &stripped);
      e.name = Join({ChildText(n, "FIRST_NAME", &stripped), ChildText(n, "SECOND_NAME", &stripped),
                     ChildText(n, "THIRD_NAME", &stripped), ChildText(n, "FOURTH_NAME", &stripped)},
                    " ");
      if (e.name.empty()) {
        Warn(out, out->path + ":" + e.source_id, "entry without a name dropped");
        continue;
      }
      AddUnique(&e.aliases, ChildText(n, "NAME_ORIGINAL_SCRIPT", &stripped));
      for (const xmlNode* a : Children(n, k.alias)) AddUnique(&e.aliases, ChildText(a, "ALIAS_NAME", &stripped));
      AddUnique(&e.programs, ChildText(n, "UN_LIST_TYPE", &stripped));
      e.remarks = ChildText(n, "COMMENTS1", &stripped);
      e.start_date = DateOf(out, e.source_id, "LISTED_ON", ChildText(n, "LISTED_ON", &stripped), false);
      for (const xmlNode* v : Children(Child(n, "NATIONALITY"), "VALUE"))
        if (auto code = CountryCode(Text(v, &stripped)); !code.empty()) AddUnique(&e.countries, code);
      for (const xmlNode* a : Children(n, k.address)) {
        std::string text = Join({ChildText(a, "STREET", &stripped), ChildText(a, "CITY", &stripped),
                                 ChildText(a, "STATE_PROVINCE", &stripped), ChildText(a, "ZIP_CODE", &stripped)},
                                ", ");
        AddAddress(&e, Address{text, CountryCode(ChildText(a, "COUNTRY", &stripped))});
      }
      FlushStripped(out, e.source_id, stripped);
      Finish(&e);
      out->snapshot.entities.push_back(std::move(e));
    }
  }
  if (out->snapshot.entities.empty()) return InvalidArgument(out->path + ": no INDIVIDUAL or ENTITY");
  return Status::Ok();
}

// EU consolidated financial-sanctions list, legacy v1 schema. The first NAME
// of an ENTITY is its primary name; the others are aliases.
Status ReadEuXml(const std::string& content, LoadedList* out) {
  out->format = "eu-fsf-xml";
  out->snapshot.list = "EU.FSF";
  ASSIGN_OR_RETURN(Doc doc, ParseXml(content, out->path));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  out->snapshot.date = DateOf(out, "WHOLE", "Date", Attr(root, "Date"), /*day_first=*/true);
  for (const xmlNode* n : Children(root, "ENTITY")) {
    int stripped = 0;
    ListEntity e;
    e.list = "EU.FSF";
    e.source_id = Attr(n, "Id");
    std::string type = Attr(n, "Type");
    e.type = type == "P" ? EntityType::kIndividual : EntityType::kEntity;
    AddUnique(&e.programs, Attr(n, "programme"));
    e.start_date = DateOf(out, e.source_id, "reg_date", Attr(n, "reg_date"), false);
    e.remarks = Attr(n, "remark");
    for (const xmlNode* nm : Children(n, "NAME")) {
      std::string whole = ChildText(nm, "WHOLENAME", &stripped);
      if (whole.empty())
        whole = Join({ChildText(nm, "FIRSTNAME", &stripped), ChildText(nm, "MIDDLENAME", &stripped),
                      ChildText(nm, "LASTNAME", &stripped)},
                     " ");
      if (whole.empty()) continue;
      if (e.name.empty()) e.name = whole;
      else AddUnique(&e.aliases, whole);
    }
    if (e.name.empty()) {
      Warn(out, out->path + ":" + e.source_id, "entity without a name dropped");
      continue;
    }
    for (const xmlNode* a : Children(n, "ADDRESS")) {
      std::string text = Join({ChildText(a, "STREET", &stripped), ChildText(a, "NUMBER", &stripped),
                               ChildText(a, "CITY", &stripped), ChildText(a, "ZIP", &stripped)},
                              ", ");
      AddAddress(&e, Address{text, CountryCode(ChildText(a, "COUNTRY", &stripped))});
    }
    for (const xmlNode* c : Children(n, "CITIZEN"))
      if (auto code = CountryCode(ChildText(c, "COUNTRY", &stripped)); !code.empty()) AddUnique(&e.countries, code);
    FlushStripped(out, e.source_id, stripped);
    Finish(&e);
    out->snapshot.entities.push_back(std::move(e));
  }
  if (out->snapshot.entities.empty()) return InvalidArgument(out->path + ": no ENTITY");
  return Status::Ok();
}

}  // namespace cordon::lists::internal
