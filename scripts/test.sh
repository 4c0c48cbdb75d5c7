#!/usr/bin/env bash
# test.sh — THE test command: install dependencies, build with -Werror, run every test.
#
#   scripts/test.sh                      # into ./build-test
#   NQ_BUILD_DIR=build-asan scripts/test.sh -DNQ_SANITIZE=ON
#
# Extra arguments go to the CMake configure step. The exit code is ctest's (or the
# build's, when the build fails). Tests that need Redis start their own.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NQ_BUILD_DIR=${NQ_BUILD_DIR:-build-test}

bash scripts/install-deps.sh
bash scripts/build.sh -DNQ_WERROR=ON "$@"

exec ctest --test-dir "$NQ_BUILD_DIR" --output-on-failure --timeout 300
