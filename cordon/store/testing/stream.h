// Test helper: the stream of writes the crash and fault tests make. Order O-i with its audit
// record (a payload of `payload` bytes, big enough to span pages), its dependency index, and a
// draw of `draw` from licence L — all one batch.
#ifndef CORDON_STORE_TESTING_STREAM_H_
#define CORDON_STORE_TESTING_STREAM_H_

#include <string>

#include "cordon/store/store.h"

namespace cordon::store::testing {

inline Status WriteStreamOrder(Store* s, int i, size_t payload, double draw) {
  std::string id = "O-" + std::to_string(i);
  AuditRecord a;
  a.caller = "stream-test";
  a.input = {{"id", id}, {"payload", std::string(payload, 'x')}};
  a.context = nlohmann::json::object();
  a.date = "2024-05-10";
  a.rules_version = "v";
  a.outcome = "AUTHORIZED";
  a.determination = {{"overall", "AUTHORIZED"}, {"transaction", id}};
  a.cause = "stream";
  a.deps = {{"licence", "L"}, {"party", "P" + std::to_string(i % 7)}};
  OrderRecord o;
  o.id = id;
  o.transaction = a.input;
  o.context = nlohmann::json::object();
  Batch batch(s);
  RETURN_IF_ERROR(batch.Begin());
  RETURN_IF_ERROR(s->Record(a, o).status());
  RETURN_IF_ERROR(s->UseLicence({0, "L", id, draw, 1, ""}).status());
  return batch.Commit();
}

// Licence L with a value limit far above what the stream draws.
inline Status AddStreamLicence(Store* s) {
  LicenceRecord l;
  l.id = "L";
  l.body = {{"id", "L"}, {"regime", "US"}};
  l.max_value = 1e9;
  return s->PutLicence(l, "add", "test");
}

}  // namespace cordon::store::testing

#endif  // CORDON_STORE_TESTING_STREAM_H_
