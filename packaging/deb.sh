#!/usr/bin/env bash
# Build the Debian package dist/whisperdesk_<version>_amd64.deb from the one-folder bundle (build.sh
# first: a no-op when the bundle is fresh). The package installs the program in /opt/whisperdesk, the
# command /usr/bin/whisperdesk, and the menu entry, icons and AppStream metainfo under /usr/share.
# Does nothing when the .deb is newer than its inputs; `packaging/deb.sh --force` repacks anyway.
# Prints the .deb's path on stdout, its size on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/build.sh   # the bundle first (uses $VENV, default .venv; a no-op when fresh)

# The one version, [project] version in pyproject.toml.
version=$(awk -F'"' '/^\[project\]/ {p = 1; next} /^\[/ {p = 0} p && /^version *=/ {print $2; exit}' pyproject.toml)
[ -n "$version" ] || { echo "deb.sh: no [project] version in pyproject.toml" >&2; exit 1; }
arch=amd64   # the bundle holds x86-64 libraries only
DEB=dist/whisperdesk_${version}_${arch}.deb
ROOT=build/deb/root
BUNDLE=dist/whisperdesk
STAMP=build/pyinstaller/whisperdesk.built   # build.sh touches it only when it really rebuilt

force=0
[ "${1:-}" = "--force" ] && force=1

# Inputs of the .deb: the bundle (through build.sh's stamp), this script and packaging/deb/, the files
# staged under /usr/share, and pyproject.toml (the version).
stale() {
  [ -n "$(find "$STAMP" packaging/deb.sh packaging/deb packaging/whisperdesk.desktop \
    packaging/io.github.whisperdesk.metainfo.xml app/resources/whisperdesk.svg app/resources/whisperdesk-*.png \
    pyproject.toml -newer "$DEB" -print -quit)" ]
}
if [ $force -eq 0 ] && [ -f "$DEB" ] && ! stale; then
  echo "deb.sh: $DEB is up to date ($(du -m "$DEB" | cut -f1) MB); --force repacks" >&2
  echo "$DEB"
  exit 0
fi

start=$(date +%s)
rm -rf build/deb
mkdir -p "$ROOT/DEBIAN" "$ROOT/opt/whisperdesk" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/metainfo" "$ROOT/usr/share/doc/whisperdesk"

# The program: the executable and _internal/ only (install.sh and share/ are for the tarball).
cp -a "$BUNDLE/whisperdesk" "$BUNDLE/_internal" "$ROOT/opt/whisperdesk/"
# PyInstaller's links to the Qt libraries the spec cuts (eglfs) point at nothing: leave them out.
find "$ROOT/opt" -xtype l -delete
# Absolute: /usr/bin and /opt are different top-level folders (Debian policy 10.5).
ln -s /opt/whisperdesk/whisperdesk "$ROOT/usr/bin/whisperdesk"
# Exec=whisperdesk stays as it is: /usr/bin is on every PATH, menus included.
cp "$BUNDLE/share/applications/whisperdesk.desktop" "$ROOT/usr/share/applications/"
cp "$BUNDLE/share/metainfo/io.github.whisperdesk.metainfo.xml" "$ROOT/usr/share/metainfo/"
icons=$ROOT/usr/share/icons/hicolor
mkdir -p "$icons/scalable/apps"
cp "$BUNDLE/share/icons/whisperdesk.svg" "$icons/scalable/apps/whisperdesk.svg"
for size in 48 128 256; do
  mkdir -p "$icons/${size}x${size}/apps"
  cp "$BUNDLE/share/icons/whisperdesk-$size.png" "$icons/${size}x${size}/apps/whisperdesk.png"
done
cp packaging/deb/copyright "$ROOT/usr/share/doc/whisperdesk/copyright"

# Policy modes whatever the umask or the wheels shipped: folders 0755, files 0644 (shared libraries
# need no execute bit), and 0755 for the one program. Owners are root:root via --root-owner-group.
find "$ROOT" -type d -exec chmod 0755 {} +
find "$ROOT" -type f -exec chmod 0644 {} +
chmod 0755 "$ROOT/opt/whisperdesk/whisperdesk"

# Depends: the non-comment lines of packaging/deb/depends (how they were found is written there).
depends=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' packaging/deb/depends | sed 's/[[:space:]]*$//' | paste -sd, |
  sed 's/,/, /g')
# Installed-Size in KiB, as dpkg-gencontrol counts: each file's size rounded up, plus one per entry.
installed_size=$(find "$ROOT" -path "$ROOT/DEBIAN" -prune -o \( -type f -printf 'f %s\n' \) -o -printf 'o 0\n' |
  awk '{kib += ($1 == "f") ? int(($2 + 1023) / 1024) : 1} END {print kib}')
# Description lines stay within 80 columns (lintian's limit; apt shows them as they are).
cat >"$ROOT/DEBIAN/control" <<EOF
Package: whisperdesk
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-whisperdesk maintainers <maintainers@users.noreply.b-seed-42640cdc.example>}
Installed-Size: $installed_size
Depends: $depends
Section: sound
Priority: optional
Description: offline speech transcription with Whisper
 whisperdesk turns speech into text on your own computer: live from the
 microphone, and from audio and video files (exported as text, SRT, WebVTT
 or JSON). It runs a frozen, quantized Whisper model (tiny.en, int8) that
 ships inside the package, on an ordinary CPU: no account, no network.
 .
 The program is a self-contained PyInstaller bundle in /opt/whisperdesk (its
 own Python, Qt, CTranslate2 and FFmpeg); only glibc, the graphics stack,
 PortAudio and fonts come from the system.
EOF
install -m 0755 packaging/deb/postinst packaging/deb/postrm "$ROOT/DEBIAN/"
(cd "$ROOT" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/md5sums"

mkdir -p dist
rm -f "$DEB"
# xz, dpkg's default; a .deb for every dpkg still in use (zstd needs dpkg 1.21.18).
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
end=$(date +%s)
echo "deb.sh: built $DEB in $((end - start)) s: $(du -m "$DEB" | cut -f1) MB, installs $((installed_size / 1024)) MB" >&2
echo "$DEB"
