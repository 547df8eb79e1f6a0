// Tests for claimbench::go::SyncMap (analogues/sync_map.hpp).
#include <catch2/catch.hpp>

#include "analogues/sync_map.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using claimbench::go::SyncMap;

TEST_CASE("sync_map: load after store, overwrite, erase", "[analogues][sync-map]") {
  SyncMap<int, std::int64_t> m;
  CHECK_FALSE(m.load(1).has_value());
  m.store(1, 10);
  REQUIRE(m.load(1).has_value());
  CHECK(*m.load(1) == 10);
  m.store(1, 11);  // overwrite while the key is still dirty-only
  CHECK(*m.load(1) == 11);
  CHECK_FALSE(m.load(2).has_value());

  m.erase(1);
  CHECK_FALSE(m.load(1).has_value());
  m.erase(1);  // erasing twice / erasing a missing key is a no-op
  m.erase(42);
  m.store(1, 12);
  CHECK(*m.load(1) == 12);

  // Non-trivial key type goes through the same paths.
  SyncMap<std::string, std::int64_t> s;
  s.store("a", 1);
  s.store("b", 2);
  CHECK(*s.load("a") == 1);
  CHECK(*s.load("b") == 2);
  s.erase("a");
  CHECK_FALSE(s.load("a").has_value());
}

TEST_CASE("sync_map: load_or_store semantics", "[analogues][sync-map]") {
  SyncMap<int, std::int64_t> m;
  auto [v1, loaded1] = m.load_or_store(7, 70);
  CHECK(v1 == 70);
  CHECK_FALSE(loaded1);
  auto [v2, loaded2] = m.load_or_store(7, 71);  // existing: returns the old value, stores nothing
  CHECK(v2 == 70);
  CHECK(loaded2);
  CHECK(*m.load(7) == 70);

  // Same through the read map (after promotion) and on a deleted entry (nil in read map).
  m.range([](int, std::int64_t) {});  // promotes dirty -> read
  REQUIRE_FALSE(m.amended());
  auto [v3, loaded3] = m.load_or_store(7, 72);
  CHECK(v3 == 70);
  CHECK(loaded3);
  m.erase(7);
  auto [v4, loaded4] = m.load_or_store(7, 73);  // nil entry in read map: lock-free store
  CHECK(v4 == 73);
  CHECK_FALSE(loaded4);
  CHECK(*m.load(7) == 73);

  // Expunged entry: erase, then force a dirty copy (which expunges it), then load_or_store.
  m.erase(7);
  m.store(8, 80);  // first new key: dirty built from read, entry 7 expunged, not copied
  CHECK(m.dirty_size() == 1);
  auto [v5, loaded5] = m.load_or_store(7, 74);
  CHECK(v5 == 74);
  CHECK_FALSE(loaded5);
  CHECK(m.dirty_size() == 2);  // unexpunged entry was re-added to dirty
  CHECK(*m.load(7) == 74);
}

TEST_CASE("sync_map: dirty map is promoted after len(dirty) misses", "[analogues][sync-map]") {
  SyncMap<int, std::int64_t> m;
  constexpr int kKeys = 10;
  for (int k = 0; k < kKeys; ++k)
    m.store(k, k * 100);
  // New keys live only in dirty; the read snapshot is empty but marked amended.
  CHECK(m.read_size() == 0);
  CHECK(m.dirty_size() == kKeys);
  CHECK(m.amended());
  CHECK(m.misses() == 0);

  for (int i = 0; i < kKeys - 1; ++i) {
    CHECK(*m.load(i) == i * 100);  // each goes through the lock and counts a miss
    CHECK(m.misses() == static_cast<std::size_t>(i + 1));
  }
  CHECK(m.read_size() == 0);  // not yet: misses (9) < len(dirty) (10)
  CHECK(m.amended());

  CHECK(*m.load(kKeys - 1) == (kKeys - 1) * 100);  // 10th miss: promotion
  CHECK(m.read_size() == kKeys);
  CHECK_FALSE(m.has_dirty());
  CHECK_FALSE(m.amended());
  CHECK(m.misses() == 0);

  // Now every load hits the read snapshot: no more misses, even for absent keys (not amended).
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < kKeys; ++k)
      CHECK(*m.load(k) == k * 100);
    CHECK_FALSE(m.load(999).has_value());
  }
  CHECK(m.misses() == 0);

  // Overwriting an existing key is the lock-free path: it must not create a dirty map.
  m.store(3, 333);
  CHECK(*m.load(3) == 333);
  CHECK_FALSE(m.has_dirty());

  // Deleting from the read map only nils the entry; the first new key then copies read into
  // dirty, expunging the deleted entry instead of copying it.
  m.erase(4);
  CHECK_FALSE(m.load(4).has_value());
  CHECK(m.read_size() == kKeys);
  m.store(100, 1);
  CHECK(m.amended());
  CHECK(m.dirty_size() == kKeys);  // 9 live + key 100; key 4 expunged
  // Re-storing the expunged key re-adds it to dirty under the lock.
  m.store(4, 44);
  CHECK(m.dirty_size() == kKeys + 1);
  CHECK(*m.load(4) == 44);

  // Deleting a dirty-only key removes it from dirty (and counts a miss).
  m.erase(100);
  CHECK(m.dirty_size() == kKeys);
  CHECK(m.misses() == 1);
  CHECK_FALSE(m.load(100).has_value());
}

