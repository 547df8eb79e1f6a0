// Chart specs for the study notes: bars per variant, thread-sweep and size-sweep lines.
#include "claimbench/present/chart_specs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "claimbench/present/labels.hpp"

namespace claimbench {
namespace {

using nlohmann::json;

json bound_or_null(const std::optional<Interval>& ci, bool high) {
  return ci ? json(high ? ci->hi : ci->lo) : json();
}

// A size sweep: variants whose labels differ only in one numeric "key:value" component, e.g.
// depth:1 ... depth:64 or naive/pieces:1000, pieces:4000. The key chosen is the one that varies
// within the most groups; 0/1 switches (spin:0/1) are not sweeps. Returns a lines chart of ns
// per op against that key, or null.
json size_sweep_chart(const ClaimResult& claim, const MachineResults& m) {
  static const std::regex parameter("^([A-Za-z_]+):(\\d{1,15})$");
  struct Point {
    std::string group;
    double x;
    const MetricSummary* ns;
  };
  std::map<std::string, std::vector<Point>> by_key;
  for (const auto& v : claim.variants) {
    if (!v.summary.ns_per_op.median) continue;
    std::string name = variant_label(claim, v.name, false);
    if (v.threads > 1) name += fmt::format(" @{}", v.threads);
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
          {fmt::format("{}", fmt::join(rest, "/")), std::stod(match[2]), &v.summary.ns_per_op});
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
      s["x"].push_back(p->x);
      s["y"].push_back(*p->ns->median);
      s["lo"].push_back(bound_or_null(p->ns->ci, false));
      s["hi"].push_back(bound_or_null(p->ns->ci, true));
    }
    series.push_back(s);
  }
  return {{"file", safe_file_stem(fmt::format("{}-{}-{}", claim.id, m.id, best))},
          {"kind", "lines"},
          {"title", fmt::format("{} on {}: time per operation vs {}", claim.id, m.label, best)},
          {"xlabel", best},
          {"ylabel", "ns per operation (median, 95% CI)"},
          {"series", series}};
}

}  // namespace

json claim_chart_spec(const ClaimResult& claim, const MachineResults& m) {
  const std::string& id = claim.id;
  json charts = json::array();
  json bars = json::array();
  std::map<std::string, std::vector<std::pair<int, const MetricSummary*>>> sweeps;
  for (const auto& v : claim.variants) {
    const MetricSummary& ns = v.summary.ns_per_op;
    if (!ns.median) continue;
    bars.push_back({{"label", variant_label(claim, v.name)},
                    {"value", *ns.median},
                    {"lo", bound_or_null(ns.ci, false)},
                    {"hi", bound_or_null(ns.ci, true)}});
    sweeps[variant_label(claim, v.name, false)].emplace_back(v.threads, &ns);
  }
  if (!bars.empty()) {
    charts.push_back(
        {{"file", safe_file_stem(fmt::format("{}-{}-variants", id, m.id))},
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
      // A zero median (possible only in a hand-made file) has no throughput: null, not inf.
      s["x"].push_back(threads);
      s["y"].push_back(*ns->median > 0 ? json(1000.0 / *ns->median) : json());
      const bool has_ci = ns->ci && ns->ci->lo > 0;
      s["lo"].push_back(has_ci ? json(1000.0 / ns->ci->hi) : json());
      s["hi"].push_back(has_ci ? json(1000.0 / ns->ci->lo) : json());
    }
    series.push_back(s);
  }
  if (!series.empty()) {
    charts.push_back({{"file", safe_file_stem(fmt::format("{}-{}-threads", id, m.id))},
                      {"kind", "lines"},
                      {"title", fmt::format("{} on {}: throughput vs threads", id, m.label)},
                      {"xlabel", "threads (pinned, one per PU)"},
                      {"ylabel", "million operations per second"},
                      {"series", series}});
  }
  if (json sizes = size_sweep_chart(claim, m); !sizes.is_null()) charts.push_back(sizes);
  return {{"charts", charts}};
}

}  // namespace claimbench
