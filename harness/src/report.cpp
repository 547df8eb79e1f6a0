#include "claimbench/report.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "claimbench/charts.hpp"

namespace claimbench {
namespace {

using nlohmann::json;

std::string num(const json& value) {
  if (!value.is_number()) return "–";
  return fmt::format("{:.3g}", value.get<double>());
}

std::string ci_text(const json& ci) {
  if (!ci.is_array() || ci.size() != 2 || !ci[0].is_number()) return "–";
  return fmt::format("{:.3g}–{:.3g}", ci[0].get<double>(), ci[1].get<double>());
}

std::string thresholds_text(const json& check) {
  const json& t = check.value("thresholds", json::object());
  if (t.contains("within")) return fmt::format("within ±{:g}%", t["within"].get<double>() * 100);
  if (t.contains("at_least")) {
    return fmt::format("holds ≥ {:g}, refuted < {:g}", t["at_least"].get<double>(),
                       t.value("refuted_below", t["at_least"].get<double>()));
  }
  if (t.contains("at_most")) {
    return fmt::format("holds ≤ {:g}, refuted > {:g}", t["at_most"].get<double>(),
                       t.value("refuted_above", t["at_most"].get<double>()));
  }
  return "–";
}

// "BM_FalseSharing/packed/real_time/threads:2" -> "packed @2"
std::string variant_label(const std::string& name) {
  std::string label = name.substr(name.find('/') == std::string::npos ? 0 : name.find('/') + 1);
  label = std::regex_replace(label, std::regex("/real_time"), "");
  label = std::regex_replace(label, std::regex("/threads:(\\d+)$"), " @$1");
  return label;
}

std::string sweep_base(const std::string& name) {
  std::string base = std::regex_replace(name, std::regex("/threads:\\d+$"), "");
  base = std::regex_replace(base, std::regex("/real_time$"), "");
  return base.substr(base.find('/') == std::string::npos ? 0 : base.find('/') + 1);
}

std::string fidelity_text(const std::string& fidelity) {
  if (fidelity == "direct") {
    return "**direct** — the claim is about the hardware or the OS; C++ hits the same mechanism, "
           "so the result transfers to Go as it is.";
  }
  if (fidelity == "analogue") {
    return "**analogue** — Go's mechanism has a close C++ counterpart; the verdict transfers with "
           "the caveats below.";
  }
  return "**proxy** — there is no C++ counterpart, so a model of the mechanism is measured; read "
         "the verdict as evidence about the model, not about Go itself.";
}

std::string machine_summary(const json& m) {
  std::string caches;
  for (const auto& c : m.value("caches", json::array())) {
    if (c.value("name", "") == "L1i") continue;
    const auto size = c.value("size_bytes", 0ull);
    caches += fmt::format(", {} {}", c.value("name", ""),
                          size >= (1ull << 20) ? fmt::format("{} MiB", size >> 20)
                                               : fmt::format("{} KiB", size >> 10));
  }
  return fmt::format("{} PUs / {} cores / {} package(s){}; {}; {}; governor {}; {}, {} build",
                     m.value("pus", 0), m.value("cores", 0), m.value("packages", 0), caches,
                     m.value("virtualised", false)
                         ? "virtualised " + m.value("hypervisor_vendor", std::string())
                         : std::string("bare metal"),
                     m.value("kernel", ""), m.value("governor", "n/a"), m.value("compiler", ""),
                     m.value("build_type", ""));
}

std::string file_slug(const std::string& text) {
  return std::regex_replace(text, std::regex("[^A-Za-z0-9_.-]"), "_");
}

Expected<void> write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) {
    return fail(fmt::format("cannot write '{}': {}", file.string(), std::strerror(errno)));
  }
  return {};
}

