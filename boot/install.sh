#!/usr/bin/env bash
# Install the IVR appliance on Raspberry Pi OS (bookworm or later), or update it in place.
#   sudo boot/install.sh            from a checkout of this repository
# What it does: apt packages, a system user 'ivr', a venv in /opt/ivr-appliance with the
# package (and its Pi extras), the data dir /var/lib/ivr-appliance, the systemd unit.
# Settings and the call log in the data dir are never touched by an update.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo boot/install.sh)" >&2; exit 1; }
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=/opt/ivr-appliance
data=/var/lib/ivr-appliance

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-dev gcc \
  portaudio19-dev >/dev/null

id ivr >/dev/null 2>&1 || useradd --system --home-dir "$data" --shell /usr/sbin/nologin ivr
for g in dialout gpio audio; do getent group "$g" >/dev/null && usermod -aG "$g" ivr; done
install -d -o ivr -g ivr -m 0750 "$data"

python3 -m venv "$prefix/venv"
"$prefix/venv/bin/pip" install -q --upgrade pip
extras="pi"
grep -qs "Raspberry Pi 5" /proc/device-tree/model && extras="pi5"   # RPi.GPIO does not work on a Pi 5
"$prefix/venv/bin/pip" install -q "$src[$extras]"

install -m 0644 "$src/boot/ivr-appliance.service" /etc/systemd/system/ivr-appliance.service
systemctl daemon-reload
systemctl enable ivr-appliance.service
systemctl restart ivr-appliance.service
echo "installed: $("$prefix/venv/bin/ivr-appliance" --help | head -n 1)"
echo "status:    systemctl status ivr-appliance    log: journalctl -u ivr-appliance -f"
