#include "claimbench/measure/machine_load.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace claimbench {
namespace {

bool read_text(const std::filesystem::path& file, std::string& out) {
  std::ifstream in(file);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// /proc/PID/task/TID/stat: "tid (comm) S ppid ..."; comm may hold spaces and ')', so the fields
// after it are counted from the last ')'. Field 3 is the state, field 39 the CPU it last ran on.
bool parse_task_stat(const std::string& line, char& state, int& pu, std::string& command) {
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  command = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  for (int index = 3; rest >> field; ++index) {
    if (index == 3) state = field.empty() ? '?' : field[0];
    if (index == 39) {
      auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), pu);
      return ec == std::errc() && ptr == field.data() + field.size();
    }
  }
  return false;
}

}  // namespace

bool LoadReport::busy() const {
  return !competitors.empty() || steal_fraction > kBusyStealFraction;
}

std::string LoadReport::summary() const {
  if (!busy()) return "";
  std::string out = "machine busy:";
  if (!competitors.empty()) {
    out += " other runnable tasks on the pinned PUs:";
    const std::size_t shown = std::min<std::size_t>(competitors.size(), 4);
    for (std::size_t i = 0; i < shown; ++i) {
      out += fmt::format(" {} (pid {}, PU {}){}", competitors[i].command, competitors[i].pid,
                         competitors[i].pu, i + 1 < shown ? "," : "");
    }
    if (competitors.size() > shown) out += fmt::format(" and {} more", competitors.size() - shown);
    out += ";";
  }
  out += fmt::format(
      " steal {:.1f}% of the pinned PUs' time; load average {:.2f} before, {:.2f} after",
      100 * steal_fraction, load_before, load_after);
  return out;
}

Expected<LoadSnapshot> read_load(const std::filesystem::path& proc_root,
                                 const std::vector<int>& pinned_pus, int self_pid) {
  LoadSnapshot snapshot;
  std::string text;
  const auto loadavg = proc_root / "loadavg";
  if (!read_text(loadavg, text)) return fail(fmt::format("cannot read {}", loadavg.string()));
  {
    std::istringstream in(text);
    if (!(in >> snapshot.load_average_1min)) {
      return fail(fmt::format("{}: expected a number first", loadavg.string()));
    }
  }

  // /proc/stat: "cpuN user nice system idle iowait irq softirq steal guest guest_nice"; guest
  // time is already inside user, so the total is the first eight columns.
  const auto stat = proc_root / "stat";
  if (!read_text(stat, text)) return fail(fmt::format("cannot read {}", stat.string()));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("cpu", 0) != 0 || line.size() < 4 || line[3] < '0' || line[3] > '9') continue;
    std::istringstream in(line.substr(3));
    int pu = -1;
    in >> pu;
    if (std::find(pinned_pus.begin(), pinned_pus.end(), pu) == pinned_pus.end()) continue;
    std::uint64_t value = 0;
    for (int column = 0; column < 8 && in >> value; ++column) {
      snapshot.total_ticks += value;
      if (column == 7) snapshot.steal_ticks += value;
    }
  }

  std::error_code ec;
  for (const auto& process : std::filesystem::directory_iterator(proc_root, ec)) {
    const auto pid_text = process.path().filename().string();
    if (!all_digits(pid_text) || std::stoi(pid_text) == self_pid) continue;
    std::error_code task_ec;
    for (const auto& task : std::filesystem::directory_iterator(process.path() / "task", task_ec)) {
      char state = '?';
      int pu = -1;
      std::string command;
      // A task can exit between listing and reading: skip it.
      if (!read_text(task.path() / "stat", text) || !parse_task_stat(text, state, pu, command)) {
        continue;
      }
      if (state != 'R') continue;
      if (std::find(pinned_pus.begin(), pinned_pus.end(), pu) == pinned_pus.end()) continue;
      snapshot.competitors.push_back({std::stoi(pid_text), command, pu});
    }
  }
  if (ec) return fail(fmt::format("cannot list {}: {}", proc_root.string(), ec.message()));
  std::sort(snapshot.competitors.begin(), snapshot.competitors.end(),
            [](const Competitor& a, const Competitor& b) { return a.pid < b.pid; });
  return snapshot;
}

LoadReport compare_load(const LoadSnapshot& before, const LoadSnapshot& after) {
  LoadReport report;
  report.load_before = before.load_average_1min;
  report.load_after = after.load_average_1min;
  if (after.total_ticks > before.total_ticks && after.steal_ticks >= before.steal_ticks) {
    report.steal_fraction = static_cast<double>(after.steal_ticks - before.steal_ticks) /
                            static_cast<double>(after.total_ticks - before.total_ticks);
  }
  report.competitors = before.competitors;
  for (const auto& c : after.competitors) {
    if (std::find(report.competitors.begin(), report.competitors.end(), c) ==
        report.competitors.end()) {
      report.competitors.push_back(c);
    }
  }
  return report;
}

LoadWatch::LoadWatch(const std::vector<unsigned>& pinned_pus)
    : pus_(pinned_pus.begin(), pinned_pus.end()) {
  if (auto snapshot = read_load("/proc", pus_, getpid())) before_ = std::move(*snapshot);
}

std::optional<LoadReport> LoadWatch::report() const {
  if (!before_) return std::nullopt;
  auto after = read_load("/proc", pus_, getpid());
  if (!after) return std::nullopt;
  return compare_load(*before_, *after);
}

}  // namespace claimbench
