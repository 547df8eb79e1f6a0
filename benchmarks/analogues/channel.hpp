/// Go channel model (unbuffered rendezvous / bounded ring, Go close semantics) with a pluggable
/// waiting strategy, so benchmarks can separate "channel algorithm" cost from "how a thread parks".
#pragma once

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "analogues/go_park.hpp"
#include "analogues/spin_park_mutex.hpp"

namespace claimbench::go {

// How a blocked sender/receiver waits for its peer.
//
// block:          sleep on a futex immediately (the OS-thread reference). Every hand-off is
//                 then a futex wake + OS reschedule: ~5 µs on bare metal, tens of µs in a VM.
// spin_then_park: spin on the waiter's own atomic "done" flag (outside the channel mutex) for a
//                 bounded budget first, then sleep as block does. Catches a peer that is
//                 running on another core; an OS-thread reference too (a parked goroutine
//                 never spins in Go: idle Ms do).
// goroutine:      what Go does (go_sched.hpp, through go_park.hpp): the endpoints are
//                 goroutines (fibers) of one GoScheduler; a blocked one parks its fiber without
//                 spinning, and the peer that completes it puts it in runnext, so the hand-off
//                 is a user-space switch on one thread, never a futex. send/recv must then run
//                 inside GoScheduler goroutines.
enum class WaitPolicy { block, spin_then_park, goroutine };

enum class SendStatus { ok, full, closed };   // try_send result
enum class RecvStatus { ok, empty, closed };  // try_recv result

// Spin budget for spin_then_park. PAUSE is ~10 ns (pre-Skylake) to ~40 ns (Skylake+), so 256
// iterations is a few µs: long enough to cover a peer that is running on another core, short
// enough that an oversubscribed machine falls back to parking rather than burning its quantum.
inline constexpr int kDefaultChannelSpin = 256;

namespace detail {
// Tells the core we are in a spin-wait: frees pipeline resources for the sibling hyperthread and
// avoids the memory-order-violation pipeline flush when the watched line finally changes.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}
// Sleep while `word` holds `expected` / wake one sleeper: a bare futex, so the block policy
// sleeps at once. (std::atomic::wait in libstdc++ 12 spins and sched_yields first, which would
// turn the OS-thread reference into a spinning one; on atomic<bool> it also goes through a
// shared waiter table, tens of ms per message here.)
inline void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) noexcept {
#if defined(__linux__)
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
#else
  word.wait(expected, std::memory_order_acquire);
#endif
}
inline void futex_wake_one(std::atomic<std::uint32_t>& word) noexcept {
#if defined(__linux__)
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr,
          nullptr, 0);
#else
  word.notify_one();
#endif
}
}  // namespace detail

// Blocking operations: send() throws std::logic_error on a closed channel (Go panics: "send on
// closed channel"), including a sender that was already blocked when close() happened.
// close() of a closed channel throws std::logic_error (Go panics: "close of closed channel").
// Non-blocking operations never throw: try_send returns SendStatus::closed instead.
//
// The structure mirrors runtime/chan.go: a ring buffer plus FIFO queues of blocked senders and
// receivers (Go's sudogs). A peer completes a blocked waiter *directly* (copies the value into or
// out of the waiter's record and wakes exactly that waiter) instead of broadcasting on a shared
// condvar, so there is no thundering herd and no re-check loop on the woken side.
template <class T>
class Channel {
 public:
  explicit Channel(std::size_t capacity, WaitPolicy policy = WaitPolicy::block,
                   int spin_iterations = kDefaultChannelSpin)
      : buf_(capacity), policy_(policy), spin_(spin_iterations) {}

  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Blocks until a receiver has taken the value (capacity 0) or it is in the buffer.
  void send(T value) {
    require_goroutine();
    std::unique_lock lk(mu_);
    if (closed_) throw std::logic_error("send on closed channel");
    if (Waiter* r = recvq_.pop()) {
      // A waiting receiver means the buffer is empty: hand the value straight to it, as Go does,
      // which also preserves FIFO order.
      r->recv_elem.emplace(std::move(value));
      complete(r, true);
      return;
    }
    if (count_ < buf_.size()) {
      push_buf(std::move(value));
      return;
    }
    Waiter w;
    w.send_elem = &value;  // the receiver moves out of our frame; we stay blocked until it has
    sendq_.push(&w);
    park(lk, w);
    if (!w.success) throw std::logic_error("send on closed channel");
  }

