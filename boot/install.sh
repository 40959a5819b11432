#!/usr/bin/env bash
# Install the IVR appliance on Raspberry Pi OS bookworm 64-bit (Pi Zero 2 W to Pi 5), or update
# it in place: running it again is an upgrade, and settings, the call log, prompts and the phone
# book in the data folder are never touched.
#
#   sudo boot/install.sh               install or upgrade, from a checkout of this repository
#   sudo boot/install.sh --dry-run     print every action, change nothing
#   sudo boot/install.sh --uninstall   remove the appliance, keep its data (add --purge: data too)
#   boot/install.sh --root DIR         lay the files out under DIR instead of / (no packages,
#                                      users or services: what tests and image builders use)
#
# What it does: apt packages; a system user 'ivr'; a virtualenv in /opt/ivr-appliance with the
# package and its Pi extras; the data folder /var/lib/ivr-appliance; udev rules giving modems and
# bridge sound cards stable names (/dev/ivr-line0, /dev/ivr-line0-audio, ALSA card ivrbridge0)
# and keeping ModemManager off them; ModemManager masked; config.txt: the UART on and the
# hardware watchdog; the UART's login console off (the technician console uses it); systemd's
# hardware watchdog; a polkit rule letting user ivr reboot (the console's 'reboot'); the service
# unit. docs/install.md walks through it.
set -euo pipefail

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }

dry=0 uninstall=0 purge=0 root=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry=1 ;;
    --uninstall) uninstall=1 ;;
    --purge) purge=1 ;;
    --root) [ $# -ge 2 ] || { echo "install.sh: --root needs a directory" >&2; exit 2; }
            root=$(cd "$2" 2>/dev/null && pwd) || { echo "install.sh: no directory $2" >&2; exit 2; }
            shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$purge" -eq 0 ] || [ "$uninstall" -eq 1 ] || { echo "install.sh: --purge goes with --uninstall" >&2; exit 2; }

src=$(cd "$(dirname "$0")/.." && pwd)
prefix=/opt/ivr-appliance
data=/var/lib/ivr-appliance
libexec=/usr/local/lib/ivr-appliance
unit=/etc/systemd/system/ivr-appliance.service
rules=/etc/udev/rules.d/99-ivr-appliance.rules
watchdog_conf=/etc/systemd/system.conf.d/ivr-appliance-watchdog.conf
polkit_rule=/etc/polkit-1/rules.d/50-ivr-appliance.rules
config_txt=/boot/firmware/config.txt             # bookworm; older images: /boot/config.txt
cmdline_txt=/boot/firmware/cmdline.txt
[ -e "$root$config_txt" ] || [ ! -e "$root/boot/config.txt" ] || { config_txt=/boot/config.txt; cmdline_txt=/boot/cmdline.txt; }

say() { echo "install.sh: $*"; }

# system CMD...: run it; printed instead under --dry-run, and under --root (no packages, users
# or services are touched there)
system() {
  if [ -n "$root" ] || [ "$dry" -eq 1 ]; then echo "would run: $*"; return 0; fi
  "$@"
}

# file operations on $root-prefixed paths
put() {   # put MODE SOURCE DEST
  if [ "$dry" -eq 1 ]; then echo "would install: $3 (mode $1) from ${2#"$src"/}"; return 0; fi
  install -D -m "$1" "$2" "$root$3"
}
remove() {
  if [ "$dry" -eq 1 ]; then echo "would remove: $1"; return 0; fi
  rm -rf -- "$root$1"
}

# the block between our markers in a boot file: replaced, never duplicated
MARK_BEGIN="# >>> ivr-appliance (boot/install.sh)"
MARK_END="# <<< ivr-appliance"
set_block() {   # set_block FILE LINES...
  local name=$1 file=$root$1; shift
  if [ "$dry" -eq 1 ]; then echo "would set in $name: $*"; return 0; fi
  if [ ! -e "$file" ]; then say "no $name here (not a Raspberry Pi image?): skipped"; return 0; fi
  local body; body=$(printf '%s\n' "$MARK_BEGIN" "$@" "$MARK_END")
  awk -v b="$MARK_BEGIN" -v e="$MARK_END" '$0==b{skip=1} !skip{print} $0==e{skip=0}' "$file" > "$file.ivr-new"
  printf '%s\n' "$body" >> "$file.ivr-new"
  mv "$file.ivr-new" "$file"
}
clear_block() {
  local file=$root$1
  if [ "$dry" -eq 1 ]; then echo "would remove our lines from $1"; return 0; fi
  [ -e "$file" ] || return 0
  awk -v b="$MARK_BEGIN" -v e="$MARK_END" '$0==b{skip=1} !skip{print} $0==e{skip=0}' "$file" > "$file.ivr-new"
  mv "$file.ivr-new" "$file"
}

# The console's 'reboot' runs 'systemctl reboot' as user ivr, which (NoNewPrivileges) asks
# logind; polkit >= 0.106 (bookworm: polkitd 122) reads JavaScript rules like this one.
polkit_rule_text() {
  cat <<'RULE'
// Installed by ivr-appliance's boot/install.sh: the technician console's 'reboot now' may
// restart the box. Only user ivr (the appliance's service), only a reboot.
polkit.addRule(function(action, subject) {
    if ((action.id == "org.freedesktop.login1.reboot" ||
         action.id == "org.freedesktop.login1.reboot-multiple-sessions") &&
        subject.user == "ivr") {
        return polkit.Result.YES;
    }
});
RULE
}

if [ -z "$root" ] && [ "$dry" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo boot/install.sh), or try --dry-run" >&2; exit 1
fi

if [ "$uninstall" -eq 1 ]; then
  system systemctl disable --now ivr-appliance.service
  remove "$unit"
  remove "$rules"
  remove "$libexec"
  remove "$watchdog_conf"
  remove "$polkit_rule"
  remove "$prefix"
  clear_block "$config_txt"
  system systemctl daemon-reload
  system udevadm control --reload-rules
  system systemctl unmask ModemManager.service
  if [ "$purge" -eq 1 ]; then
    remove "$data"
    remove /etc/ivr-appliance
    system userdel ivr
    say "removed, data included"
  else
    say "removed; the data in $data is kept (--uninstall --purge removes it)"
  fi
  exit 0
fi

# 64-bit only: numpy and the other binary wheels exist for arm64, not for 32-bit armhf
arch=${IVR_ARCH:-$(dpkg --print-architecture 2>/dev/null || uname -m)}
case "$arch" in
  arm64|aarch64|amd64|x86_64) ;;
  *) echo "install.sh: this is a $arch (32-bit) system. The appliance needs Raspberry Pi OS" \
          "64-bit (bookworm, arm64): its audio and DSP packages (numpy, webrtcvad) have no" \
          "32-bit ARM builds. Flash the 64-bit image (Raspberry Pi Imager: 'Raspberry Pi OS" \
          "(64-bit)'); a Pi Zero 2 W runs it." >&2
     exit 1 ;;
