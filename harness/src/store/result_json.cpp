// The result model to JSON and back; from_json validates every field it reads.
#include "claimbench/store/result_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <string_view>
#include <vector>

namespace claimbench {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Writing

json number_or_null(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? json(*value) : json(nullptr);
}

json interval_or_null(const std::optional<Interval>& ci) {
  return ci ? json{ci->lo, ci->hi} : json(nullptr);
}

json thresholds_json(const Thresholds& t) {
  json out = json::object();
  if (t.at_least) out["at_least"] = *t.at_least;
  if (t.refuted_below) out["refuted_below"] = *t.refuted_below;
  if (t.at_most) out["at_most"] = *t.at_most;
  if (t.refuted_above) out["refuted_above"] = *t.refuted_above;
  if (t.within) out["within"] = *t.within;
  return out;
}

json variant_json(const VariantResult& v) {
  json places = json::array();
  for (const auto& p : v.placement) {
    places.push_back({{"thread", p.thread},
                      {"pu", p.pu},
                      {"ran_on", p.ran_on},
                      {"core", p.core},
                      {"package", p.package}});
  }
  json reps = json::array();
  for (const auto& r : v.repetitions) {
    json counters = json::object();
    for (const auto& [name, value] : r.measured.counters)
      counters[name] = number_or_null(value);
    reps.push_back({{"round", r.measured.round},
                    {"iterations", r.measured.iterations},
                    {"real_time_s", r.measured.real_time_s},
                    {"cpu_time_s", r.measured.cpu_time_s},
                    {"ns_per_op", number_or_null(r.ns_per_op)},
                    {"counters", counters}});
  }
  json summary = json::object();
  if (!v.repetitions.empty()) {
    const auto& ns = v.summary.ns_per_op;
    summary["ns_per_op"] = {{"median", number_or_null(ns.median)},
                            {"ci", interval_or_null(ns.ci)},
                            {"spread", number_or_null(ns.spread)}};
    for (const auto& [name, value] : v.summary.per_op)
      summary[name + "_per_op"] = number_or_null(value);
  }
  json out = {{"name", v.name},       {"threads", v.threads},
              {"skipped", v.skipped}, {"ops_per_iteration", v.ops_per_iteration},
              {"placement", places},  {"summary", summary},
              {"repetitions", reps}};
  if (v.go) out["go"] = true;
  return out;
}

json side_json(const SideOutcome& side) {
  return {{"numerator", side.numerator},
          {"denominator", side.denominator},
          {"estimate", number_or_null(side.estimate)},
          {"ci", interval_or_null(side.ci)},
          {"confidence", side.confidence},
          {"pairs", side.pairs},
          {"rounds", side.rounds},
          {"verdict", to_string(side.verdict)},
          {"undecided", side.undecided},
          {"reason", side.reason}};
}

json check_json(const CheckResult& c) {
  json out = {{"id", c.id},
              {"says", c.says},
              {"kind", to_string(c.kind)},
              {"numerator", c.numerator},
              {"denominator", c.denominator},
              {"metric", c.metric},
              {"thresholds", thresholds_json(c.thresholds)},
              {"mechanism", c.mechanism},
              {"verdict", to_string(c.verdict)},
              {"estimate", number_or_null(c.estimate)},
              {"ci", interval_or_null(c.ci)},
              {"confidence", c.confidence},
              {"pairs", c.pairs},
              {"spread",
               {{"numerator", number_or_null(c.spread_numerator)},
                {"denominator", number_or_null(c.spread_denominator)}}},
              {"mechanism_ratio", number_or_null(c.mechanism_ratio)},
              {"reason", c.reason}};
  // Fields newer than the first files of schema version 1: written only when set.
  if (c.rounds > 0) out["rounds"] = c.rounds;
  if (!c.undecided.empty()) out["undecided"] = c.undecided;
  if (c.go) out["go"] = side_json(*c.go);
  if (!c.go_none.empty()) out["go_none"] = c.go_none;
  return out;
}

json claim_json(const ClaimResult& c) {
  json sources = json::array();
  for (const auto& s : c.sources)
    sources.push_back({{"seed", s.seed}, {"where", s.where}});
  json unavailable = json::array();
  for (const auto& u : c.counters.unavailable)
    unavailable.push_back({{"event", u.event}, {"reason", u.reason}});
  json variants = json::array();
  for (const auto& v : c.variants)
    variants.push_back(variant_json(v));
  json checks = json::array();
  for (const auto& check : c.checks)
    checks.push_back(check_json(check));
  json counters = {{"requested", c.counters.requested},
                   {"opened", c.counters.opened},
                   {"unavailable", unavailable},
                   {"fell_back", c.counters.fell_back},
                   {"perf_event_paranoid", c.counters.perf_event_paranoid},
                   {"hypervisor", c.counters.hypervisor}};
  if (!c.counters.explaining.empty()) counters["explaining"] = c.counters.explaining;
  if (!c.counters.note.empty()) counters["note"] = c.counters.note;
  json out = {{"id", c.id},
              {"title", c.title},
              {"fidelity", c.fidelity},
              {"statement", c.statement},
              {"analogue", c.analogue},
              {"caveats", c.caveats},
              {"go_meaning", c.go_meaning},
              {"sources", sources},
              {"status", to_string(c.status)},
              {"reason", c.reason},
              {"seconds", c.seconds},
              {"placement",
               {{"policy", c.placement.policy},
                {"pus", c.placement.pus},
                {"shared_cache", c.placement.shared_cache}}},
              {"counters", counters},
              {"probe_ns",
               {{"before", number_or_null(c.probe_before_ns)},
                {"after", number_or_null(c.probe_after_ns)}}},
              {"variants", variants},
              {"checks", checks}};
  if (c.load) {
    json competitors = json::array();
    for (const auto& k : c.load->competitors)
      competitors.push_back({{"pid", k.pid}, {"command", k.command}, {"pu", k.pu}});
    out["load"] = {{"before", c.load->load_before},
                   {"after", c.load->load_after},
                   {"steal_fraction", c.load->steal_fraction},
                   {"competitors", competitors},
                   {"summary", c.load->summary}};
  }
  if (!c.go_file.empty()) out["go_file"] = c.go_file;
  if (!c.go_none.empty()) out["go_none"] = c.go_none;
  return out;
}

json machine_json(const Machine& m) {
  json caches = json::array();
  for (const auto& c : m.caches) {
    caches.push_back({{"name", c.name},
                      {"size_bytes", c.size_bytes},
                      {"line_bytes", c.line_bytes},
                      {"count", c.count}});
  }
  json libraries = json::object();
  for (const auto& [name, version] : m.libraries)
    libraries[name] = version;
  // cpu_stepping, microarchitecture and pmu came after schema version 1's first files: read back
  // as optional fields. The host name is no longer recorded (it is not part of the id).
  json out = {{"id", m.id},
              {"cpu_model", m.cpu_model},
              {"cpu_vendor", m.cpu_vendor},
              {"cpu_family", m.cpu_family},
              {"cpu_model_number", m.cpu_model_number},
              {"architecture", m.architecture},
              {"packages", m.packages},
              {"cores", m.cores},
              {"pus", m.pus},
              {"smt", m.smt},
              {"caches", caches},
              {"kernel", m.kernel},
              {"hostname", m.hostname},
              {"virtualised", m.virtualised},
              {"hypervisor_vendor", m.hypervisor_vendor},
              {"governor", m.governor},
              {"compiler", m.compiler},
              {"build_type", m.build_type},
              {"cxx_flags", m.cxx_flags},
              {"libraries", libraries}};
  // Written only when known, so a file from before them re-serialises unchanged.
  if (!m.cpu_stepping.empty()) out["cpu_stepping"] = m.cpu_stepping;
  if (!m.microarchitecture.empty()) out["microarchitecture"] = m.microarchitecture;
  if (!m.pmu.empty()) out["pmu"] = m.pmu;
  return out;
}

// Google Benchmark's own JSON shape, one entry per repetition, so tools/compare.py reads it.
// Google Benchmark's aggregate statistics of a list of per-iteration times, as its
// ComputeStats computes them: the median averages the middle two of an even count, stddev is the
// sample (n - 1) deviation, cv = stddev / mean. Needs two values or more, as GB does.
struct Aggregates {
  double mean = 0, median = 0, stddev = 0, cv = 0;
};

Aggregates aggregates_of(std::vector<double> values) {
  Aggregates a;
  const auto n = static_cast<double>(values.size());
  for (double v : values)
    a.mean += v / n;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  a.median = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  double squares = 0;
  for (double v : values)
    squares += (v - a.mean) * (v - a.mean);
  a.stddev = std::sqrt(squares / (n - 1));
  a.cv = a.mean != 0 ? a.stddev / a.mean : 0;
  return a;
}

// Google Benchmark's own JSON rows: one "iteration" row per repetition, then, for a variant
// with two repetitions or more, its "aggregate" rows (mean, median, stddev, cv) as GB writes
// them, so that GB's tools/compare.py reads a result file, -a (aggregates only) included.
json native_benchmarks(const RunRecord& record) {
  json out = json::array();
  int family = 0;
  for (const auto& claim : record.claims) {
    for (const auto& variant : claim.variants) {
      std::vector<double> real_ns, cpu_ns;
      for (const auto& r : variant.repetitions) {
        const auto& rep = r.measured;
        const double iterations = static_cast<double>(std::max<std::int64_t>(rep.iterations, 1));
        json entry = {{"name", variant.name},
                      {"family_index", family},
                      {"per_family_instance_index", 0},
                      {"run_name", variant.name},
                      {"run_type", "iteration"},
                      {"repetitions", record.options.repetitions},
                      {"repetition_index", rep.round},
                      {"threads", variant.threads},
                      {"iterations", rep.iterations},
                      {"real_time", rep.real_time_s * 1e9 / iterations},
                      {"cpu_time", rep.cpu_time_s * 1e9 / iterations},
                      {"time_unit", "ns"}};
        for (const auto& [name, value] : rep.counters)
          entry[name] = number_or_null(value);
        out.push_back(entry);
        real_ns.push_back(entry["real_time"].get<double>());
        cpu_ns.push_back(entry["cpu_time"].get<double>());
      }
      if (real_ns.size() >= 2) {
        const Aggregates real = aggregates_of(real_ns);
        const Aggregates cpu = aggregates_of(cpu_ns);
        const std::pair<const char*, std::pair<double, double>> rows[] = {
            {"mean", {real.mean, cpu.mean}},
            {"median", {real.median, cpu.median}},
            {"stddev", {real.stddev, cpu.stddev}},
            {"cv", {real.cv, cpu.cv}}};
        for (const auto& [aggregate, times] : rows) {
          const bool cv = std::string_view(aggregate) == "cv";
          out.push_back({{"name", fmt::format("{}_{}", variant.name, aggregate)},
                         {"family_index", family},
                         {"per_family_instance_index", 0},
                         {"run_name", variant.name},
                         {"run_type", "aggregate"},
                         {"repetitions", static_cast<int>(real_ns.size())},
                         {"threads", variant.threads},
                         {"aggregate_name", aggregate},
                         {"aggregate_unit", cv ? "percentage" : "time"},
                         {"iterations", static_cast<int>(real_ns.size())},
                         {"real_time", number_or_null(times.first)},
                         {"cpu_time", number_or_null(times.second)},
                         {"time_unit", "ns"}});
        }
      }
      ++family;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading. Every accessor checks the type before nlohmann's get<>, so no json exception can
// start; a bad field throws BadField, which from_json turns into the error. The path is built
// as we descend: "claims[3].checks[0].verdict".

struct BadField {
  std::string path;
  std::string what;
};

[[noreturn]] void bad(const std::string& path, std::string what) {
  throw BadField{path, std::move(what)};
}

std::string key_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string index_path(const std::string& path, std::size_t i) {
  return fmt::format("{}[{}]", path, i);
}

const char* type_name(const json& j) {
  return j.type_name();  // "null", "object", "array", "string", "boolean", "number"
}

void need_object(const json& j, const std::string& path) {
  if (!j.is_object()) bad(path, fmt::format("expected an object, got {}", type_name(j)));
}

void need_array(const json& j, const std::string& path) {
  if (!j.is_array()) bad(path, fmt::format("expected an array, got {}", type_name(j)));
}

// A member that must be there.
const json& member(const json& object, const std::string& path, std::string_view key) {
  need_object(object, path);
  const auto it = object.find(key);
  if (it == object.end()) bad(key_path(path, key), "missing");
  return *it;
}

// A member that may be absent (fields added after schema version 1).
const json* optional_member(const json& object, const std::string& path, std::string_view key) {
  need_object(object, path);
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string text(const json& j, const std::string& path) {
  if (!j.is_string()) bad(path, fmt::format("expected a string, got {}", type_name(j)));
  return j.get_ref<const std::string&>();
}

std::string text(const json& object, const std::string& path, std::string_view key) {
  return text(member(object, path, key), key_path(path, key));
}

bool boolean(const json& object, const std::string& path, std::string_view key) {
  const json& j = member(object, path, key);
  if (!j.is_boolean()) {
    bad(key_path(path, key), fmt::format("expected true or false, got {}", type_name(j)));
  }
  return j.get<bool>();
}

double finite(const json& j, const std::string& path, double min, double max) {
  if (!j.is_number()) bad(path, fmt::format("expected a number, got {}", type_name(j)));
  const double value = j.get<double>();
  if (!std::isfinite(value)) bad(path, "expected a finite number");
  if (value < min || value > max) {
    bad(path, fmt::format("{:g} is out of range [{:g}, {:g}]", value, min, max));
  }
  return value;
}

constexpr double kMax = std::numeric_limits<double>::max();

double finite(const json& object, const std::string& path, std::string_view key, double min = -kMax,
              double max = kMax) {
  return finite(member(object, path, key), key_path(path, key), min, max);
}

std::optional<double> finite_or_null(const json& j, const std::string& path, double min = -kMax,
                                     double max = kMax) {
  if (j.is_null()) return std::nullopt;
  return finite(j, path, min, max);
}

std::optional<double> finite_or_null(const json& object, const std::string& path,
                                     std::string_view key, double min = -kMax, double max = kMax) {
  return finite_or_null(member(object, path, key), key_path(path, key), min, max);
}

std::int64_t integer(const json& j, const std::string& path, std::int64_t min, std::int64_t max) {
  if (!j.is_number_integer()) bad(path, fmt::format("expected an integer, got {}", j.dump()));
  std::int64_t value = 0;
  if (j.is_number_unsigned()) {  // nlohmann stores every non-negative integer as unsigned
    const auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) {
      bad(path, fmt::format("{} is out of range [{}, {}]", u, min, max));
    }
    value = static_cast<std::int64_t>(u);
  } else {
    value = j.get<std::int64_t>();
  }
  if (value < min || value > max) {
    bad(path, fmt::format("{} is out of range [{}, {}]", value, min, max));
  }
  return value;
}

std::int64_t integer(const json& object, const std::string& path, std::string_view key,
                     std::int64_t min, std::int64_t max) {
  return integer(member(object, path, key), key_path(path, key), min, max);
}

int small_int(const json& object, const std::string& path, std::string_view key, int min, int max) {
  return static_cast<int>(integer(object, path, key, min, max));
}

std::vector<std::string> strings(const json& j, const std::string& path) {
  need_array(j, path);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i)
    out.push_back(text(j[i], index_path(path, i)));
  return out;
}

std::optional<Interval> interval_or_null(const json& j, const std::string& path) {
  if (j.is_null()) return std::nullopt;
  need_array(j, path);
  if (j.size() != 2) bad(path, fmt::format("expected [low, high], got {} numbers", j.size()));
  const double lo = finite(j[0], index_path(path, 0), -kMax, kMax);
  const double hi = finite(j[1], index_path(path, 1), -kMax, kMax);
  if (lo > hi) bad(path, fmt::format("low {:g} is above high {:g}", lo, hi));
  return Interval{lo, hi};
}

template <class T, std::size_t N>
T one_of(const json& object, const std::string& path, std::string_view key,
         const std::pair<std::string_view, T> (&choices)[N]) {
  const std::string value = text(object, path, key);
  for (const auto& [name, result] : choices) {
    if (value == name) return result;
  }
  std::vector<std::string_view> names;
  for (const auto& choice : choices)
    names.push_back(choice.first);
  bad(key_path(path, key), fmt::format("'{}' is not one of {}", value, fmt::join(names, ", ")));
}

constexpr std::pair<std::string_view, Verdict> kVerdicts[] = {
    {"HOLDS", Verdict::holds},
    {"REFUTED", Verdict::refuted},
    {"INCONCLUSIVE", Verdict::inconclusive},
    {"SKIPPED", Verdict::skipped}};
constexpr std::pair<std::string_view, CheckKind> kKinds[] = {{"ratio", CheckKind::ratio},
                                                             {"equivalent", CheckKind::equivalent},
                                                             {"absolute", CheckKind::absolute}};
constexpr std::pair<std::string_view, ClaimStatus> kStatuses[] = {
    {"ran", ClaimStatus::ran},
    {"skipped", ClaimStatus::skipped},
    {"interrupted", ClaimStatus::interrupted}};
constexpr std::pair<std::string_view, int> kFidelities[] = {
    {"direct", 0}, {"analogue", 1}, {"proxy", 2}, {"go-only", 3}, {"calibration", 4}};
constexpr std::pair<std::string_view, int> kPolicies[] = {
    {"spread", 0}, {"compact", 1}, {"siblings", 2}, {"list", 3}};

// Generous bounds: far beyond any real machine, small enough that arithmetic on them is safe.
constexpr std::int64_t kMaxPus = 1 << 20;
constexpr std::int64_t kMaxCount = 1 << 30;

std::string safe_id(const json& object, const std::string& path, std::string_view key) {
  std::string id = text(object, path, key);
  if (!is_safe_id(id)) {
    bad(key_path(path, key),
        fmt::format("'{}' is not a safe id (1 to 100 of a-z, 0-9 and '-', not starting with '-')",
                    id));
  }
  return id;
}

Machine read_machine(const json& j, const std::string& path) {
  need_object(j, path);
  Machine m;
  m.id = safe_id(j, path, "id");
  m.cpu_model = text(j, path, "cpu_model");
  m.cpu_vendor = text(j, path, "cpu_vendor");
  m.cpu_family = text(j, path, "cpu_family");
  m.cpu_model_number = text(j, path, "cpu_model_number");
  for (auto [key, field] :
       {std::pair{"cpu_stepping", &m.cpu_stepping},
        std::pair{"microarchitecture", &m.microarchitecture}, std::pair{"pmu", &m.pmu}}) {
    if (const json* value = optional_member(j, path, key))
      *field = text(*value, key_path(path, key));
  }
  m.architecture = text(j, path, "architecture");
  m.packages = static_cast<unsigned>(integer(j, path, "packages", 0, kMaxPus));
  m.cores = static_cast<unsigned>(integer(j, path, "cores", 0, kMaxPus));
  m.pus = static_cast<unsigned>(integer(j, path, "pus", 0, kMaxPus));
  m.smt = boolean(j, path, "smt");
  const std::string caches_path = key_path(path, "caches");
  const json& caches = member(j, path, "caches");
  need_array(caches, caches_path);
  for (std::size_t i = 0; i < caches.size(); ++i) {
    const std::string p = index_path(caches_path, i);
    CacheLevel c;
    c.name = text(caches[i], p, "name");
    c.size_bytes = static_cast<unsigned long long>(
        integer(caches[i], p, "size_bytes", 0, std::int64_t{1} << 50));
    c.line_bytes = static_cast<unsigned>(integer(caches[i], p, "line_bytes", 0, 1 << 16));
    c.count = static_cast<unsigned>(integer(caches[i], p, "count", 0, kMaxPus));
    m.caches.push_back(c);
  }
  m.kernel = text(j, path, "kernel");
  m.hostname = text(j, path, "hostname");
  m.virtualised = boolean(j, path, "virtualised");
  m.hypervisor_vendor = text(j, path, "hypervisor_vendor");
  m.governor = text(j, path, "governor");
  m.compiler = text(j, path, "compiler");
  m.build_type = text(j, path, "build_type");
  m.cxx_flags = text(j, path, "cxx_flags");
  const std::string libraries_path = key_path(path, "libraries");
  const json& libraries = member(j, path, "libraries");
  need_object(libraries, libraries_path);
  for (const auto& [name, version] : libraries.items())
    m.libraries.emplace_back(name, text(version, key_path(libraries_path, name)));
  return m;
}

ThreadPlace read_place(const json& j, const std::string& path) {
  ThreadPlace p;
  p.thread = small_int(j, path, "thread", 0, kMaxPus);
  p.pu = small_int(j, path, "pu", -1, kMaxPus);
  p.ran_on = small_int(j, path, "ran_on", -1, kMaxPus);
  p.core = small_int(j, path, "core", -1, kMaxPus);
  p.package = small_int(j, path, "package", -1, kMaxPus);
  return p;
}

RepetitionResult read_repetition(const json& j, const std::string& path) {
  RepetitionResult r;
  r.measured.round = small_int(j, path, "round", 0, kMaxCount);
  r.measured.iterations =
      integer(j, path, "iterations", 0, std::numeric_limits<std::int64_t>::max());
  r.measured.real_time_s = finite(j, path, "real_time_s", 0, kMax);
  r.measured.cpu_time_s = finite(j, path, "cpu_time_s", 0, kMax);
  r.ns_per_op = finite_or_null(j, path, "ns_per_op", 0, kMax);
  const std::string counters_path = key_path(path, "counters");
  const json& counters = member(j, path, "counters");
  need_object(counters, counters_path);
  for (const auto& [name, value] : counters.items()) {
    r.measured.counters[name] =
        finite_or_null(value, key_path(counters_path, name)).value_or(std::nan(""));
  }
  return r;
}

VariantResult read_variant(const json& j, const std::string& path) {
  need_object(j, path);
  VariantResult v;
  v.name = text(j, path, "name");
  if (v.name.empty()) bad(key_path(path, "name"), "is empty");
  v.threads = small_int(j, path, "threads", 1, kMaxPus);
  v.skipped = text(j, path, "skipped");
  if (optional_member(j, path, "go")) v.go = boolean(j, path, "go");
  v.ops_per_iteration = finite(j, path, "ops_per_iteration", 0, kMax);
  if (v.ops_per_iteration <= 0) bad(key_path(path, "ops_per_iteration"), "must be positive");
  const std::string places_path = key_path(path, "placement");
  const json& places = member(j, path, "placement");
  need_array(places, places_path);
  for (std::size_t i = 0; i < places.size(); ++i)
    v.placement.push_back(read_place(places[i], index_path(places_path, i)));
  const std::string summary_path = key_path(path, "summary");
  const json& summary = member(j, path, "summary");
  need_object(summary, summary_path);
  for (const auto& [key, value] : summary.items()) {
    const std::string p = key_path(summary_path, key);
    if (key == "ns_per_op") {
      v.summary.ns_per_op.median = finite_or_null(value, p, "median", 0, kMax);
      v.summary.ns_per_op.ci = interval_or_null(member(value, p, "ci"), key_path(p, "ci"));
      v.summary.ns_per_op.spread = finite_or_null(value, p, "spread", 0, kMax);
    } else if (key.size() > 7 && key.ends_with("_per_op")) {
      v.summary.per_op[key.substr(0, key.size() - 7)] = finite_or_null(value, p);
    } else {
      bad(p, "unknown summary field (expected ns_per_op or <counter>_per_op)");
    }
  }
  const std::string reps_path = key_path(path, "repetitions");
  const json& reps = member(j, path, "repetitions");
  need_array(reps, reps_path);
  for (std::size_t i = 0; i < reps.size(); ++i)
    v.repetitions.push_back(read_repetition(reps[i], index_path(reps_path, i)));
  return v;
}

SideOutcome read_side(const json& j, const std::string& path) {
  need_object(j, path);
  SideOutcome s;
  s.estimate = finite_or_null(j, path, "estimate");
  s.ci = interval_or_null(member(j, path, "ci"), key_path(path, "ci"));
  s.verdict = one_of(j, path, "verdict", kVerdicts);
  s.reason = text(j, path, "reason");
  if (const json* v = optional_member(j, path, "numerator"))
    s.numerator = text(*v, key_path(path, "numerator"));
  if (const json* v = optional_member(j, path, "denominator"))
    s.denominator = text(*v, key_path(path, "denominator"));
  if (optional_member(j, path, "confidence"))
    s.confidence = finite(j, path, "confidence", 0.5, 1.0);
  if (optional_member(j, path, "pairs")) s.pairs = small_int(j, path, "pairs", 0, kMaxCount);
  if (optional_member(j, path, "rounds")) s.rounds = small_int(j, path, "rounds", 0, kMaxCount);
  if (const json* v = optional_member(j, path, "undecided"))
    s.undecided = text(*v, key_path(path, "undecided"));
  return s;
}

CheckResult read_check(const json& j, const std::string& path) {
  need_object(j, path);
  CheckResult c;
  c.id = text(j, path, "id");
  if (c.id.empty()) bad(key_path(path, "id"), "is empty");
  c.says = text(j, path, "says");
  c.kind = one_of(j, path, "kind", kKinds);
  c.numerator = text(j, path, "numerator");
  c.denominator = text(j, path, "denominator");
  c.metric = text(j, path, "metric");
  const std::string t_path = key_path(path, "thresholds");
  const json& t = member(j, path, "thresholds");
  need_object(t, t_path);
  auto bound = [&](std::string_view key) -> std::optional<double> {
    const json* value = optional_member(t, t_path, key);
    if (value == nullptr) return std::nullopt;
    return finite(*value, key_path(t_path, key), -kMax, kMax);
  };
  c.thresholds = {bound("at_least"), bound("refuted_below"), bound("at_most"),
                  bound("refuted_above"), bound("within")};
  if (c.kind == CheckKind::equivalent) {
    if (!c.thresholds.within || *c.thresholds.within <= 0) {
      bad(t_path, "an equivalence check needs a positive 'within'");
    }
  } else if (!c.thresholds.at_least && !c.thresholds.at_most) {
    bad(t_path, "a ratio or absolute check needs 'at_least' or 'at_most'");
  }
  c.mechanism = text(j, path, "mechanism");
  c.verdict = one_of(j, path, "verdict", kVerdicts);
  c.estimate = finite_or_null(j, path, "estimate");
  c.ci = interval_or_null(member(j, path, "ci"), key_path(path, "ci"));
  c.confidence = finite(j, path, "confidence", 0.5, 1.0);
  c.pairs = small_int(j, path, "pairs", 0, kMaxCount);
  const std::string spread_path = key_path(path, "spread");
  const json& spread = member(j, path, "spread");
  c.spread_numerator = finite_or_null(spread, spread_path, "numerator", 0, kMax);
  c.spread_denominator = finite_or_null(spread, spread_path, "denominator", 0, kMax);
  c.mechanism_ratio = finite_or_null(j, path, "mechanism_ratio", 0, kMax);
  c.reason = text(j, path, "reason");
  if (optional_member(j, path, "rounds")) c.rounds = small_int(j, path, "rounds", 0, kMaxCount);
  if (const json* v = optional_member(j, path, "undecided"))
    c.undecided = text(*v, key_path(path, "undecided"));
  if (const json* go = optional_member(j, path, "go")) c.go = read_side(*go, key_path(path, "go"));
  if (const json* v = optional_member(j, path, "go_none"))
    c.go_none = text(*v, key_path(path, "go_none"));
  if (c.go && !c.go_none.empty()) bad(path, "a check with a Go side has no 'go_none'");
  return c;
}

CounterOutcome read_counters(const json& j, const std::string& path) {
  need_object(j, path);
  CounterOutcome c;
  c.requested = strings(member(j, path, "requested"), key_path(path, "requested"));
  c.opened = strings(member(j, path, "opened"), key_path(path, "opened"));
  // Optional: results written by hand for tests have left it out when nothing failed.
  if (const json* u = optional_member(j, path, "unavailable")) {
    const std::string u_path = key_path(path, "unavailable");
    need_array(*u, u_path);
    for (std::size_t i = 0; i < u->size(); ++i) {
      const std::string p = index_path(u_path, i);
      c.unavailable.push_back({text((*u)[i], p, "event"), text((*u)[i], p, "reason")});
    }
  }
  c.fell_back = boolean(j, path, "fell_back");
  c.perf_event_paranoid = small_int(j, path, "perf_event_paranoid", -99, 99);
  c.hypervisor = boolean(j, path, "hypervisor");
  if (const json* e = optional_member(j, path, "explaining"))
    c.explaining = strings(*e, key_path(path, "explaining"));
  if (const json* n = optional_member(j, path, "note")) c.note = text(*n, key_path(path, "note"));
  return c;
}

ClaimResult read_claim(const json& j, const std::string& path) {
  need_object(j, path);
  ClaimResult c;
  c.id = safe_id(j, path, "id");
  c.title = text(j, path, "title");
  c.fidelity = text(j, path, "fidelity");
  one_of(j, path, "fidelity", kFidelities);
  c.statement = text(j, path, "statement");
  c.analogue = text(j, path, "analogue");
  c.caveats = text(j, path, "caveats");
  c.go_meaning = text(j, path, "go_meaning");
  const std::string sources_path = key_path(path, "sources");
  const json& sources = member(j, path, "sources");
  need_array(sources, sources_path);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string p = index_path(sources_path, i);
    c.sources.push_back({text(sources[i], p, "seed"), text(sources[i], p, "where")});
  }
  c.status = one_of(j, path, "status", kStatuses);
  c.reason = text(j, path, "reason");
  c.seconds = finite(j, path, "seconds", 0, kMax);
  const std::string placement_path = key_path(path, "placement");
  const json& placement = member(j, path, "placement");
  c.placement.policy = text(placement, placement_path, "policy");
  one_of(placement, placement_path, "policy", kPolicies);
  const std::string pus_path = key_path(placement_path, "pus");
  const json& pus = member(placement, placement_path, "pus");
  need_array(pus, pus_path);
  for (std::size_t i = 0; i < pus.size(); ++i)
    c.placement.pus.push_back(
        static_cast<int>(integer(pus[i], index_path(pus_path, i), 0, kMaxPus)));
  c.placement.shared_cache = text(placement, placement_path, "shared_cache");
  c.counters = read_counters(member(j, path, "counters"), key_path(path, "counters"));
  const std::string probe_path = key_path(path, "probe_ns");
  const json& probe = member(j, path, "probe_ns");
  c.probe_before_ns = finite_or_null(probe, probe_path, "before", 0, kMax);
  c.probe_after_ns = finite_or_null(probe, probe_path, "after", 0, kMax);
  const std::string variants_path = key_path(path, "variants");
  const json& variants = member(j, path, "variants");
  need_array(variants, variants_path);
  for (std::size_t i = 0; i < variants.size(); ++i)
    c.variants.push_back(read_variant(variants[i], index_path(variants_path, i)));
  const std::string checks_path = key_path(path, "checks");
  const json& checks = member(j, path, "checks");
  need_array(checks, checks_path);
  for (std::size_t i = 0; i < checks.size(); ++i)
    c.checks.push_back(read_check(checks[i], index_path(checks_path, i)));
  if (const json* load = optional_member(j, path, "load")) {
    const std::string p = key_path(path, "load");
    LoadRecord l;
    l.load_before = finite(*load, p, "before", 0, kMax);
    l.load_after = finite(*load, p, "after", 0, kMax);
    l.steal_fraction = finite(*load, p, "steal_fraction", 0, 1);
    const std::string cp = key_path(p, "competitors");
    const json& competitors = member(*load, p, "competitors");
    need_array(competitors, cp);
    for (std::size_t i = 0; i < competitors.size(); ++i) {
      const std::string kp = index_path(cp, i);
      l.competitors.push_back({small_int(competitors[i], kp, "pid", 0, 1 << 30),
                               text(competitors[i], kp, "command"),
                               small_int(competitors[i], kp, "pu", -1, kMaxPus)});
    }
    l.summary = text(*load, p, "summary");
    c.load = std::move(l);
  }
  if (const json* v = optional_member(j, path, "go_file"))
    c.go_file = text(*v, key_path(path, "go_file"));
  if (const json* v = optional_member(j, path, "go_none"))
    c.go_none = text(*v, key_path(path, "go_none"));
  return c;
}

RunRecord read_record(const json& j) {
  RunRecord r;
  r.created_utc = text(j, "", "created_utc");
  r.command = text(j, "", "command");
  r.complete = boolean(j, "", "complete");
  const json& options = member(j, "", "options");
  r.options.repetitions = small_int(options, "options", "repetitions", 1, kMaxCount);
  r.options.min_time_s = finite(options, "options", "min_time_s", 0, 1e9);
  if (r.options.min_time_s <= 0) bad("options.min_time_s", "must be positive");
  if (optional_member(options, "options", "max_rounds")) {
    r.options.max_rounds = small_int(options, "options", "max_rounds", 0, kMaxCount);
  }
  if (optional_member(options, "options", "go")) r.options.go = boolean(options, "options", "go");
  if (optional_member(options, "options", "extra_time"))
    r.options.extra_time = finite(options, "options", "extra_time", 0, 100);
  if (const json* latency = optional_member(j, "", "latency")) {
    LatencyRecord l;
    const json& pus = member(*latency, "latency", "pus");
    need_array(pus, "latency.pus");
    for (std::size_t i = 0; i < pus.size(); ++i)
      l.pus.push_back(static_cast<int>(integer(pus[i], index_path("latency.pus", i), 0, kMaxPus)));
    const json& rows = member(*latency, "latency", "round_trip_ns");
    need_array(rows, "latency.round_trip_ns");
    if (rows.size() != l.pus.size()) bad("latency.round_trip_ns", "needs one row per PU");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string rp = index_path("latency.round_trip_ns", i);
      need_array(rows[i], rp);
      if (rows[i].size() != l.pus.size()) bad(rp, "needs one cell per PU");
      std::vector<std::optional<double>> row;
      for (std::size_t k = 0; k < rows[i].size(); ++k)
        row.push_back(finite_or_null(rows[i][k], index_path(rp, k), 0, kMax));
      l.round_trip_ns.push_back(std::move(row));
    }
    r.latency = std::move(l);
  }
  r.machine = read_machine(member(j, "", "machine"), "machine");
  if (const json* v = optional_member(j, "", "claimbench_version")) {
    r.claimbench_version = text(*v, "claimbench_version");
  }
  if (const json* go = optional_member(j, "", "go_version")) r.go_version = text(*go, "go_version");
  const json& claims = member(j, "", "claims");
  need_array(claims, "claims");
  for (std::size_t i = 0; i < claims.size(); ++i)
    r.claims.push_back(read_claim(claims[i], index_path("claims", i)));
  return r;
}

}  // namespace

