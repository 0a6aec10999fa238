# Unity batches for the targets that compile many sources against the whole header-centric library.
# Each source includes the same headers and instantiates the same templates, so compiling them
# apart repeats most of the work: a source of 40 lines costs 30 to 50 s of parsing and code
# generation. With ITSM_UNITY_BUILD (the default), CMake compiles `target`'s sources in batches of
# `ITSM_UNITY_BATCH_SIZE` (default 4: two or three batches per target keep both cores of a CI
# machine busy). Turn it off to rebuild one edited file at a time.
set(ITSM_UNITY_BATCH_SIZE 4 CACHE STRING "Sources per unity batch (ITSM_UNITY_BUILD)")

function(itsm_unity_build target)
  if(ITSM_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${ITSM_UNITY_BATCH_SIZE})
  endif()
endfunction()