  // Returns the next value, or nullopt once the channel is closed *and* drained.
  std::optional<T> recv() {
    require_goroutine();
    std::unique_lock lk(mu_);
    if (auto v = take_ready()) return v;
    if (closed_) return std::nullopt;
    Waiter w;
    recvq_.push(&w);
    park(lk, w);
    return std::move(w.recv_elem);  // still nullopt when woken by close()
  }

  // Succeeds only if it would not block: on an unbuffered channel that means a receiver is
  // already waiting (same as a Go select with a default case).
  SendStatus try_send(T value) {
    std::lock_guard lk(mu_);
    if (closed_) return SendStatus::closed;
    if (Waiter* r = recvq_.pop()) {
      r->recv_elem.emplace(std::move(value));
      complete(r, true);
      return SendStatus::ok;
    }
    if (count_ < buf_.size()) {
      push_buf(std::move(value));
      return SendStatus::ok;
    }
    return SendStatus::full;
  }

  // Buffered values are still delivered after close; `closed` only once drained.
  RecvStatus try_recv(T& out) {
    std::lock_guard lk(mu_);
    if (auto v = take_ready()) {
      out = std::move(*v);
      return RecvStatus::ok;
    }
    return closed_ ? RecvStatus::closed : RecvStatus::empty;
  }

  void close() {
    std::lock_guard lk(mu_);
    if (closed_) throw std::logic_error("close of closed channel");
    closed_ = true;
    // Receivers only queue while the buffer is empty, so waking them with "no value" cannot lose
    // buffered data. Queued senders must fail: their value can never be delivered now.
    while (Waiter* r = recvq_.pop())
      complete(r, false);
    while (Waiter* s = sendq_.pop())
      complete(s, false);
  }

  std::size_t capacity() const noexcept { return buf_.size(); }

  // Buffered element count (Go's len(ch)); always 0 for an unbuffered channel.
  std::size_t size() const {
    std::lock_guard lk(mu_);
    return count_;
  }

 private:
  // One blocked operation; lives on the blocked thread's stack (Go's sudog).
  struct Waiter {
    Waiter* next = nullptr;
    T* send_elem = nullptr;               // sender: value to be moved out by the receiver
    std::optional<T> recv_elem;           // receiver: filled by the sender
    bool success = false;                 // false => completed by close()
    bool parked = false;                  // guarded by mu_: waiter is (about to be) in done.wait
    std::atomic<std::uint32_t> done{0};   // 0 / 1; a 32-bit word: the futex sleeps on it
    void* g = nullptr;                    // goroutine policy: the parked goroutine (sudog.g)
    GoroutineScheduler* sched = nullptr;  // ... and the P it parked on
  };

  // Intrusive FIFO: no allocation on the blocking path, and FIFO wake order like Go's waitq.
  struct WaitQueue {
    Waiter* head = nullptr;
    Waiter* tail = nullptr;
    void push(Waiter* w) noexcept {
      w->next = nullptr;
      if (tail) {
        tail->next = w;
      } else {
        head = w;
      }
      tail = w;
    }
    Waiter* pop() noexcept {
      Waiter* w = head;
      if (w) {
        head = w->next;
        if (!head) tail = nullptr;
      }
      return w;
    }
  };

  // A goroutine-policy channel can only block inside a GoScheduler goroutine (it parks a fiber).
  void require_goroutine() const {
    if (policy_ == WaitPolicy::goroutine && GoroutineScheduler::current() == nullptr)
      throw std::logic_error("goroutine-policy channel: blocking operation outside a goroutine");
  }

