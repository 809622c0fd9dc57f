#!/usr/bin/env bash
# Make sure the system libraries manim and the encoders need are present (Debian).
# As root they are installed with apt-get; otherwise we stop and print the exact command.
set -euo pipefail
pkgs="libcairo2-dev libpango1.0-dev pkg-config ffmpeg"
missing=0
command -v pkg-config >/dev/null 2>&1 || missing=1
if [ "$missing" = 0 ]; then
  pkg-config --exists cairo pangocairo 2>/dev/null || missing=1
fi
command -v ffmpeg >/dev/null 2>&1 || missing=1
[ "$missing" = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $pkgs
else
  echo "optviz needs system libraries. Run:  sudo apt-get install -y $pkgs" >&2
  exit 1
fi
