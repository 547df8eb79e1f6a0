#pragma once
/// A stack walk shaped like Go's gentraceback: per frame, find the function's unwind table entry
/// by pc, then decode its sp-delta table up to that pc; nothing else (x86-64 ELF only).
///
/// Go 1.19's gentraceback, as addOneOpenDeferFrame runs it for a panic, does two things per
/// frame (runtime/traceback.go, symtab.go): findfunc(pc) (the function's entry, through the
/// linker's findfunctab buckets and the ftab), then pcvalue(f, pcsp, pc-1) (the pcsp table, a
/// run of varint (value delta, pc delta) pairs decoded from the function's entry until it passes
/// pc): the frame size, so sp + size is the caller's sp and the return address sits below it.
/// Measured on the errors twin: ~200 of a panic's ~240 ns are this walk over four frames.
///
/// The C++ counterparts of those two tables are the ELF unwind tables: _Unwind_Find_FDE(pc)
/// finds the function's FDE (glibc's _dl_find_object, then a binary search of .eh_frame_hdr's
/// sorted table: findfunc), and the FDE's CFA program is a run of (advance pc, set CFA offset)
/// instructions decoded from the function's start until it passes pc (pcvalue over pcsp). The
/// walk here does just that. libgcc's _Unwind_Backtrace, used before, also parses the CIE's
/// augmentations, builds a rule for every register and copies the whole register context per
/// frame (~180 ns per frame here, ~4x Go's).
///
/// Only frames whose CFA is rsp + offset are walked (GCC's x86-64 code without frame pointers);
/// a frame whose CFA rule is anything else (rbp-based, an expression) or whose tables cannot be
/// read makes walk_to return `unsupported`, and the caller falls back to _Unwind_Backtrace.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace claimbench::go::frame_walk {

#if defined(__x86_64__) && defined(__ELF__) && defined(__GNUC__)
inline constexpr bool kSupported = true;
#else
inline constexpr bool kSupported = false;
#endif

/// libgcc's FDE search (unwind-dw2-fde.h; exported by libgcc_s and libgcc_eh, not declared in
/// <unwind.h>): the FDE covering pc, and in bases->func the function's first byte.
struct EhBases {
  void* tbase;
  void* dbase;
  void* func;
};
extern "C" const void* _Unwind_Find_FDE(void* pc, EhBases* bases);

enum class Result { reached, not_found, unsupported };

namespace detail {

inline std::uint64_t uleb(const std::uint8_t*& p) {
  std::uint64_t v = 0;
  unsigned shift = 0;
  std::uint8_t b = 0;
  do {
    b = *p++;
    if (shift < 64) v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) != 0);
  return v;
}

inline std::int64_t sleb(const std::uint8_t*& p) {
  std::int64_t v = 0;
  unsigned shift = 0;
  std::uint8_t b = 0;
  do {
    b = *p++;
    if (shift < 64) v |= static_cast<std::int64_t>(b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) != 0);
  if (shift < 64 && (b & 0x40) != 0) v |= -(std::int64_t{1} << shift);
  return v;
}

