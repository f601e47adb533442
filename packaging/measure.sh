#!/usr/bin/env bash
# Measure the built bundle: size, time to first window, time to first transcript.
# Usage: packaging/measure.sh [AUDIO_FILE] [RUNS]   (default: jfk.flac from the shared speech set, 3 runs)
#
# Definitions (wall clock, page cache warm, so these are not cold-disk numbers):
#   time to first window:     from exec of `whisperdesk` (no arguments) under Xvfb until its top-level
#                             window is mapped (xdotool waits for a visible window titled whisperdesk).
#   time to first transcript: from exec of `whisperdesk transcribe FILE` until it exits with the text
#                             printed (model load + decode + VAD + transcription of the whole file).
# The bundle is copied to a temporary folder first and run from there, offline (HF_HUB_OFFLINE=1, and
# `unshare -n` when allowed), with a clean environment: no source tree, no venv, no PYTHONPATH.
set -euo pipefail
cd "$(dirname "$0")/.."

AUDIO=${1:-${WHISPERDESK_TEST_AUDIO:-../shared/audio}/jfk.flac}
RUNS=${2:-3}
BUNDLE_DIR=dist/whisperdesk
[ -x "$BUNDLE_DIR/whisperdesk" ] || { echo "measure.sh: no bundle at $BUNDLE_DIR: run packaging/build.sh" >&2; exit 1; }
[ -f "$AUDIO" ] || { echo "measure.sh: $AUDIO: no such file" >&2; exit 1; }
for tool in xvfb-run xdotool; do
  command -v $tool >/dev/null || { echo "measure.sh: $tool is missing (packaging/system-deps.sh)" >&2; exit 1; }
done
AUDIO=$(realpath "$AUDIO")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$BUNDLE_DIR" "$tmp/whisperdesk"
exe=$tmp/whisperdesk/whisperdesk
mkdir -p "$tmp/home"
clean_env=(env -i "HOME=$tmp/home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "HF_HUB_OFFLINE=1")
no_net=()
unshare -n true 2>/dev/null && no_net=(unshare -n)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

echo "bundle: $(du -sm "$BUNDLE_DIR" | cut -f1) MB ($(find "$BUNDLE_DIR" -type f | wc -l) files)"
echo "offline: HF_HUB_OFFLINE=1${no_net:+ and unshare -n}; runs from $tmp"

for i in $(seq "$RUNS"); do
  start=$(now)
  (cd "$tmp" && "${clean_env[@]}" "${no_net[@]}" "$exe" transcribe "$AUDIO" --no-progress >"$tmp/out.txt" 2>/dev/null)
  end=$(now)
  printf 'time to first transcript (run %d): %.2f s: %s\n' "$i" "$(elapsed "$start" "$end")" "$(tr '\n' ' ' <"$tmp/out.txt" | cut -c1-60)"
done

# One Xvfb for all window runs; each run starts the app, waits for its window, then ends it.
cat >"$tmp/window.sh" <<EOF
set -euo pipefail
cd "$tmp"
for i in \$(seq $RUNS); do
  start=\$(date +%s.%N)
  ${clean_env[*]} DISPLAY=\$DISPLAY XAUTHORITY=\${XAUTHORITY:-} "$exe" >/dev/null 2>&1 &
  app=\$!
  xdotool search --sync --onlyvisible --name '^whisperdesk' >/dev/null
  end=\$(date +%s.%N)
  awk -v i="\$i" -v a="\$start" -v b="\$end" 'BEGIN { printf "time to first window (run %d): %.2f s\\n", i, b - a }'
  kill "\$app" 2>/dev/null || true
  wait "\$app" 2>/dev/null || true
done
EOF
xvfb-run -a bash "$tmp/window.sh"
