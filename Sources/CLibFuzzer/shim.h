// libFuzzer's driver entry (compiler-rt's FuzzerDriver.cpp, LLVM 11 and later), declared for
// KeyprintFuzz. Only a declaration: nothing is linked here. The fuzz build (scripts/fuzz,
// -sanitize=fuzzer) links libFuzzer, which defines it; the normal build never calls it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
