#!/usr/bin/env bash
# Make sure the system packages optviz needs are present (Debian).
#   needed:   cairo, pango and pkg-config (manim), ffmpeg (the encoders)
#   for tests: chromium (the interactive page is tested in a real browser; without it those tests skip)
# As root they are installed with apt-get; otherwise we stop (or, for chromium, say so) with the exact command.
set -euo pipefail
needed="libcairo2-dev libpango1.0-dev pkg-config ffmpeg"
browser="chromium"
missing=""
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists cairo pangocairo 2>/dev/null \
   || ! command -v ffmpeg >/dev/null 2>&1; then
  missing="$needed"
fi
command -v chromium >/dev/null 2>&1 || missing="$missing $browser"
[ -z "${missing// /}" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing
elif [ "${missing// /}" = "$browser" ]; then
  echo "note: the interactive page's browser tests will be skipped. To run them:  sudo apt-get install -y $browser" >&2
else
  echo "optviz needs system libraries. Run:  sudo apt-get install -y $missing" >&2
  exit 1
fi
