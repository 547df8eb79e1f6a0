#pragma once
/// The claims catalog: claims/*.toml parsed and validated, errors naming file, line and field.

#include <filesystem>
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

/// One decision a claim makes, as data: what is compared and the thresholds fixed beforehand.
struct Check {
  std::string id;
  std::string says;
  CheckKind kind = CheckKind::ratio;
  std::string numerator;                ///< benchmark name (the only one for absolute checks)
  std::string denominator;              ///< benchmark name; empty for absolute checks
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
  std::string fidelity;  ///< direct, analogue or proxy
  std::string statement;
  std::string analogue;
  std::string caveats;
  std::string go_meaning;  ///< what the result means for a Go programmer
  std::vector<Source> sources;
  std::string benchmarks;  ///< regex over benchmark names (Google Benchmark filter syntax)
  std::vector<std::string> events;
  int requires_cores = 1;
  bool requires_smt = false;
  double noise_limit = 0.5;  ///< relative spread (MAD/median) above which a side is too noisy
  std::vector<Check> checks;
  std::filesystem::path file;
};

/// An entry of the catalog index (claims/catalog.toml): every claim of CLAIMS.md, encoded or not.
struct CatalogEntry {
  std::string id;
  std::string title;
  std::string section;
  std::string fidelity;
  bool encoded = false;
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

Expected<Claim> parse_claim(std::string_view text, const std::filesystem::path& file);
Expected<Claim> load_claim(const std::filesystem::path& file);
/// Loads claims/catalog.toml and every other claims/*.toml in the directory.
Expected<Catalog> load_catalog(const std::filesystem::path& directory);

/// Ids within a small edit distance of `id`, or containing it, nearest first (at most 3).
std::vector<std::string> nearest_ids(const std::vector<std::string>& ids, std::string_view id);

std::string_view to_string(CheckKind kind);

}  // namespace claimbench
