// libFuzzer target: any bytes as a result file must load or give an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "claimbench/store/result_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The loader's own parse step: bytes -> JSON (syntax errors are the loader's to report).
  const auto document = nlohmann::json::parse(data, data + size, nullptr, false);
  if (document.is_discarded()) return 0;
  const auto record = claimbench::from_json(document, "fuzz.json");
  if (record) {
    // What loaded must serialise and load again to the same thing: no half-validated value.
    const auto again = claimbench::from_json(claimbench::to_json(*record), "again.json");
    if (!again || claimbench::to_json(*again) != claimbench::to_json(*record)) __builtin_trap();
  } else if (record.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
