#!/usr/bin/env bash
# build.sh — configure and build neiqin with CMake.
#
#   scripts/build.sh                     # into ./build, RelWithDebInfo
#   NQ_BUILD_DIR=build-asan scripts/build.sh -DNQ_SANITIZE=ON
#
# Extra arguments go to the CMake configure step. Binaries land in <builddir>/bin/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${NQ_BUILD_DIR:-build}

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build_dir" -j"$(nproc)"