template <class T>
T read(const std::uint8_t*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

// The size in bytes of a pointer of DWARF encoding `enc` (only its size matters here): 0 for
// the variable-length LEB128 forms (the caller skips them), -1 when unknown.
inline int encoded_size(std::uint8_t enc) {
  switch (enc & 0x0f) {
    case 0x00:  // absptr
    case 0x04:  // udata8
    case 0x0c:  // sdata8
      return 8;
    case 0x02:  // udata2
    case 0x0a:  // sdata2
      return 2;
    case 0x03:  // udata4
    case 0x0b:  // sdata4
      return 4;
    case 0x01:  // uleb128
    case 0x09:  // sleb128
      return 0;
    default:
      return -1;
  }
}

// Skips a pointer of DWARF encoding `enc`; false if the encoding is unknown.
inline bool skip_encoded(const std::uint8_t*& p, std::uint8_t enc) {
  if (enc == 0xff) return true;  // DW_EH_PE_omit
  const int size = encoded_size(enc);
  if (size < 0) return false;
  if (size == 0) {
    uleb(p);  // sleb128 has the same length rule
  } else {
    p += size;
  }
  return true;
}

struct Cfa {
  std::uint64_t reg = 7;  // DWARF x86-64: 7 = rsp, 6 = rbp
  std::int64_t offset = 8;
};

// Runs CFA instructions [p, end) from location `loc` while loc <= pc; `cfa` is the CFA rule
// in force. Register rules other than the CFA's are skipped (the walk needs only the CFA: the
// return address is at CFA - 8 on x86-64). False on an instruction this walk does not decode.
inline bool run_cfa(const std::uint8_t* p, const std::uint8_t* end, std::uintptr_t loc,
                    std::uintptr_t pc, std::uint64_t code_align, std::int64_t data_align, Cfa& cfa,
                    Cfa* stack, int& depth) {
  constexpr int kMaxDepth = 8;
  while (p < end && loc <= pc) {
    const std::uint8_t op = *p++;
    if ((op >> 6) == 1) {  // DW_CFA_advance_loc: the delta is in the low 6 bits
      loc += (op & 0x3fU) * code_align;
      continue;
    }
    if ((op >> 6) == 2) {  // DW_CFA_offset: a register saved at CFA + n (not needed here)
      uleb(p);
      continue;
    }
    if ((op >> 6) == 3) continue;  // DW_CFA_restore
    switch (op) {
      case 0x00:  // nop
        break;
      case 0x02:  // advance_loc1
        loc += read<std::uint8_t>(p) * code_align;
        break;
      case 0x03:  // advance_loc2
        loc += read<std::uint16_t>(p) * code_align;
        break;
      case 0x04:  // advance_loc4
        loc += read<std::uint32_t>(p) * code_align;
        break;
      case 0x05:  // offset_extended
      case 0x09:  // register
      case 0x14:  // val_offset
        uleb(p);
        uleb(p);
        break;
      case 0x11:  // offset_extended_sf
      case 0x15:  // val_offset_sf
        uleb(p);
        sleb(p);
        break;
      case 0x06:  // restore_extended
      case 0x07:  // undefined
      case 0x08:  // same_value
      case 0x2e:  // GNU_args_size
        uleb(p);
        break;
      case 0x0a:  // remember_state
        if (depth == kMaxDepth) return false;
        stack[depth++] = cfa;
        break;
      case 0x0b:  // restore_state
        if (depth == 0) return false;
        cfa = stack[--depth];
        break;
      case 0x0c:  // def_cfa
        cfa.reg = uleb(p);
        cfa.offset = static_cast<std::int64_t>(uleb(p));
        break;
      case 0x0d:  // def_cfa_register
        cfa.reg = uleb(p);
        break;
      case 0x0e:  // def_cfa_offset
        cfa.offset = static_cast<std::int64_t>(uleb(p));
        break;
      case 0x12:  // def_cfa_sf
        cfa.reg = uleb(p);
        cfa.offset = sleb(p) * data_align;
        break;
      case 0x13:  // def_cfa_offset_sf
        cfa.offset = sleb(p) * data_align;
        break;
      case 0x10:    // expression (a register's rule: skipped)
      case 0x16: {  // val_expression
        uleb(p);
        const std::uint64_t len = uleb(p);
        p += len;
        break;
      }
      default:  // set_loc, def_cfa_expression, vendor ops: not decoded here
        return false;
    }
  }
  return true;
}

// The CFA offset from rsp at `pc` in the function whose FDE covers it; false when the frame is
// not rsp-based or the tables hold something this walk does not decode.
inline bool rsp_offset_at(std::uintptr_t pc, std::int64_t& offset) {
  EhBases bases{};
  const auto* fde =
      static_cast<const std::uint8_t*>(_Unwind_Find_FDE(reinterpret_cast<void*>(pc), &bases));
  if (fde == nullptr) return false;
  // FDE: length, CIE pointer (relative to its own field), pc begin, pc range, augmentation, ops.
  const std::uint8_t* p = fde;
  const auto fde_len = read<std::uint32_t>(p);
  if (fde_len == 0xffffffffU) return false;  // 64-bit DWARF: not emitted by GCC for x86-64
  const std::uint8_t* fde_end = p + fde_len;
  const std::uint8_t* cie_ptr_field = p;
  const auto cie_off = read<std::uint32_t>(p);
  const std::uint8_t* cie = cie_ptr_field - cie_off;

  // CIE: length, id, version, augmentation string, alignment factors, RA register, augmentation
  // data (personality, LSDA and FDE pointer encodings), initial instructions.
  const std::uint8_t* c = cie;
  const auto cie_len = read<std::uint32_t>(c);
  if (cie_len == 0xffffffffU) return false;
  const std::uint8_t* cie_end = c + cie_len;
  c += 4;  // CIE id
  const std::uint8_t version = *c++;
  const char* aug = reinterpret_cast<const char*>(c);
  c += std::strlen(aug) + 1;
  const std::uint64_t code_align = uleb(c);
  const std::int64_t data_align = sleb(c);
  if (version == 1)
    ++c;
  else
    uleb(c);                 // return address register
  std::uint8_t fde_enc = 0;  // absptr
  bool has_aug_data = false;
  if (aug[0] == 'z') {
    has_aug_data = true;
    const std::uint64_t aug_len = uleb(c);
    const std::uint8_t* aug_end = c + aug_len;
    for (const char* a = aug + 1; *a != '\0'; ++a) {
      if (*a == 'R') {
        fde_enc = *c++;
      } else if (*a == 'P') {
        const std::uint8_t enc = *c++;
        if (!skip_encoded(c, enc)) return false;
      } else if (*a == 'L') {
        ++c;
      } else if (*a != 'S') {
        return false;
      }
    }
    c = aug_end;
  } else if (aug[0] != '\0') {
    return false;
  }

  // The FDE's pc begin and range (their encoding: the CIE's 'R'); bases.func has the decoded
  // begin already, so only their size matters.
  if (!skip_encoded(p, fde_enc)) return false;
  if (!skip_encoded(p, static_cast<std::uint8_t>(fde_enc & 0x0f))) return false;
  if (has_aug_data) {
    const std::uint64_t len = uleb(p);
    p += len;
  }

  Cfa cfa;
  Cfa stack[8];
  int depth = 0;
  const auto func = reinterpret_cast<std::uintptr_t>(bases.func);
  if (!run_cfa(c, cie_end, func, pc, code_align, data_align, cfa, stack, depth)) return false;
  if (!run_cfa(p, fde_end, func, pc, code_align, data_align, cfa, stack, depth)) return false;
  if (cfa.reg != 7) return false;  // rbp-based or other: the caller falls back
  offset = cfa.offset;
  return true;
}

}  // namespace detail

