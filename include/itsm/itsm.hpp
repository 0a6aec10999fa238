#pragma once
/// \file
/// The itsm C++ API in one include. Areas: calendars and business time (calendar.hpp), the
/// query-line form (query.hpp), SLA clocks (sla.hpp), workflow definitions (workflow.hpp),
/// tickets (ticket.hpp), change freezes and overlaps (change_schedule.hpp), work across tickets
/// (links.hpp), errors (error.hpp) and the version (version.hpp).

#include "itsm/calendar.hpp"
#include "itsm/change_schedule.hpp"
#include "itsm/error.hpp"
#include "itsm/limits.hpp"
#include "itsm/links.hpp"
#include "itsm/query.hpp"
#include "itsm/sla.hpp"
#include "itsm/ticket.hpp"
#include "itsm/version.hpp"
#include "itsm/workflow.hpp"
