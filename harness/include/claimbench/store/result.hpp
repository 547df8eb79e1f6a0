#pragma once
/// Result files on disk: one JSON per run, written to a temp file and renamed, never overwriting.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claimbench/error.hpp"
#include "claimbench/store/result_json.hpp"

namespace claimbench {

/// Owns one result file for the duration of a run. create() reserves a fresh name in the
/// directory (it fails, naming the directory, before any benchmark runs if it cannot write
/// there); write() replaces the file's content atomically, so a run interrupted between claims
/// leaves a valid file holding the claims that finished.
class ResultWriter {
 public:
  static Expected<ResultWriter> create(const std::filesystem::path& directory,
                                       const std::string& stem);
  /// On failure (a full disk, a quota) the error carries the errno text, the temporary file is
  /// removed and the file keeps what the last successful write put there.
  Expected<void> write(const nlohmann::json& document) const;
  /// Removes the file and any temporary: for a run that fails or ends before a claim finished,
  /// which must not leave an empty placeholder behind.
  void discard() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ResultWriter(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

/// "2026-11-23T19:08:24Z" for now.
std::string utc_now_iso();

}  // namespace claimbench
