# Runs PROGRAM (with ARG when given) and passes when it exits 0 and its standard output contains
# EXPECT, a literal line fragment; either failure is named. PASS_REGULAR_EXPRESSION alone would
# pass a program that printed the line and then failed.
# usage: cmake -DPROGRAM=... [-DARG=...] -DEXPECT=... -P expect_output.cmake
execute_process(COMMAND ${PROGRAM} ${ARG} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} ${ARG} exited with ${rc}")
endif()
string(FIND "${out}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the output has no '${EXPECT}'")
endif()
