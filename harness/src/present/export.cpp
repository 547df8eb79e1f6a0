// bench export: the result model as Go benchmark text, CSV sections or Markdown tables.
#include "claimbench/present/export.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <regex>

#include "claimbench/present/labels.hpp"

namespace claimbench {
namespace {

// Shortest text that reads back to the same double; "" for a missing or non-finite value.
std::string number(std::optional<double> value) {
  return value && std::isfinite(*value) ? fmt::format("{}", *value) : "";
}

std::string goarch(const std::string& architecture) {
  if (architecture == "x86_64") return "amd64";
  if (architecture == "aarch64") return "arm64";
  if (architecture == "i686" || architecture == "i386") return "386";
  return architecture.empty() ? "unknown" : architecture;
}

// Configuration values may hold anything but a newline.
std::string config_value(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// A unit is one word: whitespace would end it.
std::string unit_of(std::string name) {
  for (char& c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i)
    out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\n";
}

std::string md_cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out.empty() ? "–" : out;
}

std::string interval_text(const std::optional<Interval>& ci) {
  return ci ? fmt::format("[{:.4g}, {:.4g}]", ci->lo, ci->hi) : "–";
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "gobench") return ExportFormat::gobench;
  if (name == "csv") return ExportFormat::csv;
  if (name == "markdown") return ExportFormat::markdown;
  return std::nullopt;
}

std::string go_benchmark_name(const VariantResult& v) {
  static const std::regex run_option(
      "^(real_time|manual_time|process_time|threads:\\d+|iterations:\\d+)$");
  std::string name;
  std::size_t start = 0;
  for (bool first = true;; first = false) {
    const auto slash = v.name.find('/', start);
    std::string part = v.name.substr(start, slash - start);
    if (first && !v.go) {
      name = "Benchmark" + (part.rfind("BM_", 0) == 0 ? part.substr(3) : part);
    } else if (first) {
      name = part;
    } else if (v.go || !std::regex_match(part, run_option)) {
      name += "/" + part;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (name.rfind("Benchmark", 0) != 0) name = "Benchmark" + name;
  name = unit_of(name);
  return v.threads > 1 ? fmt::format("{}-{}", name, v.threads) : name;
}

std::string export_gobench(const std::vector<MachineResults>& machines) {
  std::string out;
  for (const auto& m : machines) {
    for (const bool go : {false, true}) {
      std::string lines;
      for (const auto& loaded : m.claims) {
        for (const auto& v : loaded.result.variants) {
          if (v.go != go) continue;
          for (const auto& r : v.repetitions) {
            if (!r.ns_per_op || !std::isfinite(*r.ns_per_op) || r.measured.iterations < 1) continue;
            lines += fmt::format("{}\t{}\t{:.6g} ns/op", go_benchmark_name(v),
                                 r.measured.iterations, *r.ns_per_op);
            // Only the counters the claim's table explains with, as Google Benchmark reported
            // them; per-thread copies ("t0/...") and rates would drown benchstat's table.
            for (const auto& counter : loaded.result.counters.explaining) {
              const auto it = r.measured.counters.find(counter);
              if (it == r.measured.counters.end() || !std::isfinite(it->second)) continue;
              lines += fmt::format("\t{:.6g} {}", it->second, unit_of(counter));
            }
            lines += "\n";
          }
        }
      }
      if (lines.empty()) continue;
      out += fmt::format("goos: linux\ngoarch: {}\ncpu: {}\npkg: {}\n",
                         config_value(goarch(m.machine.architecture)),
                         config_value(m.machine.cpu_model),
                         go ? "claimbench/twins" : "claimbench/cpp");
      out += lines;
    }
  }
  return out;
}

std::string export_csv(const std::vector<MachineResults>& machines) {
  std::string out = csv_row({"section", "machine", "cpu", "claim", "variant", "side", "threads",
                             "repetition", "iterations", "ns_per_op", "real_time_s", "cpu_time_s"});
  for (const auto& m : machines) {
    for (const auto& loaded : m.claims) {
      for (const auto& v : loaded.result.variants) {
        for (const auto& r : v.repetitions) {
          out += csv_row({"repetitions", m.id, m.machine.cpu_model, loaded.result.id, v.name,
                          v.go ? "go" : "c++", std::to_string(v.threads),
                          std::to_string(r.measured.round), std::to_string(r.measured.iterations),
                          number(r.ns_per_op), number(r.measured.real_time_s),
                          number(r.measured.cpu_time_s)});
        }
      }
    }
  }
  out += "\n" + csv_row({"section", "machine", "cpu", "claim", "check", "side", "kind", "verdict",
                         "estimate", "ci_low", "ci_high", "confidence", "pairs", "thresholds",
                         "numerator", "denominator"});
  for (const auto& m : machines) {
    for (const auto& loaded : m.claims) {
      for (const auto& c : loaded.result.checks) {
        const std::string kind(to_string(c.kind));
        const std::string thresholds = threshold_text(c.kind, c.thresholds);
        out += csv_row({"checks", m.id, m.machine.cpu_model, loaded.result.id, c.id, "c++", kind,
                        std::string(to_string(c.verdict)), number(c.estimate),
                        number(c.ci ? std::optional(c.ci->lo) : std::nullopt),
                        number(c.ci ? std::optional(c.ci->hi) : std::nullopt), number(c.confidence),
                        std::to_string(c.pairs), thresholds, c.numerator, c.denominator});
        if (!c.go) continue;
        const SideOutcome& g = *c.go;
        out += csv_row({"checks", m.id, m.machine.cpu_model, loaded.result.id, c.id, "go", kind,
                        std::string(to_string(g.verdict)), number(g.estimate),
                        number(g.ci ? std::optional(g.ci->lo) : std::nullopt),
                        number(g.ci ? std::optional(g.ci->hi) : std::nullopt), number(g.confidence),
                        std::to_string(g.pairs), thresholds, g.numerator, g.denominator});
      }
    }
  }
  return out;
}

std::string export_markdown(const std::vector<MachineResults>& machines) {
  std::string out = "# claimbench results\n";
  for (const auto& m : machines) {
    out += fmt::format("\n## {}\n\n{}\n", m.label, machine_summary(m.machine));
    for (const auto& loaded : m.claims) {
      const ClaimResult& claim = loaded.result;
      out += fmt::format("\n### {}\n", claim.id);
      if (claim.status != ClaimStatus::ran) {
        out += fmt::format("\n{}: {}\n", to_string(claim.status), md_cell(claim.reason));
        continue;
      }
      out +=
          "\n| variant | side | median ns/op | 95% CI | repetitions |\n|---|---|---:|---|---:|\n";
      for (const auto& v : claim.variants) {
        const MetricSummary& ns = v.summary.ns_per_op;
        out += fmt::format("| {} | {} | {} | {} | {} |\n", md_cell(variant_label(claim, v.name)),
                           v.go ? "Go" : "C++", ns.median ? fmt::format("{:.4g}", *ns.median) : "–",
                           interval_text(ns.ci), v.repetitions.size());
      }
      if (claim.checks.empty()) continue;
      out +=
          "\n| check | side | verdict | estimate | CI | thresholds |\n|---|---|---|---:|---|---|\n";
      for (const auto& c : claim.checks) {
        const std::string thresholds = md_cell(threshold_text(c.kind, c.thresholds));
        out += fmt::format(
            "| {} | C++ | {} | {} | {} | {} |\n", md_cell(c.id), to_string(c.verdict),
            c.estimate ? fmt::format("{:.4g}", *c.estimate) : "–", interval_text(c.ci), thresholds);
        if (c.go) {
          out += fmt::format("| {} | Go | {} | {} | {} | {} |\n", md_cell(c.id),
                             to_string(c.go->verdict),
                             c.go->estimate ? fmt::format("{:.4g}", *c.go->estimate) : "–",
                             interval_text(c.go->ci), thresholds);
        }
      }
    }
  }
  return out;
}

std::string export_results(const std::vector<MachineResults>& machines, ExportFormat format) {
  switch (format) {
    case ExportFormat::gobench:
      return export_gobench(machines);
    case ExportFormat::csv:
      return export_csv(machines);
    case ExportFormat::markdown:
      return export_markdown(machines);
  }
  return {};
}

}  // namespace claimbench
