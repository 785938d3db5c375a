# add_golden_test(NAME <name> EXIT <code> GOLDEN <dir>/<stem> COMMAND <command> [<arg>...]
#                 [WORKING_DIRECTORY <dir>] [STDIN <file>])
# A test that runs the command and checks its exit code and its stdout and
# stderr against <dir>/<stem>.stdout and <dir>/<stem>.stderr (tests/golden.py;
# a missing file stands for an empty output). The command reads <file>, or
# nothing, on its stdin. docs/TESTING.md, "CLI golden
# files", has the format and how to rewrite them.
find_package(Python3 REQUIRED COMPONENTS Interpreter)

function(add_golden_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;EXIT;GOLDEN;WORKING_DIRECTORY;STDIN" "COMMAND")
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  set(_stdin)
  if(arg_STDIN)
    set(_stdin --stdin "${arg_STDIN}")
  endif()
  add_test(NAME ${arg_NAME}
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/golden.py"
            --golden "${arg_GOLDEN}" --exit ${arg_EXIT}
            --source-dir "${PROJECT_SOURCE_DIR}" --build-dir "${PROJECT_BINARY_DIR}"
            ${_stdin} -- ${arg_COMMAND}
    WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
endfunction()
