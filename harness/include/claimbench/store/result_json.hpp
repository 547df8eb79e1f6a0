#pragma once
/// The result model as JSON: to_json writes it, from_json is the one place a result file is read.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "claimbench/error.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

inline constexpr int kResultSchemaVersion = 1;

/// The result document: the model plus Google Benchmark's native "benchmarks" array (one entry
/// per repetition), so tools/compare.py reads our files too.
nlohmann::json to_json(const RunRecord& record);

/// Checks every field's presence, type and range (finite numbers, integers where integers,
/// known verdict, kind and status strings, ids safe as file names) and returns the model, or an
/// error naming the file and the JSON path of the first bad field:
/// "results/a.json: claims[3].checks[0].verdict: expected a string". Fields added after schema
/// version 1 (counters.explaining, counters.note, go, go_version) are optional. Never throws.
Expected<RunRecord> from_json(const nlohmann::json& document, const std::filesystem::path& file);

/// Whether a document is the placeholder ResultWriter::create reserves a name with (complete
/// false, no machine, no claims): a run that has not finished its first claim.
bool is_placeholder(const nlohmann::json& document);

/// Parses a file as JSON (the error names its line) without looking at its shape.
Expected<nlohmann::json> parse_json_file(const std::filesystem::path& file);

/// parse_json_file, then from_json.
Expected<RunRecord> load_result(const std::filesystem::path& file);

/// Whether `id` is safe as a file name stem: 1 to 100 of [a-z0-9-], not starting with '-'.
bool is_safe_id(std::string_view id);

}  // namespace claimbench