TEST_CASE("sync_map: range visits every live key exactly once", "[analogues][sync-map]") {
  SyncMap<int, std::int64_t> m;
  for (int k = 0; k < 100; ++k)
    m.store(k, k);
  m.range([](int, std::int64_t) {});  // promote, so keys are split over read and dirty below
  for (int k = 100; k < 150; ++k)
    m.store(k, k);
  for (int k = 0; k < 150; k += 2)
    m.erase(k);      // some from read (nil), some from dirty
  m.store(10, -10);  // resurrect one deleted read-map key

  std::map<int, int> visits;
  std::map<int, std::int64_t> values;
  m.range([&](int k, std::int64_t v) {
    ++visits[k];
    values[k] = v;
  });
  CHECK_FALSE(m.amended());  // range promoted the dirty map
  for (int k = 0; k < 150; ++k) {
    const bool live = (k % 2 == 1) || k == 10;
    INFO("key " << k);
    if (live) {
      CHECK(visits[k] == 1);
      CHECK(values[k] == (k == 10 ? -10 : k));
    } else {
      CHECK(visits.count(k) == 0);
    }
  }

  // Early stop: a bool-returning callback that returns false ends the iteration.
  int calls = 0;
  m.range([&](int, std::int64_t) { return ++calls < 5; });
  CHECK(calls == 5);

  // The callback may re-enter the map (no lock is held while it runs).
  int reentrant = 0;
  m.range([&](int k, std::int64_t v) {
    auto again = m.load(k);
    if (again && *again == v) ++reentrant;
    m.store(k + 1000, v);
  });
  CHECK(reentrant == 76);
  CHECK(*m.load(1001) == 1);
}

