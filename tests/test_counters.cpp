// Counters: libpfm4 encoding, the software fallback, and software events that really count.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "claimbench/measure/alloc_count.hpp"
#include "claimbench/measure/counters.hpp"
#include "claimbench/measure/memory.hpp"
#include "claimbench/measure/native_events.hpp"

using namespace claimbench;

namespace {
bool has(const CounterPlan& plan, const std::string& name) {
  const auto names = plan.opened_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}
}  // namespace

TEST_CASE("libpfm4 encodes generic and software event names", "[counters]") {
  auto cycles = encode_event("cycles");
  REQUIRE(cycles.has_value());
  // This CPU's own cycle event when the native table knows its PMU, else the kernel's generic
  // one, named as such; never a silent mix of the two.
  if (native_event(host_core_pmu(), "cycles")) {
    CHECK(cycles->attr.type == PERF_TYPE_RAW);
    CHECK_THAT(cycles->canonical, Catch::StartsWith(host_core_pmu() + "::"));
  } else {
    CHECK(cycles->attr.type == PERF_TYPE_HARDWARE);
    CHECK_THAT(cycles->canonical, Catch::StartsWith("perf::"));
  }
  auto faults = encode_event("page-faults");
  REQUIRE(faults.has_value());
  CHECK(faults->attr.type == PERF_TYPE_SOFTWARE);
  CHECK(faults->attr.config == PERF_COUNT_SW_PAGE_FAULTS);
}

TEST_CASE("an unknown event name is an error naming it", "[counters]") {
  auto bogus = encode_event("no-such-event");
  REQUIRE_FALSE(bogus.has_value());
  CHECK_THAT(bogus.error().message,
             Catch::Contains("unknown event 'no-such-event'") && Catch::Contains("libpfm4"));
}

TEST_CASE("a hardware event either opens or falls back to software events, recorded",
          "[counters]") {
  const CounterPlan plan = plan_counters({"cycles", "task-clock"});
  CHECK(plan.requested == std::vector<std::string>{"cycles", "task-clock"});
  CHECK(has(plan, "task-clock"));
  if (has(plan, "cycles")) {  // bare metal with a PMU
    CHECK(plan.unavailable.empty());
    CHECK_FALSE(plan.fell_back);
    CHECK(plan.summary().empty());
  } else {  // a VM without a PMU, like the development machines
    REQUIRE(plan.unavailable.size() == 1);
    CHECK(plan.unavailable[0].event == "cycles");
    CHECK_THAT(plan.unavailable[0].reason, Catch::Contains("perf_event_open"));
    CHECK(plan.fell_back);
    CHECK(has(plan, "context-switches"));
    CHECK(has(plan, "page-faults"));
    CHECK_THAT(plan.summary(), Catch::Contains("cycles unavailable"));
  }
}

TEST_CASE("an unknown event in a claim is recorded, not fatal", "[counters]") {
  const CounterPlan plan = plan_counters({"amd64_fam99h::NOT_A_REAL_EVENT"});
  REQUIRE(plan.unavailable.size() == 1);
  CHECK_THAT(plan.unavailable[0].reason, Catch::Contains("libpfm4"));
  CHECK(plan.fell_back);
  CHECK(has(plan, "task-clock"));
}

TEST_CASE("page-faults counts about one fault per page touched", "[counters]") {
  auto spec = encode_event("page-faults");
  REQUIRE(spec.has_value());
  auto group = CounterGroup::open_for_this_thread({*spec});
  REQUIRE(group.has_value());
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t pages = 256;
  void* memory =
      mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  madvise(memory, pages * page, MADV_NOHUGEPAGE);  // one huge page would be one fault
  auto* bytes = static_cast<volatile char*>(memory);
  group->start();
  for (std::size_t i = 0; i < pages; ++i)
    bytes[i * page] = 1;
  group->stop();
  const auto values = group->read();
  munmap(memory, pages * page);
  REQUIRE(values.size() == 1);
  CHECK(values[0] >= pages);
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  // Sanitizers map shadow memory for every page the program touches (TSan 4 bytes per byte,
  // ASan 1 per 8), and those faults land in the same counter: only the lower bound is exact.
  CHECK(values[0] <= pages * 8);
#else
  CHECK(values[0] <= pages + 32);
#endif
  CHECK(group->running_fraction() == Approx(1.0));
}

TEST_CASE("counting stops at stop(): nothing accrues afterwards", "[counters]") {
  auto spec = encode_event("page-faults");
  REQUIRE(spec.has_value());
  auto group = CounterGroup::open_for_this_thread({*spec});
  REQUIRE(group.has_value());
  group->start();
  group->stop();
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  void* memory =
      mmap(nullptr, 64 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  for (std::size_t i = 0; i < 64; ++i)
    static_cast<volatile char*>(memory)[i * page] = 1;
  munmap(memory, 64 * page);
  CHECK(group->read()[0] < 8);
}

TEST_CASE("the allocation counter sees operator new on this thread", "[counters]") {
  const AllocCount before = thread_alloc_count();
  auto* value = new std::int64_t(7);
  const AllocCount after = thread_alloc_count();
  delete value;
  CHECK(after.allocations - before.allocations == 1);
  CHECK(after.bytes - before.bytes == sizeof(std::int64_t));
}

TEST_CASE("resident memory rises by what a fresh mapping touches", "[counters]") {
  const std::size_t bytes = 32u << 20;
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  const auto before = resident_bytes();
  for (std::size_t i = 0; i < bytes; i += 4096)
    static_cast<volatile char*>(memory)[i] = 1;
  const auto after = resident_bytes();
  munmap(memory, bytes);
  // The kernel folds RSS into VmHWM lazily and keeps both in approximate per-CPU counters, so
  // the peak may trail statm by a few pages; it must still include the 32 MiB just touched.
  const auto peak = peak_resident_bytes();
  REQUIRE((before && after && peak));
  CHECK(*after - *before >= bytes * 9 / 10);
  CHECK(*peak >= *before + bytes * 9 / 10);
}