std::string chart_block(const json& spec, bool rendered, const std::string& note) {
  std::string out;
  for (const auto& chart : spec["charts"]) {
    const std::string file = chart["file"];
    if (rendered) {
      out += fmt::format("![{}](img/{}.png)\n\n", chart["title"].get<std::string>(), file);
    } else {
      out += fmt::format("_Chart img/{}.png (and .svg) would be here: {}._\n\n", file, note);
    }
  }
  return out;
}

std::string claim_section(const json& claim, const MachineResults& m, bool rendered,
                          const std::string& note) {
  std::string out = fmt::format("### {}\n\n{}\n\n", m.label, machine_summary(m.machine));
  const json options = claim.value("_options", json::object());
  out += fmt::format("Run: `{}` — {} rounds of ≥ {} s per benchmark, {} ({}).\n\n",
                     claim.value("_command", ""), options.value("repetitions", 0),
                     options.value("min_time_s", 0.0), claim.value("_created_utc", ""),
                     std::filesystem::path(claim.value("_file", "")).filename().string());
  if (claim.value("status", "") == "skipped") {
    return out + fmt::format("**Skipped here:** {}\n\n", claim.value("reason", ""));
  }
  const json& placement = claim["placement"];
  out += fmt::format("Placement: {}, PUs {}; deepest shared cache: {}.",
                     placement.value("policy", ""), placement.value("pus", json::array()).dump(),
                     placement.value("shared_cache", ""));
  const json& probe = claim.value("probe_ns", json::object());
  if (probe.value("before", json()).is_number()) {
    out += fmt::format(" Core-to-core probe: {} ns one-way before, {} ns after.",
                       num(probe["before"]), num(probe["after"]));
  }
  const json& counters = claim["counters"];
  out += fmt::format("\n\nCounters opened: {}.",
                     fmt::join(counters.value("opened", std::vector<std::string>{}), ", "));
  for (const auto& u : counters.value("unavailable", json::array())) {
    out += fmt::format(" Not available: `{}` ({}).", u.value("event", ""), u.value("reason", ""));
  }
  out += "\n\n" + chart_block(claim_chart_spec(claim, m), rendered, note);

  out += "| check | says | ratio | CI | thresholds | verdict |\n|---|---|---|---|---|---|\n";
  for (const auto& check : claim["checks"]) {
    out += fmt::format("| {} | {} | {} | {} | {} | **{}** |\n", check.value("id", ""),
                       check.value("says", ""), num(check["estimate"]), ci_text(check["ci"]),
                       thresholds_text(check), check.value("verdict", ""));
  }
  out += "\nWhy:\n\n";
  for (const auto& check : claim["checks"]) {
    out += fmt::format("- `{}`: {}\n", check.value("id", ""), check.value("reason", ""));
  }
  // The counters that explain the result, per op, next to time.
  // "explaining" lists the events that opened, allocs and the benchmarks' own counters.
  std::vector<std::string> columns = counters.value("explaining", std::vector<std::string>{});
  if (columns.empty()) {  // results written before "explaining" existed
    columns = counters.value("opened", std::vector<std::string>{});
    columns.push_back("allocs");
  }
  out += "\n| variant | ns/op | 95% CI | spread |";
  for (const auto& c : columns)
    out += fmt::format(" {} /op |", c);
  out += "\n|---|---|---|---|";
  for (std::size_t i = 0; i < columns.size(); ++i)
    out += "---|";
  out += "\n";
  for (const auto& v : claim["variants"]) {
    const json& summary = v.value("summary", json::object());
    if (!v.value("skipped", "").empty()) {
      out += fmt::format("| {} | skipped: {} |\n", variant_label(v["name"]),
                         v["skipped"].get<std::string>());
      continue;
    }
    const json ns = summary.value("ns_per_op", json::object());
    out += fmt::format("| {} | {} | {} | {} |", variant_label(v["name"]),
                       num(ns.value("median", json())), ci_text(ns.value("ci", json())),
                       ns.value("spread", json()).is_number()
                           ? fmt::format("{:.0f}%", ns["spread"].get<double>() * 100)
                           : std::string("–"));
    for (const auto& c : columns)
      out += fmt::format(" {} |", num(summary.value(c + "_per_op", json())));
    out += "\n";
  }
  return out + "\n";
}

