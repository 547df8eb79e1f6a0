// The study notes (index, a page per claim and per machine), written whole into a temporary
// folder and swapped into place.
#include "claimbench/present/notes.hpp"

#include <fcntl.h>  // AT_FDCWD
#include <fmt/format.h>
#include <stdio.h>     // renameat2, RENAME_EXCHANGE
#include <stdlib.h>    // mkdtemp
#include <sys/stat.h>  // chmod

#include <cerrno>
#include <cstring>
#include <fstream>

#include "claimbench/present/chart_specs.hpp"
#include "claimbench/present/charts.hpp"
#include "claimbench/present/labels.hpp"
#include "claimbench/store/result_json.hpp"
#include "note_pages.hpp"

namespace claimbench {

namespace notes {

std::string num(const std::optional<double>& value) {
  return value ? fmt::format("{:.3g}", *value) : "–";
}

std::string ci_text(const std::optional<Interval>& ci) {
  return ci ? fmt::format("{:.3g}–{:.3g}", ci->lo, ci->hi) : "–";
}

}  // namespace notes

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Expected<void> write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) {
    return fail(fmt::format("cannot write '{}': {}", file.string(), std::strerror(errno)));
  }
  return {};
}

// Whether OUT may be replaced by a report: absent, empty, or an earlier report (index.md).
// Anything else that holds Markdown or img/ could be someone's documents.
Expected<void> replaceable(const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return {};
  if (!fs::is_directory(out, ec)) {
    return fail(fmt::format("-o '{}' exists and is not a folder", out.string()));
  }
  if (fs::exists(out / "index.md", ec)) return {};
  for (const auto& entry : fs::directory_iterator(out, ec)) {
    if (entry.path().extension() == ".md" || entry.path().filename() == "img") {
      return fail(fmt::format(
          "-o '{}' holds {} but no index.md, so it is not an earlier report; the report replaces "
          "its folder, so give a new or empty folder",
          out.string(), entry.path().filename().string()));
    }
  }
  if (ec) return fail(fmt::format("-o '{}': cannot list it: {}", out.string(), ec.message()));
  return {};
}

// Files of an earlier OUT that are not report output (result.json beside its notes) move on.
Expected<void> carry_over(const fs::path& old_dir, const fs::path& new_dir) {
  std::error_code ec;
  if (!fs::exists(old_dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(old_dir, ec)) {
    const auto name = entry.path().filename();
    if (entry.path().extension() == ".md" || name == "img") continue;
    fs::copy(entry.path(), new_dir / name,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      return fail(fmt::format("cannot copy '{}' into the new report: {}", entry.path().string(),
                              ec.message()));
    }
  }
  if (ec) return fail(fmt::format("cannot list '{}': {}", old_dir.string(), ec.message()));
  return {};
}

// Puts the finished folder in place of OUT. RENAME_EXCHANGE swaps the two atomically, so there
// is no moment without notes; where the file system lacks it, two renames.
Expected<void> swap_into_place(const fs::path& built, const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) {
    fs::rename(built, out, ec);
    if (ec)
      return fail(fmt::format("cannot move the report to '{}': {}", out.string(), ec.message()));
    return {};
  }
  if (::renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(built, ec);  // now the old report
    return {};
  }
  const fs::path old = built.string() + ".old";
  fs::rename(out, old, ec);
  if (!ec) fs::rename(built, out, ec);
  if (ec) return fail(fmt::format("cannot replace '{}': {}", out.string(), ec.message()));
  fs::remove_all(old, ec);
  return {};
}

Expected<ReportOutcome> write_into(const std::vector<MachineResults>& machines, const fs::path& dir,
                                   const fs::path& out) {
  ReportOutcome outcome;
  json spec = {{"charts", json::array()}};
  for (const auto& m : machines) {
    for (const auto& claim : m.claims) {
      const json claim_spec = claim_chart_spec(claim.result, m);  // named: a temporary would dangle
      for (const auto& chart : claim_spec["charts"])
        spec["charts"].push_back(chart);
    }
  }
  // Each claim's checks on one chart: ratio and interval per machine and side (C++, Go).
  for (const auto& id : all_claim_ids(machines)) {
    const json across = claim_across_machines_spec(machines, id);
    for (const auto& chart : across["charts"])
      spec["charts"].push_back(chart);
  }
  const ChartRun charts = render_charts(spec, dir / "img");
  outcome.charts_rendered = charts.rendered;
  outcome.charts_note = charts.note;
  CB_TRY_VOID(write_text(dir / "index.md", notes::index_page(machines, charts)));
  outcome.pages.push_back(out / "index.md");
  for (const auto& m : machines) {
    // Machine ids passed is_safe_id in from_json; machine_page_name keeps them [a-z0-9-].
    const std::string name = notes::machine_page_name(m);
    CB_TRY_VOID(write_text(dir / name, notes::machine_page(m)));
    outcome.pages.push_back(out / name);
  }
  for (const auto& id : all_claim_ids(machines)) {
    // Ids passed is_safe_id in from_json; checked again because this is where it matters.
    if (!is_safe_id(id)) return fail(fmt::format("claim id '{}' is not a safe file name", id));
    const std::string name = fmt::format("{}.md", id);
    CB_TRY_VOID(write_text(dir / name, notes::claim_page(machines, id, charts)));
    outcome.pages.push_back(out / name);
  }
  return outcome;
}

}  // namespace

Expected<ReportOutcome> write_report(const std::vector<MachineResults>& machines,
                                     const fs::path& out_dir) {
  std::error_code ec;
  fs::path out = fs::absolute(out_dir, ec).lexically_normal();
  if (!out.has_filename()) out = out.parent_path();  // "notes/" -> "notes"
  if (ec || !out.has_filename() || out == out.root_path()) {
    return fail(fmt::format("-o '{}' cannot be a report folder", out_dir.string()));
  }
  CB_TRY_VOID(replaceable(out));
  fs::create_directories(out.parent_path(), ec);
  if (ec) {
    return fail(fmt::format("cannot create '{}': {}", out.parent_path().string(), ec.message()));
  }
  std::string pattern =
      (out.parent_path() / fmt::format(".{}.new-XXXXXX", out.filename().string())).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return fail(fmt::format("cannot create a folder beside '{}': {}", out_dir.string(),
                            std::strerror(errno)));
  }
  const fs::path built = pattern;
  ::chmod(built.c_str(), 0755);  // mkdtemp makes it 0700; notes are for reading
  auto outcome = write_into(machines, built, out_dir);
  Expected<void> ok = outcome ? carry_over(out, built) : Expected<void>{};
  if (outcome && ok) ok = swap_into_place(built, out);
  if (!outcome || !ok) {
    fs::remove_all(built, ec);
    return std::unexpected(outcome ? ok.error() : outcome.error());
  }
  return outcome;
}

}  // namespace claimbench
