#!/usr/bin/env bash
# Make sure the system packages optviz needs are present (Debian).
#   needed:    cairo, pango and pkg-config (manim), ffmpeg (the encoders), espeak-ng (the lecture's
#              fallback voice)
#   for tests: chromium (the interactive page is tested in a real browser) and tmux (progress bars are
#              tested in a real terminal); without them those tests skip, saying why
# As root they are installed with apt-get; otherwise we stop (or, for the test tools, say so) with the
# exact command to run.
set -euo pipefail
needed="libcairo2-dev libpango1.0-dev pkg-config ffmpeg espeak-ng"
missing=""
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists cairo pangocairo 2>/dev/null \
   || ! command -v ffmpeg >/dev/null 2>&1 || ! command -v espeak-ng >/dev/null 2>&1; then
  missing="$needed"
fi
tools=""
for tool in chromium tmux; do
  command -v "$tool" >/dev/null 2>&1 || tools="$tools $tool"
done
[ -z "${missing// /}${tools// /}" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "note: apt-get update failed; installing from what the machine knows" >&2
  [ -z "${missing// /}" ] || apt-get install -y -qq --no-install-recommends $missing
  # the test tools only serve tests that skip without them, so a failed install does not stop the set-up
  [ -z "${tools// /}" ] || apt-get install -y -qq --no-install-recommends $tools \
    || echo "note: could not install$tools; the tests that need them will be skipped" >&2
elif [ -n "${missing// /}" ]; then
  echo "optviz needs system libraries. Run:  sudo apt-get install -y $missing$tools" >&2
  exit 1
else
  echo "note: the tests that need$tools will be skipped. To run them:  sudo apt-get install -y$tools" >&2
fi
