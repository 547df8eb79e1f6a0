#include "claimbench/store/result.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

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
  const std::string text = document.dump(1) + '\n';
  // POSIX calls, not a stream: a full disk must be reported with its errno (ENOSPC, EDQUOT,
  // EFBIG), and fsync before the rename, because on a file system with delayed allocation the
  // ENOSPC may only surface there. On any failure the temporary goes and the file keeps the
  // last complete result.
  const auto failed = [&](const char* step) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fail(fmt::format("cannot write the result ({} '{}'): {}", step, temp.string(),
                            std::strerror(error)));
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(fmt::format("cannot write the result (open '{}'): {}", temp.string(),
                            std::strerror(errno)));
  }
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;  // a zero-length write of a non-empty buffer: no room
      const auto error = failed("write");
      ::close(fd);
      return error;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const auto error = failed("fsync");
    ::close(fd);
    return error;
  }
  if (::close(fd) != 0) return failed("close");
  if (::rename(temp.c_str(), path_.c_str()) != 0) return failed("rename");
  return {};
}

void ResultWriter::discard() const {
  std::error_code ec;
  std::filesystem::remove(path_.parent_path() / fmt::format(".{}.tmp", path_.filename().string()),
                          ec);
  std::filesystem::remove(path_, ec);
}

}  // namespace claimbench
