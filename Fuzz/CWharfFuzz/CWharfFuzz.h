// libFuzzer's driver, from libclang_rt.fuzzer_no_main: SwiftPM renames an executable's `main`, so the
// fuzz binary keeps its own entry point and hands control to libFuzzer with this call.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
