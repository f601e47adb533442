#!/usr/bin/env bash
# Debian packages whisperdesk needs at run and test time. Installs the missing ones when
# run as root (or with sudo); otherwise prints the command to run.
set -euo pipefail
PKGS=(
  libportaudio2                 # PortAudio for sounddevice (microphone capture)
  pulseaudio pulseaudio-utils   # virtual sound server used by the real-capture tests
  libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libfontconfig1 libdbus-1-3  # Qt
  xvfb xauth                    # virtual display for screenshots
  espeak-ng sox                 # synthesized speech and format conversion in tests
  binutils                      # objdump for the PyInstaller bundle
  desktop-file-utils appstream  # validate packaging/*.desktop and the AppStream metainfo (tests/packaging)
  xdotool                       # desktop tests press shortcuts and focus windows; measure.sh waits for the window
  dbus-daemon                   # a private session bus for the desktop-portal shortcut tests
  gnome-keyring                 # a real Secret Service: the API-key tests store the key in the system keyring
  sway wtype wl-clipboard       # a headless Wayland compositor: typing (wtype) and pasting into a Wayland app is tested
  trayer x11-utils              # a real XEmbed tray host for the tray test; xwininfo shows the icon embedded in it
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
