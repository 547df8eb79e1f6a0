#include "claimbench/measure/counters.hpp"

#include "claimbench/measure/native_events.hpp"
#include "claimbench/store/machine.hpp"

#include <fmt/format.h>
#include <perfmon/pfmlib_perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

namespace claimbench {
namespace {

// The name libpfm4 encodes: a portable hardware name becomes this CPU's own event when the
// native table knows the PMU (the code is then the vendor's, checked by pmu_encoding_test);
// otherwise the kernel's generic event through libpfm4's "perf" PMU, named as such so the
// canonical form says so ("perf::PERF_COUNT_HW_CPU_CYCLES"). Qualified names pass unchanged.
std::string resolve_event_name(const std::string& name) {
  if (name.find("::") != std::string::npos) return name;
  static const std::string pmu = host_core_pmu();
  if (auto native = native_event(pmu, name)) return *native;
  const std::string generic = "perf::" + name;
  if (pfm_find_event(generic.c_str()) >= 0) return generic;
  return name;
}

int open_event(perf_event_attr attr, int group_fd) {
  attr.size = sizeof attr;
  attr.disabled = group_fd == -1 ? 1 : 0;  // only the leader starts disabled; it gates the group
  attr.inherit = 0;                        // this thread only, not threads it spawns
  attr.read_format =
      PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, 0));
}

int read_paranoid() {
  std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
  int value = -99;
  in >> value;
  return in ? value : -99;
}

std::string open_failure(int err, bool hypervisor, int paranoid) {
  std::string reason = fmt::format("perf_event_open: {}", std::strerror(err));
  if (err == ENOENT || err == EOPNOTSUPP) {
    reason += hypervisor ? " (no hardware PMU: this is a virtual machine that exposes none)"
                         : " (this PMU does not support the event)";
  } else if (err == EACCES || err == EPERM) {
    reason += fmt::format(" (perf_event_paranoid is {}; run as root or lower it)", paranoid);
  }
  return reason;
}

}  // namespace

Expected<EventSpec> encode_event(const std::string& name) {
  if (!libpfm_ready()) return fail("libpfm4 could not initialise");
  EventSpec spec;
  spec.name = name;
  char* fstr = nullptr;
  pfm_perf_encode_arg_t arg{};
  arg.attr = &spec.attr;
  arg.size = sizeof arg;
  arg.fstr = &fstr;
  // User and kernel level: page faults and context switches happen in the kernel.
  const int status = pfm_get_os_event_encoding(resolve_event_name(name).c_str(),
                                               PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
  std::unique_ptr<char, decltype(&std::free)> owned(fstr, &std::free);
  if (status != PFM_SUCCESS) {
    return fail(fmt::format("unknown event '{}' (libpfm4: {})", name, pfm_strerror(status)));
  }
  spec.canonical = fstr != nullptr ? fstr : name;
  return spec;
}

const std::vector<std::string>& software_fallback_events() {
  static const std::vector<std::string> events = {"task-clock", "context-switches",
                                                  "cpu-migrations", "page-faults"};
  return events;
}

std::vector<std::string> CounterPlan::opened_names() const {
  std::vector<std::string> names;
  for (const auto& event : events)
    names.push_back(event.name);
  return names;
}

std::string CounterPlan::summary() const {
  if (unavailable.empty()) return {};
  std::string names;
  for (const auto& missing : unavailable)
    names += (names.empty() ? "" : ", ") + missing.event;
  std::string out = fmt::format("counters: {} unavailable: {}", names, unavailable.front().reason);
  if (fell_back) {
    out += fmt::format("; counting software events instead ({})",
                       fmt::join(software_fallback_events(), ", "));
  }
  return out;
}

CounterPlan plan_counters(const std::vector<std::string>& requested) {
  CounterPlan plan;
  plan.requested = requested;
  plan.perf_event_paranoid = read_paranoid();
  plan.hypervisor = cpu_reports_hypervisor();
  auto add = [&](const std::string& name) {
    if (std::any_of(plan.events.begin(), plan.events.end(),
                    [&](const EventSpec& e) { return e.name == name; })) {
      return;
    }
    auto spec = encode_event(name);
    if (!spec) {
      plan.unavailable.push_back({name, spec.error().message});
      return;
    }
    const int fd = open_event(spec->attr, -1);
    if (fd < 0) {
      plan.unavailable.push_back(
          {name, open_failure(errno, plan.hypervisor, plan.perf_event_paranoid)});
      return;
    }
    close(fd);
    plan.events.push_back(*spec);
  };
  for (const auto& name : requested)
    add(name);
  if (!plan.unavailable.empty()) {
    plan.fell_back = true;
    for (const auto& name : software_fallback_events())
      add(name);
  }
  return plan;
}

Expected<CounterGroup> CounterGroup::open_for_this_thread(const std::vector<EventSpec>& events) {
  CounterGroup group;
  for (const auto& event : events) {
    const int fd = open_event(event.attr, group.fds_.empty() ? -1 : group.fds_.front());
    if (fd < 0) {
      return fail(fmt::format("cannot open '{}' in this thread's group: {}", event.name,
                              std::strerror(errno)));
    }
    group.fds_.push_back(fd);
  }
  return group;
}

CounterGroup::CounterGroup(CounterGroup&& other) noexcept
    : fds_(std::move(other.fds_)), running_fraction_(other.running_fraction_) {
  other.fds_.clear();
}

CounterGroup& CounterGroup::operator=(CounterGroup&& other) noexcept {
  if (this != &other) {
    for (int fd : fds_)
      close(fd);
    fds_ = std::move(other.fds_);
    other.fds_.clear();
    running_fraction_ = other.running_fraction_;
  }
  return *this;
}

CounterGroup::~CounterGroup() {
  for (int fd : fds_)
    close(fd);
}

void CounterGroup::start() {
  if (fds_.empty()) return;
  ioctl(fds_.front(), PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
  ioctl(fds_.front(), PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

void CounterGroup::stop() {
  if (fds_.empty()) return;
  ioctl(fds_.front(), PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

std::vector<double> CounterGroup::read() const {
  if (fds_.empty()) return {};
  // PERF_FORMAT_GROUP layout: nr, time_enabled, time_running, then one value per event.
  std::vector<std::uint64_t> buffer(3 + fds_.size());
  const auto bytes = ::read(fds_.front(), buffer.data(), buffer.size() * sizeof(std::uint64_t));
  std::vector<double> values(fds_.size(), 0.0);
  if (bytes < static_cast<ssize_t>(3 * sizeof(std::uint64_t))) return values;
  const double enabled = static_cast<double>(buffer[1]);
  const double running = static_cast<double>(buffer[2]);
  running_fraction_ = enabled > 0 ? running / enabled : 1.0;
  // Scale by enabled/running: the kernel counted only while the group was on the PMU.
  const double scale = running > 0 ? enabled / running : 0.0;
  for (std::size_t i = 0; i < fds_.size() && i < buffer[0]; ++i) {
    values[i] = static_cast<double>(buffer[3 + i]) * scale;
  }
  return values;
}

}  // namespace claimbench
