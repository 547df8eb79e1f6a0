// Chart specs for the study notes: bars per variant, thread-sweep and size-sweep lines, and one
// claim's checks across machines.
#include "claimbench/present/chart_specs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "claimbench/present/labels.hpp"

namespace claimbench {
namespace {

using nlohmann::json;

// More series than this in one line chart are split into panels: beyond 8 lines, colours that
// differ only slightly sit next to each other and the legend outgrows the plot.
constexpr std::size_t kSeriesPerPanel = 8;

json bound_or_null(const std::optional<Interval>& ci, bool high) {
  return ci ? json(high ? ci->hi : ci->lo) : json();
}

std::vector<std::string> split(const std::string& text, char by) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto at = text.find(by, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// One variant's label cut at a numeric "key:value" component: the rest names its sweep group.
struct SweepPoint {
  std::string key;
  std::string group;  ///< the label without the key:value, " @N" appended for N > 1 threads
  std::string colour_key;
  double x = 0;
  const VariantResult* variant = nullptr;
};

// variant_label already marks a Go twin's name ("go: …"); mark only what it did not.
std::string go_key(const VariantResult& v, std::string label) {
  return v.go && !label.starts_with("go: ") ? "go: " + label : label;
}

std::vector<SweepPoint> sweep_points(const ClaimResult& claim) {
  static const std::regex parameter("^([A-Za-z_]+):(\\d{1,15})$");
  std::vector<SweepPoint> out;
  for (const auto& v : claim.variants) {
    const std::vector<std::string> parts = split(variant_label(claim, v.name, false), '/');
    for (std::size_t i = 0; i < parts.size(); ++i) {
      std::smatch match;
      if (!std::regex_match(parts[i], match, parameter)) continue;
      std::vector<std::string> rest = parts;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
      const std::string group = fmt::format("{}", fmt::join(rest, "/"));
      out.push_back({match[1], v.threads > 1 ? fmt::format("{} @{}", group, v.threads) : group,
                     go_key(v, group.empty() ? std::string(match[1]) : group), std::stod(match[2]),
                     &v});
    }
  }
  return out;
}

// A size sweep's key: the numeric "key:value" component that varies within the most groups
// (depth:1 ... depth:64, naive/pieces:1000, pieces:4000); 0/1 switches (spin:0/1) are not
// sweeps. Empty when the claim has none.
std::string sweep_key(const std::vector<SweepPoint>& points) {
  std::map<std::string, std::map<std::string, std::set<double>>> xs;
  std::map<std::string, bool> only_switch;
  for (const auto& p : points) {
    if (!p.variant->summary.ns_per_op.median) continue;
    xs[p.key][p.group].insert(p.x);
    auto [it, fresh] = only_switch.emplace(p.key, true);
    it->second = it->second && (p.x == 0 || p.x == 1);
  }
  std::string best;
  std::pair<std::size_t, std::size_t> best_score{0, 0};
  for (const auto& [key, groups] : xs) {
    // Ranked by how many values they sweep, then by how many groups sweep them.
    std::pair<std::size_t, std::size_t> score{0, 0};
    for (const auto& [group, values] : groups) {
      if (values.size() < 2) continue;
      score.first = std::max(score.first, values.size());
      ++score.second;
    }
    if (!only_switch[key] && score > best_score) {
      best = key;
      best_score = score;
    }
  }
  return best;
}

// The colour key of a variant: its label without threads, and without the sweep's key:value
// so that a size sweep's line and its bars share a colour.
std::string colour_key(const ClaimResult& claim, const VariantResult& v, const std::string& key) {
  std::vector<std::string> parts = split(variant_label(claim, v.name, false), '/');
  if (!key.empty()) {
    const std::regex component(key + ":\\d{1,15}");
    parts.erase(
        std::remove_if(parts.begin(), parts.end(),
                       [&](const std::string& p) { return std::regex_match(p, component); }),
        parts.end());
  }
  return go_key(v, parts.empty() ? key : fmt::format("{}", fmt::join(parts, "/")));
}

// Whether the claim is about linear growth ("linear in depth", "linear with Grow"): its size
// sweep is then drawn on linear axes, where a straight line is what the claim predicts and a
// quadratic curve bends visibly; a log-log plot would make both straight.
bool about_linear_growth(const ClaimResult& claim) {
  std::string text = claim.statement;
  for (const auto& check : claim.checks)
    text += " " + check.id + " " + check.says;
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.find("linear") != std::string::npos;
}

json series_json(const std::string& label, const std::string& key,
                 const std::map<std::string, std::string>& colours) {
  return {{"label", label},     {"key", key},         {"colour", colours.at(key)},
          {"x", json::array()}, {"y", json::array()}, {"lo", json::array()},
          {"hi", json::array()}};
}

// More than kSeriesPerPanel lines: one panel per value of the label component ("read-mostly" in
// "read-mostly/syncmap") that gives the fewest panels of at most kSeriesPerPanel lines each; the
// component leaves the series' label, since the panel's title says it. Colours stay the claim's.
void split_into_panels(json& series) {
  if (series.size() <= kSeriesPerPanel) return;
  std::vector<std::vector<std::string>> parts;
  for (const auto& s : series)
    parts.push_back(split(s["label"].get<std::string>(), '/'));
  const std::size_t width = parts.front().size();
  const bool same_shape = width >= 2 && std::all_of(parts.begin(), parts.end(), [&](const auto& p) {
                            return p.size() == width;
                          });
  std::optional<std::size_t> best;
  std::size_t best_panels = 0;
  for (std::size_t at = 0; same_shape && at < width; ++at) {
    std::map<std::string, std::size_t> per_panel;
    for (const auto& p : parts)
      ++per_panel[p[at]];
    std::size_t largest = 0;
    for (const auto& [panel, count] : per_panel)
      largest = std::max(largest, count);
    if (per_panel.size() >= 2 && largest <= kSeriesPerPanel &&
        (!best || per_panel.size() < best_panels)) {
      best = at;
      best_panels = per_panel.size();
    }
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (best) {
      std::vector<std::string> rest = parts[i];
      series[i]["panel"] = rest[*best];
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(*best));
      series[i]["label"] = fmt::format("{}", fmt::join(rest, "/"));
    } else {
      // No component splits them evenly: consecutive panels of kSeriesPerPanel lines.
      const std::size_t panel = i / kSeriesPerPanel;
      series[i]["panel"] = fmt::format("lines {}–{}", panel * kSeriesPerPanel + 1,
                                       std::min(series.size(), (panel + 1) * kSeriesPerPanel));
    }
  }
}

json size_sweep_chart(const ClaimResult& claim, const MachineResults& m,
                      const std::vector<SweepPoint>& points, const std::string& key,
                      const std::map<std::string, std::string>& colours) {
  std::map<std::string, std::vector<const SweepPoint*>> groups;
  for (const auto& p : points) {
    if (p.key == key && p.variant->summary.ns_per_op.median) groups[p.group].push_back(&p);
  }
  json series = json::array();
  for (auto& [group, members] : groups) {
    if (members.size() < 2) continue;
    std::sort(members.begin(), members.end(),
              [](const SweepPoint* a, const SweepPoint* b) { return a->x < b->x; });
    json s = series_json(group.empty() ? key : group, members.front()->colour_key, colours);
    for (const SweepPoint* p : members) {
      const MetricSummary& ns = p->variant->summary.ns_per_op;
      s["x"].push_back(p->x);
      s["y"].push_back(*ns.median);
      s["lo"].push_back(bound_or_null(ns.ci, false));
      s["hi"].push_back(bound_or_null(ns.ci, true));
    }
    series.push_back(s);
  }
  if (series.empty()) return nullptr;
  split_into_panels(series);
  const bool linear = about_linear_growth(claim);
  return {{"file", safe_file_stem(fmt::format("{}-{}-{}", claim.id, m.id, key))},
          {"kind", "lines"},
          {"title", fmt::format("{} on {}: time per operation vs {}{}", claim.id, m.label, key,
                                linear ? " (linear axes: the claim is about linear growth)" : "")},
          {"xlabel", key},
          {"ylabel", "ns per operation (median, 95% CI)"},
          {"scale", linear ? "linear" : "auto"},
          {"series", series}};
}

}  // namespace

const std::vector<std::string>& chart_palette() {
  // Okabe-Ito (yellow darkened to read on white), then Paul Tol's muted and bright schemes, then
  // Tableau's remaining hues; very dark and very light ones left out for the dark note apps.
  static const std::vector<std::string> palette = {
      "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#C4A000", "#8E6BBF",
      "#44AA99", "#CC6677", "#999933", "#AA4499", "#88CCEE", "#DDCC77", "#EE6677", "#228833",
      "#4477AA", "#66CCEE", "#8C564B", "#E377C2", "#17BECF", "#BCBD22", "#FF9DA7", "#9C755F"};
  return palette;
}

std::map<std::string, std::string> claim_colours(const ClaimResult& claim) {
  const std::string key = sweep_key(sweep_points(claim));
  const auto& palette = chart_palette();
  std::map<std::string, std::string> colours;
  for (const auto& v : claim.variants) {
    const std::string k = colour_key(claim, v, key);
    if (!colours.count(k)) colours.emplace(k, palette[colours.size() % palette.size()]);
  }
  return colours;
}

json claim_chart_spec(const ClaimResult& claim, const MachineResults& m) {
  const std::string& id = claim.id;
  const std::vector<SweepPoint> points = sweep_points(claim);
  const std::string key = sweep_key(points);
  const std::map<std::string, std::string> colours = claim_colours(claim);
  json charts = json::array();
  json bars = json::array();
  std::map<std::string, std::vector<std::pair<int, const MetricSummary*>>> sweeps;
  std::map<std::string, std::string> sweep_keys;
  for (const auto& v : claim.variants) {
    const MetricSummary& ns = v.summary.ns_per_op;
    if (!ns.median) continue;
    const std::string k = colour_key(claim, v, key);
    // The row's label, with a Go twin's GOMAXPROCS: a twin run at 1 and 2 Ps is two bars.
    bars.push_back({{"label", variant_label(claim, v)},
                    {"key", k},
                    {"colour", colours.at(k)},
                    {"value", *ns.median},
                    {"lo", bound_or_null(ns.ci, false)},
                    {"hi", bound_or_null(ns.ci, true)}});
    const std::string base = go_key(v, variant_label(claim, v.name, false));
    sweeps[base].emplace_back(v.threads, &ns);
    sweep_keys[base] = k;
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
  for (auto& [base, members] : sweeps) {
    if (members.size() < 2) continue;
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    json s = series_json(base, sweep_keys[base], colours);
    for (const auto& [threads, ns] : members) {
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
    split_into_panels(series);
    charts.push_back({{"file", safe_file_stem(fmt::format("{}-{}-threads", id, m.id))},
                      {"kind", "lines"},
                      {"title", fmt::format("{} on {}: throughput vs threads", id, m.label)},
                      {"xlabel", "threads (pinned, one per PU)"},
                      {"ylabel", "million operations per second"},
                      {"scale", "auto"},
                      {"series", series}});
  }
  if (!key.empty()) {
    if (json sizes = size_sweep_chart(claim, m, points, key, colours); !sizes.is_null())
      charts.push_back(sizes);
  }
  return {{"charts", charts}, {"colours", colours}};
}

namespace {

// The holds and refuted regions of a check on its ratio (or value) axis; null is unbounded.
json check_bands(CheckKind kind, const Thresholds& t) {
  auto band = [](const char* verdict, json from, json to) {
    return json{{"verdict", verdict}, {"from", std::move(from)}, {"to", std::move(to)}};
  };
  json bands = json::array();
  if (kind == CheckKind::equivalent && t.within) {
    const double upper = 1.0 + *t.within;  // symmetric in log space, as the verdict decides
    bands.push_back(band("HOLDS", 1.0 / upper, upper));
    bands.push_back(band("REFUTED", nullptr, 1.0 / upper));
    bands.push_back(band("REFUTED", upper, nullptr));
  } else if (t.at_least) {
    bands.push_back(band("HOLDS", *t.at_least, nullptr));
    bands.push_back(band("REFUTED", nullptr, t.refuted_below.value_or(*t.at_least)));
  } else if (t.at_most) {
    bands.push_back(band("HOLDS", nullptr, *t.at_most));
    bands.push_back(band("REFUTED", t.refuted_above.value_or(*t.at_most), nullptr));
  }
  return bands;
}

json check_mark(const std::string& machine, const char* side, const std::optional<double>& value,
                const std::optional<Interval>& ci, Verdict verdict) {
  return {{"label", fmt::format("{} · {}", machine, side)},
          {"machine", machine},
          {"side", side},
          {"value", value ? json(*value) : json()},
          {"lo", bound_or_null(ci, false)},
          {"hi", bound_or_null(ci, true)},
          {"verdict", to_string(verdict)}};
}

std::string metric_text(const std::string& metric) {
  return metric == "ns_per_op" ? "ns per operation" : metric;
}

}  // namespace

json claim_across_machines_spec(const std::vector<MachineResults>& machines,
                                const std::string& claim_id) {
  const ClaimResult* first = nullptr;
  for (const auto& m : machines) {
    if (const LoadedClaim* c = m.claim(claim_id); c != nullptr && !first) first = &c->result;
  }
  if (first == nullptr) return {{"charts", json::array()}};
  json panels = json::array();
  for (const auto& check_id : check_ids(machines, claim_id)) {
    const CheckResult* shape = nullptr;  // thresholds are fixed in the claim file: the first
    const ClaimResult* owner = nullptr;
    json marks = json::array();
    for (const auto& m : machines) {
      const CheckResult* check = find_check(m, claim_id, check_id);
      if (check == nullptr) continue;
      if (shape == nullptr) {
        shape = check;
        owner = &m.claim(claim_id)->result;
      }
      marks.push_back(check_mark(m.label, "C++", check->estimate, check->ci, check->verdict));
      if (check->go) {
        marks.push_back(
            check_mark(m.label, "Go", check->go->estimate, check->go->ci, check->go->verdict));
      }
    }
    const bool absolute = shape->kind == CheckKind::absolute;
    const std::string axis = absolute
                                 ? fmt::format("{} of {}", metric_text(shape->metric),
                                               variant_label(*owner, shape->numerator))
                                 : fmt::format("ratio of {}: {} / {}", metric_text(shape->metric),
                                               variant_label(*owner, shape->numerator),
                                               variant_label(*owner, shape->denominator));
    panels.push_back({{"title", fmt::format("{}: {}", check_id, shape->says)},
                      {"thresholds", threshold_text(shape->kind, shape->thresholds)},
                      {"xlabel", axis},
                      {"ratio", !absolute},
                      {"bands", check_bands(shape->kind, shape->thresholds)},
                      {"marks", marks}});
  }
  return {{"charts",
           json::array({{{"file", safe_file_stem(fmt::format("{}-across-cpus", claim_id))},
                         {"kind", "checks"},
                         {"title", fmt::format("{}: each check on each CPU (median with its CI; "
                                               "colour = verdict, shaded = the check's regions)",
                                               claim_id)},
                         {"panels", panels}}})}};
}

}  // namespace claimbench
