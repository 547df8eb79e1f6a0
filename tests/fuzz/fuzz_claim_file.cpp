// libFuzzer target: any bytes as a claim file must give a Claim or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "claimbench/catalog/claims.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto claim = claimbench::parse_claim(text, "fuzz.toml");
  // An error must say something: an empty message would leave the user with nothing.
  if (!claim && claim.error().message.empty()) __builtin_trap();
  return 0;
}
