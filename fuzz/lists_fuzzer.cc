// Fuzz target: every restricted-party list loader. The loaders recognise the format from the
// content; the first byte picks the file name, for the few shapes whose companions are found by
// name (the OFAC legacy CSV set).
#include <cstddef>
#include <cstdint>

#include "cordon/lists/loader.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* kNames[] = {"list.csv", "sdn.csv", "cons_prim.csv", "list.xml", "list.json", "list.txt"};
  if (size == 0) return 0;
  const char* name = kNames[data[0] % (sizeof(kNames) / sizeof(kNames[0]))];
  std::string path = cordon::fuzz::ScratchFile(name, data + 1, size - 1);
  auto loaded = cordon::lists::LoadListFile(path);
  if (loaded.ok()) (void)loaded->alias_count();
  return 0;
}
