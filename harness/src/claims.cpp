#include "claimbench/claims.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace claimbench {
namespace {

// Reads one TOML table against a fixed set of keys. Every error names file, line and field.
class TableReader {
 public:
  TableReader(const toml::table& table, const std::filesystem::path& file, std::string context)
      : table_(table), file_(file), context_(std::move(context)) {}

  std::string where(const toml::node* node) const {
    const auto line = node != nullptr ? node->source().begin.line : table_.source().begin.line;
    return fmt::format("{}:{}", file_.string(), line);
  }

  Expected<void> only(std::initializer_list<std::string_view> allowed) const {
    for (auto&& [key, value] : table_) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        return fail(fmt::format("{}: unknown key '{}' in {} (allowed: {})", where(&value),
                                key.str(), context_, fmt::join(allowed, ", ")));
      }
    }
    return {};
  }

  Expected<std::string> text(std::string_view key, bool required) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) {
        return fail(fmt::format("{}: {} is missing '{}'", where(nullptr), context_, key));
      }
      return std::string();
    }
    if (!node->is_string()) {
      return fail(fmt::format("{}: '{}' in {} must be a string", where(node), key, context_));
    }
    return std::string(*node->value<std::string>());
  }

  Expected<std::optional<double>> number(std::string_view key) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::optional<double>();
    if (!node->is_number()) {
      return fail(fmt::format("{}: '{}' in {} must be a number", where(node), key, context_));
    }
    return std::optional<double>(*node->value<double>());
  }

  int line_of(std::string_view key) const {
    const toml::node* node = table_.get(key);
    return static_cast<int>(node != nullptr ? node->source().begin.line
                                            : table_.source().begin.line);
  }

 private:
  const toml::table& table_;
  const std::filesystem::path& file_;
  std::string context_;
};

#define CB_TRY(var, expr)                                          \
  auto var##_result = (expr);                                      \
  if (!var##_result) return std::unexpected(var##_result.error()); \
  auto var = std::move(*var##_result)

Expected<void> validate_bounds(const Check& check, const std::string& where) {
  auto need = [&](bool ok, std::string_view what) -> Expected<void> {
    if (ok) return {};
    return fail(fmt::format("{}: check '{}': {}", where, check.id, what));
  };
  switch (check.kind) {
    case CheckKind::ratio: {
      const bool lower = check.at_least.has_value();
      const bool upper = check.at_most.has_value();
      if (auto ok = need(check.numerator.size() && check.denominator.size(),
                         "a ratio check needs 'numerator' and 'denominator'");
          !ok) {
        return ok;
      }
      if (auto ok = need(lower != upper,
                         "a ratio check needs exactly one of 'at_least' or "
                         "'at_most'");
          !ok) {
        return ok;
      }
      if (lower) {
        if (auto ok = need(check.refuted_below.has_value() && !check.refuted_above,
                           "'at_least' goes with 'refuted_below'");
            !ok) {
          return ok;
        }
        return need(*check.refuted_below <= *check.at_least,
                    "'refuted_below' must not exceed 'at_least'");
      }
      if (auto ok = need(check.refuted_above.has_value() && !check.refuted_below,
                         "'at_most' goes with 'refuted_above'");
          !ok) {
        return ok;
      }
      return need(*check.refuted_above >= *check.at_most,
                  "'refuted_above' must not be below 'at_most'");
    }
    case CheckKind::equivalent:
      if (auto ok = need(check.numerator.size() && check.denominator.size(),
                         "an equivalence check needs 'numerator' and 'denominator'");
          !ok) {
        return ok;
      }
      return need(check.within.has_value() && *check.within > 0 && *check.within < 1,
                  "an equivalence check needs 'within' between 0 and 1 (0.10 = ±10%)");
    case CheckKind::absolute:
      if (auto ok = need(check.numerator.size() && check.denominator.empty(),
                         "an absolute check names one benchmark in 'numerator'");
          !ok) {
        return ok;
      }
      return need(check.at_least.has_value() != check.at_most.has_value(),
                  "an absolute check needs exactly one of 'at_least' or 'at_most'");
  }
  return {};
}

Expected<Check> parse_check(const toml::table& table, const std::filesystem::path& file,
                            std::size_t index) {
  TableReader in(table, file, fmt::format("[[check]] #{}", index + 1));
  if (auto ok = in.only({"id", "says", "kind", "numerator", "denominator", "metric", "at_least",
                         "refuted_below", "at_most", "refuted_above", "within", "mechanism"});
      !ok) {
    return std::unexpected(ok.error());
  }
  Check check;
  check.line = in.line_of("id");
  CB_TRY(id, in.text("id", true));
  CB_TRY(says, in.text("says", true));
  CB_TRY(kind, in.text("kind", false));
  CB_TRY(numerator, in.text("numerator", true));
  CB_TRY(denominator, in.text("denominator", false));
  CB_TRY(metric, in.text("metric", false));
  CB_TRY(mechanism, in.text("mechanism", false));
  check.id = id;
  check.says = says;
  check.numerator = numerator;
  check.denominator = denominator;
  check.mechanism = mechanism;
  if (!metric.empty()) check.metric = metric;
  if (kind.empty() || kind == "ratio") {
    check.kind = CheckKind::ratio;
  } else if (kind == "equivalent") {
    check.kind = CheckKind::equivalent;
  } else if (kind == "absolute") {
    check.kind = CheckKind::absolute;
  } else {
    return fail(
        fmt::format("{}: 'kind' in check '{}' must be ratio, equivalent or absolute, not "
                    "'{}'",
                    in.where(table.get("kind")), id, kind));
  }
  CB_TRY(at_least, in.number("at_least"));
  CB_TRY(refuted_below, in.number("refuted_below"));
  CB_TRY(at_most, in.number("at_most"));
  CB_TRY(refuted_above, in.number("refuted_above"));
  CB_TRY(within, in.number("within"));
  check.at_least = at_least;
  check.refuted_below = refuted_below;
  check.at_most = at_most;
  check.refuted_above = refuted_above;
  check.within = within;
  if (auto ok = validate_bounds(check, in.where(table.get("id"))); !ok) {
    return std::unexpected(ok.error());
  }
  return check;
}

Expected<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read it", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Expected<toml::table> parse_toml(std::string_view text, const std::filesystem::path& file) {
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& error) {
    return fail(
        fmt::format("{}:{}: {}", file.string(), error.source().begin.line, error.description()));
  }
}

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

