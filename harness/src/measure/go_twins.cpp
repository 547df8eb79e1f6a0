// Go twins as processes: toolchain lookup, cached offline build, pinned run, output parsing.
#include "claimbench/measure/go_twins.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

extern char** environ;

namespace claimbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Output beyond this is drained and dropped: a twin that floods stdout must not exhaust memory.
constexpr std::size_t max_captured = 16u << 20;

/// At most `max` bytes of `text`, non-printable bytes shown as '?', for quoting in messages.
std::string printable(std::string_view text, std::size_t max = 160) {
  std::string out;
  for (const char c : text.substr(0, max))
    out += std::isprint(static_cast<unsigned char>(c)) != 0 || c == '\t' ? c : '?';
  if (text.size() > max) out += "...";
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
    s.remove_suffix(1);
  return s;
}

/// The last `count` non-blank lines of `text`, each indented, for an error message.
std::string quote_tail(std::string_view text, std::size_t count = 8) {
  std::vector<std::string_view> kept;
  for (const auto line : split_lines(text))
    if (!trim(line).empty()) kept.push_back(line);
  const std::size_t first = kept.size() > count ? kept.size() - count : 0;
  std::string out;
  for (std::size_t i = first; i < kept.size(); ++i)
    out += "\n  " + printable(kept[i], 300);
  return out;
}

/// A Go crash's own words: from "panic:" or "fatal error:" on, else the tail of the stream.
std::string quote_crash(std::string_view err) {
  for (const std::string_view marker : {"panic: ", "fatal error: "}) {
    const auto at = err.find(marker);
    if (at == std::string_view::npos) continue;
    const auto lines = split_lines(err.substr(at));
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < 6; ++i)
      if (!trim(lines[i]).empty()) out += "\n  " + printable(lines[i], 300);
    return out;
  }
  return quote_tail(err);
}

// ---- processes -------------------------------------------------------------------------------

struct Process {
  std::vector<std::string> argv;
  std::vector<std::string> env;  ///< NAME=value entries replacing the inherited ones
  fs::path cwd;                  ///< empty: inherit
  std::vector<int> pus;          ///< empty: inherit the affinity
  std::chrono::seconds timeout{600};
  const std::atomic<bool>* stop = nullptr;
};

struct ProcessOutput {
  int exit_code = -1;  ///< -1 when killed by a signal
  int signal = 0;
  bool stopped = false;
  bool timed_out = false;
  std::string out;
  std::string err;
};

std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view kv = *entry;
    const auto name = kv.substr(0, kv.find('=') + 1);
    const bool replaced = std::any_of(overrides.begin(), overrides.end(),
                                      [&](const std::string& o) { return o.starts_with(name); });
    if (!replaced) env.emplace_back(kv);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// Owns the two pipe ends the parent reads; closes them on every path.
struct Pipes {
  std::array<int, 2> out{-1, -1};
  std::array<int, 2> err{-1, -1};
  ~Pipes() {
    for (const int fd : {out[0], out[1], err[0], err[1]})
      if (fd >= 0) close(fd);
  }
};

