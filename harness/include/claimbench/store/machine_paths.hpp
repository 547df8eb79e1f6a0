#pragma once
/// Messages without the file layout of the machine that wrote them, for results and notes.

#include <string>
#include <string_view>

#include "claimbench/store/result_model.hpp"

namespace claimbench {

/// Each absolute path in free text becomes "…/<its last part>" ("TSan build missing:
/// /work/x/build/race_workloads_tsan does not exist" -> "…/race_workloads_tsan"); a path is a
/// '/' at the start of the text or after a space, quote, bracket or '=', so "ns/op",
/// "BM_X/a/b" and "https://..." stay as they are.
std::string without_machine_paths(std::string_view text);

/// The same for every message a claim result carries: its skip reason, its checks' reasons
/// (C++ and Go side), its variants' skip reasons and its counters' reasons. Results are shared
/// across machines, so a run records them this way and the notes show old results this way.
void strip_machine_paths(ClaimResult& claim);

}  // namespace claimbench
