// Default options of the sanitizer runtimes, compiled into the project's own
// sanitized programs (tests, examples) so they apply however those are started.
// Each runtime reads only its own hook; the others are unused functions.
//
// Wasmtime turns guest faults into traps with its own signal handlers, so every
// runtime leaves SEGV, BUS, FPE and ILL to it. ThreadSanitizer cannot see the
// synchronisation inside Wasmtime's uninstrumented Rust code, so it leaves aside
// the libc calls (malloc, memcpy, ...) made from that module; our own accesses
// are still checked (cmake/Wasmtime.cmake links Wasmtime as a shared library in
// ThreadSanitizer builds for this).

#define WASM_LINK_SIGNALS "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0"

extern "C" {
__attribute__((used, visibility("default"))) const char *__asan_default_options() {
  return WASM_LINK_SIGNALS ":allow_user_segv_handler=1:detect_leaks=1";
}
__attribute__((used, visibility("default"))) const char *__ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1";
}
__attribute__((used, visibility("default"))) const char *__tsan_default_options() {
  return WASM_LINK_SIGNALS ":allow_user_segv_handler=1:halt_on_error=1"
                           ":ignore_noninstrumented_modules=1";
}
}
