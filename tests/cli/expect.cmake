# Runs the wasm-link command and checks its exit code, and its stdout and stderr
# against regular expressions (anchored: they must match the whole output).
#   cmake -DCOMMAND="a;b;c" -DEXIT=0 -DSTDOUT=regex -DSTDERR=regex -P expect.cmake
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(problems "")
if(NOT code STREQUAL EXIT)
  string(APPEND problems "exit code ${code}, expected ${EXIT}\n")
endif()
if(NOT out MATCHES "^${STDOUT}$")
  string(APPEND problems "stdout did not match ^${STDOUT}$\n")
endif()
if(NOT err MATCHES "^${STDERR}$")
  string(APPEND problems "stderr did not match ^${STDERR}$\n")
endif()
if(problems)
  message(FATAL_ERROR "${problems}--- stdout:\n${out}--- stderr:\n${err}")
endif()