// The union of the check ids any machine recorded for a claim, in first-seen order.
std::vector<std::string> check_ids(const std::vector<MachineResults>& machines,
                                   const std::string& claim_id) {
  std::vector<std::string> ids;
  for (const auto& m : machines) {
    if (const json* c = m.claim(claim_id)) {
      for (const auto& check : (*c)["checks"]) {
        const std::string id = check["id"];
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
    }
  }
  return ids;
}

const json* find_check(const MachineResults& m, const std::string& claim_id,
                       const std::string& check_id) {
  if (const json* c = m.claim(claim_id)) {
    for (const auto& check : (*c)["checks"]) {
      if (check["id"] == check_id) return &check;
    }
  }
  return nullptr;
}

// A size sweep: variants whose names differ only in one numeric "key:value" component, e.g.
// BM_ContextValue/depth:1 ... depth:64 or BM_StringConcat/naive/pieces:1000, pieces:4000. The
// key chosen is the one that varies within the most groups; 0/1 switches (spin:0/1) are not
// sweeps. Returns a lines chart of ns per op against that key, or null.
json size_sweep_chart(const json& claim, const MachineResults& m) {
  static const std::regex run_suffix("/(real_time|manual_time|iterations:\\d+|threads:\\d+)");
  static const std::regex parameter("^([A-Za-z_]+):(\\d+)$");
  struct Point {
    std::string group;
    double x;
    json ns;
  };
  std::map<std::string, std::vector<Point>> by_key;
  for (const auto& v : claim.value("variants", json::array())) {
    const json ns = v.value("summary", json::object()).value("ns_per_op", json::object());
    if (!ns.value("median", json()).is_number()) continue;
    std::string name = v["name"].get<std::string>();
    name = std::regex_replace(name.substr(name.find('/') + 1), run_suffix, "");
    if (v.value("threads", 1) > 1) name += fmt::format(" @{}", v.value("threads", 1));
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      const auto slash = name.find('/', start);
      parts.push_back(name.substr(start, slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      std::smatch match;
      if (!std::regex_match(parts[i], match, parameter)) continue;
      std::vector<std::string> rest = parts;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
      by_key[match[1]].push_back(
          {fmt::format("{}", fmt::join(rest, "/")), std::stod(match[2]), ns});
    }
  }
  // Rank keys by how many values they sweep, then by how many groups sweep them.
  std::string best;
  std::pair<std::size_t, std::size_t> best_score{0, 0};
  for (const auto& [key, points] : by_key) {
    std::map<std::string, std::set<double>> xs;
    bool only_switch = true;
    for (const auto& p : points) {
      xs[p.group].insert(p.x);
      only_switch = only_switch && (p.x == 0 || p.x == 1);
    }
    std::pair<std::size_t, std::size_t> score{0, 0};
    for (const auto& [group, values] : xs) {
      if (values.size() < 2) continue;
      score.first = std::max(score.first, values.size());
      ++score.second;
    }
    if (!only_switch && score > best_score) {
      best = key;
      best_score = score;
    }
  }
  if (best.empty()) return nullptr;
  std::map<std::string, std::vector<const Point*>> groups;
  for (const auto& p : by_key[best])
    groups[p.group].push_back(&p);
  json series = json::array();
  for (auto& [group, points] : groups) {
    if (points.size() < 2) continue;
    std::sort(points.begin(), points.end(),
              [](const Point* a, const Point* b) { return a->x < b->x; });
    json s = {{"label", group.empty() ? best : group},
              {"x", json::array()},
              {"y", json::array()},
              {"lo", json::array()},
              {"hi", json::array()}};
    for (const Point* p : points) {
      const json ci = p->ns.value("ci", json());
      const bool has_ci = ci.is_array() && ci.size() == 2;
      s["x"].push_back(p->x);
      s["y"].push_back(p->ns["median"]);
      s["lo"].push_back(has_ci ? ci[0] : json());
      s["hi"].push_back(has_ci ? ci[1] : json());
    }
    series.push_back(s);
  }
  return {{"file", file_slug(fmt::format("{}-{}-{}", claim["id"].get<std::string>(), m.id, best))},
          {"kind", "lines"},
          {"title", fmt::format("{} on {}: time per operation vs {}",
                                claim["id"].get<std::string>(), m.label, best)},
          {"xlabel", best},
          {"ylabel", "ns per operation (median, 95% CI)"},
          {"series", series}};
}

}  // namespace

json claim_chart_spec(const json& claim, const MachineResults& m) {
  const std::string id = claim["id"];
  json charts = json::array();
  json bars = json::array();
  std::map<std::string, std::vector<std::pair<int, json>>> sweeps;
  for (const auto& v : claim.value("variants", json::array())) {
    const json ns = v.value("summary", json::object()).value("ns_per_op", json::object());
    if (!ns.value("median", json()).is_number()) continue;
    const json ci = ns.value("ci", json());
    const bool has_ci = ci.is_array() && ci.size() == 2;
    bars.push_back({{"label", variant_label(v["name"])},
                    {"value", ns["median"]},
                    {"lo", has_ci ? ci[0] : json()},
                    {"hi", has_ci ? ci[1] : json()}});
    sweeps[sweep_base(v["name"])].emplace_back(v.value("threads", 1), ns);
  }
  if (!bars.empty()) {
    charts.push_back(
        {{"file", file_slug(fmt::format("{}-{}-variants", id, m.id))},
         {"kind", "bars"},
         {"title", fmt::format("{} on {}: time per operation (median, 95% CI)", id, m.label)},
         {"xlabel", "ns per operation"},
         {"bars", bars}});
  }
  json series = json::array();
  for (auto& [base, points] : sweeps) {
    if (points.size() < 2) continue;
    std::sort(points.begin(), points.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    json s = {{"label", base},
              {"x", json::array()},
              {"y", json::array()},
              {"lo", json::array()},
              {"hi", json::array()}};
    for (const auto& [threads, ns] : points) {
      // Throughput in million operations per second = 1000 / (ns per op); CI bounds swap.
      const json ci = ns.value("ci", json());
      s["x"].push_back(threads);
      s["y"].push_back(1000.0 / ns["median"].get<double>());
      const bool has_ci =
          ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[0].get<double>() > 0;
      s["lo"].push_back(has_ci ? json(1000.0 / ci[1].get<double>()) : json());
      s["hi"].push_back(has_ci ? json(1000.0 / ci[0].get<double>()) : json());
    }
    series.push_back(s);
  }
  if (!series.empty()) {
    charts.push_back({{"file", file_slug(fmt::format("{}-{}-threads", id, m.id))},
                      {"kind", "lines"},
                      {"title", fmt::format("{} on {}: throughput vs threads", id, m.label)},
                      {"xlabel", "threads (pinned, one per PU)"},
                      {"ylabel", "million operations per second"},
                      {"series", series}});
  }
  if (json sizes = size_sweep_chart(claim, m); !sizes.is_null()) charts.push_back(sizes);
  return {{"charts", charts}};
}

Expected<ReportOutcome> write_report(const std::vector<MachineResults>& machines,
                                     const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    return fail(
        fmt::format("cannot create output directory '{}': {}", out_dir.string(), ec.message()));
  }
  ReportOutcome outcome;
  json spec = {{"charts", json::array()}};
  for (const auto& m : machines) {
    for (const auto& claim : m.claims) {
      const json claim_spec = claim_chart_spec(claim, m);  // named: a temporary would dangle
      for (const auto& chart : claim_spec["charts"])
        spec["charts"].push_back(chart);
    }
  }
  const ChartRun charts = render_charts(spec, out_dir / "img");
  outcome.charts_rendered = charts.rendered;
  outcome.charts_note = charts.note;

  const auto ids = all_claim_ids(machines);
  std::string index =
      "# claimbench study notes\n\nWhat Go interview claims do on real CPUs. Each "
      "row is one check of a claim, judged from paired rounds against thresholds "
      "fixed in the claim file before measuring; the number is the measured ratio "
      "(numerator / denominator).\n\n## Machines\n\n";
  for (const auto& m : machines) {
    index += fmt::format("- **{}**: {} ({} result file{})\n", m.label, machine_summary(m.machine),
                         m.files.size(), m.files.size() == 1 ? "" : "s");
  }
  index += "\n## Verdicts\n\n| claim | check |";
  for (const auto& m : machines)
    index += fmt::format(" {} |", m.label);
  index += "\n|---|---|";
  for (std::size_t i = 0; i < machines.size(); ++i)
    index += "---|";
  index += "\n";
  for (const auto& id : ids) {
    for (const auto& check_id : check_ids(machines, id)) {
      index += fmt::format("| [{}]({}.md) | {} |", id, id, check_id);
      for (const auto& m : machines) {
        const json* check = find_check(m, id, check_id);
        index += fmt::format(" {} |", check != nullptr ? verdict_cell(*check) : "–");
      }
      index += "\n";
    }
  }
  if (!charts.rendered) index += fmt::format("\n_{}_\n", charts.note);
  outcome.pages.push_back(out_dir / "index.md");
  if (auto ok = write_text(outcome.pages.back(), index); !ok) return std::unexpected(ok.error());

  for (const auto& id : ids) {
    const json* first = nullptr;
    for (const auto& m : machines) {
      if ((first = m.claim(id)) != nullptr) break;
    }
    std::string page =
        fmt::format("# {} — {}\n\n[← all claims](index.md)\n\n", id, first->value("title", ""));
    page += fmt::format("**The claim, in our words.** {}\n\n", first->value("statement", ""));
    page += "**Sources.** ";
    std::vector<std::string> sources;
    for (const auto& s : first->value("sources", json::array())) {
      sources.push_back(fmt::format("`{}` ({})", s.value("seed", ""), s.value("where", "")));
    }
    page += fmt::format("{}\n\n**Fidelity.** {}\n\n", fmt::join(sources, "; "),
                        fidelity_text(first->value("fidelity", "")));
    page += fmt::format("## The analogue\n\n{}\n\n", first->value("analogue", ""));
    if (!first->value("caveats", "").empty()) {
      page += fmt::format("**Caveats.** {}\n\n", first->value("caveats", ""));
    }
    page += "## Results\n\n";
    for (const auto& m : machines) {
      if (const json* c = m.claim(id)) page += claim_section(*c, m, charts.rendered, charts.note);
    }
    page += "## What this means in Go\n\n";
    for (const auto& m : machines) {
      if (const json* c = m.claim(id)) {
        std::map<std::string, int> tally;
        for (const auto& check : (*c)["checks"])
          ++tally[check.value("verdict", "?")];
        std::vector<std::string> parts;
        for (const auto& [verdict, count] : tally)
          parts.push_back(fmt::format("{} {}", count, verdict));
        page += fmt::format("- On {}: {} of {} checks ({}).\n", m.label, tally["HOLDS"],
                            (*c)["checks"].size(), fmt::join(parts, ", "));
      }
    }
    if (!first->value("go_meaning", "").empty())
      page += fmt::format("\n{}\n", first->value("go_meaning", ""));
    outcome.pages.push_back(out_dir / fmt::format("{}.md", id));
    if (auto ok = write_text(outcome.pages.back(), page); !ok) return std::unexpected(ok.error());
  }
  return outcome;
}

std::string render_compare(const std::vector<MachineResults>& machines, const Style& style) {
  std::size_t cell_width = 16;  // as wide as the widest machine label, so none is cut
  for (const auto& m : machines)
    cell_width = std::max(cell_width, m.label.size());
  std::string out = fmt::format("{:<34}", "claim / check");
  for (const auto& m : machines)
    out += fmt::format("  {:<{}}", m.label, cell_width);
  out += "\n";
  for (const auto& id : all_claim_ids(machines)) {
    out += id + "\n";
    for (const auto& check_id : check_ids(machines, id)) {
      std::vector<std::string> cells;
      std::set<std::string> verdicts;
      for (const auto& m : machines) {
        const json* check = find_check(m, id, check_id);
        cells.push_back(check != nullptr ? verdict_cell(*check) : "–");
        if (check != nullptr) verdicts.insert(check->value("verdict", ""));
      }
      const bool differs = verdicts.size() > 1;
      std::string line = fmt::format("{} {:<31}", differs ? "≠" : " ", check_id);
      for (const auto& cell : cells)
        line += fmt::format("  {:<{}}", cell, cell_width);
      out += (differs && style.color ? fmt::format(fmt::emphasis::bold, "  {}", line)
                                     : fmt::format("  {}", line)) +
             "\n";
    }
  }
  out += "\n≠ marks checks whose verdict differs between machines.\n";
  return out;
}

std::string compare_markdown(const std::vector<MachineResults>& machines,
                             const std::string& chart_file) {
  std::string out = "# claimbench: the same claims on different CPUs\n\n";
  for (const auto& m : machines)
    out += fmt::format("- **{}**: {}\n", m.label, machine_summary(m.machine));
  out += "\n| claim | check |";
  for (const auto& m : machines)
    out += fmt::format(" {} |", m.label);
  out += " differs |\n|---|---|";
  for (std::size_t i = 0; i <= machines.size(); ++i)
    out += "---|";
  out += "\n";
  for (const auto& id : all_claim_ids(machines)) {
    for (const auto& check_id : check_ids(machines, id)) {
      std::set<std::string> verdicts;
      out += fmt::format("| {} | {} |", id, check_id);
      for (const auto& m : machines) {
        const json* check = find_check(m, id, check_id);
        out += fmt::format(" {} |", check != nullptr ? verdict_cell(*check) : "–");
        if (check != nullptr) verdicts.insert(check->value("verdict", ""));
      }
      out += fmt::format(" {} |\n", verdicts.size() > 1 ? "**yes**" : "");
    }
  }
  if (!chart_file.empty()) out += fmt::format("\n![ratios on each machine]({})\n", chart_file);
  return out;
}

json compare_chart_spec(const std::vector<MachineResults>& machines, const std::string& file_stem) {
  json bars = json::array();
  for (const auto& id : all_claim_ids(machines)) {
    for (const auto& m : machines) {
      const json* c = m.claim(id);
      if (c == nullptr) continue;
      for (const auto& check : (*c)["checks"]) {
        if (check.value("kind", "ratio") == "absolute" || !check["estimate"].is_number()) continue;
        const json ci = check["ci"];
        const bool has_ci = ci.is_array() && ci.size() == 2;
        bars.push_back(
            {{"label", fmt::format("{}/{} @ {}", id, check["id"].get<std::string>(), m.id)},
             {"value", check["estimate"]},
             {"lo", has_ci ? ci[0] : json()},
             {"hi", has_ci ? ci[1] : json()},
             {"verdict", check.value("verdict", "")}});
      }
    }
  }
  return {
      {"charts",
       json::array({{{"file", file_stem},
                     {"kind", "bars"},
                     {"title", "Measured ratio per check and machine (95% CI; colour = verdict)"},
                     {"xlabel", "ratio (numerator / denominator)"},
                     {"lines", json::array({{{"at", 1.0}, {"label", "1×"}}})},
                     {"bars", bars}}})}};
}

}  // namespace claimbench