std::string_view to_string(CheckKind kind) {
  switch (kind) {
    case CheckKind::ratio:
      return "ratio";
    case CheckKind::equivalent:
      return "equivalent";
    case CheckKind::absolute:
      return "absolute";
  }
  return "?";
}

Expected<Claim> parse_claim(std::string_view text, const std::filesystem::path& file) {
  CB_TRY(root, parse_toml(text, file));
  TableReader in(root, file, "the claim");
  if (auto ok =
          in.only({"id", "title", "fidelity", "statement", "analogue", "caveats", "go_meaning",
                   "sources", "benchmarks", "events", "requires", "noise_limit", "check"});
      !ok) {
    return std::unexpected(ok.error());
  }
  Claim claim;
  claim.file = file;
  CB_TRY(id, in.text("id", true));
  CB_TRY(title, in.text("title", true));
  CB_TRY(fidelity, in.text("fidelity", true));
  CB_TRY(statement, in.text("statement", true));
  CB_TRY(analogue, in.text("analogue", true));
  CB_TRY(caveats, in.text("caveats", false));
  CB_TRY(go_meaning, in.text("go_meaning", false));
  CB_TRY(benchmarks, in.text("benchmarks", true));
  claim.id = id;
  claim.title = title;
  claim.fidelity = fidelity;
  claim.statement = statement;
  claim.analogue = analogue;
  claim.caveats = caveats;
  claim.go_meaning = go_meaning;
  claim.benchmarks = benchmarks;
  if (file.extension() == ".toml" && file.stem() != id) {
    return fail(fmt::format("{}: id '{}' does not match the file name '{}'",
                            in.where(root.get("id")), id, file.filename().string()));
  }
  if (fidelity != "direct" && fidelity != "analogue" && fidelity != "proxy") {
    return fail(fmt::format("{}: 'fidelity' must be direct, analogue or proxy, not '{}'",
                            in.where(root.get("fidelity")), fidelity));
  }
  try {
    std::regex check_syntax(benchmarks);
  } catch (const std::regex_error& error) {
    return fail(fmt::format("{}: 'benchmarks' is not a valid regex: {}",
                            in.where(root.get("benchmarks")), error.what()));
  }
  if (const toml::array* sources = root["sources"].as_array()) {
    for (const auto& node : *sources) {
      const toml::table* source = node.as_table();
      if (source == nullptr) {
        return fail(fmt::format("{}: each of 'sources' must be {{ seed = ..., where = ... }}",
                                in.where(&node)));
      }
      TableReader src(*source, file, "a source");
      if (auto ok = src.only({"seed", "where"}); !ok) return std::unexpected(ok.error());
      CB_TRY(seed, src.text("seed", true));
      CB_TRY(where, src.text("where", true));
      claim.sources.push_back({seed, where});
    }
  } else if (root.contains("sources")) {
    return fail(fmt::format("{}: 'sources' must be an array", in.where(root.get("sources"))));
  }
  if (claim.sources.empty()) {
    return fail(
        fmt::format("{}: a claim needs at least one entry in 'sources'", in.where(nullptr)));
  }
  if (const toml::node* events = root.get("events")) {
    const toml::array* list = events->as_array();
    if (list == nullptr) {
      return fail(fmt::format("{}: 'events' must be an array of strings", in.where(events)));
    }
    for (const auto& node : *list) {
      if (!node.is_string()) {
        return fail(fmt::format("{}: 'events' must be an array of strings", in.where(&node)));
      }
      claim.events.push_back(*node.value<std::string>());
    }
  }
  if (const toml::node* requires_node = root.get("requires")) {
    const toml::table* table = requires_node->as_table();
    if (table == nullptr) {
      return fail(fmt::format("{}: 'requires' must be a table such as {{ cores = 2 }}",
                              in.where(requires_node)));
    }
    TableReader req(*table, file, "'requires'");
    if (auto ok = req.only({"cores", "smt"}); !ok) return std::unexpected(ok.error());
    if (const toml::node* cores = table->get("cores")) {
      if (!cores->is_integer() || *cores->value<int64_t>() < 1) {
        return fail(
            fmt::format("{}: 'cores' in 'requires' must be a positive integer", req.where(cores)));
      }
      claim.requires_cores = static_cast<int>(*cores->value<int64_t>());
    }
    if (const toml::node* smt = table->get("smt")) {
      if (!smt->is_boolean()) {
        return fail(fmt::format("{}: 'smt' in 'requires' must be true or false", req.where(smt)));
      }
      claim.requires_smt = *smt->value<bool>();
    }
  }
  CB_TRY(noise_limit, in.number("noise_limit"));
  if (noise_limit) claim.noise_limit = *noise_limit;
  if (const toml::node* checks = root.get("check")) {
    const toml::array* list = checks->as_array();
    if (list == nullptr) {
      return fail(
          fmt::format("{}: 'check' must be an array of tables ([[check]])", in.where(checks)));
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::table* table = list->get(i)->as_table();
      if (table == nullptr) {
        return fail(fmt::format("{}: each 'check' must be a table", in.where(list->get(i))));
      }
      CB_TRY(check, parse_check(*table, file, i));
      if (!seen.insert(check.id).second) {
        return fail(
            fmt::format("{}:{}: check id '{}' appears twice", file.string(), check.line, check.id));
      }
      claim.checks.push_back(std::move(check));
    }
  }
  if (claim.checks.empty()) {
    return fail(fmt::format("{}: a claim needs at least one [[check]]", in.where(nullptr)));
  }
  return claim;
}

