#!/usr/bin/env bash
# Peak memory (RSS) of replan against issue 17's limit, 3 x input + 50 MB, for
# `check`, `split` and `migrate` (dry run and writing) on three inputs:
#   file  one ~50 MB planning file (scripts/gen-bigfile.sh 50), alone under
#         .claude/plans/ of an otherwise empty tree for check and migrate;
#   4k    a generated tree of 4,000 small files, ~20 MB (scripts/gen-tree.sh 4000);
#   50k   a generated tree of 50,000 small files (scripts/gen-tree.sh 50000).
# split takes one file, so it has cells for the file only. Each writing run gets
# a fresh copy of its input, made outside the measurement. Input is the bytes of
# the Markdown replan reads (the archive left out); MB are 10^6 bytes.
#
# Usage: scripts/mem.sh            (CELLS='file 4k 50k' BIN=... WORK=... to override;
#                                   KEEP=1 keeps the generated inputs in WORK)
set -euo pipefail
cd "$(dirname "$0")/.."
CELLS=${CELLS:-file 4k 50k}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --bin replan
  BIN=$PWD/target/release/replan
fi
WORK=${WORK:-$(mktemp -d /tmp/replan-mem.XXXXXX)}
mkdir -p "$WORK"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT

md_bytes() { find "$1" -name '*.md' -not -path '*/.claude/archive/*' -print0 | xargs -0 cat | wc -c; }
# Peak RSS in KiB of one command, its output thrown away (a refusal still counts:
# the peak is the point here, not the exit code).
peak_of() {
  /usr/bin/time -o "$WORK/peak" -f '%M' "$@" >/dev/null 2>&1 || true
  tail -1 "$WORK/peak"
}
row() { # name input-bytes KiB
  awk -v n="$1" -v b="$2" -v k="$3" 'BEGIN {
    rss = k * 1024 / 1e6; lim = (3 * b + 50e6) / 1e6
    printf "%-30s %9.1f MB %9.1f MB %9.1f MB  %s\n", n, b / 1e6, rss, lim, (rss <= lim ? "ok" : "OVER")
  }'
}
fresh() { rm -rf "$2" && cp -R "$1" "$2" && sync; }

printf '%-30s %12s %12s %12s\n' "cell" "input" "peak RSS" "limit"
for cell in $CELLS; do
  case $cell in
    file)
      src=$WORK/file
      if [ ! -d "$src" ]; then
        mkdir -p "$src/.claude/plans/big"
        scripts/gen-bigfile.sh 50 "$src/.claude/plans/big/working-notes.md"
      fi
      f=.claude/plans/big/working-notes.md
      b=$(md_bytes "$src")
      row "file check" "$b" "$(peak_of "$BIN" check "$src")"
      row "file split --dry-run" "$b" "$(peak_of "$BIN" split --dry-run "$src/$f")"
      fresh "$src" "$WORK/run"
      row "file split (writing)" "$b" "$(peak_of "$BIN" split "$WORK/run/$f" --out "$WORK/run/.claude/plans/big/parts")"
      row "file migrate --dry-run" "$b" "$(peak_of "$BIN" migrate --dry-run "$src")"
      fresh "$src" "$WORK/run"
      row "file migrate (writing)" "$b" "$(peak_of "$BIN" migrate "$WORK/run")"
      ;;
    4k | 50k)
      n=$(( ${cell%k} * 1000 ))
      src=$WORK/gen-$cell
      [ -d "$src" ] || scripts/gen-tree.sh "$n" "$src"
      b=$(md_bytes "$src")
      row "$cell check" "$b" "$(peak_of "$BIN" check "$src")"
      row "$cell migrate --dry-run" "$b" "$(peak_of "$BIN" migrate --dry-run "$src")"
      fresh "$src" "$WORK/run"
      row "$cell migrate (writing)" "$b" "$(peak_of "$BIN" migrate "$WORK/run")"
      ;;
    *) echo "unknown cell $cell (file, 4k, 50k)" >&2; exit 2 ;;
  esac
done
rm -rf "$WORK/run"
