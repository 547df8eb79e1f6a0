#include "claimbench/result.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>

#include "claimbench/stats.hpp"

namespace claimbench {
namespace {

using nlohmann::json;

json number_or_null(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

json optional_number(const std::optional<double>& value) {
  return value ? number_or_null(*value) : json(nullptr);
}

json thresholds(const Check& check) {
  json out = json::object();
  if (check.at_least) out["at_least"] = *check.at_least;
  if (check.refuted_below) out["refuted_below"] = *check.refuted_below;
  if (check.at_most) out["at_most"] = *check.at_most;
  if (check.refuted_above) out["refuted_above"] = *check.refuted_above;
  if (check.within) out["within"] = *check.within;
  return out;
}

json places(const std::vector<ThreadPlace>& placement) {
  json out = json::array();
  for (const auto& p : placement) {
    out.push_back({{"thread", p.thread},
                   {"pu", p.pu},
                   {"ran_on", p.ran_on},
                   {"core", p.core},
                   {"package", p.package}});
  }
  return out;
}

json variant_json(const VariantRun& variant, const std::vector<std::string>& counter_names) {
  json reps = json::array();
  std::vector<double> ns;
  for (const auto& rep : variant.repetitions) {
    json counters = json::object();
    for (const auto& [name, value] : rep.counters)
      counters[name] = number_or_null(value);
    const double ns_per_op = variant.metric(rep, "ns_per_op");
    ns.push_back(ns_per_op);
    reps.push_back({{"round", rep.round},
                    {"iterations", rep.iterations},
                    {"real_time_s", rep.real_time_s},
                    {"cpu_time_s", rep.cpu_time_s},
                    {"ns_per_op", number_or_null(ns_per_op)},
                    {"counters", counters}});
  }
  json summary = json::object();
  if (!ns.empty()) {
    const auto ci = median_interval(ns, 0.95);
    summary["ns_per_op"] = {{"median", number_or_null(median(ns))},
                            {"ci", ci ? json{ci->lo, ci->hi} : json(nullptr)},
                            {"spread", number_or_null(relative_spread(ns))}};
    for (const auto& name : counter_names) {
      std::vector<double> values;
      for (const auto& rep : variant.repetitions)
        values.push_back(variant.metric(rep, name));
      summary[name + "_per_op"] = number_or_null(median(values));
    }
  }
  return {{"name", variant.name},
          {"threads", variant.threads},
          {"skipped", variant.skipped},
          {"ops_per_iteration", variant.ops_per_iteration()},
          {"placement", places(variant.placement)},
          {"summary", summary},
          {"repetitions", reps}};
}

json check_json(const Check& check, const CheckOutcome& outcome) {
  return {{"id", check.id},
          {"says", check.says},
          {"kind", to_string(check.kind)},
          {"numerator", check.numerator},
          {"denominator", check.denominator},
          {"metric", check.metric},
          {"thresholds", thresholds(check)},
          {"mechanism", check.mechanism},
          {"verdict", to_string(outcome.verdict)},
          {"estimate", number_or_null(outcome.estimate)},
          {"ci", outcome.ci ? json{outcome.ci->lo, outcome.ci->hi} : json(nullptr)},
          {"confidence", outcome.confidence},
          {"pairs", outcome.pairs},
          {"spread",
           {{"numerator", number_or_null(outcome.spread_numerator)},
            {"denominator", number_or_null(outcome.spread_denominator)}}},
          {"mechanism_ratio", optional_number(outcome.mechanism_ratio)},
          {"reason", outcome.reason}};
}

json claim_json(const ClaimRun& run) {
  const Claim& claim = *run.claim;
  json sources = json::array();
  for (const auto& s : claim.sources)
    sources.push_back({{"seed", s.seed}, {"where", s.where}});
  json pus = json::array();
  for (const auto& pu : run.placement.pus)
    pus.push_back(pu.os_index);
  json unavailable = json::array();
  for (const auto& u : run.counters.unavailable) {
    unavailable.push_back({{"event", u.event}, {"reason", u.reason}});
  }
  const auto opened = run.counters.opened_names();
  std::vector<std::string> counter_names = explaining_counters(run);
  counter_names.push_back("alloc_bytes");
  json variants = json::array();
  for (const auto& variant : run.variants)
    variants.push_back(variant_json(variant, counter_names));
  json checks = json::array();
  for (std::size_t i = 0; i < claim.checks.size() && i < run.checks.size(); ++i) {
    checks.push_back(check_json(claim.checks[i], run.checks[i]));
  }
  return {{"id", claim.id},
          {"title", claim.title},
          {"fidelity", claim.fidelity},
          {"statement", claim.statement},
          {"analogue", claim.analogue},
          {"caveats", claim.caveats},
          {"go_meaning", claim.go_meaning},
          {"sources", sources},
          {"status", run.skipped       ? "skipped"
                     : run.interrupted ? "interrupted"
                                       : "ran"},
          {"reason", run.skip_reason},
          {"seconds", run.seconds},
          {"placement",
           {{"policy", to_string(run.placement.policy)},
            {"pus", pus},
            {"shared_cache", run.shared_cache}}},
          {"counters",
           {{"requested", run.counters.requested},
            {"opened", opened},
            {"unavailable", unavailable},
            {"fell_back", run.counters.fell_back},
            {"perf_event_paranoid", run.counters.perf_event_paranoid},
            {"hypervisor", run.counters.hypervisor}}},
          {"probe_ns",
           {{"before", optional_number(run.probe_before_ns)},
            {"after", optional_number(run.probe_after_ns)}}},
          {"variants", variants},
          {"checks", checks}};
}

// Google Benchmark's own JSON shape, one entry per repetition, so tools/compare.py reads it.
json native_benchmarks(const std::vector<ClaimRun>& claims, int repetitions) {
  json out = json::array();
  int family = 0;
  for (const auto& run : claims) {
    for (const auto& variant : run.variants) {
      for (const auto& rep : variant.repetitions) {
        const double iterations = static_cast<double>(std::max<std::int64_t>(rep.iterations, 1));
        json entry = {{"name", variant.name},
                      {"family_index", family},
                      {"per_family_instance_index", 0},
                      {"run_name", variant.name},
                      {"run_type", "iteration"},
                      {"repetitions", repetitions},
                      {"repetition_index", rep.round},
                      {"threads", variant.threads},
                      {"iterations", rep.iterations},
                      {"real_time", rep.real_time_s * 1e9 / iterations},
                      {"cpu_time", rep.cpu_time_s * 1e9 / iterations},
                      {"time_unit", "ns"}};
        for (const auto& [name, value] : rep.counters)
          entry[name] = number_or_null(value);
        out.push_back(entry);
      }
      ++family;
    }
  }
  return out;
}

}  // namespace

std::string utc_now_iso() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

json to_json(const RunRecord& record) {
  const Machine& m = record.machine;
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
  json claims = json::array();
  for (const auto& run : record.claims)
    claims.push_back(claim_json(run));
  return {{"schema", "claimbench.result"},
          {"schema_version", kResultSchemaVersion},
          {"created_utc", record.created_utc},
          {"command", record.command},
          {"complete", record.complete},
          {"options", {{"repetitions", record.repetitions}, {"min_time_s", record.min_time_s}}},
          {"machine",
           {{"id", m.id},
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
            {"libraries", libraries}}},
          {"context",
           {{"date", record.created_utc},
            {"host_name", m.hostname},
            {"num_cpus", m.pus},
            {"library_build_type", m.build_type == "Release" ? "release" : "debug"}}},
          {"claims", claims},
          {"benchmarks", native_benchmarks(record.claims, record.repetitions)}};
}

Expected<ResultWriter> ResultWriter::create(const std::filesystem::path& directory,
                                            const std::string& stem) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return fail(
        fmt::format("cannot create output directory '{}': {}", directory.string(), ec.message()));
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto name =
        attempt == 0 ? fmt::format("{}.json", stem) : fmt::format("{}-{}.json", stem, attempt + 1);
    const auto path = directory / name;
    // O_EXCL reserves the name: an existing result is never replaced.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      ::close(fd);
      ResultWriter writer(path);
      if (auto ok = writer.write(json{{"schema", "claimbench.result"},
                                      {"schema_version", kResultSchemaVersion},
                                      {"complete", false},
                                      {"claims", json::array()},
                                      {"benchmarks", json::array()}});
          !ok) {
        std::filesystem::remove(path, ec);
        return std::unexpected(ok.error());
      }
      return writer;
    }
    if (errno != EEXIST) {
      return fail(fmt::format("cannot write in output directory '{}': {}", directory.string(),
                              std::strerror(errno)));
    }
  }
  return fail(
      fmt::format("output directory '{}': no free name for '{}'", directory.string(), stem));
}

