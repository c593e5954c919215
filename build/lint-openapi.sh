#!/usr/bin/env bash
# Lints the OpenAPI documents with Spectral's OpenAPI ruleset (contracts/openapi/.spectral.yaml); any error or
# warning fails. Spectral is installed once, at a pinned version, into build/.tools (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

version=6.16.3
tools=build/.tools/spectral-$version
if [ ! -x "$tools/node_modules/.bin/spectral" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent "@stoplight/spectral-cli@$version" >/dev/null
fi
"$tools/node_modules/.bin/spectral" lint --ruleset contracts/openapi/.spectral.yaml --fail-severity warn \
  contracts/openapi/data.yaml contracts/openapi/control.yaml contracts/openapi/anthropic.yaml contracts/openapi/openai.yaml
