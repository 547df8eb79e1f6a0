// Memory the kernel gives and takes back: address-space reservation (virtual-reservation),
// madvise and RSS (madvise-rss), and a small view pinning a big buffer (subslice-retention).
//
// Each benchmark iteration is one whole experiment (map or allocate, touch, act, read RSS,
// release), so every iteration starts from the same state and ops_per_iteration is 1 (or the
// number of pages touched, where the counter is per page). RSS comes from /proc/self/statm
// (claimbench::resident_bytes) and is published as a delta against the reading taken at the
// start of the same experiment, so whatever else the process holds cancels out.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3):
//  - touch loops (reserve/touch, madvise touch and re-touch): one `movb $0x1,(%rax)` per page
//    with a page-sized (or 8 MiB) stride, no loads, not vectorised and not merged: the stores go
//    through a volatile pointer, so each is emitted and each first store faults.
//  - subslice fill: memset of 64 MiB is a call to glibc's memset (rep stosb / vector stores);
//    the buffer escapes through the view or the copy, so the fill cannot be dropped.
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/memory.hpp"

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kGiB = std::size_t{1} << 30;

std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// RSS in bytes as a signed number, so deltas can be negative; nullopt where /proc is missing.
std::optional<double> rss() {
  const auto bytes = claimbench::resident_bytes();
  if (!bytes) return std::nullopt;
  return static_cast<double>(*bytes);
}

// Page-table memory (VmPTE in /proc/self/status), in bytes.
std::optional<double> page_table_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmPTE:", 0) == 0) return std::stod(line.substr(6)) * 1024;  // in kB
  }
  return std::nullopt;
}

// Minor faults of this thread so far (getrusage); used where faults of one step of an
// experiment are wanted, since the page-faults event counts the whole loop.
double thread_minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_minflt);
}

// An anonymous private mapping, unmapped on scope exit.
class Mapping {
 public:
  Mapping(std::size_t bytes, int extra_flags) : bytes_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
    if (p == MAP_FAILED) return;
    data_ = static_cast<std::byte*>(p);
    // One 4 KiB page per touch on every machine: with THP "always" (or multi-size THP) a first
    // write would fault in a 2 MiB page (or a 16-64 KiB folio), and faults and RSS would count
    // huge pages, not the pages the code wrote.
    madvise(data_, bytes_, MADV_NOHUGEPAGE);
  }
  ~Mapping() {
    if (data_ != nullptr) munmap(data_, bytes_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  bool ok() const { return data_ != nullptr; }
  std::byte* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }

 private:
  std::byte* data_ = nullptr;
  std::size_t bytes_;
};

// One store per page, `stride` apart: the first write to a page is what makes it resident.
// volatile: every store is emitted, none merged or dropped.
void touch(std::byte* base, std::size_t bytes, std::size_t stride) {
  volatile auto* p = reinterpret_cast<volatile std::uint8_t*>(base);
  for (std::size_t offset = 0; offset < bytes; offset += stride)
    p[offset] = 1;
}

// ---- virtual-reservation -----------------------------------------------------------------------

constexpr std::size_t kReservation = 8 * kGiB;
constexpr std::size_t kTouchedPages = 1024;
constexpr std::size_t kTouchStride = kReservation / kTouchedPages;  // 8 MiB: spread over it all

void BM_Reserve_Only(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);
  double rss_delta = 0;
  for (auto _ : thread) {
    const auto before = rss();
    Mapping region(kReservation, MAP_NORESERVE);
    if (!region.ok() || !before) {
      state.SkipWithError(region.ok() ? "cannot read /proc/self/statm"
                                      : "mmap of 8 GiB failed (vm.overcommit_memory = 2?)");
      break;
    }
    rss_delta += *rss() - *before;
  }
  state.counters["rss_delta_bytes"] =
      benchmark::Counter(rss_delta, benchmark::Counter::kAvgIterations);
}

