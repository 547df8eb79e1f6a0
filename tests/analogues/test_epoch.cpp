// Epoch-based reclamation (analogues/epoch.hpp): nothing is freed while a guard that could still
// see it is held, and everything retired is freed once no guard can.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <thread>

#include "analogues/epoch.hpp"

using namespace claimbench::go;

namespace {

// Counts its own destruction by generation, so a test can ask what was freed, and when.
struct Tracked {
  static std::atomic<int> freed[3];
  int generation;
  explicit Tracked(int g) : generation(g) {}
  ~Tracked() { freed[generation].fetch_add(1); }
};
std::atomic<int> Tracked::freed[3];

// Retires `count` objects of `generation`, each inside its own guard (as a map operation does),
// so the calling thread's limbo is collected every ThreadEpoch::kBatch retirements.
void retire_many(int generation, int count) {
  for (int i = 0; i < count; ++i) {
    epoch::EpochGuard guard;
    epoch::retire(new Tracked(generation));
  }
}

}  // namespace

TEST_CASE("retired objects are freed once no guard can still hold them", "[epoch]") {
  const int before = Tracked::freed[0].load();
  retire_many(0, 20 * static_cast<int>(epoch::ThreadEpoch::kBatch));
  // With no other guard held, each collection advances the epoch; all but the last two epochs'
  // worth (at most a couple of batches) are gone.
  CHECK(Tracked::freed[0].load() - before >= 17 * static_cast<int>(epoch::ThreadEpoch::kBatch));
}

TEST_CASE("a guard held by another thread stalls reclamation, never correctness", "[epoch]") {
  std::latch entered(1);
  std::atomic<bool> leave{false};
  std::thread reader([&] {
    epoch::EpochGuard guard;  // announces the current epoch and keeps it
    entered.count_down();
    while (!leave.load())
      std::this_thread::yield();
  });
  entered.wait();
  const std::uint64_t held_at = epoch::EpochDomain::instance().epoch();
  const int freed_before = Tracked::freed[1].load();
  retire_many(1, 10 * static_cast<int>(epoch::ThreadEpoch::kBatch));
  // Everything retired after the reader entered may still be in its hands: none freed, and the
  // epoch moved at most one step past the reader's.
  CHECK(Tracked::freed[1].load() == freed_before);
  CHECK(epoch::EpochDomain::instance().epoch() <= held_at + 1);
  leave.store(true);
  reader.join();
  // The reader has left (its thread exited): the next collections free generation 1.
  retire_many(2, 10 * static_cast<int>(epoch::ThreadEpoch::kBatch));
  CHECK(Tracked::freed[1].load() - freed_before ==
        10 * static_cast<int>(epoch::ThreadEpoch::kBatch));
  CHECK(epoch::EpochDomain::instance().epoch() > held_at + 1);
}

TEST_CASE("guards nest: the outer one keeps the announcement", "[epoch]") {
  std::latch entered(1);
  std::atomic<bool> leave{false};
  std::thread reader([&] {
    epoch::EpochGuard outer;
    { epoch::EpochGuard inner; }  // leaving the inner guard must not announce quiescence
    entered.count_down();
    while (!leave.load())
      std::this_thread::yield();
  });
  entered.wait();
  const int freed_before = Tracked::freed[1].load();
  retire_many(1, 4 * static_cast<int>(epoch::ThreadEpoch::kBatch));
  CHECK(Tracked::freed[1].load() == freed_before);
  leave.store(true);
  reader.join();
  retire_many(2, 4 * static_cast<int>(epoch::ThreadEpoch::kBatch));
  CHECK(Tracked::freed[1].load() - freed_before ==
        4 * static_cast<int>(epoch::ThreadEpoch::kBatch));
}
