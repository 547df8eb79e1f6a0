// The one writer of each label and sentence that more than one output shows.
#include "claimbench/present/labels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace claimbench {
namespace {

std::string family_of(const std::string& name) {
  return name.substr(0, name.find('/'));
}

bool several_families(const ClaimResult& claim) {
  return std::any_of(claim.variants.begin(), claim.variants.end(), [&](const VariantResult& v) {
    return family_of(v.name) != family_of(claim.variants.front().name);
  });
}

}  // namespace

std::string variant_label(const ClaimResult& claim, const std::string& name, bool with_threads) {
  static const std::regex timing("/(real_time|manual_time|process_time)");
  static const std::regex threads("/threads:(\\d+)$");
  std::string family = family_of(name);
  if (family.rfind("BM_", 0) == 0) family = family.substr(3);
  std::string rest = name.size() > family_of(name).size() ? name.substr(family_of(name).size() + 1)
                                                          : std::string();
  rest = std::regex_replace(rest, timing, "");
  std::smatch match;
  std::string count;
  if (std::regex_search(rest, match, threads)) {
    count = match[1];
    rest = match.prefix();
  } else if (rest.rfind("threads:", 0) == 0) {
    count = rest.substr(8);
    rest.clear();
  }
  std::string label = rest.empty() || several_families(claim)
                          ? (rest.empty() ? family : fmt::format("{}/{}", family, rest))
                          : rest;
  if (with_threads && !count.empty()) label += fmt::format(" @{}", count);
  return label;
}

std::string threshold_text(CheckKind kind, const Thresholds& t) {
  if (kind == CheckKind::equivalent) {
    return t.within ? fmt::format("holds within ±{:g}%", *t.within * 100) : "–";
  }
  if (t.at_least) {
    return fmt::format("holds at >= {:g}, refuted below {:g}", *t.at_least,
                       t.refuted_below.value_or(*t.at_least));
  }
  if (t.at_most) {
    return fmt::format("holds at <= {:g}, refuted above {:g}", *t.at_most,
                       t.refuted_above.value_or(*t.at_most));
  }
  return "–";
}

std::string verdict_cell(const CheckResult& check) {
  const auto verdict = to_string(check.verdict);
  if (check.verdict == Verdict::skipped || !check.estimate) return std::string(verdict);
  return check.kind == CheckKind::absolute ? fmt::format("{} {:.3g}", verdict, *check.estimate)
                                           : fmt::format("{} {:.3g}×", verdict, *check.estimate);
}

std::string machine_summary(const Machine& m) {
  std::string caches;
  for (const auto& c : m.caches) {
    if (c.name == "L1i") continue;
    caches += fmt::format(", {} {}", c.name,
                          c.size_bytes >= (1ull << 20) ? fmt::format("{} MiB", c.size_bytes >> 20)
                                                       : fmt::format("{} KiB", c.size_bytes >> 10));
  }
  return fmt::format("{} PUs / {} cores / {} package(s){}; {}; {}; governor {}; {}, {} build",
                     m.pus, m.cores, m.packages, caches,
                     m.virtualised ? "virtualised " + m.hypervisor_vendor : "bare metal", m.kernel,
                     m.governor, m.compiler, m.build_type);
}

std::string safe_file_stem(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-';
  }
  return out.empty() ? "-" : out;
}

}  // namespace claimbench