void BM_Reserve_Touch(benchmark::State& state) {
  // Per op = per touched page: page-faults / op should be ~1.
  claimbench::BenchThread thread(state, kTouchedPages);
  double rss_pages = 0;
  double pte_bytes = 0;
  for (auto _ : thread) {
    const auto before = rss();
    const auto pte_before = page_table_bytes();
    Mapping region(kReservation, MAP_NORESERVE);
    if (!region.ok() || !before || !pte_before) {
      state.SkipWithError(region.ok() ? "cannot read /proc/self/statm or status"
                                      : "mmap of 8 GiB failed (vm.overcommit_memory = 2?)");
      break;
    }
    touch(region.data(), region.bytes(), kTouchStride);
    rss_pages += (*rss() - *before) / static_cast<double>(page_size());
    pte_bytes += *page_table_bytes() - *pte_before;
  }
  state.counters["rss_pages"] = benchmark::Counter(rss_pages, benchmark::Counter::kAvgIterations);
  state.counters["pte_bytes"] = benchmark::Counter(pte_bytes, benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_Reserve_Only)->Name("BM_Reserve/reserve");
BENCHMARK(BM_Reserve_Touch)->Name("BM_Reserve/touch");

// ---- madvise-rss -------------------------------------------------------------------------------

constexpr std::size_t kAdvised = 256 * kMiB;  // 65,536 pages: 0.25-0.4 s an experiment here

template <int Advice>
void BM_Madvise(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);
  double touched = 0;
  double after = 0;
  double retained = 0;
  double refaults = 0;
  const double pages = static_cast<double>(kAdvised / page_size());
  for (auto _ : thread) {
    const auto before = rss();
    Mapping region(kAdvised, 0);
    if (!region.ok() || !before) {
      state.SkipWithError("mmap of 256 MiB or reading /proc/self/statm failed");
      break;
    }
    touch(region.data(), region.bytes(), page_size());
    const double resident = *rss() - *before;
    if (madvise(region.data(), region.bytes(), Advice) != 0) {
      state.SkipWithError(Advice == MADV_FREE ? "madvise(MADV_FREE) failed (kernel < 4.5?)"
                                              : "madvise(MADV_DONTNEED) failed");
      break;
    }
    const double left = *rss() - *before;
    // Reuse, as a heap reuses released pages: DONTNEED pages fault again (zeroed), FREE pages
    // the kernel has not reclaimed yet are written in place.
    const double faults_before = thread_minor_faults();
    touch(region.data(), region.bytes(), page_size());
    refaults += thread_minor_faults() - faults_before;
    touched += resident;
    after += left;
    retained += resident > 0 ? left / resident : 0;
  }
  using benchmark::Counter;
  state.counters["rss_touched_bytes"] = Counter(touched, Counter::kAvgIterations);
  state.counters["rss_after_advice_bytes"] = Counter(after, Counter::kAvgIterations);
  state.counters["retained_fraction"] = Counter(retained, Counter::kAvgIterations);
  state.counters["retouch_faults_per_page"] = Counter(refaults / pages, Counter::kAvgIterations);
}

BENCHMARK_TEMPLATE(BM_Madvise, MADV_DONTNEED)->Name("BM_Madvise/dontneed");
BENCHMARK_TEMPLATE(BM_Madvise, MADV_FREE)->Name("BM_Madvise/free");

// ---- subslice-retention ------------------------------------------------------------------------

// 64 MiB: above glibc's mmap threshold at any setting it can reach (it adapts up to 32 MiB on
// 64-bit), so new[] gets its own mmap and delete[] hands it straight back with munmap. A buffer
// under the threshold would go back to malloc's free lists and RSS would not fall for either.
constexpr std::size_t kParent = 64 * kMiB;
constexpr std::size_t kPiece = 16;
constexpr std::size_t kPieceOffset = 40 * kMiB;  // somewhere inside, as a parsed field would be

// Go's slice header {ptr, len, cap}: ptr points into the backing array and keeps all of it
// alive. shared_ptr's aliasing constructor is the same thing: it points at the piece and owns
// the whole buffer.
struct View {
  std::shared_ptr<const std::byte> data;
  std::size_t size;
};

// The parent as a Go program would have it: a big buffer, every page written (a file read into
// it, a request body).
std::shared_ptr<std::byte[]> make_parent() {
  std::shared_ptr<std::byte[]> parent(new std::byte[kParent]);
  std::memset(parent.get(), 0xab, kParent);
  return parent;
}

void BM_Subslice_View(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);
  double retained = 0;
  for (auto _ : thread) {
    const auto before = rss();
    if (!before) {
      state.SkipWithError("cannot read /proc/self/statm");
      break;
    }
    View piece;
    {
      auto parent = make_parent();
      piece = View{std::shared_ptr<const std::byte>(parent, parent.get() + kPieceOffset), kPiece};
    }  // the parent is dropped; only the view refers to the buffer now
    benchmark::DoNotOptimize(piece.data.get());
    retained += *rss() - *before;
  }  // the view goes at the end of the experiment, and with it the buffer
  state.counters["retained_bytes"] =
      benchmark::Counter(retained, benchmark::Counter::kAvgIterations);
}

void BM_Subslice_Copy(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);
  double retained = 0;
  for (auto _ : thread) {
    const auto before = rss();
    if (!before) {
      state.SkipWithError("cannot read /proc/self/statm");
      break;
    }
    std::vector<std::byte> piece;
    {
      auto parent = make_parent();
      // append([]byte(nil), big[off:off+16]...): a fresh 16-byte array of its own.
      piece.assign(parent.get() + kPieceOffset, parent.get() + kPieceOffset + kPiece);
    }  // the parent is dropped and nothing refers to it: delete[] munmaps it
    benchmark::DoNotOptimize(piece.data());
    retained += *rss() - *before;
  }
  state.counters["retained_bytes"] =
      benchmark::Counter(retained, benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_Subslice_View)->Name("BM_Subslice/view");
BENCHMARK(BM_Subslice_Copy)->Name("BM_Subslice/copy");

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool madvise_counters =
    claimbench::declare_counters("BM_Madvise", {"retained_fraction"});
[[maybe_unused]] const bool reserve_counters =
    claimbench::declare_counters("BM_Reserve", {"rss_delta_bytes", "rss_pages"});
[[maybe_unused]] const bool subslice_counters =
    claimbench::declare_counters("BM_Subslice", {"retained_bytes"});

}  // namespace