/// Where a walk starts: a frame's pc and sp, as a callee sees its caller's (Go's getcallerpc and
/// getcallersp; here __builtin_return_address(0) and __builtin_dwarf_cfa() in the callee).
struct Start {
  std::uintptr_t pc;
  std::uintptr_t sp;
};

/// Walks outward from `start` until a frame's CFA is `target` (the CFA that
/// __builtin_dwarf_cfa() gave in that frame); `frames` counts the frames decoded.
inline Result walk_to(Start start, const void* target, int& frames, int max_frames = 64) {
  frames = 0;
  if constexpr (!kSupported) {
    return Result::unsupported;
  } else {
    std::uintptr_t pc = start.pc;
    std::uintptr_t sp = start.sp;
    const auto goal = reinterpret_cast<std::uintptr_t>(target);
    while (frames < max_frames) {
      std::int64_t offset = 0;
      // pc - 1: a return address is the instruction after the call, which may belong to the
      // next function or another CFA row (Go's gentraceback uses tracepc-1 likewise).
      if (!detail::rsp_offset_at(pc - 1, offset)) return Result::unsupported;
      ++frames;
      const std::uintptr_t cfa = sp + static_cast<std::uintptr_t>(offset);
      if (cfa == goal) return Result::reached;
      if (cfa > goal) return Result::not_found;  // the stack grows down: passed it
      std::memcpy(&pc, reinterpret_cast<const void*>(cfa - 8), sizeof pc);
      sp = cfa;
    }
    return Result::not_found;
  }
}

}  // namespace claimbench::go::frame_walk
