# ../shared (peer vectors, real logs) sits beside the checkout. Set here, before any
# add_subdirectory, so that every directory's tests (tests/, bindings/python/) see it; tests that
# read it skip when it is absent, and fail instead when CI is set.
get_filename_component(ITSM_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)

# A test that cannot run in this build (its tool was not found when configuring) is still
# registered, so ctest's summary shows it: it prints why and reports itself skipped (exit 77,
# SKIP_RETURN_CODE), or fails when the environment variable CI is set (to anything but "", "0"
# or "false"): .ci/run sets CI=true, and there every tool must be present.
function(itsm_add_unavailable_test name reason)
  add_test(NAME "${name}" COMMAND sh "${PROJECT_SOURCE_DIR}/tests/skip.sh" "${reason}")
  set_tests_properties("${name}" PROPERTIES SKIP_RETURN_CODE 77)
endfunction()
