#!/usr/bin/env bash
# Build the one-folder desktop bundle dist/whisperdesk/ with the venv's PyInstaller.
# Idempotent: does nothing when the bundle is newer than every input (code, spec, icons, the venv);
# `packaging/build.sh --force` rebuilds anyway. Prints the build time and the bundle size.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
DIST=dist
WORK=build/pyinstaller
STAMP=$WORK/whisperdesk.built   # written only after a successful build
BUNDLE=$DIST/whisperdesk/whisperdesk

force=0
[ "${1:-}" = "--force" ] && force=1

if [ ! -x "$VENV/bin/pyinstaller" ]; then
  echo "build.sh: $VENV/bin/pyinstaller not found: run 'make setup' (installs the dev extras) first" >&2
  exit 1
fi

# Inputs whose change makes the bundle stale: the code, the spec and icons, the dependency pins, and
# the venv's marker file (touched by every `make setup` reinstall).
stale() {
  local inputs=(app audio inference packaging/whisperdesk.spec packaging/entry.py packaging/elf_strip.py
    pyproject.toml constraints.txt "$VENV/.installed") existing=()
  for path in "${inputs[@]}"; do [ -e "$path" ] && existing+=("$path"); done
  [ -n "$(find "${existing[@]}" -type f -newer "$STAMP" ! -path '*/__pycache__/*' -print -quit)" ]
}

# Beside the app: install.sh and what it installs (menu entry, metainfo, icons). Cheap, so always redone.
stage_desktop_files() {
  local share=$DIST/whisperdesk/share
  rm -rf "$share"
  mkdir -p "$share/applications" "$share/metainfo" "$share/icons"
  cp packaging/whisperdesk.desktop "$share/applications/"
  cp packaging/io.github.whisperdesk.metainfo.xml "$share/metainfo/"
  cp app/resources/whisperdesk.svg app/resources/whisperdesk-{48,128,256}.png "$share/icons/"
  cp packaging/install.sh "$DIST/whisperdesk/install.sh"
  chmod +x "$DIST/whisperdesk/install.sh"
}

if [ $force -eq 0 ] && [ -f "$STAMP" ] && [ -x "$BUNDLE" ] && ! stale; then
  stage_desktop_files
  echo "build.sh: $BUNDLE is up to date ($(du -sm "$DIST/whisperdesk" | cut -f1) MB); --force rebuilds" >&2
  exit 0
fi

# The PNG icons are rendered from the SVG; redo them when the SVG is newer.
svg=app/resources/whisperdesk.svg
for size in 48 128 256; do
  png=app/resources/whisperdesk-$size.png
  if [ ! -f "$png" ] || [ "$svg" -nt "$png" ]; then
    HF_HUB_OFFLINE=1 "$VENV/bin/python" packaging/render_icons.py
    break
  fi
done

rm -f "$STAMP"
mkdir -p "$WORK"
touch "$STAMP.new"   # the build's start time: a file edited during the build makes the next run rebuild
start=$(date +%s)
HF_HUB_OFFLINE=1 "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/whisperdesk.spec
end=$(date +%s)
mv "$STAMP.new" "$STAMP"
stage_desktop_files
echo "build.sh: built $BUNDLE in $((end - start)) s; bundle $(du -sm "$DIST/whisperdesk" | cut -f1) MB" >&2
