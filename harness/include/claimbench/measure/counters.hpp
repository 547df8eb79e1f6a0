#pragma once
/// Performance counters: event names encoded by libpfm4, opened per thread as one perf group.

#include <linux/perf_event.h>

#include <string>
#include <vector>

#include "claimbench/error.hpp"

namespace claimbench {

/// An event the user named, encoded for perf_event_open.
struct EventSpec {
  std::string name;       ///< as written: "cycles", "page-faults", "amd64_fam19h_zen3::..."
  std::string canonical;  ///< libpfm4's fully qualified form
  perf_event_attr attr{};
};

/// Encodes one event name with libpfm4; the error names the event and libpfm4's reason.
Expected<EventSpec> encode_event(const std::string& name);

/// Software events that every Linux kernel offers, also in VMs without a PMU.
const std::vector<std::string>& software_fallback_events();

/// Which of the requested events this machine can count, and why the others cannot.
struct CounterPlan {
  struct Unavailable {
    std::string event;
    std::string reason;
  };
  std::vector<std::string> requested;
  std::vector<EventSpec> events;  ///< what opened, in group order (leader first)
  std::vector<Unavailable> unavailable;
  bool fell_back = false;         ///< software events were added because hardware ones failed
  int perf_event_paranoid = -99;  ///< from /proc; -99 when unreadable
  bool hypervisor = false;        ///< the CPU reports a hypervisor (VMs often have no PMU)
  /// One line for the user, empty when everything requested opened.
  std::string summary() const;
  std::vector<std::string> opened_names() const;
};

/// Probes each requested event on the calling thread. Events that fail are recorded with the
/// reason; if any fail, the software events are added so there is always something to count.
CounterPlan plan_counters(const std::vector<std::string>& requested);

/// One perf_event group for the calling thread (not inherited by children), disabled until
/// start(). Values are scaled by enabled/running time when the kernel multiplexed the group.
class CounterGroup {
 public:
  static Expected<CounterGroup> open_for_this_thread(const std::vector<EventSpec>& events);
  CounterGroup() = default;
  CounterGroup(CounterGroup&& other) noexcept;
  CounterGroup& operator=(CounterGroup&& other) noexcept;
  CounterGroup(const CounterGroup&) = delete;
  CounterGroup& operator=(const CounterGroup&) = delete;
  ~CounterGroup();

  void start();  ///< reset and enable the whole group
  void stop();   ///< disable the whole group
  /// Counts since start(), one per event, scaled for multiplexing.
  std::vector<double> read() const;
  /// running / enabled time of the last read(): 1.0 means never multiplexed.
  double running_fraction() const { return running_fraction_; }
  std::size_t size() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
  mutable double running_fraction_ = 1.0;
};

}  // namespace claimbench
