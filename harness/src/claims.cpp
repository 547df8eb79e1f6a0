#include "claimbench/claims.hpp"

#include "claimbench/counters.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <cctype>
#include <fstream>
#include <map>
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

  Expected<std::optional<int>> positive_integer(std::string_view key) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::optional<int>();
    if (!node->is_integer() || *node->value<int64_t>() < 1 || *node->value<int64_t>() > 4096) {
      return fail(fmt::format("{}: '{}' in {} must be a positive integer", where(node), key,
                              context_));
    }
    return std::optional<int>(static_cast<int>(*node->value<int64_t>()));
  }

  const std::filesystem::path& file() const { return file_; }

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

// Thresholds are ratios of positive quantities or counts: finite, and ratios above zero.
Expected<void> check_number(const TableReader& in, const toml::table& table, std::string_view key,
                            const std::optional<double>& value, bool ratio) {
  if (!value) return {};
  if (!std::isfinite(*value) || *value < 0 || (ratio && *value == 0)) {
    return fail(fmt::format("{}: '{}' must be a finite number {} 0, not {}",
                            in.where(table.get(key)), key, ratio ? "above" : "at or above",
                            *value));
  }
  return {};
}

Expected<void> validate_bounds(const Check& check, const TableReader& in,
                               const toml::table& table) {
  auto need = [&](bool ok, std::string_view key, std::string_view what) -> Expected<void> {
    if (ok) return {};
    const toml::node* node = table.get(key);
    return fail(fmt::format("{}: check '{}', '{}': {}", in.where(node ? node : table.get("id")),
                            check.id, key, what));
  };
  auto absent = [&](std::initializer_list<std::string_view> keys,
                    std::string_view kind) -> Expected<void> {
    for (auto key : keys) {
      if (auto ok = need(!table.contains(key), key,
                         fmt::format("does not belong to a {} check", kind));
          !ok) {
        return ok;
      }
    }
    return {};
  };
  const bool ratio_like = check.kind != CheckKind::absolute;
  for (auto [key, value] :
       {std::pair<std::string_view, const std::optional<double>*>{"at_least", &check.at_least},
        {"refuted_below", &check.refuted_below},
        {"at_most", &check.at_most},
        {"refuted_above", &check.refuted_above}}) {
    if (auto ok = check_number(in, table, key, *value, ratio_like); !ok) return ok;
  }
  switch (check.kind) {
    case CheckKind::ratio: {
      if (auto ok = absent({"within"}, "ratio"); !ok) return ok;
      const bool lower = check.at_least.has_value();
      const bool upper = check.at_most.has_value();
      if (auto ok = need(lower != upper, lower ? "at_most" : "at_least",
                         "a ratio check needs exactly one of 'at_least' or 'at_most'");
          !ok) {
        return ok;
      }
      if (lower) {
        if (auto ok = need(!check.refuted_above, "refuted_above",
                           "'at_least' goes with 'refuted_below', not 'refuted_above'");
            !ok) {
          return ok;
        }
        if (auto ok = need(check.refuted_below.has_value(), "refuted_below",
                           "'at_least' needs 'refuted_below'");
            !ok) {
          return ok;
        }
        return need(*check.refuted_below <= *check.at_least, "refuted_below",
                    "'refuted_below' must not exceed 'at_least'");
      }
      if (auto ok = need(!check.refuted_below, "refuted_below",
                         "'at_most' goes with 'refuted_above', not 'refuted_below'");
          !ok) {
        return ok;
      }
      if (auto ok = need(check.refuted_above.has_value(), "refuted_above",
                         "'at_most' needs 'refuted_above'");
          !ok) {
        return ok;
      }
      return need(*check.refuted_above >= *check.at_most, "refuted_above",
                  "'refuted_above' must not be below 'at_most'");
    }
    case CheckKind::equivalent:
      if (auto ok = absent({"at_least", "refuted_below", "at_most", "refuted_above"},
                           "equivalence");
          !ok) {
        return ok;
      }
      return need(check.within.has_value() && std::isfinite(*check.within) &&
                      *check.within > 0 && *check.within < 1,
                  "within", "an equivalence check needs 'within' between 0 and 1 (0.10 = ±10%)");
    case CheckKind::absolute: {
      if (auto ok = absent({"within", "mechanism"}, "absolute"); !ok) return ok;
      if (auto ok = need(check.at_least.has_value() != check.at_most.has_value(),
                         check.at_least ? "at_most" : "at_least",
                         "an absolute check needs exactly one of 'at_least' or 'at_most'");
          !ok) {
        return ok;
      }
      // The refute bound lies beyond the holds bound, on the side away from it.
      if (check.at_least) {
        if (auto ok = need(!check.refuted_above, "refuted_above",
                           "'at_least' goes with 'refuted_below', not 'refuted_above'");
            !ok) {
          return ok;
        }
        return need(check.refuted_below.value_or(*check.at_least) <= *check.at_least,
                    "refuted_below", "'refuted_below' must not exceed 'at_least'");
      }
      if (auto ok = need(!check.refuted_below, "refuted_below",
                         "'at_most' goes with 'refuted_above', not 'refuted_below'");
          !ok) {
        return ok;
      }
      return need(check.refuted_above.value_or(*check.at_most) >= *check.at_most,
                  "refuted_above", "'refuted_above' must not be below 'at_most'");
    }
  }
  return {};
}