bool is_safe_id(std::string_view id) {
  if (id.empty() || id.size() > 100 || id.front() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

json to_json(const RunRecord& record) {
  const Machine& m = record.machine;
  json claims = json::array();
  for (const auto& claim : record.claims)
    claims.push_back(claim_json(claim));
  json out = {
      {"schema", "claimbench.result"},
      {"schema_version", kResultSchemaVersion},
      {"created_utc", record.created_utc},
      {"command", record.command},
      {"complete", record.complete},
      {"options",
       {{"repetitions", record.options.repetitions}, {"min_time_s", record.options.min_time_s}}},
      {"machine", machine_json(m)},
      {"context",
       {{"date", record.created_utc},
        {"host_name", m.hostname},
        {"num_cpus", m.pus},
        {"library_build_type", m.build_type == "Release" ? "release" : "debug"}}},
      {"claims", claims},
      {"benchmarks", native_benchmarks(record)}};
  if (record.go_version) out["go_version"] = *record.go_version;
  if (!record.claimbench_version.empty()) out["claimbench_version"] = record.claimbench_version;
  if (record.options.max_rounds > 0) out["options"]["max_rounds"] = record.options.max_rounds;
  if (record.options.go) out["options"]["go"] = true;
  if (record.options.extra_time) out["options"]["extra_time"] = *record.options.extra_time;
  if (record.latency) {
    json rows = json::array();
    for (const auto& row : record.latency->round_trip_ns) {
      json cells = json::array();
      for (const auto& cell : row)
        cells.push_back(number_or_null(cell));
      rows.push_back(cells);
    }
    out["latency"] = {{"pus", record.latency->pus}, {"round_trip_ns", rows}};
  }
  return out;
}

bool is_placeholder(const json& document) {
  if (!document.is_object() || document.contains("machine")) return false;
  const auto complete = document.find("complete");
  const auto claims = document.find("claims");
  return complete != document.end() && complete->is_boolean() && !complete->get<bool>() &&
         claims != document.end() && claims->is_array() && claims->empty();
}

Expected<RunRecord> from_json(const json& document, const std::filesystem::path& file) {
  const std::string name = file.string();
  if (!document.is_object() || !document.contains("schema") ||
      document["schema"] != "claimbench.result") {
    return fail(
        fmt::format("{}: not a claimbench result (no \"schema\": \"claimbench.result\")", name));
  }
  const auto version = document.find("schema_version");
  if (version == document.end() || !version->is_number_integer()) {
    return fail(fmt::format("{}: schema_version: expected an integer", name));
  }
  if (*version != kResultSchemaVersion) {
    const bool older = version->is_number_unsigned()
                           ? version->get<std::uint64_t>() < kResultSchemaVersion
                           : version->get<std::int64_t>() < kResultSchemaVersion;
    return fail(fmt::format(
        "{}: result schema version {} is {} than this bench understands ({}); {}", name,
        version->dump(), older ? "older" : "newer", kResultSchemaVersion,
        older ? "re-run the claims with this version" : "update claimbench to read it"));
  }
  try {
    return read_record(document);
  } catch (const BadField& error) {
    return fail(fmt::format("{}: {}: {}", name, error.path, error.what));
  } catch (const std::exception& error) {
    // Unreachable by design (every get<> is preceded by its type check); kept so that a missed
    // case is a usage error naming the file, not an abort.
    return fail(fmt::format("{}: unreadable result ({})", name, error.what()));
  }
}

Expected<json> parse_json_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return fail(fmt::format("{}: cannot read it", file.string()));
  try {
    return json::parse(in);
  } catch (const json::parse_error& error) {
    // nlohmann reports a byte offset; say the line, which an editor can jump to.
    std::ifstream again(file);
    std::size_t line = 1;
    std::size_t offset = 0;
    for (char c; offset < error.byte && again.get(c); ++offset)
      line += c == '\n';
    return fail(fmt::format("{}:{}: not valid JSON ({})", file.string(), line, error.what()));
  } catch (const json::exception& error) {
    // out_of_range 406: a number too large for a double ("1e400"), found while parsing.
    return fail(fmt::format("{}: not valid JSON ({})", file.string(), error.what()));
  } catch (const std::exception& error) {
    return fail(fmt::format("{}: cannot read it ({})", file.string(), error.what()));
  }
}

Expected<RunRecord> load_result(const std::filesystem::path& file) {
  CB_TRY(document, parse_json_file(file));
  return from_json(document, file);
}

}  // namespace claimbench
