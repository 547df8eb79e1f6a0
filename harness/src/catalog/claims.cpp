// Claim files: one claims/<id>.toml parsed into a Claim, its kinds and thresholds checked
// (resolving it against the registry is catalog.cpp's job).
#include "claimbench/catalog/claims.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "claims_toml.hpp"

namespace claimbench {
namespace {

using claims_toml::parse_toml;
using claims_toml::read_file;
using claims_toml::TableReader;

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
      if (auto ok =
              need(!table.contains(key), key, fmt::format("does not belong to a {} check", kind));
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
      if (auto ok =
              absent({"at_least", "refuted_below", "at_most", "refuted_above"}, "equivalence");
          !ok) {
        return ok;
      }
      return need(check.within.has_value() && std::isfinite(*check.within) && *check.within > 0 &&
                      *check.within < 1,
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
      return need(check.refuted_above.value_or(*check.at_most) >= *check.at_most, "refuted_above",
                  "'refuted_above' must not be below 'at_most'");
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
  CB_TRY_VOID(ref.only({"family", "variant", "threads"}));
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
    return fail(
        fmt::format("{}: check '{}', '{}': '{}' is not a Go benchmark name (BenchmarkName or "
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
    return fail(
        fmt::format("{}: check '{}', 'go' must be a table such as {{ numerator = \"BenchmarkX/a\", "
                    "denominator = \"BenchmarkX/b\" }}",
                    in.where(node), id));
  }
  TableReader go(*table, in.file(), fmt::format("check '{}', 'go'", id));
  CB_TRY_VOID(go.only({"numerator", "denominator"}));
  CB_TRY(numerator, go.text("numerator", true));
  CB_TRY(denominator, go.text("denominator", false));
  const bool absolute = kind == CheckKind::absolute;
  if (absolute && !denominator.empty()) {
    return fail(
        fmt::format("{}: check '{}', 'go.denominator': an absolute check names one "
                    "benchmark (go.numerator)",
                    go.where(table->get("denominator")), id));
  }
  if (!absolute && denominator.empty()) {
    return fail(
        fmt::format("{}: check '{}', 'go' is missing 'denominator' (a {} check compares "
                    "two benchmarks)",
                    in.where(node), id, to_string(kind)));
  }
  CB_TRY_VOID(check_go_name(go, table->get("numerator"), id, "go.numerator", numerator));
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
                         "go_none", "threads"});
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
    return fail(
        fmt::format("{}: check '{}', 'kind' must be ratio, equivalent or absolute, not "
                    "'{}'",
                    in.where(table.get("kind")), id, kind));
  }
  const bool absolute = check.kind == CheckKind::absolute;
  if (go_only) {
    // The Go side is all there is: no C++ references, GOMAXPROCS in 'threads'.
    for (auto key : {"numerator", "denominator"}) {
      if (table.contains(key)) {
        return fail(
            fmt::format("{}: check '{}', '{}': a go-only claim names its benchmarks in "
                        "'go' only",
                        in.where(table.get(key)), id, key));
      }
    }
    if (!table.contains("go")) {
      return fail(
          fmt::format("{}: check '{}' is missing 'go' (a go-only claim's checks name "
                      "their Go benchmarks there)",
                      in.where(table.get("id")), id));
    }
    CB_TRY(threads, in.positive_integer("threads"));
    if (threads) check.threads = *threads;
  } else {
    if (table.contains("threads")) {
      return fail(
          fmt::format("{}: check '{}', 'threads' belongs in numerator/denominator "
                      "({{ variant = ..., threads = N }}); only go-only checks take it",
                      in.where(table.get("threads")), id));
    }
    if (!table.contains("numerator")) {
      return fail(
          fmt::format("{}: check '{}' is missing 'numerator'", in.where(table.get("id")), id));
    }
    CB_TRY(numerator, parse_ref(in, table, "numerator", id));
    check.numerator_ref = numerator;
    if (table.contains("denominator")) {
      if (absolute) {
        return fail(
            fmt::format("{}: check '{}', 'denominator': an absolute check names one "
                        "benchmark in 'numerator'",
                        in.where(table.get("denominator")), id));
      }
      CB_TRY(denominator, parse_ref(in, table, "denominator", id));
      check.denominator_ref = denominator;
    } else if (!absolute) {
      return fail(
          fmt::format("{}: check '{}' is missing 'denominator' (a {} check compares two "
                      "benchmarks)",
                      in.where(table.get("id")), id, to_string(check.kind)));
    }
  }
  if (table.contains("go")) {
    CB_TRY(go, parse_go(in, table, id, check.kind));
    check.go = go;
  }
  CB_TRY(go_none, in.text("go_none", false));
  if (table.contains("go_none")) {
    if (go_only || table.contains("go")) {
      return fail(fmt::format("{}: check '{}', 'go_none': give 'go' or 'go_none', not both{}",
                              in.where(table.get("go_none")), id,
                              go_only ? " (a go-only check is its Go side)" : ""));
    }
    if (go_none.find_first_not_of(" \t\n") == std::string::npos) {
      return fail(fmt::format("{}: check '{}', 'go_none' must say why the check has no Go side",
                              in.where(table.get("go_none")), id));
    }
    check.go_none = go_none;
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
  CB_TRY_VOID(validate_bounds(check, in, table));
  return check;
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
  if (auto ok = in.only({"id", "title", "fidelity", "statement", "analogue", "caveats",
                         "go_meaning", "sources", "benchmarks", "events", "requires", "noise_limit",
                         "check", "go_file", "go_none", "go_pus"});
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
  // calibration: a check of the harness itself (what BenchThread adds), not a claim about Go.
  if (fidelity != "direct" && fidelity != "analogue" && fidelity != "proxy" && !go_only &&
      fidelity != "calibration") {
    return fail(fmt::format(
        "{}: 'fidelity' must be direct, analogue, proxy, go-only or calibration, not '{}'",
        in.where(root.get("fidelity")), fidelity));
  }
  if (go_only && root.contains("benchmarks")) {
    return fail(fmt::format("{}: 'benchmarks': a go-only claim has no C++ benchmarks",
                            in.where(root.get("benchmarks"))));
  }
  if (!go_file.empty() && !go_none.empty()) {
    return fail(
        fmt::format("{}: give 'go_file' or 'go_none', not both", in.where(root.get("go_none"))));
  }
  if (root.contains("go_none") && go_none.find_first_not_of(" \t\n") == std::string::npos) {
    return fail(fmt::format("{}: 'go_none' must say why there is no Go counterpart",
                            in.where(root.get("go_none"))));
  }
  if (root.contains("go_file")) {
    static const std::regex go_name(R"(^[a-z0-9_]+(/[a-z0-9_]+)*_test\.go$)");
    if (!std::regex_match(go_file, go_name)) {
      return fail(
          fmt::format("{}: 'go_file' must be a *_test.go path relative to benchmarks/go/ "
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
      CB_TRY_VOID(src.only({"seed", "where"}));
      CB_TRY(seed, src.text("seed", true));
      CB_TRY(where, src.text("where", true));
      claim.sources.push_back({seed, where});
    }
  } else if (root.contains("sources")) {
    return fail(fmt::format("{}: 'sources' must be an array", in.where(root.get("sources"))));
  }
  if (claim.sources.empty() && fidelity != "calibration") {  // calibration cites no seed
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
    CB_TRY_VOID(req.only({"cores", "smt"}));
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
  CB_TRY(go_pus, in.text("go_pus", false));
  if (root.contains("go_pus")) {
    if (go_pus == "cores") {
      claim.go_pus = Claim::GoPus::cores;
    } else if (go_pus == "placement") {
      claim.go_pus = Claim::GoPus::placement;
    } else if (go_pus != "threads") {
      return fail(fmt::format("{}: 'go_pus' must be threads, cores or placement, not '{}'",
                              in.where(root.get("go_pus")), go_pus));
    }
    if (go_file.empty()) {
      return fail(
          fmt::format("{}: 'go_pus' needs the claim's 'go_file'", in.where(root.get("go_pus"))));
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
      if (!go_only && !check.go_none.empty() && go_file.empty()) {
        return fail(fmt::format(
            "{}:{}: check '{}', 'go_none': the claim has no Go twins (its 'go_none' says why)",
            file.string(), check.line, check.id));
      }
      // A claim with twins accounts for every check: a Go side, or the reason it has none.
      if (!go_only && !go_file.empty() && !check.go && check.go_none.empty()) {
        return fail(fmt::format(
            "{}:{}: check '{}' has neither 'go' (its Go twins) nor 'go_none' (why it has none)",
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

}  // namespace claimbench
