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
  apt-get update -qq || echo "note: apt-get update failed; installing from what the machine knows" >&2
  libraries="${missing/$browser/}"
  [ -z "${libraries// /}" ] || apt-get install -y -qq --no-install-recommends $libraries
  if [ "$missing" != "${missing/$browser/}" ]; then
    # the browser only serves tests: without it they skip, so a failed install does not stop the set-up
    apt-get install -y -qq --no-install-recommends $browser \
      || echo "note: chromium could not be installed; the interactive page's browser tests will be skipped" >&2
  fi
elif [ "${missing// /}" = "$browser" ]; then
  echo "note: the interactive page's browser tests will be skipped. To run them:  sudo apt-get install -y $browser" >&2
else
  echo "optviz needs system libraries. Run:  sudo apt-get install -y $missing" >&2
  exit 1
fi
