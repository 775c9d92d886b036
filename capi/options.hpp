// capi/options.hpp - reading extensible option structs (STYLE.md 3.8).
//
// A caller compiled against an older header passes a smaller struct_size: the fields it does
// not have take their defaults. A caller compiled against a newer header passes a larger one:
// accepted only if every byte this library does not know is zero (the caller left the newer
// knobs at their defaults), else MPADJUST_EINVALID. Sizes below the first layout are rejected.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <type_traits>

#include <mpadjust.h>
#include <mpadjust/error.hpp>

namespace mpadjust {
namespace capi {

template <class Options>
class options_reader {
 public:
  // `opts` may be NULL (all defaults). `name` is the argument's name for messages.
  options_reader(const Options* opts, size_t min_size, const char* name) : opts_(opts) {
    if (opts == nullptr) return;
    const size_t size = opts->struct_size;
    if (size < min_size)
      throw mpadjust::invalid_field(std::string(name) + ".struct_size",
                                    "is " + std::to_string(size) + ", below the smallest layout (" +
                                        std::to_string(min_size) + " bytes); set it to sizeof");
    if (size > sizeof(Options)) {
      const unsigned char* tail = reinterpret_cast<const unsigned char*>(opts) + sizeof(Options);
      for (size_t i = 0; i < size - sizeof(Options); ++i) {
        if (tail[i] != 0)
          throw mpadjust::invalid_field(
              std::string(name) + ".struct_size",
              "is " + std::to_string(size) + ": the struct sets options this library (" +
                  std::to_string(sizeof(Options)) + "-byte layout) does not know; upgrade mpadjust");
      }
    }
  }

  // The field at `offset` of `size` bytes is present in the caller's struct.
  bool has(size_t offset, size_t size) const noexcept {
    return opts_ != nullptr && offset + size <= opts_->struct_size;
  }
  const Options* get() const noexcept { return opts_; }

 private:
  const Options* opts_;
};

// The body of every *_init function of an extensible struct: zeroes the caller's struct_size
// bytes (smaller than ours: an older header; larger: a newer one, whose extra knobs must read
// as zero) and sets struct_size. Throws MPADJUST_EINVALID for NULL or a size below min_size.
template <class Struct>
void init_struct(Struct* s, size_t struct_size, size_t min_size, const char* name) {
  if (s == nullptr) throw mpadjust::invalid_field(name, "must not be NULL");
  if (struct_size < min_size)
    throw mpadjust::invalid_field("struct_size", "is " + std::to_string(struct_size) +
                                                     ", below the smallest layout (" + std::to_string(min_size) +
                                                     " bytes); pass sizeof");
  std::memset(static_cast<void*>(s), 0, struct_size);
  s->struct_size = struct_size;
}

// MPADJUST_OPTION(reader, type, field, default): the caller's value of `field`, or the default
// when its struct is too old to have it (or the options pointer is NULL).
#define MPADJUST_OPTION(reader, type, field, dflt)                                    \
  ((reader).has(offsetof(type, field), sizeof(static_cast<const type*>(nullptr)->field)) ? (reader).get()->field \
                                                                               : (dflt))

}  // namespace capi
}  // namespace mpadjust
