// The catalog: claim files resolved against what the binary registered, and catalog.toml.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/counters.hpp"
#include "claims_toml.hpp"

namespace claimbench {
namespace {

using claims_toml::parse_toml;
using claims_toml::read_file;
using claims_toml::TableReader;

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

NameParts split_benchmark_name(std::string_view name) {
  // Google Benchmark appends these after the name and its args, in this order at the end.
  static const std::regex modifier(
      R"(^(real_time|manual_time|process_time|threads:[0-9]+|min_time:[^/]+|)"
      R"(min_warmup_time:[^/]+|iterations:[0-9]+|repeats:[0-9]+)$)");
  NameParts parts;
  std::vector<std::string> segments;
  std::size_t begin = 0;
  while (true) {
    const auto slash = name.find('/', begin);
    segments.emplace_back(name.substr(begin, slash - begin));
    if (slash == std::string_view::npos) break;
    begin = slash + 1;
  }
  parts.family = segments.front();
  std::size_t end = segments.size();
  while (end > 1 && std::regex_match(segments[end - 1], modifier)) {
    if (segments[end - 1].starts_with("threads:")) {
      parts.threads = std::stoi(segments[end - 1].substr(8));
    }
    --end;
  }
  for (std::size_t i = 1; i < end; ++i)
    parts.variant += (i > 1 ? "/" : "") + segments[i];
  return parts;
}

const std::vector<std::string>& builtin_metrics() {
  static const std::vector<std::string> metrics = {"ns_per_op", "allocs", "alloc_bytes"};
  return metrics;
}

namespace {

// The line of a claim's top-level key, for errors found after parsing.
std::string where_key(const Claim& claim, std::string_view key, int line) {
  return fmt::format("{}:{}: {}", claim.file.string(), line, key);
}

std::string short_family(std::string_view family) {
  return std::string(family.starts_with("BM_") ? family.substr(3) : family);
}

Expected<std::string> resolve_ref(const Claim& claim, const Check& check, std::string_view field,
                                  VariantRef& ref, const std::vector<std::string>& selected,
                                  const std::set<std::string>& families) {
  const std::string at =
      fmt::format("{}:{}: check '{}', '{}'", claim.file.string(), ref.line, check.id, field);
  if (ref.family.empty()) {
    if (families.size() != 1) {
      std::vector<std::string> names;
      for (const auto& f : families)
        names.push_back(short_family(f));
      return fail(
          fmt::format("{}: name the family too ({{ family = \"...\", variant = ... }}): "
                      "the claim's benchmarks span {}",
                      at, fmt::join(names, ", ")));
    }
    ref.family = *families.begin();
  } else if (!families.contains(ref.family)) {
    std::vector<std::string> names;
    for (const auto& f : families)
      names.push_back(short_family(f));
    return fail(fmt::format("{}: family '{}' is not among the claim's benchmarks ({})", at,
                            short_family(ref.family), fmt::join(names, ", ")));
  }
  std::vector<std::string> variants;
  std::vector<int> threads_seen;
  const std::string* found = nullptr;
  for (const auto& name : selected) {
    const NameParts parts = split_benchmark_name(name);
    if (parts.family != ref.family) continue;
    if (parts.variant == ref.variant) {
      threads_seen.push_back(parts.threads);
      if (parts.threads == ref.threads) {
        if (found != nullptr) {
          return fail(fmt::format("{}: '{}' at {} threads is ambiguous: {} and {}", at, ref.variant,
                                  ref.threads, *found, name));
        }
        found = &name;
      }
    }
    if (std::find(variants.begin(), variants.end(), parts.variant) == variants.end()) {
      variants.push_back(parts.variant);
    }
  }
  if (found != nullptr) return *found;
  if (!threads_seen.empty()) {
    return fail(fmt::format("{}: variant '{}' of {} is registered at threads {}, not {}", at,
                            ref.variant, short_family(ref.family), fmt::join(threads_seen, ", "),
                            ref.threads));
  }
  std::string message =
      fmt::format("{}: {} has no variant '{}'", at, short_family(ref.family), ref.variant);
  const auto near = nearest_ids(variants, ref.variant);
  if (!near.empty()) message += fmt::format("; did you mean: {}?", fmt::join(near, ", "));
  return fail(message);
}

// A metric is ns_per_op or a counter some side publishes: allocs/alloc_bytes (BenchThread), an
// event the claim opens, or a user counter the family declares (declare_counters in bench.hpp).
bool metric_known(const Claim& claim, const Registry& registry, const std::string& metric,
                  const std::vector<std::string>& families) {
  const auto& builtin = builtin_metrics();
  if (std::find(builtin.begin(), builtin.end(), metric) != builtin.end()) return true;
  if (std::find(claim.events.begin(), claim.events.end(), metric) != claim.events.end()) {
    return true;
  }
  return std::all_of(families.begin(), families.end(), [&](const std::string& family) {
    auto it = registry.counters.find(family);
    return it != registry.counters.end() &&
           std::find(it->second.begin(), it->second.end(), metric) != it->second.end();
  });
}

Expected<void> check_go_file(const Claim& claim, const Registry& registry, int line) {
  if (claim.go_file.empty() || registry.go_dir.empty()) return {};
  const auto path = registry.go_dir / claim.go_file;
  auto text = read_file(path);
  if (!text) {
    return fail(fmt::format("{}: 'go_file': {} does not exist or cannot be read",
                            where_key(claim, "go_file", line), path.string()));
  }
  for (const auto& check : claim.checks) {
    if (!check.go) continue;
    for (const auto& name : {check.go->numerator, check.go->denominator}) {
      if (name.empty()) continue;
      const std::string function = name.substr(0, name.find('/'));
      if (text->find("func " + function + "(") == std::string::npos) {
        return fail(fmt::format("{}:{}: check '{}', 'go': {} has no func {}", claim.file.string(),
                                check.line, check.id, claim.go_file, function));
      }
    }
  }
  return {};
}

}  // namespace

Expected<void> resolve_claim(Claim& claim, const Registry& registry) {
  auto line = [&](const std::string& key) {
    auto it = claim.key_lines.find(key);
    return it == claim.key_lines.end() ? 1 : it->second;
  };
  for (const auto& event : claim.events) {
    if (auto spec = encode_event(event); !spec) {
      return fail(
          fmt::format("{}: {}", where_key(claim, "events", line("events")), spec.error().message));
    }
  }
  if (auto ok = check_go_file(claim, registry, line("go_file")); !ok) return ok;
  if (claim.fidelity == "go-only") return {};

  const std::regex pattern(claim.benchmarks);
  std::vector<std::string> selected;
  std::set<std::string> families;
  for (const auto& name : registry.benchmarks) {
    if (std::regex_search(name, pattern)) {
      selected.push_back(name);
      families.insert(split_benchmark_name(name).family);
    }
  }
  if (selected.empty()) {
    std::vector<std::string> all;
    for (const auto& name : registry.benchmarks) {
      const auto family = split_benchmark_name(name).family;
      if (std::find(all.begin(), all.end(), family) == all.end()) all.push_back(family);
    }
    std::string message =
        fmt::format("{}: '{}' matches no registered benchmark",
                    where_key(claim, "benchmarks", line("benchmarks")), claim.benchmarks);
    std::string guess = claim.benchmarks;
    std::erase_if(guess,
                  [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '_'; });
    const auto near = nearest_ids(all, guess);
    if (!near.empty()) message += fmt::format("; families near it: {}", fmt::join(near, ", "));
    return fail(message);
  }
  for (auto& check : claim.checks) {
    std::vector<std::string> check_families;
    if (check.numerator_ref) {
      CB_TRY(name,
             resolve_ref(claim, check, "numerator", *check.numerator_ref, selected, families));
      check.numerator = name;
      check_families.push_back(check.numerator_ref->family);
    }
    if (check.denominator_ref) {
      CB_TRY(name,
             resolve_ref(claim, check, "denominator", *check.denominator_ref, selected, families));
      check.denominator = name;
      check_families.push_back(check.denominator_ref->family);
    }
    const std::string at =
        fmt::format("{}:{}: check '{}'", claim.file.string(), check.line, check.id);
    if (!metric_known(claim, registry, check.metric, check_families)) {
      std::vector<std::string> known = builtin_metrics();
      known.insert(known.end(), claim.events.begin(), claim.events.end());
      for (const auto& family : check_families) {
        if (auto it = registry.counters.find(family); it != registry.counters.end()) {
          known.insert(known.end(), it->second.begin(), it->second.end());
        }
      }
      const bool is_event = encode_event(check.metric).has_value();
      return fail(fmt::format(
          "{}, 'metric': '{}' is {}; known here: {}", at, check.metric,
          is_event ? "an event the claim does not list in 'events'"
                   : "neither ns_per_op, an event of the claim, nor a counter its benchmarks "
                     "declare",
          fmt::join(known, ", ")));
    }
    if (!check.mechanism.empty() && std::find(claim.events.begin(), claim.events.end(),
                                              check.mechanism) == claim.events.end()) {
      return fail(
          fmt::format("{}, 'mechanism': '{}' is not one of the claim's events ({}), so "
                      "it would never be counted",
                      at, check.mechanism, fmt::join(claim.events, ", ")));
    }
  }
  return {};
}

const Claim* Catalog::find(std::string_view id) const {
  auto it = std::find_if(claims.begin(), claims.end(), [&](const Claim& c) { return c.id == id; });
  return it == claims.end() ? nullptr : &*it;
}

Expected<Catalog> load_catalog(const std::filesystem::path& directory, const Registry& registry) {
  Catalog catalog;
  const auto index_file = directory / "catalog.toml";
  CB_TRY(index_text, read_file(index_file));
  CB_TRY(index, parse_toml(index_text, index_file));
  TableReader top(index, index_file, "the catalog");
  CB_TRY_VOID(top.only({"claim", "not_encoded"}));
  if (const toml::array* entries = index["claim"].as_array()) {
    for (const auto& node : *entries) {
      const toml::table* table = node.as_table();
      if (table == nullptr) continue;
      TableReader in(*table, index_file, "a [[claim]] entry");
      CB_TRY_VOID(in.only({"id", "title", "section", "fidelity"}));
      CB_TRY(id, in.text("id", true));
      CB_TRY(title, in.text("title", false));
      CB_TRY(section, in.text("section", true));
      CB_TRY(fidelity, in.text("fidelity", false));
      const int line = in.line_of("id");
      for (const auto& earlier : catalog.index) {
        if (earlier.id == id) {
          return fail(fmt::format("{}:{}: claim '{}' is listed twice (first at line {})",
                                  index_file.string(), line, id, earlier.line));
        }
      }
      catalog.index.push_back({id, title, section, fidelity, false, line});
    }
  }
  if (const toml::array* entries = index["not_encoded"].as_array()) {
    for (const auto& node : *entries) {
      const toml::table* table = node.as_table();
      if (table == nullptr) continue;
      TableReader in(*table, index_file, "a [[not_encoded]] entry");
      CB_TRY_VOID(in.only({"topic", "reason"}));
      CB_TRY(topic, in.text("topic", true));
      CB_TRY(reason, in.text("reason", true));
      catalog.not_encoded.push_back({topic, reason});
    }
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const auto& path = entry.path();
    if (path.extension() != ".toml" || path.filename() == "catalog.toml") continue;
    CB_TRY(claim, load_claim(path));
    CB_TRY_VOID(resolve_claim(claim, registry));
    catalog.claims.push_back(std::move(claim));
  }
  if (ec) return fail(fmt::format("{}: cannot list it: {}", directory.string(), ec.message()));
  std::sort(catalog.claims.begin(), catalog.claims.end(),
            [](const Claim& a, const Claim& b) { return a.id < b.id; });
  // The index says what a claim file cannot; what the file says is taken from the file.
  for (auto& entry : catalog.index) {
    const Claim* claim = catalog.find(entry.id);
    entry.encoded = claim != nullptr;
    if (claim != nullptr) {
      if (!entry.title.empty() || !entry.fidelity.empty()) {
        return fail(fmt::format(
            "{}:{}: claim '{}': remove 'title' and 'fidelity' here, {} says "
            "them",
            index_file.string(), entry.line, entry.id, claim->file.filename().string()));
      }
      entry.title = claim->title;
      entry.fidelity = claim->fidelity;
    } else if (entry.title.empty()) {
      return fail(fmt::format("{}:{}: claim '{}' has no file yet, so the entry needs a 'title'",
                              index_file.string(), entry.line, entry.id));
    }
  }
  for (const auto& claim : catalog.claims) {
    if (std::none_of(catalog.index.begin(), catalog.index.end(),
                     [&](const CatalogEntry& e) { return e.id == claim.id; })) {
      return fail(fmt::format("{}: claim '{}' is not listed in {}", claim.file.string(), claim.id,
                              index_file.string()));
    }
  }
  return catalog;
}

std::vector<std::string> nearest_ids(const std::vector<std::string>& ids, std::string_view id) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t limit = std::max<std::size_t>(2, id.size() / 3);
  for (const auto& candidate : ids) {
    std::size_t distance = edit_distance(candidate, id);
    if (!id.empty() && candidate.find(id) != std::string::npos)
      distance = std::min(distance, limit);
    if (distance <= limit) scored.emplace_back(distance, candidate);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 3; ++i)
    out.push_back(scored[i].second);
  return out;
}

}  // namespace claimbench
