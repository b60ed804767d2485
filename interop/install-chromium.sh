#!/usr/bin/env bash
# Installs Debian's Chromium for the sample app's browser test, once; prints its path.
# Needs root (apt-get) the first time, like go-peer/build.sh.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
fi
command -v chromium
