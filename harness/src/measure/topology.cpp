#include "claimbench/measure/topology.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

namespace claimbench {
namespace {

// hwloc bitmaps are C objects; this keeps them from leaking on early returns.
using Bitmap = std::unique_ptr<hwloc_bitmap_s, decltype(&hwloc_bitmap_free)>;
Bitmap make_bitmap() {
  return Bitmap(hwloc_bitmap_alloc(), &hwloc_bitmap_free);
}

Expected<hwloc_topology_t> load(const std::string* xml_path) {
  hwloc_topology_t topology = nullptr;
  if (hwloc_topology_init(&topology) != 0) return fail("hwloc: cannot initialise a topology");
  if (xml_path != nullptr && hwloc_topology_set_xml(topology, xml_path->c_str()) != 0) {
    hwloc_topology_destroy(topology);
    return fail(fmt::format("{}: not an hwloc XML topology", *xml_path));
  }
  if (hwloc_topology_load(topology) != 0) {
    hwloc_topology_destroy(topology);
    return fail(xml_path != nullptr ? fmt::format("{}: hwloc could not load it", *xml_path)
                                    : std::string("hwloc: cannot load this machine's topology"));
  }
  return topology;
}

std::string object_name(hwloc_obj_t object) {
  char buffer[64];
  hwloc_obj_type_snprintf(buffer, sizeof buffer, object, 0);
  return buffer;
}

// Round-robin interleave of each child's cores: siblings far apart in the tree come first.
std::vector<unsigned> spread_cores(hwloc_obj_t object) {
  if (object->type == HWLOC_OBJ_CORE) return {object->logical_index};
  std::vector<std::vector<unsigned>> per_child;
  for (unsigned i = 0; i < object->arity; ++i) {
    auto cores = spread_cores(object->children[i]);
    if (!cores.empty()) per_child.push_back(std::move(cores));
  }
  std::vector<unsigned> out;
  for (std::size_t round = 0;; ++round) {
    bool any = false;
    for (const auto& cores : per_child) {
      if (round < cores.size()) {
        out.push_back(cores[round]);
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

}  // namespace

Topology::Topology(hwloc_topology_t topology) : topology_(topology) {
  index();
}

Expected<Topology> Topology::this_machine() {
  CB_TRY(topology, load(nullptr));
  return Topology(topology);
}

Expected<Topology> Topology::from_xml(const std::string& path) {
  CB_TRY(topology, load(&path));
  return Topology(topology);
}

Topology::Topology(Topology&& other) noexcept
    : topology_(std::exchange(other.topology_, nullptr)),
      pus_(std::move(other.pus_)),
      cores_(other.cores_),
      packages_(other.packages_) {}

Topology& Topology::operator=(Topology&& other) noexcept {
  if (this != &other) {
    if (topology_ != nullptr) hwloc_topology_destroy(topology_);
    topology_ = std::exchange(other.topology_, nullptr);
    pus_ = std::move(other.pus_);
    cores_ = other.cores_;
    packages_ = other.packages_;
  }
  return *this;
}

Topology::~Topology() {
  if (topology_ != nullptr) hwloc_topology_destroy(topology_);
}

void Topology::index() {
  cores_ = static_cast<unsigned>(std::max(0, hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_CORE)));
  packages_ =
      static_cast<unsigned>(std::max(0, hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_PACKAGE)));
  std::map<unsigned, unsigned> seen_per_core;
  const int count = hwloc_get_nbobjs_by_type(topology_, HWLOC_OBJ_PU);
  for (int i = 0; i < count; ++i) {
    hwloc_obj_t pu = hwloc_get_obj_by_type(topology_, HWLOC_OBJ_PU, static_cast<unsigned>(i));
    hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topology_, HWLOC_OBJ_CORE, pu);
    hwloc_obj_t package = hwloc_get_ancestor_obj_by_type(topology_, HWLOC_OBJ_PACKAGE, pu);
    Pu entry;
    entry.os_index = pu->os_index;
    entry.logical = pu->logical_index;
    // A machine without Core objects (rare, some VMs) treats every PU as its own core.
    entry.core = core != nullptr ? core->logical_index : pu->logical_index;
    entry.package = package != nullptr ? package->logical_index : 0;
    entry.smt_rank = seen_per_core[entry.core]++;
    pus_.push_back(entry);
  }
  if (cores_ == 0) cores_ = static_cast<unsigned>(pus_.size());
}

const Pu* Topology::find_pu(unsigned os_index) const {
  auto it =
      std::find_if(pus_.begin(), pus_.end(), [&](const Pu& pu) { return pu.os_index == os_index; });
  return it == pus_.end() ? nullptr : &*it;
}

bool Topology::has_smt() const {
  return std::any_of(pus_.begin(), pus_.end(), [](const Pu& pu) { return pu.smt_rank > 0; });
}

std::vector<CacheLevel> Topology::caches() const {
  std::vector<CacheLevel> out;
  for (hwloc_obj_type_t type : {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
                                HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L5CACHE}) {
    const int count = hwloc_get_nbobjs_by_type(topology_, type);
    if (count <= 0) continue;
    hwloc_obj_t first = hwloc_get_obj_by_type(topology_, type, 0);
    out.push_back(CacheLevel{object_name(first), first->attr->cache.size,
                             first->attr->cache.linesize, static_cast<unsigned>(count)});
  }
  return out;
}

std::string Topology::package_info(const char* name) const {
  hwloc_obj_t package = hwloc_get_obj_by_type(topology_, HWLOC_OBJ_PACKAGE, 0);
  if (package == nullptr) return {};
  const char* value = hwloc_obj_get_info_by_name(package, name);
  return value != nullptr ? value : "";
}

std::string Topology::shared_cache(const std::vector<unsigned>& os_indices) const {
  hwloc_obj_t common = nullptr;
  for (unsigned os_index : os_indices) {
    hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topology_, os_index);
    if (pu == nullptr) return "none";
    common = common == nullptr ? pu : hwloc_get_common_ancestor_obj(topology_, common, pu);
  }
  for (hwloc_obj_t object = common; object != nullptr; object = object->parent) {
    if (hwloc_obj_type_is_cache(object->type) != 0) return object_name(object);
  }
  return "none";
}

std::vector<unsigned> Topology::cores_spread_order() const {
  return spread_cores(hwloc_get_root_obj(topology_));
}

Expected<void> Topology::bind_this_thread(unsigned os_index) const {
  Bitmap set = make_bitmap();
  hwloc_bitmap_only(set.get(), os_index);
  if (hwloc_set_cpubind(topology_, set.get(), HWLOC_CPUBIND_THREAD) != 0) {
    return fail(fmt::format("cannot bind a thread to PU {}: {}", os_index, std::strerror(errno)));
  }
  return {};
}

std::optional<unsigned> Topology::this_thread_location() const {
  Bitmap set = make_bitmap();
  if (hwloc_get_last_cpu_location(topology_, set.get(), HWLOC_CPUBIND_THREAD) != 0) {
    return std::nullopt;
  }
  const int first = hwloc_bitmap_first(set.get());
  if (first < 0) return std::nullopt;
  return static_cast<unsigned>(first);
}

}  // namespace claimbench