/// Spawns the process (pinned: the spawning thread is pinned first, and a child inherits its
/// parent thread's affinity, so every thread the Go runtime starts is pinned from the first
/// instruction, which pinning the pid after the spawn would race), then reads both streams,
/// killing the process group on stop or timeout.
Expected<ProcessOutput> run_process(const Process& p) {
  for (const int pu : p.pus)
    if (pu < 0 || pu >= CPU_SETSIZE) return fail(fmt::format("PU {} is out of range", pu));
  Pipes pipes;
  if (pipe2(pipes.out.data(), O_CLOEXEC) != 0 || pipe2(pipes.err.data(), O_CLOEXEC) != 0)
    return fail(fmt::format("cannot create a pipe: {}", std::strerror(errno)));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipes.out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipes.err[1], 2);
  if (!p.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, p.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a kill reaches anything the twin started too.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);

  auto argv_strings = p.argv;
  auto env_strings = merged_environment(p.env);
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);
  pid_t pid = -1;
  int pin_error = 0;
  int spawn_error = 0;
  std::thread spawner([&] {
    if (!p.pus.empty()) {
      cpu_set_t set;
      CPU_ZERO(&set);
      for (const int pu : p.pus)
        CPU_SET(pu, &set);
      pin_error = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
      if (pin_error != 0) return;
    }
    spawn_error = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  });
  spawner.join();
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (pin_error != 0) {
    return fail(
        fmt::format("cannot pin to PUs {}: {}", fmt::join(p.pus, ","), std::strerror(pin_error)));
  }
  if (spawn_error != 0)
    return fail(fmt::format("cannot run {}: {}", p.argv[0], std::strerror(spawn_error)));
  close(pipes.out[1]);
  close(pipes.err[1]);
  pipes.out[1] = pipes.err[1] = -1;

  ProcessOutput result;
  const auto deadline = Clock::now() + p.timeout;
  bool killed = false;
  std::array<pollfd, 2> fds{pollfd{pipes.out[0], POLLIN, 0}, pollfd{pipes.err[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    if (!killed) {
      if (p.stop != nullptr && p.stop->load()) result.stopped = true;
      if (Clock::now() > deadline) result.timed_out = true;
      if (result.stopped || result.timed_out) {
        kill(-pid, SIGKILL);
        killed = true;
      }
    }
    // 100 ms: the stop flag is honoured well within a second.
    const int ready = poll(fds.data(), fds.size(), 100);
    if (ready < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      std::array<char, 65536> buffer;
      const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        if (sinks[i]->size() < max_captured) sinks[i]->append(buffer.data(), std::size_t(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // EOF; Pipes closes the descriptor
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// ---- toolchain and build ---------------------------------------------------------------------

bool is_executable(const fs::path& file) {
  std::error_code ec;
  return fs::is_regular_file(file, ec) && access(file.c_str(), X_OK) == 0;
}

/// FNV-1a, 64 bits: a stable content hash (std::hash may differ between library versions).
struct Fnv1a {
  std::uint64_t state = 1469598103934665603ull;
  void add(std::string_view bytes) {
    for (const char c : bytes) {
      state ^= static_cast<unsigned char>(c);
      state *= 1099511628211ull;
    }
    add_separator();
  }
  void add_separator() { state = (state ^ 0xff) * 1099511628211ull; }
};

bool is_source(const fs::path& file) {
  const auto ext = file.extension();
  const auto name = file.filename();
  return ext == ".go" || ext == ".c" || ext == ".h" || name == "go.mod" || name == "go.sum";
}

Expected<std::string> source_hash(const GoToolchain& go, const fs::path& module_dir,
                                  std::string_view package) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(module_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_source(it->path())) files.push_back(it->path());
  }
  if (ec) return fail(fmt::format("cannot list {}: {}", module_dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  Fnv1a hash;
  hash.add(go.version);
  hash.add(package);
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    if (!in) return fail(fmt::format("cannot read {}", file.string()));
    hash.add(fs::relative(file, module_dir, ec).string());
    hash.add(contents.str());
  }
  return fmt::format("{:016x}", hash.state);
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- result lines ----------------------------------------------------------------------------

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <class T>
std::optional<T> whole_number(std::string_view token) {
  T value{};
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc{} || end != token.data() + token.size()) return std::nullopt;
  return value;
}

}  // namespace

// ---- public ----------------------------------------------------------------------------------

Expected<GoToolchain> find_go(std::string_view path_env, const std::vector<fs::path>& extra_dirs) {
  std::vector<fs::path> dirs;
  for (std::size_t start = 0; start <= path_env.size();) {
    const auto end = std::min(path_env.find(':', start), path_env.size());
    if (end > start) dirs.emplace_back(path_env.substr(start, end - start));
    start = end + 1;
  }
  dirs.insert(dirs.end(), extra_dirs.begin(), extra_dirs.end());
  const auto found = std::find_if(dirs.begin(), dirs.end(),
                                  [](const fs::path& d) { return is_executable(d / "go"); });
  if (found == dirs.end()) {
    return fail(
        "no Go toolchain found (looked on PATH and in /usr/lib/go/bin, /usr/local/go/bin); "
        "install it with: apt-get install golang-go");
  }
  GoToolchain go;
  std::error_code ec;
  go.go = fs::absolute(*found / "go", ec);
  Process p;
  p.argv = {go.go.string(), "version"};
  p.timeout = std::chrono::seconds(60);
  auto out = run_process(p);
  if (!out) return fail(fmt::format("{}: {}", go.go.string(), out.error().message));
  // "go version go1.19.8 linux/amd64"
  const auto words = fields(trim(out->out));
  if (out->exit_code != 0 || words.size() < 4 || words[0] != "go" || words[1] != "version" ||
      !words[2].starts_with("go")) {
    return fail(fmt::format("{} version did not answer as Go does:{}", go.go.string(),
                            quote_tail(out->out + out->err)));
  }
  go.version = std::string(words[2]);
  go.platform = std::string(words[3]);
  return go;
}

Expected<GoToolchain> find_go() {
  const char* path = std::getenv("PATH");
  return find_go(path != nullptr ? path : "", {"/usr/lib/go/bin", "/usr/local/go/bin"});
}

Expected<fs::path> build_twins(const GoToolchain& go, const fs::path& module_dir,
                               const fs::path& build_dir, std::string_view package) {
  std::error_code ec;
  if (!fs::is_regular_file(module_dir / "go.mod", ec))
    return fail(fmt::format("{} is not a Go module (no go.mod)", module_dir.string()));
  const fs::path rel(package);
  const std::string name =
      package == "." || package.empty() ? "twins" : rel.lexically_normal().filename().string();
  const fs::path out_dir = fs::absolute(build_dir, ec) / "go";
  const fs::path binary = out_dir / (name + ".test");
  const fs::path hash_file = out_dir / (name + ".test.hash");
  auto hash = source_hash(go, module_dir, package);
  if (!hash) return std::unexpected(hash.error());
  if (fs::is_regular_file(binary, ec) && read_text(hash_file) == *hash) return binary;

  fs::create_directories(out_dir / "cache", ec);
  if (ec) return fail(fmt::format("cannot create {}: {}", out_dir.string(), ec.message()));
  fs::remove(hash_file, ec);
  Process p;
  const std::string target =
      package.starts_with(".") ? std::string(package) : "./" + std::string(package);
  p.argv = {go.go.string(), "test", "-c", "-o", binary.string(), target};
  p.cwd = module_dir;
  // Offline and reproducible: no module downloads, no VCS stamping, no toolchain switch, and a
  // build cache of our own (HOME may be unset under CI).
  p.env = {"GOPROXY=off", "GOFLAGS=-buildvcs=false", "GOTOOLCHAIN=local", "GOTELEMETRY=off",
           "GOCACHE=" + (out_dir / "cache").string()};
  if (std::getenv("GOPATH") == nullptr && std::getenv("HOME") == nullptr)
    p.env.push_back("GOPATH=" + (out_dir / "gopath").string());
  auto out = run_process(p);
  if (!out) return fail(fmt::format("cannot build the Go twins: {}", out.error().message));
  if (out->exit_code != 0 || !fs::is_regular_file(binary, ec)) {
    return fail(fmt::format("the Go twins in {} failed to build ({} test -c {}):{}",
                            module_dir.string(), go.version, target,
                            quote_tail(out->err + out->out, 20)));
  }
  std::ofstream(hash_file) << *hash;
  return binary;
}

Expected<GoBenchLine> parse_bench_line(std::string_view line, int expected_procs) {
  const auto tokens = fields(line);
  const auto bad = [&](std::string_view why) -> Expected<GoBenchLine> {
    return fail(fmt::format("not a Go benchmark result ({}): '{}'", why, printable(line)));
  };
  if (tokens.empty() || !tokens[0].starts_with("Benchmark")) return bad("no Benchmark name");
  if (tokens.size() < 2) return bad("no iteration count");
  if (tokens.size() % 2 != 0) return bad("a value without its unit");

  GoBenchLine out;
  std::string_view name = tokens[0];
  const auto dash = name.rfind('-');
  const auto suffix = dash == std::string_view::npos ? std::string_view{} : name.substr(dash + 1);
  const auto procs = suffix.size() <= 9 ? whole_number<int>(suffix) : std::nullopt;
  if (expected_procs > 1) {
    if (!procs || *procs != expected_procs)
      return bad(
          fmt::format("expected the -{} suffix of -test.cpu {}", expected_procs, expected_procs));
    name = name.substr(0, dash);
  } else if (expected_procs <= 0 && procs && *procs >= 1 && std::isdigit(suffix.front()) != 0) {
    name = name.substr(0, dash);
  }
  out.name = std::string(name);
  out.procs = expected_procs >= 1              ? expected_procs
              : name.size() < tokens[0].size() ? procs.value_or(1)
                                               : 1;

  const auto iterations = whole_number<std::int64_t>(tokens[1]);
  if (!iterations || *iterations <= 0) return bad("the iteration count is not a positive integer");
  out.iterations = *iterations;
  std::set<std::string> seen;
  for (std::size_t i = 2; i + 1 < tokens.size(); i += 2) {
    const auto value = whole_number<double>(tokens[i]);
    if (!value || !std::isfinite(*value))
      return bad(fmt::format("'{}' is not a finite number", printable(tokens[i], 40)));
    const std::string unit(tokens[i + 1]);
    const unsigned char first = static_cast<unsigned char>(unit.front());
    if (std::isdigit(first) != 0 || first == '-' || first == '+' || first == '.')
      return bad(fmt::format("'{}' is not a unit", printable(unit, 40)));
    if (!seen.insert(unit).second)
      return bad(fmt::format("'{}' appears twice", printable(unit, 40)));
    if (unit == "ns/op") {
      out.ns_per_op = *value;
    } else if (unit == "B/op") {
      out.bytes_per_op = *value;
    } else if (unit == "allocs/op") {
      out.allocs_per_op = *value;
    } else {
      out.metrics[unit] = *value;
    }
  }
  return out;
}

std::string bench_pattern(std::string_view bench_name) {
  std::string out;
  for (std::size_t start = 0; start <= bench_name.size();) {
    const auto end = std::min(bench_name.find('/', start), bench_name.size());
    if (!out.empty()) out += '/';
    out += '^';
    for (const char c : bench_name.substr(start, end - start)) {
      if (std::strchr("\\.+*?()|[]{}^$", c) != nullptr && c != '\0') out += '\\';
      out += c;
    }
    out += '$';
    start = end + 1;
  }
  return out;
}

Expected<TwinResult> run_twin(const fs::path& binary, const TwinRun& run) {
  const auto twin = fmt::format("Go twin {}", run.bench);
  if (run.bench.empty() || !run.bench.starts_with("Benchmark"))
    return fail(fmt::format("{}: a twin's name must start with Benchmark", twin));
  if (run.gomaxprocs < 1 || run.count < 1)
    return fail(fmt::format("{}: GOMAXPROCS and count must be at least 1", twin));
  const std::string benchtime = run.benchtime_iters > 0 ? fmt::format("{}x", run.benchtime_iters)
                                                        : fmt::format("{}s", run.benchtime_s);
  Process p;
  // -test.v: each result comes out as one whole line even when the twin prints, and a b.Skip
  // prints its reason (without -v a skipped benchmark prints nothing at all).
  p.argv = {binary.string(),          "-test.run", "^$",          "-test.bench",
            bench_pattern(run.bench), "-test.v",   "-test.cpu",   std::to_string(run.gomaxprocs),
            "-test.benchtime",        benchtime,   "-test.count", std::to_string(run.count),
            "-test.benchmem"};
  p.env = {fmt::format("GOMAXPROCS={}", run.gomaxprocs)};
  p.pus = run.pus;
  p.timeout = run.timeout;
  p.stop = run.stop;
  auto out = run_process(p);
  if (!out) return fail(fmt::format("{}: {}", twin, out.error().message));
  if (out->stopped) return fail(fmt::format("{}: stopped", twin));
  if (out->timed_out)
    return fail(fmt::format("{}: killed after {} s without finishing", twin, run.timeout.count()));

  TwinResult result;
  std::vector<std::string> pending_log;  // "    file.go:12: ..." lines since the last name
  std::string failure;
  std::string garbage;
  for (const auto raw : split_lines(out->out)) {
    const auto line = trim(raw);
    if (line.empty()) continue;
    if (raw.starts_with("    ")) {
      pending_log.emplace_back(printable(line, 300));
      continue;
    }
    if (line.starts_with("--- SKIP: ")) {
      std::string reason;
      for (const auto& l : pending_log)
        reason += (reason.empty() ? "" : "; ") + l;
      result.skip_reason = fmt::format("{}: {}", line.substr(10), reason);
    } else if (line.starts_with("--- FAIL: ")) {
      failure += fmt::format("\n  {}", printable(line, 300));
      for (const auto& l : pending_log)
        failure += "\n    " + l;
    } else if (line.starts_with("Benchmark")) {
      if (fields(line).size() > 1) {
        auto parsed = parse_bench_line(line, run.gomaxprocs);
        if (!parsed) return fail(fmt::format("{}: {}", twin, parsed.error().message));
        if (parsed->name != run.bench && !parsed->name.starts_with(run.bench + "/")) {
          return fail(
              fmt::format("{}: the output names another benchmark: '{}'", twin, printable(line)));
        }
        result.lines.push_back(std::move(*parsed));
      }  // else the -v announcement of a name, before it runs
    } else if (!(line.starts_with("goos: ") || line.starts_with("goarch: ") ||
                 line.starts_with("pkg: ") || line.starts_with("cpu: ") ||
                 line.starts_with("--- ") || line.starts_with("=== ") ||
                 line.starts_with("testing: ") || line == "PASS" || line == "FAIL" ||
                 line.starts_with("ok ") || line.starts_with("ok\t") ||
                 line.starts_with("FAIL\t"))) {
      if (garbage.empty()) garbage = printable(line);
      continue;
    }
    pending_log.clear();
  }

  if (out->signal != 0 || out->exit_code != 0) {
    const auto how = out->signal != 0 ? fmt::format("killed by signal {}", out->signal)
                                      : fmt::format("exited {}", out->exit_code);
    const auto words = !failure.empty()          ? failure
                       : !trim(out->err).empty() ? quote_crash(out->err)
                                                 : quote_tail(out->out);
    return fail(fmt::format("{} failed ({}):{}", twin, how, words));
  }
  if (!failure.empty()) return fail(fmt::format("{} failed:{}", twin, failure));
  if (!garbage.empty()) {
    return fail(
        fmt::format("{} printed output the parser does not understand: '{}'", twin, garbage));
  }
  if (result.lines.empty() && result.skip_reason.empty()) {
    return fail(fmt::format("{}: no result line (does {} exist in {}?){}", twin, run.bench,
                            binary.filename().string(), quote_tail(out->err, 4)));
  }
  return result;
}

}  // namespace claimbench
