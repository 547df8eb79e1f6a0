#include "claimbench/measure/placement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace claimbench {
namespace {

Expected<unsigned> parse_index(std::string_view list, std::string_view part) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
  if (ec != std::errc{} || end != part.data() + part.size()) {
    return fail(fmt::format("bad CPU list '{}': '{}' is not a CPU number (expected e.g. 0,2,4-7)",
                            list, part));
  }
  return value;
}

std::string pu_ranges(const Topology& topology) {
  std::vector<unsigned> ids;
  for (const Pu& pu : topology.pus())
    ids.push_back(pu.os_index);
  std::sort(ids.begin(), ids.end());
  std::string out;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1)
      ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", ids[i]) : fmt::format("{}-{}", ids[i], ids[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string_view to_string(Policy policy) {
  switch (policy) {
    case Policy::spread:
      return "spread";
    case Policy::compact:
      return "compact";
    case Policy::siblings:
      return "siblings";
    case Policy::list:
      return "list";
  }
  return "?";
}

Expected<Policy> parse_policy(std::string_view text) {
  for (Policy policy : {Policy::spread, Policy::compact, Policy::siblings}) {
    if (text == to_string(policy)) return policy;
  }
  return fail(fmt::format("unknown placement '{}' (expected spread, compact or siblings)", text));
}

Placement place(const Topology& topology, Policy policy) {
  CB_CHECK(policy != Policy::list, "place() takes a policy; use place_list for CPU lists");
  Placement out{policy, {}, {}};
  const auto& pus = topology.pus();
  if (policy == Policy::compact) {
    out.pus = pus;  // hwloc's logical order is depth-first: siblings, then cache neighbours
  } else if (policy == Policy::siblings) {
    std::map<unsigned, unsigned> per_core;
    for (const Pu& pu : pus)
      ++per_core[pu.core];
    std::copy_if(pus.begin(), pus.end(), std::back_inserter(out.pus),
                 [&](const Pu& pu) { return per_core[pu.core] >= 2; });
    if (out.pus.empty()) out.limit = "siblings needs SMT: no core on this machine has two PUs";
  } else {
    // Spread: first PU of each core in spread order, then second PUs in the same order, ...
    const auto order = topology.cores_spread_order();
    unsigned max_rank = 0;
    for (const Pu& pu : pus)
      max_rank = std::max(max_rank, pu.smt_rank);
    for (unsigned rank = 0; rank <= max_rank; ++rank) {
      for (unsigned core : order) {
        for (const Pu& pu : pus) {
          if (pu.core == core && pu.smt_rank == rank) out.pus.push_back(pu);
        }
      }
    }
    // A topology without Core objects gives no spread order; fall back to logical order.
    if (out.pus.empty()) out.pus = pus;
  }
  return out;
}

Expected<Placement> place_list(const Topology& topology, std::string_view cpu_list) {
  Placement out{Policy::list, {}, {}};
  if (cpu_list.empty()) return fail("bad CPU list '': it is empty (expected e.g. 0,2,4-7)");
  std::size_t start = 0;
  while (start <= cpu_list.size()) {
    const std::size_t comma = std::min(cpu_list.find(',', start), cpu_list.size());
    const std::string_view part = cpu_list.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    auto first = parse_index(cpu_list, part.substr(0, dash));
    if (!first) return std::unexpected(first.error());
    unsigned last = *first;
    if (dash != std::string_view::npos) {
      auto end = parse_index(cpu_list, part.substr(dash + 1));
      if (!end) return std::unexpected(end.error());
      if (*end < *first) {
        return fail(fmt::format("bad CPU list '{}': range '{}' runs backwards", cpu_list, part));
      }
      last = *end;
    }
    for (unsigned id = *first; id <= last; ++id) {
      const Pu* pu = topology.find_pu(id);
      if (pu == nullptr) {
        return fail(
            fmt::format("bad CPU list '{}': PU {} does not exist or is not allowed here "
                        "(this machine has PUs {})",
                        cpu_list, id, pu_ranges(topology)));
      }
      if (std::any_of(out.pus.begin(), out.pus.end(),
                      [&](const Pu& seen) { return seen.os_index == id; })) {
        return fail(fmt::format("bad CPU list '{}': PU {} is listed twice", cpu_list, id));
      }
      out.pus.push_back(*pu);
    }
    start = comma + 1;
  }
  return out;
}

std::optional<std::string> cannot_place(const Placement& placement, int threads) {
  if (threads <= static_cast<int>(placement.pus.size())) return std::nullopt;
  if (!placement.limit.empty()) return placement.limit;
  return fmt::format("needs {} PUs; the {} placement has {}", threads, to_string(placement.policy),
                     placement.pus.size());
}

std::vector<unsigned> first_pus(const Placement& placement, int threads) {
  std::vector<unsigned> out;
  for (int i = 0; i < threads && i < static_cast<int>(placement.pus.size()); ++i) {
    out.push_back(placement.pus[static_cast<std::size_t>(i)].os_index);
  }
  return out;
}

}  // namespace claimbench
