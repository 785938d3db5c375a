# Provides the imported target `wasmtime::wasmtime`: Wasmtime's C API with its C
# and C++ headers (`wasmtime.hh`, `wasmtime/component/*.hh`).
#
# Either from a prebuilt C API (an official release's folder with `include/` and
# `lib/`) named by WASMTIME_C_API_DIR, or built with cargo from the small crate in
# cmake/wasmtime-c-api. The cargo build is cached outside the source tree, under
# WASM_LINK_CACHE_DIR, in a folder keyed by the crate's manifest, lock file and
# source, so the pinned version and its features decide the key and a fresh clone
# on the same machine reuses it. Cargo's own build folder is shared by all keys,
# so a change of features or of the shim rebuilds only what changed.

set(WASMTIME_C_API_DIR "" CACHE PATH
    "Prebuilt Wasmtime C API (a folder with include/ and lib/); empty: build it with cargo")

if(DEFINED ENV{WASM_LINK_CACHE_DIR} AND NOT "$ENV{WASM_LINK_CACHE_DIR}" STREQUAL "")
  # The same folder the runtime's compile cache and the example builds use.
  set(_wasm_link_default_cache "$ENV{WASM_LINK_CACHE_DIR}")
elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_wasm_link_default_cache "$ENV{XDG_CACHE_HOME}/wasm-link")
else()
  set(_wasm_link_default_cache "$ENV{HOME}/.cache/wasm-link")
endif()
set(WASM_LINK_CACHE_DIR "${_wasm_link_default_cache}" CACHE PATH
    "Where the cargo-built Wasmtime C API is cached")

set(_crate "${CMAKE_CURRENT_LIST_DIR}/wasmtime-c-api")

function(_wasm_link_build_wasmtime out_dir)
  file(READ "${_crate}/Cargo.toml" _manifest)
  file(READ "${_crate}/Cargo.lock" _lock)
  file(READ "${_crate}/src/lib.rs" _lib)
  string(SHA256 _key "${_manifest}${_lock}${_lib}")
  string(SUBSTRING "${_key}" 0 12 _key)
  string(REGEX MATCH "wasmtime-c-api-impl\"\nversion = \"([0-9.]+)\"" _ "${_lock}")
  set(_version "${CMAKE_MATCH_1}")
  set(_dir "${WASM_LINK_CACHE_DIR}/wasmtime-${_version}-${_key}")
  set(${out_dir} "${_dir}" PARENT_SCOPE)
  set(WASMTIME_VERSION "${_version}" PARENT_SCOPE)

  if(EXISTS "${_dir}/complete")
    return()
  endif()

  file(MAKE_DIRECTORY "${_dir}")
  # Two configures sharing one cache (say, two build folders) take turns; the
  # lock is on the shared cargo folder, which every key builds in.
  set(_target "${WASM_LINK_CACHE_DIR}/cargo-target")
  file(MAKE_DIRECTORY "${_target}")
  file(LOCK "${_target}/lock" GUARD FUNCTION TIMEOUT 7200)
  if(EXISTS "${_dir}/complete")
    return()
  endif()

  find_program(CARGO cargo HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)
  message(STATUS "Building Wasmtime ${_version} C API with cargo into ${_dir}")
  message(STATUS "  (first time on this machine only; about 5 minutes on 2 cores, see README.md)")
  file(COPY "${_crate}/Cargo.toml" "${_crate}/Cargo.lock" "${_crate}/src"
       DESTINATION "${_dir}/crate")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env "CARGO_TARGET_DIR=${_target}"
            "${CARGO}" build --release --locked
    WORKING_DIRECTORY "${_dir}/crate"
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "cargo could not build the Wasmtime C API (exit ${_rc}); "
                        "see the output above")
  endif()

  # The crate's build script installs the headers, with the generated conf.h,
  # into its OUT_DIR; after a change of features, the newest one is ours.
  file(GLOB _confs "${_target}/release/build/wasmtime-c-api-impl-*/out/include/wasmtime/conf.h")
  set(_conf "")
  set(_newest 0)
  foreach(_candidate IN LISTS _confs)
    file(TIMESTAMP "${_candidate}" _time "%s")
    if(_time GREATER _newest)
      set(_newest ${_time})
      set(_conf "${_candidate}")
    endif()
  endforeach()
  if(NOT _conf)
    message(FATAL_ERROR "cargo built no wasmtime/conf.h under ${_target}")
  endif()
  get_filename_component(_include "${_conf}" DIRECTORY)
  get_filename_component(_include "${_include}" DIRECTORY)
  file(REMOVE_RECURSE "${_dir}/include" "${_dir}/lib")
  file(COPY "${_include}/" DESTINATION "${_dir}/include")
  file(COPY "${_target}/release/libwasmtime.a" "${_target}/release/libwasmtime.so"
       DESTINATION "${_dir}/lib")
  file(WRITE "${_dir}/complete" "${_version}\n")
endfunction()

if(WASMTIME_C_API_DIR)
  set(_wasmtime_dir "${WASMTIME_C_API_DIR}")
  set(WASMTIME_VERSION "prebuilt")
else()
  _wasm_link_build_wasmtime(_wasmtime_dir)
endif()

foreach(_required include/wasmtime.hh include/wasmtime/conf.h lib/libwasmtime.a)
  if(NOT EXISTS "${_wasmtime_dir}/${_required}")
    message(FATAL_ERROR "Wasmtime C API at ${_wasmtime_dir} has no ${_required}")
  endif()
endforeach()
file(STRINGS "${_wasmtime_dir}/include/wasmtime/conf.h" _component_model
     REGEX "define WASMTIME_FEATURE_COMPONENT_MODEL$")
if(NOT _component_model)
  message(FATAL_ERROR "Wasmtime C API at ${_wasmtime_dir} was built without the component model")
endif()

find_package(Threads REQUIRED)
if(WASM_LINK_SANITIZE MATCHES "thread")
  # ThreadSanitizer cannot see the synchronisation inside Wasmtime's
  # uninstrumented Rust code. Linked as a shared library, Wasmtime is a module of
  # its own whose libc calls TSAN_OPTIONS=ignore_noninstrumented_modules=1 can
  # leave aside, while every access of ours is still checked.
  if(NOT EXISTS "${_wasmtime_dir}/lib/libwasmtime.so")
    message(FATAL_ERROR "ThreadSanitizer builds need ${_wasmtime_dir}/lib/libwasmtime.so")
  endif()
  add_library(wasmtime::wasmtime SHARED IMPORTED GLOBAL)
  set_target_properties(wasmtime::wasmtime PROPERTIES
    IMPORTED_LOCATION "${_wasmtime_dir}/lib/libwasmtime.so"
    IMPORTED_NO_SONAME TRUE)
else()
  add_library(wasmtime::wasmtime STATIC IMPORTED GLOBAL)
  set_target_properties(wasmtime::wasmtime PROPERTIES
    IMPORTED_LOCATION "${_wasmtime_dir}/lib/libwasmtime.a")
endif()
set_target_properties(wasmtime::wasmtime PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_wasmtime_dir}/include"
  INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m;rt;util")
message(STATUS "Wasmtime C API ${WASMTIME_VERSION}: ${_wasmtime_dir}")
