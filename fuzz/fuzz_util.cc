#include "fuzz/fuzz_util.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cordon/engine/engine.h"

namespace cordon::fuzz {

void SetupFailed(const char* what, const std::string& why) {
  std::fprintf(stderr, "fuzz: cannot open %s: %s\n", what, why.c_str());
  std::abort();
}

const Engine& TheEngine() {
  static std::unique_ptr<Engine> engine = [] {
    EngineOptions o;
    o.home = FindHome(nullptr);
    auto e = Engine::Open(o);
    if (!e.ok()) SetupFailed("the engine", e.status().message());
    return std::move(*e);
  }();
  return *engine;
}

const std::string& ScratchDir() {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("cordon-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  return dir;
}

std::string ScratchFile(std::string_view name, const uint8_t* data, size_t size) {
  std::string path = ScratchDir() + "/" + std::string(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace cordon::fuzz
