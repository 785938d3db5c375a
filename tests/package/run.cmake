# Drives tests/package: builds and runs the consumer project in this folder
# against wasm_link one way, and fails with the output of the step that failed.
#
#   cmake -DMODE=find_package|add_subdirectory -DSOURCE_DIR=<repository>
#         -DBUILD_DIR=<its build folder> -DWORK_DIR=<a folder of the test's own>
#         -DGENERATOR=... -DCXX_COMPILER=... -DC_COMPILER=... -DBUILD_TYPE=...
#         [-DWASM_LINK_CACHE_DIR=...] [-DWASMTIME_C_API_DIR=...] -P run.cmake
#
# find_package: installs BUILD_DIR into a staging prefix, moves the prefix (the
# package must not remember where it was installed), and builds the consumer
# against it through CMAKE_PREFIX_PATH.
# add_subdirectory: builds the consumer with the repository as a subdirectory,
# reusing the Wasmtime C API cached in WASM_LINK_CACHE_DIR (or WASMTIME_C_API_DIR).
#
# Inner builds use $CMAKE_BUILD_PARALLEL_LEVEL jobs, 2 unless set.

foreach(_variable MODE SOURCE_DIR BUILD_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT ${_variable})
    message(FATAL_ERROR "run.cmake needs -D${_variable}=...")
  endif()
endforeach()
if(DEFINED ENV{CMAKE_BUILD_PARALLEL_LEVEL} AND NOT "$ENV{CMAKE_BUILD_PARALLEL_LEVEL}" STREQUAL "")
  set(_jobs "$ENV{CMAKE_BUILD_PARALLEL_LEVEL}")
else()
  set(_jobs 2)
endif()

# Runs one step; its output is the variable `step_output`.
function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    list(JOIN ARGN " " _command)
    message(FATAL_ERROR "${name} failed (${_rc}): ${_command}\n${_out}\n${_err}")
  endif()
  set(step_output "${_out}${_err}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(_consumer "${WORK_DIR}/consumer")
set(_configure "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/package" -B "${_consumer}"
    -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
    "-DWASM_LINK_CONSUME=${MODE}")

if(MODE STREQUAL "find_package")
  step("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK_DIR}/staging")
  file(RENAME "${WORK_DIR}/staging" "${WORK_DIR}/prefix")
  step("configuring the consumer" ${_configure} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
  string(FIND "${step_output}" "wasm_link from ${WORK_DIR}/prefix/" _found)
  if(_found EQUAL -1)
    message(FATAL_ERROR "the consumer did not find wasm_link in ${WORK_DIR}/prefix:\n${step_output}")
  endif()
elseif(MODE STREQUAL "add_subdirectory")
  step("configuring the consumer" ${_configure} "-DWASM_LINK_SOURCE_DIR=${SOURCE_DIR}"
       "-DCMAKE_C_COMPILER=${C_COMPILER}"
       "-DWASM_LINK_CACHE_DIR=${WASM_LINK_CACHE_DIR}" "-DWASMTIME_C_API_DIR=${WASMTIME_C_API_DIR}")
  # Built for itself, the repository adds these; as a subdirectory, none of them.
  foreach(_folder tests tools examples bench fuzz)
    if(EXISTS "${_consumer}/wasm_link/${_folder}")
      message(FATAL_ERROR "as a subdirectory, wasm_link still added ${_folder}/")
    endif()
  endforeach()
else()
  message(FATAL_ERROR "MODE is find_package or add_subdirectory, not ${MODE}")
endif()

step("building the consumer" "${CMAKE_COMMAND}" --build "${_consumer}" --target consumer -j ${_jobs})
step("running the consumer" "${_consumer}/consumer")
set(_expected "C++20\nget-value: func() -> u32\nplugin: 42\n")
if(NOT step_output STREQUAL _expected)
  message(FATAL_ERROR "the consumer printed:\n${step_output}\ninstead of:\n${_expected}")
endif()
message(STATUS "the consumer (${MODE}) printed what it should")
