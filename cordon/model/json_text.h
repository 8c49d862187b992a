// Writing JSON text straight into a string, for answers rendered on a hot path (the determination
// of `POST /check`) without building a nlohmann::json tree first. What these write is what
// nlohmann::json::dump() writes for the same value: strings escaped alike (control characters as
// \uXXXX or their short escapes, UTF-8 left as it is), doubles in the same shortest form
// (1.0, 0.95, 1e-05), so that both renderings of a determination are the same bytes.
#ifndef CORDON_MODEL_JSON_TEXT_H_
#define CORDON_MODEL_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace cordon {

// Appends "s" quoted and escaped.
void AppendJsonString(std::string& out, std::string_view s);
// Appends v as nlohmann::json writes a double (null when not finite).
void AppendJsonNumber(std::string& out, double v);
inline void AppendJsonBool(std::string& out, bool b) { out += b ? "true" : "false"; }

}  // namespace cordon

#endif  // CORDON_MODEL_JSON_TEXT_H_
