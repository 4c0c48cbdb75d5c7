#!/usr/bin/env bash
# test.sh — THE test command: install dependencies, then build and run every test twice.
#
#   scripts/test.sh                      # ./build-test and ./build-test-asan
#   NQ_BUILD_DIR=build-ci scripts/test.sh -DCMAKE_BUILD_TYPE=Debug
#
# 1. gcc, warnings as errors (NQ_BUILD_DIR, default build-test): every test (unit,
#    integration, the compose file), then again under valgrind's memcheck (label
#    "valgrind"): every unit suite, and the integration tests that do not bound
#    timings with the suite's processes under it (tests/CMakeLists.txt).
# 2. clang with ASan + UBSan, any report fatal (NQ_SANITIZE_BUILD_DIR, default
#    <NQ_BUILD_DIR>-asan): the unit and integration tests, and each fuzz target for
#    NQ_FUZZ_SECONDS (default 60) from its seed corpus (tests/fuzz/).
# NQ_TEST_SANITIZE=0 skips stage 2. Extra arguments go to both CMake configure steps.
# Both stages always run; the exit code is non-zero when a build or a test failed.
# Tests that need Redis start their own.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
main_dir=${NQ_BUILD_DIR:-build-test}
asan_dir=${NQ_SANITIZE_BUILD_DIR:-$main_dir-asan}
jobs=$(nproc)

bash scripts/install-deps.sh

# Sanitizer reports end the process with an error, in the tests and in every process
# the integration harness starts (it passes these on).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
# stage NAME DIR CTEST-ARGS... -- CONFIGURE-ARGS...: build DIR, run ctest there.
stage() {
    local name=$1 dir=$2
    shift 2
    local ctest_args=()
    while [[ $1 != -- ]]; do
        ctest_args+=("$1")
        shift
    done
    shift
    printf '\n==== %s (%s)\n' "$name" "$dir"
    if ! NQ_BUILD_DIR=$dir bash scripts/build.sh "$@"; then
        status=1
        return
    fi
    ctest --test-dir "$dir" --output-on-failure --timeout 300 -j"$jobs" "${ctest_args[@]}" ||
        status=1
}

stage "gcc -Werror, then valgrind" "$main_dir" -- -DNQ_WERROR=ON -DNQ_VALGRIND=ON "$@"
if [[ ${NQ_TEST_SANITIZE:-1} != 0 ]]; then
    # Warnings as errors are the gcc stage's job: clang warns of other things.
    stage "clang ASan + UBSan, fuzzing" "$asan_dir" -L 'unit|integration|fuzz' -- \
        -DCMAKE_C_COMPILER=clang -DNQ_SANITIZE=ON -DNQ_FUZZ=ON \
        -DNQ_FUZZ_SECONDS="${NQ_FUZZ_SECONDS:-60}" "$@"
fi
exit "$status"
