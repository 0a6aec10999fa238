#pragma once
/// \file
/// The itsm C++ API in one include. Areas: calendars and business time (calendar.hpp), the
/// query-line form (query.hpp), errors (error.hpp) and the version (version.hpp).

#include "itsm/calendar.hpp"
#include "itsm/error.hpp"
#include "itsm/query.hpp"
#include "itsm/sla.hpp"
#include "itsm/version.hpp"
