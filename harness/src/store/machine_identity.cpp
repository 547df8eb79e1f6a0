// Which CPU a result came from: the canonical identity string, its fixed hash, the differences
// between two descriptions, the microarchitecture names and the label readers see.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <utility>

#include "claimbench/store/machine.hpp"

namespace claimbench {
namespace {

// The caches as "L1d:49152x2;L2:..." so a different size or count is a different identity.
std::string cache_signature(const std::vector<CacheLevel>& caches) {
  std::string out;
  for (const auto& cache : caches)
    out += fmt::format("{}{}:{}x{}", out.empty() ? "" : ";", cache.name, cache.size_bytes,
                       cache.count);
  return out;
}

int parse_int(std::string_view text) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() ? value : -1;
}

struct Field {
  const char* name;
  std::string (*get)(const Machine&);
};

// The fields that make a CPU a different CPU, in the order machine_identity() hashes them.
// Not the host name (two hosts can be the same CPU; one host can be migrated to another CPU),
// not the kernel, governor or compiler (they are conditions of a run, reported with it).
const std::array<Field, 13> kIdentity = {{
    {"cpu_vendor", [](const Machine& m) { return m.cpu_vendor; }},
    {"cpu_family", [](const Machine& m) { return m.cpu_family; }},
    {"cpu_model_number", [](const Machine& m) { return m.cpu_model_number; }},
    {"cpu_stepping", [](const Machine& m) { return m.cpu_stepping; }},
    {"microarchitecture", [](const Machine& m) { return m.microarchitecture; }},
    {"cpu_model", [](const Machine& m) { return m.cpu_model; }},
    {"architecture", [](const Machine& m) { return m.architecture; }},
    {"caches", [](const Machine& m) { return cache_signature(m.caches); }},
    {"packages", [](const Machine& m) { return std::to_string(m.packages); }},
    {"cores", [](const Machine& m) { return std::to_string(m.cores); }},
    {"pus", [](const Machine& m) { return std::to_string(m.pus); }},
    {"smt", [](const Machine& m) { return std::string(m.smt ? "yes" : "no"); }},
    {"virtualised", [](const Machine& m) { return std::string(m.virtualised ? "yes" : "no"); }},
}};

}  // namespace

std::uint64_t fnv1a64(std::string_view text) {
  // FNV-1a, 64-bit: offset basis 14695981039346656037, prime 1099511628211 (Fowler, Noll, Vo;
  // IETF draft-eastlake-fnv). Byte-wise, so the result does not depend on char's signedness.
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string machine_identity(const Machine& m) {
  std::string out = "m2";
  for (const auto& field : kIdentity)
    out += fmt::format("|{}={}", field.name, field.get(m));
  return out;
}

std::string machine_id(const Machine& m) {
  return fmt::format("{:012x}", fnv1a64(machine_identity(m)) >> 16);
}

std::vector<std::string> machine_differences(const Machine& a, const Machine& b) {
  std::vector<std::string> out;
  for (const auto& field : kIdentity) {
    const std::string left = field.get(a);
    const std::string right = field.get(b);
    if (left != right) {
      out.push_back(fmt::format("{}: '{}' ≠ '{}'", field.name, left, right));
    }
  }
  return out;
}

std::string microarchitecture_from_pmu(std::string_view pmu) {
  // libpfm4's core PMU names (lib/pfmlib_common.c); one microarchitecture per name, spelled as
  // microarchitecture_from_cpuid() spells it, so either source gives the same id.
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"amd64_fam17h_zen1", "Zen"},
      {"amd64_fam17h", "Zen"},
      {"amd64_fam17h_zen2", "Zen 2"},
      {"amd64_fam19h_zen3", "Zen 3"},
      {"amd64_fam19h_zen4", "Zen 4"},
      {"amd64_fam1ah_zen5", "Zen 5"},
      {"hsw", "Haswell"},
      {"hsw_ep", "Haswell"},
      {"bdw", "Broadwell"},
      {"bdw_ep", "Broadwell"},
      {"skl", "Skylake"},
      {"skx", "Skylake-SP"},
      {"clx", "Cascade Lake"},
      {"icl", "Ice Lake"},
      {"icx", "Ice Lake-SP"},
      {"spr", "Sapphire Rapids"},
      {"emr", "Emerald Rapids"},
      {"gnr", "Granite Rapids"},
      {"adl_glc", "Alder Lake"},
      {"adl_grt", "Alder Lake"},
  };
  for (const auto& [name, arch] : kNames) {
    if (name == pmu) return std::string(arch);
  }
  return {};
}

