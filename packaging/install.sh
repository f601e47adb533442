#!/usr/bin/env bash
# Install the whisperdesk bundle like a desktop program: the app folder, a `whisperdesk` command, the
# menu entry with its icons, and the AppStream metainfo. Run it from the unpacked bundle folder.
#   ./install.sh                     for this user, under ~/.local (no root needed)
#   sudo PREFIX=/usr/local ./install.sh   for every user
#   ./install.sh --uninstall         remove what it installed (same PREFIX)
# Linux only. Needs libportaudio2 (Debian/Ubuntu) or portaudio (Fedora/Arch) for microphone capture.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-$HOME/.local}
app_dir=$PREFIX/lib/whisperdesk
command_link=$PREFIX/bin/whisperdesk
desktop=$PREFIX/share/applications/whisperdesk.desktop
metainfo=$PREFIX/share/metainfo/io.github.whisperdesk.metainfo.xml
icons=$PREFIX/share/icons/hicolor
icon_files=("$icons/scalable/apps/whisperdesk.svg")
for size in 48 128 256; do icon_files+=("$icons/${size}x${size}/apps/whisperdesk.png"); done

refresh_caches() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$app_dir"
  rm -f "$command_link" "$desktop" "$metainfo" "${icon_files[@]}"
  refresh_caches
  echo "whisperdesk removed from $PREFIX"
  exit 0
fi

if [ ! -x "$here/whisperdesk" ] || [ ! -d "$here/_internal" ] || [ ! -d "$here/share" ]; then
  echo "install.sh: run me from the whisperdesk bundle folder (with whisperdesk, _internal/ and share/)" >&2
  exit 1
fi

rm -rf "$app_dir"
mkdir -p "$app_dir" "$(dirname "$command_link")"
cp -a "$here/whisperdesk" "$here/_internal" "$app_dir/"
ln -sfn "$app_dir/whisperdesk" "$command_link"

# Exec gets the absolute path: menus do not always search ~/.local/bin.
mkdir -p "$(dirname "$desktop")" "$(dirname "$metainfo")"
sed "s|^Exec=whisperdesk|Exec=$app_dir/whisperdesk|" "$here/share/applications/whisperdesk.desktop" >"$desktop"
install -m 644 "$here/share/metainfo/io.github.whisperdesk.metainfo.xml" "$metainfo"
install -D -m 644 "$here/share/icons/whisperdesk.svg" "$icons/scalable/apps/whisperdesk.svg"
for size in 48 128 256; do
  install -D -m 644 "$here/share/icons/whisperdesk-$size.png" "$icons/${size}x${size}/apps/whisperdesk.png"
done
refresh_caches

echo "whisperdesk installed in $app_dir"
echo "  menu entry: $desktop"
echo "  command:    $command_link"
case ":$PATH:" in *":$(dirname "$command_link"):"*) ;; *) echo "  (add $(dirname "$command_link") to PATH to type 'whisperdesk')" ;; esac
if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q libportaudio.so.2; then
  echo "  note: PortAudio not found; for the microphone: sudo apt-get install libportaudio2 (Debian/Ubuntu)"
fi
