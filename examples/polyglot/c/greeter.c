// The C greeter: exports `example:greeter/greet` (../wit/greeter.wit).
// `wit-bindgen c` generates greeter.h/greeter.c from the WIT at build time;
// wasi-libc's `getenv` and `fprintf(stderr, ...)` reach WASI through the
// preview-1 reactor adapter that `wasm-tools component new --adapt` adds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "greeter.h"

void exports_example_greeter_greet_hello(greeter_string_t *name, greeter_string_t *ret) {
  const char *greeting = getenv("GREETING");
  if (greeting == NULL || greeting[0] == '\0') greeting = "Hello";
  int name_len = (int)name->len;
  fprintf(stderr, "c greeter: greeting %.*s\n", name_len, (const char *)name->ptr);

  static const char from[] = "! (from C)";
  size_t greeting_len = strlen(greeting);
  size_t len = greeting_len + 2 + name->len + sizeof from - 1;
  char *out = malloc(len);
  if (out == NULL) abort();
  memcpy(out, greeting, greeting_len);
  memcpy(out + greeting_len, ", ", 2);
  memcpy(out + greeting_len + 2, name->ptr, name->len);
  memcpy(out + greeting_len + 2 + name->len, from, sizeof from - 1);
  ret->ptr = (uint8_t *)out;
  ret->len = len;
  // The argument is ours: the generated post-return frees `ret`, we free this.
  greeter_string_free(name);
}
