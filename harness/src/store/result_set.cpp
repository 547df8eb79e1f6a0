// Loads result files (each through from_json) and groups them by machine, newest claim winning.
#include "claimbench/store/result_set.hpp"

#include "claimbench/store/machine.hpp"
#include "claimbench/store/machine_paths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "claimbench/present/labels.hpp"
#include "claimbench/store/result_json.hpp"

namespace claimbench {
namespace {

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

}  // namespace

const LoadedClaim* MachineResults::claim(std::string_view claim_id) const {
  for (const auto& c : claims) {
    if (c.result.id == claim_id) return &c;
  }
  return nullptr;
}

Expected<ResultSet> load_result_set(const std::vector<std::filesystem::path>& inputs) {
  CB_TRY(files, expand(inputs));
  ResultSet set;
  struct Loaded {
    std::filesystem::path file;
    RunRecord record;
  };
  std::vector<Loaded> loaded;
  std::map<std::filesystem::path, std::filesystem::path> seen;  // canonical -> as given
  for (const auto& file : files) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(file, ec);
    if (ec) canonical = file;
    if (const auto it = seen.find(canonical); it != seen.end()) {
      set.notes.push_back(fmt::format("{}: given twice (also as {}); read once", file.string(),
                                      it->second.string()));
      continue;
    }
    seen.emplace(canonical, file);
    CB_TRY(document, parse_json_file(file));
    if (is_placeholder(document)) {
      set.notes.push_back(
          fmt::format("{}: skipped: a placeholder of a run that has not finished its first claim",
                      file.string()));
      continue;
    }
    CB_TRY(record, from_json(document, file));
    loaded.push_back({file, std::move(record)});
  }
  if (loaded.empty()) return fail("no finished results among the inputs");
  // Oldest first, so a newer result of the same claim replaces an older one.
  std::stable_sort(loaded.begin(), loaded.end(), [](const Loaded& a, const Loaded& b) {
    return a.record.created_utc < b.record.created_utc;
  });
  std::vector<std::map<std::string, LoadedClaim>> claims_by_machine;
  std::vector<std::filesystem::path> first_file;
  auto& machines = set.machines;
  for (auto& [file, record] : loaded) {
    const std::string& id = record.machine.id;
    auto it = std::find_if(machines.begin(), machines.end(),
                           [&](const MachineResults& m) { return m.id == id; });
    if (it == machines.end()) {
      MachineResults m;
      m.id = id;
      machines.push_back(std::move(m));
      claims_by_machine.emplace_back();
      first_file.push_back(file);
      it = machines.end() - 1;
    } else if (const auto differs = machine_differences(it->machine, record.machine);
               !differs.empty()) {
      const auto index = static_cast<std::size_t>(it - machines.begin());
      return fail(fmt::format(
          "{} and {} both say machine id '{}' but are different CPUs ({} differ); re-run one "
          "of them with this bench, whose ids tell the CPUs apart",
          first_file[index].string(), file.string(), id, fmt::join(differs, ", ")));
    }
    const auto index = static_cast<std::size_t>(it - machines.begin());
    it->machine = record.machine;
    it->label = fmt::format("{} [{}]", machine_label(record.machine), id);
    it->files.push_back(file);
    if (record.latency) it->latency = record.latency;
    for (auto& claim : record.claims) {
      strip_machine_paths(claim);  // files written before runs left paths out
      const std::string claim_id = claim.id;
      claims_by_machine[index][claim_id] = {std::move(claim),         file,
                                            record.created_utc,       record.options,
                                            record.command,           record.go_version,
                                            record.claimbench_version};
    }
  }
  for (std::size_t i = 0; i < machines.size(); ++i) {
    for (auto& [id, claim] : claims_by_machine[i])
      machines[i].claims.push_back(std::move(claim));
  }
  return set;
}

std::vector<std::string> all_claim_ids(const std::vector<MachineResults>& machines) {
  std::set<std::string> ids;
  for (const auto& m : machines) {
    for (const auto& c : m.claims)
      ids.insert(c.result.id);
  }
  return {ids.begin(), ids.end()};
}

std::vector<std::string> check_ids(const std::vector<MachineResults>& machines,
                                   std::string_view claim_id) {
  std::vector<std::string> ids;
  for (const auto& m : machines) {
    if (const LoadedClaim* c = m.claim(claim_id)) {
      for (const auto& check : c->result.checks) {
        if (std::find(ids.begin(), ids.end(), check.id) == ids.end()) ids.push_back(check.id);
      }
    }
  }
  return ids;
}

const CheckResult* find_check(const MachineResults& m, std::string_view claim_id,
                              std::string_view check_id) {
  if (const LoadedClaim* c = m.claim(claim_id)) {
    for (const auto& check : c->result.checks) {
      if (check.id == check_id) return &check;
    }
  }
  return nullptr;
}

}  // namespace claimbench
