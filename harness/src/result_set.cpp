#include "claimbench/result_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "claimbench/result.hpp"

namespace claimbench {
namespace {

using nlohmann::json;

Expected<std::vector<std::filesystem::path>> expand(const std::vector<std::filesystem::path>& in) {
  std::vector<std::filesystem::path> files;
  for (const auto& input : in) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(input, ec)) {
        const auto& path = entry.path();
        // Skip hidden files: a run in progress writes .<name>.json.tmp beside its result.
        if (path.extension() == ".json" && path.filename().string()[0] != '.') {
          found.push_back(path);
        }
      }
      if (ec) return fail(fmt::format("{}: cannot list it: {}", input.string(), ec.message()));
      if (found.empty())
        return fail(fmt::format("{}: no result files (*.json) in it", input.string()));
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);
    }
  }
  if (files.empty()) return fail("no result files given");
  return files;
}

Expected<void> validate(const json& doc, const std::filesystem::path& file) {
  if (!doc.contains("machine") || !doc["machine"].is_object() ||
      !doc["machine"].value("id", json()).is_string()) {
    return fail(fmt::format("{}: result has no machine id", file.string()));
  }
  const auto& claims = doc["claims"];
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const auto& claim = claims[i];
    if (!claim.is_object() || !claim.value("id", json()).is_string() ||
        !claim.value("checks", json()).is_array()) {
      return fail(fmt::format("{}: claim #{} has no 'id' or no 'checks'", file.string(), i + 1));
    }
  }
  return {};
}

}  // namespace

const json* MachineResults::claim(std::string_view claim_id) const {
  for (const auto& c : claims) {
    if (c["id"] == claim_id) return &c;
  }
  return nullptr;
}

Expected<std::vector<MachineResults>> load_result_set(
    const std::vector<std::filesystem::path>& inputs) {
  auto files = expand(inputs);
  if (!files) return std::unexpected(files.error());
  struct Loaded {
    std::filesystem::path file;
    json doc;
  };
  std::vector<Loaded> loaded;
  for (const auto& file : *files) {
    auto doc = read_result(file);
    if (!doc) return std::unexpected(doc.error());
    if (auto ok = validate(*doc, file); !ok) return std::unexpected(ok.error());
    loaded.push_back({file, std::move(*doc)});
  }
  // Oldest first, so a newer result of the same claim replaces an older one.
  std::stable_sort(loaded.begin(), loaded.end(), [](const Loaded& a, const Loaded& b) {
    return a.doc.value("created_utc", "") < b.doc.value("created_utc", "");
  });
  std::vector<MachineResults> machines;
  std::vector<std::map<std::string, json>> claims_by_machine;
  for (const auto& [file, doc] : loaded) {
    const std::string id = doc["machine"]["id"];
    auto it = std::find_if(machines.begin(), machines.end(),
                           [&](const MachineResults& m) { return m.id == id; });
    if (it == machines.end()) {
      MachineResults m;
      m.id = id;
      machines.push_back(std::move(m));
      claims_by_machine.emplace_back();
      it = machines.end() - 1;
    }
    const auto index = static_cast<std::size_t>(it - machines.begin());
    it->machine = doc["machine"];
    it->label = fmt::format("{} [{}]", doc["machine"].value("cpu_model", "unknown CPU"), id);
    it->files.push_back(file);
    for (const auto& claim : doc["claims"]) {
      json copy = claim;
      copy["_file"] = file.string();
      copy["_created_utc"] = doc.value("created_utc", "");
      copy["_options"] = doc.value("options", json::object());
      copy["_command"] = doc.value("command", "");
      claims_by_machine[index][claim["id"]] = std::move(copy);
    }
  }
  for (std::size_t i = 0; i < machines.size(); ++i) {
    for (auto& [id, claim] : claims_by_machine[i])
      machines[i].claims.push_back(std::move(claim));
  }
  return machines;
}

std::vector<std::string> all_claim_ids(const std::vector<MachineResults>& machines) {
  std::set<std::string> ids;
  for (const auto& m : machines) {
    for (const auto& c : m.claims)
      ids.insert(c["id"].get<std::string>());
  }
  return {ids.begin(), ids.end()};
}

std::string verdict_cell(const json& check) {
  const std::string verdict = check.value("verdict", "?");
  const auto& estimate = check["estimate"];
  if (verdict == "SKIPPED" || !estimate.is_number()) return verdict;
  const double value = estimate.get<double>();
  const bool ratio = check.value("kind", "ratio") != "absolute";
  return ratio ? fmt::format("{} {:.3g}×", verdict, value)
               : fmt::format("{} {:.3g}", verdict, value);
}

}  // namespace claimbench