// `{ family = "Spawn", variant = "thread", threads = 1 }`; family and threads are optional.
Expected<VariantRef> parse_ref(const TableReader& in, const toml::table& check,
                               std::string_view key, const std::string& id) {
  const toml::node* node = check.get(key);
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    return fail(fmt::format(
        "{}: check '{}', '{}' must be a table such as {{ variant = \"packed\", threads = 2 }} "
        "(Google Benchmark's full names are not accepted: they are resolved from these)",
        in.where(node), id, key));
  }
  TableReader ref(*table, in.file(), fmt::format("check '{}', '{}'", id, key));
  if (auto ok = ref.only({"family", "variant", "threads"}); !ok) return std::unexpected(ok.error());
  VariantRef out;
  out.line = static_cast<int>(node->source().begin.line);
  CB_TRY(family, ref.text("family", false));
  CB_TRY(variant, ref.text("variant", true));
  if (family.starts_with("BM_")) {
    return fail(fmt::format("{}: check '{}', '{}.family': write '{}' without the 'BM_' prefix",
                            ref.where(table->get("family")), id, key, family.substr(3)));
  }
  out.family = family.empty() ? family : "BM_" + family;
  out.variant = variant;
  CB_TRY(threads, ref.positive_integer("threads"));
  if (threads) out.threads = *threads;
  return out;
}

// Go benchmark names as `go test -bench` prints them, without the -N suffix GOMAXPROCS adds.
Expected<void> check_go_name(const TableReader& in, const toml::node* node, const std::string& id,
                             std::string_view field, const std::string& name) {
  static const std::regex shape(R"(^Benchmark[A-Z0-9_][A-Za-z0-9_]*(/[^\s/]+)*$)");
  static const std::regex suffix(R"(-[0-9]+$)");
  if (!std::regex_match(name, shape)) {
    return fail(fmt::format(
        "{}: check '{}', '{}': '{}' is not a Go benchmark name (BenchmarkName or "
        "BenchmarkName/sub/...)",
        in.where(node), id, field, name));
  }
  if (std::regex_search(name, suffix)) {
    return fail(fmt::format(
        "{}: check '{}', '{}': '{}' ends in -N; name the benchmark without the GOMAXPROCS "
        "suffix (and no sub-benchmark may end in -<digits>: Go's output could not tell them "
        "apart)",
        in.where(node), id, field, name));
  }
  return {};
}

