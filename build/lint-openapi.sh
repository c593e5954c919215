#!/usr/bin/env bash
# Lints every OpenAPI document with Spectral: the `spectral:oas` ruleset plus our rules
# (contracts/openapi/.spectral.yaml). Any error or warning fails. Spectral comes from build/npm's lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build/install-npm-tools.sh
build/npm/node_modules/.bin/spectral lint --ruleset contracts/openapi/.spectral.yaml --fail-severity warn \
  contracts/openapi/data.yaml contracts/openapi/control.yaml contracts/openapi/anthropic.yaml contracts/openapi/openai.yaml
