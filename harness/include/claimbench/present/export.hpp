#pragma once
/// bench export: result files as Go benchmark text (for benchstat), CSV or Markdown tables.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/store/result_set.hpp"

namespace claimbench {

enum class ExportFormat { gobench, csv, markdown };

/// "gobench", "csv" or "markdown"; nullopt otherwise.
std::optional<ExportFormat> parse_export_format(std::string_view name);

/// A Google Benchmark name as a Go benchmark name: "BM_FalseSharing/packed/real_time/threads:2"
/// is "BenchmarkFalseSharing/packed-2" (run options real_time, manual_time, process_time,
/// iterations:N and threads:N dropped; N > 1 threads become Go's -N GOMAXPROCS suffix, which Go
/// leaves off at 1). A Go twin keeps its own name, with -N for GOMAXPROCS > 1. Whitespace is '_'.
std::string go_benchmark_name(const VariantResult& variant);

/// The Go benchmark format (golang.org/design/14313-benchmark-format): per machine and side,
/// configuration lines (goos, goarch, cpu, pkg; pkg is claimbench/cpp for the C++ analogues and
/// claimbench/twins for the Go twins, so equal names never merge), then one line per repetition:
/// "BenchmarkName-N <tab> iterations <tab> value ns/op" followed by the claim's explaining counters
/// (CounterOutcome::explaining) as "value unit" pairs, valued as Google Benchmark reported them.
/// benchstat reads two machines' exports side by side.
std::string export_gobench(const std::vector<MachineResults>& machines);

/// Two CSV sections, each with its header row, separated by one empty line: one row per
/// repetition (section "repetitions"), then one row per check and side (section "checks").
std::string export_csv(const std::vector<MachineResults>& machines);

/// Markdown: per machine, a table of variants (median ns/op, CI, repetitions) and a table of
/// checks (verdict, estimate, CI, thresholds) for each claim.
std::string export_markdown(const std::vector<MachineResults>& machines);

std::string export_results(const std::vector<MachineResults>& machines, ExportFormat format);

}  // namespace claimbench