Expected<GoSide> parse_go(const TableReader& in, const toml::table& check, const std::string& id,
                          CheckKind kind) {
  const toml::node* node = check.get("go");
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    return fail(fmt::format(
        "{}: check '{}', 'go' must be a table such as {{ numerator = \"BenchmarkX/a\", "
        "denominator = \"BenchmarkX/b\" }}",
        in.where(node), id));
  }
  TableReader go(*table, in.file(), fmt::format("check '{}', 'go'", id));
  if (auto ok = go.only({"numerator", "denominator"}); !ok) return std::unexpected(ok.error());
  CB_TRY(numerator, go.text("numerator", true));
  CB_TRY(denominator, go.text("denominator", false));
  const bool absolute = kind == CheckKind::absolute;
  if (absolute && !denominator.empty()) {
    return fail(fmt::format("{}: check '{}', 'go.denominator': an absolute check names one "
                            "benchmark (go.numerator)",
                            go.where(table->get("denominator")), id));
  }
  if (!absolute && denominator.empty()) {
    return fail(fmt::format("{}: check '{}', 'go' is missing 'denominator' (a {} check compares "
                            "two benchmarks)",
                            in.where(node), id, to_string(kind)));
  }
  if (auto ok = check_go_name(go, table->get("numerator"), id, "go.numerator", numerator); !ok) {
    return std::unexpected(ok.error());
  }
  if (!denominator.empty()) {
    if (auto ok = check_go_name(go, table->get("denominator"), id, "go.denominator", denominator);
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  return GoSide{numerator, denominator};
}

Expected<Check> parse_check(const toml::table& table, const std::filesystem::path& file,
                            std::size_t index, bool go_only) {
  TableReader in(table, file, fmt::format("[[check]] #{}", index + 1));
  if (auto ok = in.only({"id", "says", "kind", "numerator", "denominator", "metric", "at_least",
                         "refuted_below", "at_most", "refuted_above", "within", "mechanism", "go",
                         "threads"});
      !ok) {
    return std::unexpected(ok.error());
  }
  Check check;
  check.line = in.line_of("id");
  CB_TRY(id, in.text("id", true));
  CB_TRY(says, in.text("says", true));
  CB_TRY(kind, in.text("kind", false));
  CB_TRY(metric, in.text("metric", false));
  CB_TRY(mechanism, in.text("mechanism", false));
  check.id = id;
  check.says = says;
  check.mechanism = mechanism;
  if (!metric.empty()) check.metric = metric;
  if (kind.empty() || kind == "ratio") {
    check.kind = CheckKind::ratio;
  } else if (kind == "equivalent") {
    check.kind = CheckKind::equivalent;
  } else if (kind == "absolute") {
    check.kind = CheckKind::absolute;
  } else {
    return fail(fmt::format("{}: check '{}', 'kind' must be ratio, equivalent or absolute, not "
                            "'{}'",
                            in.where(table.get("kind")), id, kind));
  }
  const bool absolute = check.kind == CheckKind::absolute;
  if (go_only) {
    // The Go side is all there is: no C++ references, GOMAXPROCS in 'threads'.
    for (auto key : {"numerator", "denominator"}) {
      if (table.contains(key)) {
        return fail(fmt::format("{}: check '{}', '{}': a go-only claim names its benchmarks in "
                                "'go' only",
                                in.where(table.get(key)), id, key));
      }
    }
    if (!table.contains("go")) {
      return fail(fmt::format("{}: check '{}' is missing 'go' (a go-only claim's checks name "
                              "their Go benchmarks there)",
                              in.where(table.get("id")), id));
    }
    CB_TRY(threads, in.positive_integer("threads"));
    if (threads) check.threads = *threads;
  } else {
    if (table.contains("threads")) {
      return fail(fmt::format("{}: check '{}', 'threads' belongs in numerator/denominator "
                              "({{ variant = ..., threads = N }}); only go-only checks take it",
                              in.where(table.get("threads")), id));
    }
    if (!table.contains("numerator")) {
      return fail(fmt::format("{}: check '{}' is missing 'numerator'", in.where(table.get("id")),
                              id));
    }
    CB_TRY(numerator, parse_ref(in, table, "numerator", id));
    check.numerator_ref = numerator;
    if (table.contains("denominator")) {
      if (absolute) {
        return fail(fmt::format("{}: check '{}', 'denominator': an absolute check names one "
                                "benchmark in 'numerator'",
                                in.where(table.get("denominator")), id));
      }
      CB_TRY(denominator, parse_ref(in, table, "denominator", id));
      check.denominator_ref = denominator;
    } else if (!absolute) {
      return fail(fmt::format("{}: check '{}' is missing 'denominator' (a {} check compares two "
                              "benchmarks)",
                              in.where(table.get("id")), id, to_string(check.kind)));
    }
  }
  if (table.contains("go")) {
    CB_TRY(go, parse_go(in, table, id, check.kind));
    check.go = go;
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
  if (auto ok = validate_bounds(check, in, table); !ok) return std::unexpected(ok.error());
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
                   "sources", "benchmarks", "events", "requires", "noise_limit", "check",
                   "go_file", "go_none"});
      !ok) {
    return std::unexpected(ok.error());
  }
  Claim claim;
  claim.file = file;
  for (auto&& [key, value] : root)
    claim.key_lines[std::string(key.str())] = static_cast<int>(value.source().begin.line);
  CB_TRY(id, in.text("id", true));
  CB_TRY(title, in.text("title", true));
  CB_TRY(fidelity, in.text("fidelity", true));
  CB_TRY(statement, in.text("statement", true));
  CB_TRY(analogue, in.text("analogue", true));
  CB_TRY(caveats, in.text("caveats", false));
  CB_TRY(go_meaning, in.text("go_meaning", false));
  const bool go_only = fidelity == "go-only";
  CB_TRY(benchmarks, in.text("benchmarks", !go_only));
  CB_TRY(go_file, in.text("go_file", go_only));
  CB_TRY(go_none, in.text("go_none", false));
  claim.go_file = go_file;
  claim.go_none = go_none;
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
  if (fidelity != "direct" && fidelity != "analogue" && fidelity != "proxy" && !go_only) {
    return fail(fmt::format("{}: 'fidelity' must be direct, analogue, proxy or go-only, not '{}'",
                            in.where(root.get("fidelity")), fidelity));
  }
  if (go_only && root.contains("benchmarks")) {
    return fail(fmt::format("{}: 'benchmarks': a go-only claim has no C++ benchmarks",
                            in.where(root.get("benchmarks"))));
  }
  if (!go_file.empty() && !go_none.empty()) {
    return fail(fmt::format("{}: give 'go_file' or 'go_none', not both",
                            in.where(root.get("go_none"))));
  }
  if (root.contains("go_none") && go_none.find_first_not_of(" \t\n") == std::string::npos) {
    return fail(fmt::format("{}: 'go_none' must say why there is no Go counterpart",
                            in.where(root.get("go_none"))));
  }
  if (root.contains("go_file")) {
    static const std::regex go_name(R"(^[a-z0-9_]+(/[a-z0-9_]+)*_test\.go$)");
    if (!std::regex_match(go_file, go_name)) {
      return fail(fmt::format("{}: 'go_file' must be a *_test.go path relative to benchmarks/go/ "
                              "(lower case, no '..'), not '{}'",
                              in.where(root.get("go_file")), go_file));
    }
  }
  if (!go_only) {
    try {
      std::regex check_syntax(benchmarks);
    } catch (const std::regex_error& error) {
      return fail(fmt::format("{}: 'benchmarks' is not a valid regex: {}",
                              in.where(root.get("benchmarks")), error.what()));
    }
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
  if (noise_limit) {
    if (!std::isfinite(*noise_limit) || *noise_limit <= 0) {
      return fail(fmt::format("{}: 'noise_limit' must be a finite number above 0, not {}",
                              in.where(root.get("noise_limit")), *noise_limit));
    }
    claim.noise_limit = *noise_limit;
  }
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
      CB_TRY(check, parse_check(*table, file, i, go_only));
      if (!go_only && check.go && go_file.empty()) {
        return fail(fmt::format("{}:{}: check '{}', 'go': the claim names no 'go_file'",
                                file.string(), check.line, check.id));
      }
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
      return fail(fmt::format("{}: name the family too ({{ family = \"...\", variant = ... }}): "
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
          return fail(fmt::format("{}: '{}' at {} threads is ambiguous: {} and {}", at,
                                  ref.variant, ref.threads, *found, name));
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
      return fail(fmt::format("{}: {}", where_key(claim, "events", line("events")),
                              spec.error().message));
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
    std::erase_if(guess, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '_'; });
    const auto near = nearest_ids(all, guess);
    if (!near.empty()) message += fmt::format("; families near it: {}", fmt::join(near, ", "));
    return fail(message);
  }
  for (auto& check : claim.checks) {
    std::vector<std::string> check_families;
    if (check.numerator_ref) {
      CB_TRY(name, resolve_ref(claim, check, "numerator", *check.numerator_ref, selected, families));
      check.numerator = name;
      check_families.push_back(check.numerator_ref->family);
    }
    if (check.denominator_ref) {
      CB_TRY(name,
             resolve_ref(claim, check, "denominator", *check.denominator_ref, selected, families));
      check.denominator = name;
      check_families.push_back(check.denominator_ref->family);
    }
    const std::string at = fmt::format("{}:{}: check '{}'", claim.file.string(), check.line,
                                       check.id);
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
    if (!check.mechanism.empty() &&
        std::find(claim.events.begin(), claim.events.end(), check.mechanism) ==
            claim.events.end()) {
      return fail(fmt::format("{}, 'mechanism': '{}' is not one of the claim's events ({}), so "
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
    if (auto ok = resolve_claim(claim, registry); !ok) return std::unexpected(ok.error());
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
        return fail(fmt::format("{}:{}: claim '{}': remove 'title' and 'fidelity' here, {} says "
                                "them",
                                index_file.string(), entry.line, entry.id,
                                claim->file.filename().string()));
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
