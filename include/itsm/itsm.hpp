#pragma once
/// \file
/// The itsm C++ API in one include. Areas: instants and RFC 3339 text (time.hpp), time zones
/// (zone.hpp), calendars and business time (calendar.hpp), the query-line form (query.hpp), SLA
/// clocks (sla.hpp), workflow definitions (workflow.hpp), tickets (ticket.hpp), change freezes and
/// overlaps (change_schedule.hpp), work across tickets (links.hpp), event lines and the event store
/// (event.hpp), the service report (report.hpp), the compliance audit (audit.hpp), JSON text in
/// (json.hpp), limits (limits.hpp), errors (error.hpp) and the version (version.hpp).

#include "itsm/audit.hpp"
#include "itsm/calendar.hpp"
#include "itsm/change_schedule.hpp"
#include "itsm/error.hpp"
#include "itsm/event.hpp"
#include "itsm/json.hpp"
#include "itsm/limits.hpp"
#include "itsm/links.hpp"
#include "itsm/query.hpp"
#include "itsm/report.hpp"
#include "itsm/sla.hpp"
#include "itsm/ticket.hpp"
#include "itsm/time.hpp"
#include "itsm/version.hpp"
#include "itsm/workflow.hpp"
#include "itsm/zone.hpp"
