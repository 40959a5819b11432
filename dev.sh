#!/usr/bin/env bash
# One entry point for a fresh Debian / Raspberry Pi OS machine with Python 3.11+ and apt:
#   ./dev.sh demo    set up, then run the appliance on simulated hardware (Ctrl-C stops it)
#   ./dev.sh test    set up, then run the whole test suite (what CI runs)
#   ./dev.sh setup   only set up (.venv with the package and its test tools)
# Setup is idempotent and quick when nothing changed: apt runs only for missing packages,
# pip only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the suite needs (added as each capability arrives).
# jackd2 + libasound2-plugins: sound cards that run at real pace without hardware (tests/soundcards).
APT_PACKAGES=(python3-venv python3-dev gcc portaudio19-dev chromium libspandsp2 multimon-ng sox espeak-ng asterisk-core-sounds-en-wav asterisk-moh-opsound-wav codec2-examples socat jackd2 libasound2-plugins shellcheck nodejs openssl gettext)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_setup() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  # env inside as_root: sudo drops DEBIAN_FRONTEND, and jackd2 asks about realtime priority
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

python_bin() {
  for py in python3 python3.13 python3.12 python3.11; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  echo "dev.sh: Python 3.11 or newer is needed (apt-get install python3)" >&2; exit 1
}

venv_setup() {
  local py stamp want
  py=$(python_bin)
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv 2>/dev/null || { apt_setup python3-venv; rm -rf .venv; "$py" -m venv .venv; }
  fi
  stamp=.venv/.installed
  want=$(sha256sum < pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "dev.sh: installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e '.[test]'
    echo "$want" > "$stamp"
  fi
}

case "${1:-}" in
  setup) apt_setup "${APT_PACKAGES[@]}"; venv_setup ;;
  demo)  shift; venv_setup; exec .venv/bin/ivr-appliance sim --data-dir "${IVR_DEMO_DIR:-./demo-data}" "$@" ;;
  test)  shift; apt_setup "${APT_PACKAGES[@]}"; venv_setup; exec .venv/bin/python -m pytest "$@" ;;
  *) echo "usage: ./dev.sh demo | test | setup" >&2; exit 2 ;;
esac