  // Called with mu_ held. Takes a value that is available without waiting.
  std::optional<T> take_ready() {
    if (Waiter* s = sendq_.pop()) {
      std::optional<T> v;
      if (buf_.empty()) {
        v.emplace(std::move(*s->send_elem));
      } else {
        // Buffer is full (that is why the sender queued): take the oldest value and move the
        // sender's value into the freed slot, keeping global FIFO order.
        v = pop_buf();
        push_buf(std::move(*s->send_elem));
      }
      complete(s, true);
      return v;
    }
    if (count_ > 0) return pop_buf();
    return std::nullopt;
  }

  // Called with mu_ held, after the waiter's payload has been written.
  // The trap: a spinning waiter observes `done` without the mutex and may return and destroy its
  // Waiter immediately. So `parked` is read *before* publishing `done`, and after the release
  // store we touch the waiter only if it is parked: then it sleeps on `done` and must take mu_
  // again before it returns, so notifying under the lock is safe.
  // A goroutine waiter is parked (switched out) on this very thread: goready puts it in runnext.
  static void complete(Waiter* w, bool success) noexcept {
    w->success = success;
    const bool parked = w->parked;
    void* g = w->g;
    GoroutineScheduler* sched = w->sched;
    w->done.store(1, std::memory_order_release);
    if (g != nullptr) {
      sched->ready(g);
    } else if (parked) {
      detail::futex_wake_one(w->done);
    }
  }

  // Called with mu_ held and `w` enqueued. Returns when a peer (or close) completed `w`; the lock
  // may or may not be held on return (unique_lock tracks it).
  void park(std::unique_lock<SpinParkMutex>& lk, Waiter& w) {
    if (policy_ == WaitPolicy::goroutine) {
      // gopark: no spin (a parked goroutine never spins in Go; idle Ms do). Nothing else runs
      // on this thread between unlock and the switch, so the peer cannot complete us before we
      // are parked; a wake-up without `done` (none today) would just park again.
      w.sched = GoroutineScheduler::current();  // non-null: require_goroutine checked it
      w.g = w.sched->running();
      lk.unlock();
      while (!w.done.load(std::memory_order_acquire))
        w.sched->park();
      return;
    }
    if (policy_ == WaitPolicy::spin_then_park) {
      // Spin outside the mutex, otherwise the peer that must complete us could not get in.
      lk.unlock();
      for (int i = 0; i < spin_; ++i) {
        if (w.done.load(std::memory_order_acquire)) return;
        detail::cpu_relax();
      }
      lk.lock();
    }
    if (w.done.load(std::memory_order_acquire)) return;
    // Sleep on `done` itself (a futex; no condition variable, so a Waiter allocates nothing, as
    // Go's sudogs come from a per-P cache). The completer notifies under mu_, so taking mu_
    // again before returning guarantees it has finished touching `w` (see complete()).
    w.parked = true;
    lk.unlock();
    while (!w.done.load(std::memory_order_acquire))
      detail::futex_wait(w.done, 0);
    lk.lock();
  }

  void push_buf(T&& v) {
    buf_[sendx_].emplace(std::move(v));
    if (++sendx_ == buf_.size()) sendx_ = 0;
    ++count_;
  }

  std::optional<T> pop_buf() {
    std::optional<T> v(std::move(buf_[recvx_]));
    buf_[recvx_].reset();
    if (++recvx_ == buf_.size()) recvx_ = 0;
    --count_;
    return v;
  }

  // Go's hchan.lock is runtime.lock (lock_futex.go): a few rounds of PAUSE spinning before a
  // futex sleep, not a sleeping mutex. SpinParkMutex has that shape (inline CAS fast path).
  mutable SpinParkMutex mu_;
  std::vector<std::optional<T>> buf_;  // ring; size() == capacity, fixed at construction
  std::size_t sendx_ = 0;
  std::size_t recvx_ = 0;
  std::size_t count_ = 0;
  WaitQueue sendq_;
  WaitQueue recvq_;
  bool closed_ = false;
  const WaitPolicy policy_;
  const int spin_;
};

}  // namespace claimbench::go