TEST_CASE("sync_map: concurrent store/load/erase keep values consistent", "[analogues][sync-map]") {
  // Values encode (key, thread, sequence) so a loaded value can be checked to be one that was
  // really stored for that key. Keys [0, kShared) are hammered by every thread; keys
  // [kShared + t*kOwn, ...) belong to thread t alone so their final state is predictable.
  constexpr int kThreads = 4;
  constexpr int kShared = 16;
  constexpr int kOwn = 8;
  constexpr int kOps = 20000;
  auto encode = [](int key, int tid, int seq) {
    return (static_cast<std::int64_t>(key) << 40) | (static_cast<std::int64_t>(tid) << 32) |
           static_cast<std::int64_t>(seq);
  };
  auto valid_for = [](int key, std::int64_t v) {
    const int tid = static_cast<int>((v >> 32) & 0xff);
    const int seq = static_cast<int>(v & 0xffffffff);
    return (v >> 40) == key && tid < kThreads && seq < kOps;
  };

  SyncMap<int, std::int64_t> m;
  std::atomic<int> bad{0};
  std::vector<std::map<int, std::optional<std::int64_t>>> expected(kThreads);
  std::vector<std::thread> threads;
  for (int tid = 0; tid < kThreads; ++tid) {
    threads.emplace_back([&, tid] {
      std::uint32_t rng = 0x1234567u * static_cast<std::uint32_t>(tid + 1);
      auto& mine = expected[static_cast<std::size_t>(tid)];
      for (int seq = 0; seq < kOps; ++seq) {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        const bool own = (rng >> 28) < 4;  // 1/4 of ops on this thread's private keys
        const int key = own ? kShared + tid * kOwn + static_cast<int>(rng % kOwn)
                            : static_cast<int>(rng % kShared);
        switch ((rng >> 8) % 8) {
          case 0:
          case 1: {
            const auto v = encode(key, tid, seq);
            m.store(key, v);
            if (own) mine[key] = v;
            break;
          }
          case 2: {
            m.erase(key);
            if (own) mine[key] = std::nullopt;
            break;
          }
          case 3: {
            const auto v = encode(key, tid, seq);
            auto [actual, loaded] = m.load_or_store(key, v);
            if (!loaded && actual != v) bad.fetch_add(1);
            if (!valid_for(key, actual)) bad.fetch_add(1);
            if (own) {
              if (loaded && mine[key] != actual) bad.fetch_add(1);
              mine[key] = actual;
            }
            break;
          }
          default: {
            auto v = m.load(key);
            if (v && !valid_for(key, *v)) bad.fetch_add(1);
            if (own) {
              auto it = mine.find(key);
              const bool present = it != mine.end() && it->second.has_value();
              if (v.has_value() != present || (present && *v != *it->second)) bad.fetch_add(1);
            }
          }
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(bad.load() == 0);

  // Final consistency: private keys hold exactly what their owner last did; range agrees with
  // load and visits each live key once.
  for (int tid = 0; tid < kThreads; ++tid) {
    for (const auto& [key, want] : expected[static_cast<std::size_t>(tid)]) {
      INFO("key " << key);
      CHECK(m.load(key) == want);
    }
  }
  std::map<int, int> visits;
  m.range([&](int k, std::int64_t v) {
    ++visits[k];
    if (!valid_for(k, v)) bad.fetch_add(1);
    if (m.load(k) != std::optional<std::int64_t>(v)) bad.fetch_add(1);
  });
  CHECK(bad.load() == 0);
  for (const auto& [k, n] : visits)
    CHECK(n == 1);
  for (int k = 0; k < kShared + kThreads * kOwn; ++k) {
    CHECK(visits.count(k) == (m.load(k).has_value() ? 1u : 0u));
  }
}

TEST_CASE("sync_map: interface-keyed hashing (map[any]) keeps the map's semantics",
          "[analogues][sync-map]") {
  using claimbench::go::AnyKeyEq;
  using claimbench::go::AnyKeyHash;
  AnyKeyHash<std::uint64_t> h;
  AnyKeyEq<std::uint64_t> eq;
  CHECK(h(42) == h(42));
  CHECK(h(1) != h(2));  // a mixer, not the identity
  CHECK(eq(7, 7));
  CHECK_FALSE(eq(7, 8));

  SyncMap<std::uint64_t, std::uint64_t, AnyKeyHash<std::uint64_t>, AnyKeyEq<std::uint64_t>> m;
  for (std::uint64_t k = 0; k < 100; ++k)
    m.store(k, k * 3);
  for (std::uint64_t k = 0; k < 100; ++k) {
    const auto v = m.load(k);
    REQUIRE(v.has_value());
    CHECK(*v == k * 3);
  }
  m.erase(5);
  CHECK_FALSE(m.load(5).has_value());
  CHECK_FALSE(m.load(1000).has_value());
}

// Keys of 256 and up are boxed on the heap (convT64), and with AnyKeyHash the maps' key slots
// point to those boxes (EntryMap's interface layout), which live as long as their entries. Each
// thread turns its own key set over (insert a new key, load a recent one, erase the oldest:
// churn-new), so entries are created, expunged, promoted and retired while another thread reads
// through the maps; a key box freed too early is a use after free under ASan and a wrong or
// missing value here.
TEST_CASE("sync_map: boxed interface keys stay valid while the key set turns over",
          "[analogues][sync-map]") {
  using claimbench::go::AnyKeyEq;
  using claimbench::go::AnyKeyHash;
  SyncMap<std::uint64_t, std::uint64_t, AnyKeyHash<std::uint64_t>, AnyKeyEq<std::uint64_t>> m;
  constexpr std::uint64_t kWindow = 64;
  constexpr std::uint64_t kOps = 20000;
  const auto key_of = [](std::uint64_t tid, std::uint64_t n) { return (tid + 1) << 32 | n; };
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (std::uint64_t tid = 0; tid < 2; ++tid) {
    threads.emplace_back([&, tid] {
      for (std::uint64_t n = 0; n < kWindow; ++n)
        m.store(key_of(tid, n), n);
      for (std::uint64_t n = kWindow; n < kOps; ++n) {
        m.store(key_of(tid, n), n);
        const std::uint64_t recent = n - 1 - n % 16;
        if (m.load(key_of(tid, recent)) != std::optional<std::uint64_t>(recent)) bad.fetch_add(1);
        m.erase(key_of(tid, n - kWindow));
        if (m.load(key_of(tid, n - kWindow)).has_value()) bad.fetch_add(1);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(bad.load() == 0);
  for (std::uint64_t tid = 0; tid < 2; ++tid) {
    for (std::uint64_t n = kOps - kWindow; n < kOps; ++n)
      CHECK(m.load(key_of(tid, n)) == std::optional<std::uint64_t>(n));
    CHECK_FALSE(m.load(key_of(tid, kOps - kWindow - 1)).has_value());
  }
  std::size_t live = 0;
  m.range([&](std::uint64_t, std::uint64_t) { ++live; });
  CHECK(live == 2 * kWindow);
}

namespace {

// A value that counts its live copies, so a test can see boxes being freed.
struct Counted {
  static inline std::atomic<long> live{0};
  std::uint64_t v = 0;
  Counted() { live.fetch_add(1); }
  explicit Counted(std::uint64_t x) : v(x) { live.fetch_add(1); }
  Counted(const Counted& o) : v(o.v) { live.fetch_add(1); }
  Counted& operator=(const Counted&) = default;
  ~Counted() { live.fetch_sub(1); }
};

}  // namespace

// Readers pay no fence: their announcements are plain stores and the reclaimer's membarrier
// orders them (epoch.hpp). If that ordering, or the epoch bookkeeping, let a box be freed while a
// reader still held it, ASan (asan preset) reports the use after free and TSan (tsan preset) the
// race; in a plain build the reader sees a value that is not its key's. Without reclamation,
// every one of the kStores replaced values would still be alive at the end.
TEST_CASE("sync_map: values replaced under concurrent readers are freed, never read after free",
          "[analogues][sync-map]") {
  constexpr std::uint64_t kKeys = 64;
  constexpr int kStores = 100000;
  constexpr int kReaders = 2;
  auto encode = [](std::uint64_t key, int seq) {
    return (key << 32) | static_cast<std::uint64_t>(seq);
  };
  const long live_before = Counted::live.load();
  {
    SyncMap<std::uint64_t, Counted> m;
    for (std::uint64_t k = 0; k < kKeys; ++k)
      m.store(k, Counted{encode(k, 0)});
    m.range([](std::uint64_t, const Counted&) {});  // promote: loads take the lock-free path

    std::atomic<bool> stop{false};
    std::atomic<long> bad{0};
    std::atomic<long> loads{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
      readers.emplace_back([&, r] {
        std::uint64_t k = static_cast<std::uint64_t>(r);
        long n = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          k = (k * 5 + 1) % kKeys;
          const auto v = m.load(k);
          if (!v || (v->v >> 32) != k) bad.fetch_add(1);
          ++n;
        }
        loads.fetch_add(n);
      });
    }
    for (int i = 1; i <= kStores; ++i) {
      const std::uint64_t key = static_cast<std::uint64_t>(i) % kKeys;
      m.store(key, Counted{encode(key, i)});  // the lock-free overwrite: retires the old box
      if (i % 4096 == 0) {
        // Key-set churn retires entries and read snapshots too: a new key builds dirty and
        // publishes an amended snapshot, erasing it retires its entry, range promotes.
        const std::uint64_t fresh = kKeys + static_cast<std::uint64_t>(i);
        m.store(fresh, Counted{encode(fresh, i)});
        m.erase(fresh);
        m.range([](std::uint64_t, const Counted&) {});
      }
    }
    stop.store(true);
    for (auto& t : readers)
      t.join();
    CHECK(bad.load() == 0);
    CHECK(loads.load() > 0);

    // The readers have gone: the next collections free everything retired while they ran.
    // What is left alive is the map's own kKeys values plus at most the last few batches the
    // writer retired (freed two epochs after retirement), far below kStores.
    for (int i = 0; i < 4 * static_cast<int>(claimbench::go::epoch::ThreadEpoch::kBatch); ++i)
      m.store(static_cast<std::uint64_t>(i) % kKeys, Counted{encode(0, 0)});
    const long alive = Counted::live.load() - live_before;
    INFO("values alive: " << alive);
    CHECK(alive <= static_cast<long>(kKeys + 3 * claimbench::go::epoch::ThreadEpoch::kBatch));
  }
}