std::string microarchitecture_from_cpuid(std::string_view vendor, std::string_view family_text,
                                         std::string_view model_text) {
  const int family = parse_int(family_text);
  const int model = parse_int(model_text);
  if (family < 0 || model < 0) return {};
  if (vendor == "AuthenticAMD") {
    // AMD's PPRs and the kernel's arch/x86/kernel/cpu/amd.c: family 17h is Zen 1/+ below model
    // 30h and Zen 2 from 30h; 19h is Zen 3 except models 10h-1Fh, 60h-7Fh, A0h-AFh (Zen 4);
    // 1Ah is Zen 5.
    if (family == 0x17) return model < 0x30 ? "Zen" : "Zen 2";
    if (family == 0x19) {
      const bool zen4 = (model >= 0x10 && model <= 0x1f) || (model >= 0x60 && model <= 0x7f) ||
                        (model >= 0xa0 && model <= 0xaf);
      return zen4 ? "Zen 4" : "Zen 3";
    }
    if (family == 0x1a && model < 0x80) return "Zen 5";
    return {};
  }
  if (vendor == "GenuineIntel" && family == 6) {
    // Intel SDM Vol. 4, Table 2-1 (DisplayFamily_DisplayModel), and the kernel's intel-family.h.
    static constexpr std::pair<int, std::string_view> kModels[] = {
        {0x3c, "Haswell"},        {0x3f, "Haswell"},         {0x45, "Haswell"},
        {0x46, "Haswell"},        {0x3d, "Broadwell"},       {0x47, "Broadwell"},
        {0x4f, "Broadwell"},      {0x56, "Broadwell"},       {0x4e, "Skylake"},
        {0x5e, "Skylake"},        {0x8e, "Skylake"},         {0x9e, "Skylake"},
        {0xa5, "Skylake"},        {0xa6, "Skylake"},         {0x55, "Skylake-SP"},
        {0x7d, "Ice Lake"},       {0x7e, "Ice Lake"},        {0x6a, "Ice Lake-SP"},
        {0x6c, "Ice Lake-SP"},    {0x8f, "Sapphire Rapids"}, {0xcf, "Emerald Rapids"},
        {0xad, "Granite Rapids"}, {0xae, "Granite Rapids"},  {0x97, "Alder Lake"},
        {0x9a, "Alder Lake"},     {0xb7, "Raptor Lake"},     {0xba, "Raptor Lake"},
        {0xbf, "Raptor Lake"},
    };
    for (const auto& [number, arch] : kModels) {
      if (number == model) return std::string(arch);
    }
  }
  return {};
}

std::string machine_label(const Machine& m) {
  std::vector<std::string> parts;
  if (!m.microarchitecture.empty()) parts.push_back(m.microarchitecture);
  if (!m.cpu_family.empty() && !m.cpu_model_number.empty()) {
    parts.push_back(fmt::format("family {} model {}", m.cpu_family, m.cpu_model_number));
  }
  const std::string name = m.cpu_model.empty() ? "unknown CPU" : m.cpu_model;
  if (parts.empty()) return name;
  return fmt::format("{} ({})", name, fmt::join(parts, ", "));
}

}  // namespace claimbench
