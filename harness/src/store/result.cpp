#include "claimbench/store/result.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>

namespace claimbench {
using nlohmann::json;

std::string utc_now_iso() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Expected<ResultWriter> ResultWriter::create(const std::filesystem::path& directory,
                                            const std::string& stem) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return fail(
        fmt::format("cannot create output directory '{}': {}", directory.string(), ec.message()));
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto name =
        attempt == 0 ? fmt::format("{}.json", stem) : fmt::format("{}-{}.json", stem, attempt + 1);
    const auto path = directory / name;
    // O_EXCL reserves the name: an existing result is never replaced.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      ::close(fd);
      ResultWriter writer(path);
      if (auto ok = writer.write(json{{"schema", "claimbench.result"},
                                      {"schema_version", kResultSchemaVersion},
                                      {"complete", false},
                                      {"claims", json::array()},
                                      {"benchmarks", json::array()}});
          !ok) {
        std::filesystem::remove(path, ec);
        return std::unexpected(ok.error());
      }
      return writer;
    }
    if (errno != EEXIST) {
      return fail(fmt::format("cannot write in output directory '{}': {}", directory.string(),
                              std::strerror(errno)));
    }
  }
  return fail(
      fmt::format("output directory '{}': no free name for '{}'", directory.string(), stem));
}

Expected<void> ResultWriter::write(const json& document) const {
  const auto temp = path_.parent_path() / fmt::format(".{}.tmp", path_.filename().string());
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) {
      return fail(fmt::format("cannot write '{}': {}", temp.string(), std::strerror(errno)));
    }
    out << document.dump(1) << '\n';
    if (!out.flush()) return fail(fmt::format("cannot write '{}'", temp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(temp, path_, ec);
  if (ec) return fail(fmt::format("cannot rename '{}': {}", temp.string(), ec.message()));
  return {};
}

}  // namespace claimbench
