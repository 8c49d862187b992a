// Shared pieces of the fuzz targets: the engine opened once, and input bytes
// written to a scratch file for the loaders that read files.
#ifndef CORDON_FUZZ_FUZZ_UTIL_H_
#define CORDON_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cordon { class Engine; }

namespace cordon::fuzz {

// The engine over the bundled rules and reference data ($CORDON_HOME or found
// from the source tree); aborts if it cannot open, since then nothing is fuzzed.
const Engine& TheEngine();

// Setting up a target failed: nothing would be fuzzed. Prints what and why, and aborts.
[[noreturn]] void SetupFailed(const char* what, const std::string& why);

// Writes `bytes` to a per-process scratch file named `name` and returns its path.
std::string ScratchFile(std::string_view name, const uint8_t* data, size_t size);

// A per-process scratch folder (created on first use).
const std::string& ScratchDir();

}  // namespace cordon::fuzz

#endif  // CORDON_FUZZ_FUZZ_UTIL_H_
