#!/usr/bin/env bash
# Survey for packaging/deb/depends: the libraries the bundle links but does not carry, and the
# Debian package that provides each on this machine. Prints "soname<TAB>package<TAB>first user",
# then the glibc floor. Read-only; run it after a bundle build and update `depends` by hand.
#   packaging/deb/find-depends.sh [BUNDLE_DIR]   (default dist/whisperdesk)
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=$(cd "${1:-dist/whisperdesk}" && pwd)

# Every ELF file of the bundle (the magic number, not the name: Qt plugins, .so.N, the program).
elfs=()
while IFS= read -r -d '' path; do
  [ "$(head -c4 "$path" | od -An -c | tr -d ' ')" = '177ELF' ] && elfs+=("$path")
done < <(find "$bundle" -type f -print0)

# Names of everything inside: a NEEDED soname found here is bundled.
declare -A inside=()
while IFS= read -r name; do inside[$name]=1; done < <(find "$bundle" -printf '%f\n')

declare -A user=()
for path in "${elfs[@]}"; do
  while read -r key soname; do
    [ "$key" = NEEDED ] && [ -z "${inside[$soname]:-}" ] && [ -z "${user[$soname]:-}" ] && user[$soname]=${path#"$bundle"/}
  done < <(objdump -p "$path")
done

for soname in $(printf '%s\n' "${!user[@]}" | sort); do
  # ldd resolves the soname the way the loader would at run time, bundle first (PyInstaller's layout).
  # (Whole outputs first: an early exit in the pipe would fail it under pipefail.)
  ldd_out=$(LD_LIBRARY_PATH=$bundle/_internal ldd "$bundle/${user[$soname]}" 2>/dev/null || true)
  resolved=$(awk -v name="$soname" '$1 == name && $3 ~ /^\// {print $3; exit}' <<<"$ldd_out")
  [ -z "$resolved" ] && resolved=$(awk -v name="$soname" '$1 == name {print $NF; exit}' <<<"$(ldconfig -p)")
  package="not installed"
  if [ -n "$resolved" ]; then
    package=$(dpkg -S "$(readlink -f "$resolved")" 2>/dev/null || dpkg -S "$resolved" 2>/dev/null || true)
    package=${package%%:*}
    [ -z "$package" ] && package="no package ($resolved)"
  fi
  printf '%s\t%s\t%s\n' "$soname" "$package" "${user[$soname]}"
done

floor=$(for path in "${elfs[@]}"; do objdump -T "$path" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' || true; done |
  sort -uV | tail -1)
echo "glibc floor: ${floor#GLIBC_} (libc6 (>= ${floor#GLIBC_}))"