Expected<Claim> load_claim(const std::filesystem::path& file) {
  CB_TRY(text, read_file(file));
  return parse_claim(text, file);
}

const Claim* Catalog::find(std::string_view id) const {
  auto it = std::find_if(claims.begin(), claims.end(), [&](const Claim& c) { return c.id == id; });
  return it == claims.end() ? nullptr : &*it;
}

Expected<Catalog> load_catalog(const std::filesystem::path& directory) {
  Catalog catalog;
  const auto index_file = directory / "catalog.toml";
  CB_TRY(index_text, read_file(index_file));
  CB_TRY(index, parse_toml(index_text, index_file));
  TableReader top(index, index_file, "the catalog");
  if (auto ok = top.only({"claim", "not_encoded"}); !ok) return std::unexpected(ok.error());
  if (const toml::array* entries = index["claim"].as_array()) {
    for (const auto& node : *entries) {
      const toml::table* table = node.as_table();
      if (table == nullptr) continue;
      TableReader in(*table, index_file, "a [[claim]] entry");
      if (auto ok = in.only({"id", "title", "section", "fidelity"}); !ok) {
        return std::unexpected(ok.error());
      }
      CB_TRY(id, in.text("id", true));
      CB_TRY(title, in.text("title", true));
      CB_TRY(section, in.text("section", true));
      CB_TRY(fidelity, in.text("fidelity", true));
      catalog.index.push_back({id, title, section, fidelity, false});
    }
  }
  if (const toml::array* entries = index["not_encoded"].as_array()) {
    for (const auto& node : *entries) {
      const toml::table* table = node.as_table();
      if (table == nullptr) continue;
      TableReader in(*table, index_file, "a [[not_encoded]] entry");
      if (auto ok = in.only({"topic", "reason"}); !ok) return std::unexpected(ok.error());
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
    catalog.claims.push_back(std::move(claim));
  }
  if (ec) return fail(fmt::format("{}: cannot list it: {}", directory.string(), ec.message()));
  std::sort(catalog.claims.begin(), catalog.claims.end(),
            [](const Claim& a, const Claim& b) { return a.id < b.id; });
  for (auto& entry : catalog.index)
    entry.encoded = catalog.find(entry.id) != nullptr;
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
