#!/usr/bin/env bash
# Installs the npm tools that check contracts (Spectral, Prism, the Pact core library libpact_ffi) into build/npm/node_modules, exactly as
# build/npm/package-lock.json pins them (`npm ci`). Skipped when the installed tree already matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/npm"

stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ -x node_modules/.bin/spectral ] && [ -x node_modules/.bin/prism ] \
  && [ -f node_modules/@pact-foundation/pact-core-linux-x64-glibc/prebuilds/linux-x64/libpact_ffi.so ] && [ "$stamp" -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --silent
