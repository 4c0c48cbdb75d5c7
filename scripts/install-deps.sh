#!/usr/bin/env bash
# install-deps.sh — install the Debian 12 packages neiqin needs to build, run and test.
#
# Idempotent: only packages that are missing are installed, `apt-get update` runs once
# and only when something is missing, and nothing is printed when all are present.
# Works as root, or through sudo otherwise.
#
# valgrind, clang, libclang-rt-14-dev: the test command's memcheck stage and its
# sanitizer and libFuzzer stage (scripts/test.sh).
#
# nodejs (with npm), chromium: the build installs the console's pinned npm packages with
# `npm ci` (gateway/web: ECharts; tests/browser: playwright-core) and the browser test
# drives Debian's chromium headless (tests/browser/). npm comes with NodeSource's nodejs;
# Debian's nodejs needs its npm package too. fonts-noto-cjk: the browser test's
# screenshots show Chinese text, not boxes.
#
# libcurl4-openssl-dev: nq-alerting posts alerts to WeCom, DingTalk, Feishu and webhooks over
# HTTPS (libcurl's multi interface on its libuv loop, services/alerting/curluv.h).
#
# python3-aiosmtpd: the delivery tests' local SMTP server, which checks what the e-mail
# channel sends (tests/integration/receiver.py, run by Debian's /usr/bin/python3).
#
# redis-server: the run and test commands start their own private redis-server, so the
# system service that the package ships is not needed. While this script installs it,
# service starts are denied (policy-rc.d), so apt does not start a system-wide Redis
# on 6379 as a side effect (nor fail the install where no init system runs).
set -euo pipefail

PACKAGES=(
    build-essential cmake pkg-config git ca-certificates tzdata curl
    libzmq3-dev libprotobuf-c-dev protobuf-c-compiler libhiredis-dev libuv1-dev
    libcunit1-dev redis-server libhttp-parser-dev libjansson-dev libsodium-dev
    docker-compose valgrind clang libclang-rt-14-dev nodejs chromium
    fonts-noto-cjk libcurl4-openssl-dev python3 python3-aiosmtpd
)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
POLICY_RC=/usr/sbin/policy-rc.d

log() { printf 'install-deps: %s\n' "$*" >&2; }

# is_installed PKG: true when dpkg knows PKG as fully installed.
is_installed() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
    [[ $status == installed ]]
}

# as_root CMD...: run CMD as root, through sudo when we are not root.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "not root and sudo is not installed: run this script as root"
        exit 1
    fi
}

# missing_packages: print the packages of PACKAGES that are not installed, one a line.
missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        is_installed "$p" || printf '%s\n' "$p"
    done
}

# deny_service_starts: install a policy-rc.d that denies every service start, unless
# one exists already. Prints the path to remove afterwards (empty when none).
deny_service_starts() {
    if [[ -e $POLICY_RC ]]; then
        return 0
    fi
    printf '#!/bin/sh\n# temporary, from neiqin scripts/install-deps.sh\nexit 101\n' |
        as_root tee "$POLICY_RC" >/dev/null
    as_root chmod 0755 "$POLICY_RC"
    printf '%s\n' "$POLICY_RC"
}

main() {
    command -v dpkg-query >/dev/null 2>&1 || { log "dpkg-query not found: Debian 12 is required"; exit 1; }

    local missing
    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi

    log "installing: ${missing[*]}"
    local policy=""
    if [[ " ${missing[*]} " == *" redis-server "* ]]; then
        policy=$(deny_service_starts)
        if [[ -n $policy ]]; then
            # shellcheck disable=SC2064 # expand now: remove exactly the file we created
            trap "as_root rm -f '$policy'" EXIT
        fi
    fi

    as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null

    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -ne 0 ]]; then
        log "still missing after apt-get install: ${missing[*]}"
        exit 1
    fi
    log "done"
}

main "$@"
