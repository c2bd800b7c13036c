# toolchain.sh: sourced by every corpus and benchmark build script. Defines the one C to
# wasm32-wasi command line the project uses (so every committed .wasm is built the same
# way) and installs the Debian toolchain when it is missing.
#   ensure_toolchain      installs clang, lld, wasi-libc, the wasm32 compiler-rt if absent
#   wasi_cc OUT SRC...    compiles C sources to a wasm32-wasi command module
#   native_cc OUT SRC...  compiles the same sources to a native executable
# Flags: -O2 (the level the benchmarks are defined at), --strip-debug (smaller committed
# files; the name section stays, for backtraces), -lm.

WASI_SYSROOT=/usr
WASI_CFLAGS=(--target=wasm32-wasi --sysroot="$WASI_SYSROOT" -O2 -Wall -Werror -Wl,--strip-debug)
NATIVE_CFLAGS=(-O2 -Wall -Werror)

ensure_toolchain() {
  if command -v clang >/dev/null && command -v wasm-ld >/dev/null \
     && [ -f /usr/lib/wasm32-wasi/libc.a ] \
     && ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1; then
    return 0
  fi
  echo "toolchain: installing clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq clang lld wasi-libc libclang-rt-14-dev-wasm32 >/dev/null
}

wasi_cc() {
  local out="$1"; shift
  clang "${WASI_CFLAGS[@]}" "$@" -o "$out" -lm
}

native_cc() {
  local out="$1"; shift
  clang "${NATIVE_CFLAGS[@]}" "$@" -o "$out" -lm
}