Expected<void> ResultWriter::write(const json& document) const {
  const auto temp = path_.parent_path() / fmt::format(".{}.tmp", path_.filename().string());
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) {
      return fail(fmt::format("cannot write '{}': {}", temp.string(), std::strerror(errno)));
    }
    out << document.dump(1) << '\n';
    if (!out.flush()) return fail(fmt::format("cannot write '{}'", temp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(temp, path_, ec);
  if (ec) return fail(fmt::format("cannot rename '{}': {}", temp.string(), ec.message()));
  return {};
}

Expected<json> read_result(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return fail(fmt::format("{}: cannot read it", file.string()));
  json document;
  try {
    document = json::parse(in);
  } catch (const json::parse_error& error) {
    // nlohmann reports a byte offset; say the line, which an editor can jump to.
    std::ifstream again(file);
    std::size_t line = 1;
    std::size_t offset = 0;
    for (char c; offset < error.byte && again.get(c); ++offset)
      line += c == '\n';
    return fail(fmt::format("{}:{}: not valid JSON ({})", file.string(), line, error.what()));
  }
  if (!document.is_object() || document.value("schema", "") != "claimbench.result") {
    return fail(fmt::format("{}: not a claimbench result (no \"schema\": \"claimbench.result\")",
                            file.string()));
  }
  const int version = document.value("schema_version", 0);
  if (version != kResultSchemaVersion) {
    return fail(
        fmt::format("{}: result schema version {} is {} than this bench understands ({}); "
                    "{}",
                    file.string(), version, version < kResultSchemaVersion ? "older" : "newer",
                    kResultSchemaVersion,
                    version < kResultSchemaVersion ? "re-run the claims with this version"
                                                   : "update claimbench to read it"));
  }
  if (!document.contains("claims") || !document["claims"].is_array()) {
    return fail(fmt::format("{}: result has no \"claims\" array", file.string()));
  }
  return document;
}

}  // namespace claimbench
