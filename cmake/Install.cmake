# `cmake --install` of the library as the CMake package `wasm_link`:
#
#   lib/libwasm_link.a                      the library
#   include/wasm_link.hh, include/wasm_link/ its public headers
#   lib/wasm_link/libwasmtime.a             Wasmtime's C API, which the headers build on,
#   include/wasm_link/wasmtime-c-api/       with its C and C++ headers
#   lib/cmake/wasm_link/                    wasm_linkConfig.cmake and its version file
#
# Wasmtime lives in folders of the package's own, so that installing into a
# prefix that has another Wasmtime (say /usr/local) replaces none of its files;
# the package's target `wasm_link::wasmtime` points at it.

include(CMakePackageConfigHelpers)

set(_package_dir "${CMAKE_INSTALL_LIBDIR}/cmake/wasm_link")
set(WASM_LINK_INSTALL_WASMTIME_LIBRARY "${CMAKE_INSTALL_LIBDIR}/wasm_link/libwasmtime.a")
set(WASM_LINK_INSTALL_WASMTIME_INCLUDE "${CMAKE_INSTALL_INCLUDEDIR}/wasm_link/wasmtime-c-api")

install(TARGETS wasm_link EXPORT wasm_link_targets ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hh")
install(EXPORT wasm_link_targets NAMESPACE wasm_link:: FILE wasm_linkTargets.cmake
        DESTINATION "${_package_dir}")

# The Wasmtime this build links (cmake/Wasmtime.cmake: static unless ThreadSanitizer,
# which does not install); the package's target gets the same link dependencies.
get_target_property(_wasmtime_library wasmtime::wasmtime IMPORTED_LOCATION)
get_target_property(_wasmtime_include wasmtime::wasmtime INTERFACE_INCLUDE_DIRECTORIES)
get_target_property(WASM_LINK_WASMTIME_LINK_LIBRARIES wasmtime::wasmtime INTERFACE_LINK_LIBRARIES)
install(FILES "${_wasmtime_library}" DESTINATION "${CMAKE_INSTALL_LIBDIR}/wasm_link")
install(DIRECTORY "${_wasmtime_include}/" DESTINATION "${WASM_LINK_INSTALL_WASMTIME_INCLUDE}")

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/wasm_linkConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/wasm_linkConfig.cmake"
  INSTALL_DESTINATION "${_package_dir}"
  PATH_VARS WASM_LINK_INSTALL_WASMTIME_LIBRARY WASM_LINK_INSTALL_WASMTIME_INCLUDE)
# Semantic versioning: before 1.0 a minor version may break the API (0.2 does
# not stand in for 0.1), from 1.0 on only a major one does.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_compatibility SameMinorVersion)
else()
  set(_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/wasm_linkConfigVersion.cmake"
                                 COMPATIBILITY ${_compatibility})
install(FILES "${PROJECT_BINARY_DIR}/wasm_linkConfig.cmake"
              "${PROJECT_BINARY_DIR}/wasm_linkConfigVersion.cmake"
        DESTINATION "${_package_dir}")