esac

say "packages"
system apt-get update -qq
system env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv \
  python3-dev gcc portaudio19-dev polkitd openssl

say "user ivr and the data folder $data"
if ! id ivr >/dev/null 2>&1; then system useradd --system --home-dir "$data" --shell /usr/sbin/nologin ivr; fi
for g in dialout gpio audio; do
  if getent group "$g" >/dev/null; then system usermod -aG "$g" ivr; fi
done
if [ "$dry" -eq 1 ]; then echo "would create: $data (owner ivr, mode 0750)"
elif [ -n "$root" ]; then install -d -m 0750 "$root$data"
else install -d -o ivr -g ivr -m 0750 "$data"; fi

say "the appliance in $prefix"
extras="pi"
if grep -qs "Raspberry Pi 5" "$root/proc/device-tree/model"; then extras="pi5"; fi   # RPi.GPIO: no Pi 5
system python3 -m venv "$prefix/venv"
system "$prefix/venv/bin/pip" install -q --upgrade pip
system "$prefix/venv/bin/pip" install -q "${src}[${extras}]"

say "stable device names (udev) and ModemManager kept off the modems"
put 0755 "$src/boot/ivr-usb-name" "$libexec/ivr-usb-name"
put 0644 "$src/boot/99-ivr-appliance.rules" "$rules"
system udevadm control --reload-rules
system udevadm trigger --subsystem-match=tty --subsystem-match=sound
if systemctl list-unit-files ModemManager.service >/dev/null 2>&1 || [ -n "$root" ]; then
  system systemctl mask --now ModemManager.service
fi

say "UART on, watchdog on ($config_txt); no login console on the UART"
set_block "$config_txt" "enable_uart=1" "dtparam=watchdog=on"
if [ -e "$root$cmdline_txt" ] && grep -q 'console=serial0,[0-9]*' "$root$cmdline_txt"; then
  if [ "$dry" -eq 1 ]; then echo "would remove console=serial0 from $cmdline_txt"
  else sed -i.ivr-bak 's/ *console=serial0,[0-9]*//' "$root$cmdline_txt"; fi
fi
system systemctl mask serial-getty@ttyAMA0.service serial-getty@ttyS0.service serial-getty@serial0.service

say "systemd feeds the hardware watchdog; the service feeds systemd"
if [ "$dry" -eq 1 ]; then echo "would write: $watchdog_conf"
else
  install -d "$root$(dirname "$watchdog_conf")"
  printf '[Manager]\nRuntimeWatchdogSec=15s\nRebootWatchdogSec=2min\n' > "$root$watchdog_conf"
fi
say "user ivr may reboot the box (polkit rule $polkit_rule)"
if [ "$dry" -eq 1 ]; then
  echo "would write: $polkit_rule (mode 0644):"
  polkit_rule_text | sed 's/^/    /'
else
  [ -d "$root$(dirname "$polkit_rule")" ] || install -d -m 0755 "$root$(dirname "$polkit_rule")"
  polkit_rule_text > "$root$polkit_rule.ivr-new"
  chmod 0644 "$root$polkit_rule.ivr-new"
  mv "$root$polkit_rule.ivr-new" "$root$polkit_rule"     # polkitd reloads rules by itself
fi

put 0644 "$src/boot/ivr-appliance.service" "$unit"
system systemctl daemon-reload
system systemctl enable ivr-appliance.service
system systemctl restart ivr-appliance.service

if [ -n "$root" ] || [ "$dry" -eq 1 ]; then
  say "done (files under ${root:-/} only: nothing was started)"
else
  say "installed: $("$prefix/venv/bin/ivr-appliance" --help | head -n 1)"
  say "status: systemctl status ivr-appliance    log: journalctl -u ivr-appliance -f"
  say "a reboot applies the UART and watchdog settings"
fi
