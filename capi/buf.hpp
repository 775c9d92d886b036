// capi/buf.hpp - filling an mpadjust_buf (owned output, STYLE.md 3.7).
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#include <mpadjust.h>

namespace mpadjust {
namespace capi {

// Copies `text` into a fresh malloc'd, NUL-terminated block owned by `out` (released by
// mpadjust_buf_dispose, which calls free). Throws std::bad_alloc when memory runs out; `out`
// is written only on success.
inline void fill_buf(mpadjust_buf* out, std::string_view text) {
  char* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (p == nullptr) throw std::bad_alloc();
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  out->ptr = p;
  out->size = text.size();
}

}  // namespace capi
}  // namespace mpadjust
