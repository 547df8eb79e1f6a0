#pragma once
/// Study notes: index.md (verdicts, claims × machines), one page per claim, charts in img/.

#include <filesystem>
#include <string>
#include <vector>

#include "claimbench/error.hpp"
#include "claimbench/store/result_set.hpp"

namespace claimbench {

struct ReportOutcome {
  std::vector<std::filesystem::path> pages;  ///< index.md first, then one page per claim
  bool charts_rendered = false;
  std::string charts_note;
};

/// Writes OUT/index.md, OUT/<claim id>.md per claim and OUT/img/*.png|svg. Charts that cannot
/// be rendered are replaced by a note saying where they would be and how to get them.
///
/// The notes are written into a fresh hidden folder beside OUT and swapped into place only when
/// complete, so a failure leaves an earlier report as it was. The new OUT holds exactly this
/// report's pages and img/: pages of an earlier report there (claims no longer in the inputs)
/// are removed, while any other file (the result.json the notes came from) is carried over.
/// An existing OUT that holds Markdown or img/ but no index.md is not a report folder: refused.
/// Page and image names are claim and machine ids, which from_json admits only as [a-z0-9-],
/// so nothing is written outside OUT.
Expected<ReportOutcome> write_report(const std::vector<MachineResults>& machines,
                                     const std::filesystem::path& out_dir);

}  // namespace claimbench
