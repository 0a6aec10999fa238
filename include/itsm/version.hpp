#pragma once
/// \file
/// The library version, from the one definition in CMakeLists.txt (via the generated version.h).

#include "itsm/version.h"

namespace itsm {
inline namespace v1 {

/// The version of the itsm headers in use, as numbers and as text.
struct version_info {
  int major;
  int minor;
  int patch;
  const char* string;
  int number;  ///< major * 10000 + minor * 100 + patch
};

/// The version of these headers (the C ABI's `itsm_version_string()` reports the library's).
inline constexpr version_info version{ITSM_VERSION_MAJOR, ITSM_VERSION_MINOR, ITSM_VERSION_PATCH,
                                      ITSM_VERSION_STRING, ITSM_VERSION_NUMBER};

}  // namespace v1
}  // namespace itsm
