#include "claimbench/measure/memory.hpp"

#include <unistd.h>

#include <fstream>
#include <string>

namespace claimbench {

std::optional<std::size_t> resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size_pages = 0;
  std::size_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return std::nullopt;
  return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

std::optional<std::size_t> peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // in kB
  }
  return std::nullopt;
}

}  // namespace claimbench
