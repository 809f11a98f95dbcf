// Shared by every native kernel. The module is linked against tfjs-backend-wasm's own memory
// (--import-memory): kernels read and write tensors in place through the byte offsets tfjs
// gives them, and must own no static data (the linker would write data segments into tfjs's
// heap) and use no shadow stack (its pointer starts at 0, so any use traps instead of
// corrupting). build.sh checks the first; tests check the second by running every kernel.
#pragma once
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))
