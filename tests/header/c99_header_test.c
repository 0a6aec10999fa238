/* The public C header must compile on its own as strict C99 (and as C++). */
#include "itsm/itsm.h"

int itsm_header_test_uses_everything(void);
int itsm_header_test_uses_everything(void) {
  itsm_error_code code = ITSM_OK;
  const itsm_error *err = 0;
  itsm_calendar *cal = 0;
  (void)err;
  (void)cal;
  return (int)code + ITSM_VERSION_NUMBER * 0;
}
