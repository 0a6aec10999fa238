# Runs ITSMCTL sla eval on INPUT and compares its output with EXPECTED, line by line.
execute_process(COMMAND ${ITSMCTL} sla eval ${INPUT}
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "itsmctl exited with ${rc}")
endif()
file(READ ${EXPECTED} expected)
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "output differs from ${EXPECTED}\n--- got:\n${out}\n--- expected:\n${expected}")
endif()
message(STATUS "itsmctl output matches ${EXPECTED}")
