#pragma once
/// The claims catalog: claims/*.toml parsed and validated, errors naming file, line and field.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/error.hpp"

namespace claimbench {

enum class CheckKind {
  ratio,       ///< numerator/denominator must clear a bound (at_least or at_most)
  equivalent,  ///< numerator/denominator within ±margin: two one-sided tests
  absolute,    ///< one benchmark's metric against a fixed bound ("at most 1 MiB")
};

/// A benchmark as a claim file names it: `{ family = "Spawn", variant = "thread", threads = 1 }`.
/// The family may be left out when the claim's `benchmarks` pattern selects one family.
struct VariantRef {
  std::string family;   ///< without "BM_"; filled in from the claim when left out
  std::string variant;  ///< the part of the name after the family, before real_time/threads:N
  int threads = 1;
  int line = 0;
};

/// The Go twins a check compares: sub-benchmark names without the -N (GOMAXPROCS) suffix.
struct GoSide {
  std::string numerator;    ///< e.g. "BenchmarkFalseSharing/packed"
  std::string denominator;  ///< empty for absolute checks
};

/// One decision a claim makes, as data: what is compared and the thresholds fixed beforehand.
struct Check {
  std::string id;
  std::string says;
  CheckKind kind = CheckKind::ratio;
  std::string numerator;                      ///< full benchmark name, resolved from numerator_ref
  std::string denominator;                    ///< full benchmark name; empty for absolute checks
  std::optional<VariantRef> numerator_ref;    ///< as written; absent in go-only claims
  std::optional<VariantRef> denominator_ref;  ///< as written; absent for absolute checks
  std::optional<GoSide> go;                   ///< the Go twins, where the claim has them
  std::string go_none;  ///< why this check has no Go side, in a claim that has Go twins
  int threads = 1;  ///< go-only claims: GOMAXPROCS (C++ checks carry threads in their refs)
  std::string metric = "ns_per_op";     ///< ns_per_op, or a counter name (per op)
  std::optional<double> at_least;       ///< HOLDS when the CI lies at or above this
  std::optional<double> refuted_below;  ///< REFUTED when the CI lies below this
  std::optional<double> at_most;        ///< HOLDS when the CI lies at or below this
  std::optional<double> refuted_above;  ///< REFUTED when the CI lies above this
  std::optional<double> within;         ///< equivalence margin, e.g. 0.10 for ±10%
  std::string mechanism;                ///< counter that must move the same way, if available
  int line = 0;
};

struct Source {
  std::string seed;   ///< file name under shared/seeds
  std::string where;  ///< question number or section heading
};

struct Claim {
  std::string id;
  std::string title;
  std::string fidelity;  ///< direct, analogue, proxy or go-only
  std::string statement;
  std::string analogue;
  std::string caveats;
  std::string go_meaning;  ///< what the result means for a Go programmer
  std::vector<Source> sources;
  std::string benchmarks;  ///< regex over benchmark names; empty in go-only claims
  std::string go_file;     ///< the Go twins' file, relative to benchmarks/go/; may be empty
  std::string go_none;     ///< why there is no Go counterpart; empty when go_file is set
  std::vector<std::string> events;
  int requires_cores = 1;
  bool requires_smt = false;
  /// Where the Go twins are pinned (`go_pus`): the benchmark threads' PUs (threads, the
  /// default), a PU per core of the placement (cores: where workers_for_cores puts the C++
  /// side's pool workers) or every PU of it (placement: placement_pus). For twins that take
  /// their GOMAXPROCS from the PUs they may run on, as the C++ side sizes its pools.
  enum class GoPus { threads, cores, placement };
  GoPus go_pus = GoPus::threads;
  double noise_limit = 0.5;  ///< relative spread (MAD/median) above which a side is too noisy
  std::vector<Check> checks;
  std::filesystem::path file;
  std::map<std::string, int> key_lines;  ///< line of each top-level key, for later errors
};

/// An entry of the catalog index (claims/catalog.toml): every claim of CLAIMS.md, encoded or not.
/// The index says only what a claim file cannot (order, section); an encoded claim's title and
/// fidelity are copied from its file, a not-yet-encoded one's are written in the index.
struct CatalogEntry {
  std::string id;
  std::string title;
  std::string section;
  std::string fidelity;
  bool encoded = false;
  int line = 0;
};

struct NotEncoded {
  std::string topic;
  std::string reason;
};

struct Catalog {
  std::vector<CatalogEntry> index;
  std::vector<NotEncoded> not_encoded;
  std::vector<Claim> claims;  ///< the encoded ones, sorted by id
  const Claim* find(std::string_view id) const;
};

/// What the built binary offers a claim file: its registered benchmarks and the metrics they
/// publish. Claim files are resolved and checked against it when the catalog loads.
struct Registry {
  std::vector<std::string> benchmarks;  ///< full Google Benchmark names
  /// User counters a family publishes under its own name (state.counters["rss_bytes"]), keyed
  /// by family ("BM_IdleMemory"), as declared with declare_counters() in bench.hpp.
  std::map<std::string, std::vector<std::string>> counters;
  /// Where the Go twins live (benchmarks/go); empty: go_file is checked for syntax only.
  std::filesystem::path go_dir;
};

/// The parts of a registered name: "BM_FalseSharing/packed/real_time/threads:2" is family
/// "BM_FalseSharing", variant "packed", threads 2 (real_time, manual_time, iterations:N and
/// Google Benchmark's other run modifiers at the end are not part of the variant).
struct NameParts {
  std::string family;
  std::string variant;
  int threads = 1;
};
NameParts split_benchmark_name(std::string_view name);

/// Metrics every benchmark publishes: ns_per_op, and allocs / alloc_bytes from BenchThread.
const std::vector<std::string>& builtin_metrics();

/// Parses one claim file's text: syntax, types, kinds and thresholds (no registry needed).
Expected<Claim> parse_claim(std::string_view text, const std::filesystem::path& file);
Expected<Claim> load_claim(const std::filesystem::path& file);
/// Resolves a parsed claim's variant references to full names and checks its pattern, metrics,
/// events and Go twins against what is built. Errors name file:line and the field.
Expected<void> resolve_claim(Claim& claim, const Registry& registry);
/// Loads claims/catalog.toml and every other claims/*.toml in the directory, each resolved
/// against `registry`.
Expected<Catalog> load_catalog(const std::filesystem::path& directory, const Registry& registry);
/// The same against what this binary registered (built_registry() in bench.hpp).
Expected<Catalog> load_catalog(const std::filesystem::path& directory);

/// Ids within a small edit distance of `id`, or containing it, nearest first (at most 3).
std::vector<std::string> nearest_ids(const std::vector<std::string>& ids, std::string_view id);

std::string_view to_string(CheckKind kind);

}  // namespace claimbench
