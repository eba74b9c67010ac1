#!/usr/bin/env bash
# Time replan against its floor in one run and print the ratios.
#
# The floor (examples/floor.rs) reads the same files, comrak-parses each once and
# counts its tokens once (o200k_base with replan's counter) on one thread, nothing else;
# with --copy DIR it also writes every file's bytes under DIR and syncs them once.
#   1. `replan split --dry-run` of the user's real 297 KB notes vs the floor on
#      that file, and vs Python `mdsplit` splitting it at level 4 (installed into a
#      venv under the bench's temp folder when it is not on PATH); `replan split`
#      writing the parts into a fresh folder vs `mdsplit` writing its own;
#   2. `replan check` on a generated ~20 MB tree (copies of samples/pcc under
#      distinct folders in /tmp) vs the floor over the same files, plus the same on
#      a tree 10x smaller (scaling) and peak memory;
#   3. `replan migrate --dry-run` on a copy of the user's real tree vs the floor,
#      and `replan migrate` (writing) of a fresh copy of a generated tree of
#      MIG_FILES (4,000: ~20 MB) planning files vs the floor reading, parsing,
#      counting and copying it (--copy);
#   4. scaling of planning: `replan migrate --dry-run` on 12,000 generated small
#      planning files vs 3,000 (scripts/gen-tree.sh; linear is 4x), and with
#      LARGE=1 on 50,000 of them vs `replan check` on the same tree.
# The commands of each ratio are timed in turns (bash 5's EPOCHREALTIME, no extra
# process per run); medians are reported.
#
# Usage: scripts/bench.sh            (RUNS=10 SHORT_RUNS=40 MB=20 NOTES=... GEN_RUNS=5 LARGE=1 to override)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-10}
# Commands of ~100 ms are noisier than the 1 s tree runs: time them more often.
SHORT_RUNS=${SHORT_RUNS:-$(( RUNS < 40 ? 40 : RUNS ))}
MB=${MB:-20}
# The generated trees take 2 s (3,000 files) and 8 s (12,000) a run: fewer runs.
GEN_RUNS=${GEN_RUNS:-5}
LARGE=${LARGE:-0}
REAL=${REAL:-../shared/corpus/plans/RLGeeX__pcc-ai-memory}
NOTES=${NOTES:-$REAL/.claude/archive/original-phases/phase-4-working-notes.md}
[ -f "$NOTES" ] || { echo "skipping: $NOTES is absent"; exit 0; }

cargo build --release --locked --bin replan --example floor
BIN=$PWD/target/release/replan
FLOOR=$PWD/target/release/examples/floor

WORK=$(mktemp -d /tmp/replan-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# A tree of N copies of samples/pcc, each under its own folder. Every file of copy
# i ends with a line naming the copy, so no two files have the same text: replan
# remembers token counts by content, and identical copies would be counted once.
make_tree() { # dir copies
  mkdir -p "$1"
  for i in $(seq 1 "$2"); do
    mkdir -p "$1/team-$i"; cp -R samples/pcc/. "$1/team-$i/"
    find "$1/team-$i" -name '*.md' -exec sh -c 'for f; do printf "\n<!-- copy %s -->\n" "$0" >> "$f"; done' "$i" {} +
  done
}
sample_bytes=$(find samples/pcc -name '*.md' -not -path '*/.claude/archive/*' -print0 | xargs -0 cat | wc -c)
COPIES=${COPIES:-$(( (MB * 1000000 + sample_bytes - 1) / sample_bytes ))}
SMALL=$(( COPIES / 10 > 0 ? COPIES / 10 : 1 ))
make_tree "$WORK/big" "$COPIES"
make_tree "$WORK/small" "$SMALL"
mkdir -p "$WORK/real" && cp -R "$REAL/." "$WORK/real/"
scripts/gen-tree.sh 3000 "$WORK/gen-3k"
MIG_FILES=${MIG_FILES:-4000}
scripts/gen-tree.sh "$MIG_FILES" "$WORK/gen-mig"
scripts/gen-tree.sh 12000 "$WORK/gen-12k"
[ "$LARGE" = 1 ] && scripts/gen-tree.sh 50000 "$WORK/gen-50k"
tree_bytes() { find "$1" -name '*.md' -not -path '*/.claude/archive/*' -print0 | xargs -0 cat | wc -c; }

# Time commands in turns (A B C, A B C, ...) and write each one's median seconds to
# $WORK/<name>.t. Taking turns means a change in the machine's load during the run
# hits every command of a ratio alike; timing one command's runs in a block, then
# the other's, let the migrate ratio swing by 10% between runs.
time_turns() { # runs name 'prepare' 'command' [name 'prepare' 'command']...
  local runs=$1; shift
  local -a names preps cmds
  while [ $# -gt 0 ]; do names+=("$1"); preps+=("$2"); cmds+=("$3"); shift 3; done
  local i k a b
  for k in "${!names[@]}"; do : > "$WORK/${names[$k]}.runs"; done
  for i in $(seq 1 $(( runs + 2 ))); do   # the first 2 turns warm the caches
    for k in "${!names[@]}"; do
      [ -n "${preps[$k]}" ] && eval "${preps[$k]}"
      a=${EPOCHREALTIME/[.,]/}; eval "${cmds[$k]}" >/dev/null 2>&1 || true; b=${EPOCHREALTIME/[.,]/}
      [ "$i" -gt 2 ] && echo $(( b - a )) >> "$WORK/${names[$k]}.runs"
    done
  done
  for k in "${!names[@]}"; do
    sort -n "$WORK/${names[$k]}.runs" |
      awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.6f\n", m/1e6}' \
      > "$WORK/${names[$k]}.t"
    printf '  %-34s %8.1f ms\n' "${names[$k]}" "$(awk '{print $1*1000}' "$WORK/${names[$k]}.t")"
  done
}
ratio() { awk -v a="$(cat "$WORK/$1.t")" -v b="$(cat "$WORK/$2.t")" 'BEGIN {printf "%.2f", a/b}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), runs: $RUNS for the trees, $SHORT_RUNS for single files and the real tree (median)"
echo "notes: $(wc -c < "$NOTES") bytes; tree: $COPIES copies, $(tree_bytes "$WORK/big") bytes of Markdown; small tree: $SMALL copies; real tree: $(tree_bytes "$WORK/real") bytes"
echo "generated trees: $(find "$WORK/gen-3k" -name '*.md' | wc -l) and $(find "$WORK/gen-12k" -name '*.md' | wc -l) Markdown files, runs: $GEN_RUNS (median)"
echo "floor breakdown on the notes:"; "$FLOOR" "$NOTES" >/dev/null
echo "floor breakdown on the tree:";  "$FLOOR" "$WORK/big" >/dev/null

# Python mdsplit: from PATH, else installed into a venv here (skipped offline).
MDSPLIT_BIN=$(command -v mdsplit || true)
if [ -z "$MDSPLIT_BIN" ] && python3 -m venv "$WORK/venv" >/dev/null 2>&1 &&
   "$WORK/venv/bin/pip" install -q mdsplit >/dev/null 2>&1; then
  MDSPLIT_BIN=$WORK/venv/bin/mdsplit
fi

echo "timings:"
MDSPLIT=() MDSPLIT_WRITE=()
if [ -n "$MDSPLIT_BIN" ]; then
  MDSPLIT=(mdsplit-notes "rm -rf $WORK/md" "$MDSPLIT_BIN $NOTES -l 4 -o $WORK/md")
  MDSPLIT_WRITE=(mdsplit-notes-write "rm -rf $WORK/md" "$MDSPLIT_BIN $NOTES -l 4 -o $WORK/md")
fi
time_turns "$SHORT_RUNS" split-notes "" "$BIN split --dry-run $NOTES" \
  floor-notes "" "$FLOOR $NOTES" "${MDSPLIT[@]}"
# Both write into an empty folder (replan needs it to exist, mdsplit makes it),
# removed before each run.
time_turns "$SHORT_RUNS" split-notes-write "rm -rf $WORK/parts && mkdir $WORK/parts" "$BIN split $NOTES --out $WORK/parts" \
  "${MDSPLIT_WRITE[@]}"
time_turns "$RUNS" check-tree "" "$BIN check $WORK/big" floor-tree "" "$FLOOR $WORK/big" \
  check-small-tree "" "$BIN check $WORK/small"
time_turns "$SHORT_RUNS" migrate-dry-run-real "" "$BIN migrate --dry-run $WORK/real" \
  floor-real "" "$FLOOR $WORK/real"
# Writing: each run gets a fresh copy of the generated tree (copied outside the
# timing; the samples tree has no root migrate would restructure).
time_turns "$RUNS" migrate-tree "rm -rf $WORK/mig && cp -R $WORK/gen-mig $WORK/mig && sync" "$BIN migrate $WORK/mig" \
  floor-copy-tree "rm -rf $WORK/copy && sync" "$FLOOR --copy $WORK/copy $WORK/gen-mig"

time_turns "$GEN_RUNS" migrate-dry-run-3k "" "$BIN migrate --dry-run $WORK/gen-3k" \
  migrate-dry-run-12k "" "$BIN migrate --dry-run $WORK/gen-12k"
if [ "$LARGE" = 1 ]; then
  time_turns 3 migrate-dry-run-50k "" "$BIN migrate --dry-run $WORK/gen-50k" \
    check-50k "" "$BIN check $WORK/gen-50k"
fi

peak=$( (/usr/bin/time -f '%M' "$BIN" check "$WORK/big" 2>&1 >/dev/null || true) | tail -1)

echo "ratios (lower is better):"
echo "  split --dry-run notes / floor        $(ratio split-notes floor-notes)x   (target: fast; issue: <= mdsplit)"
[ -f "$WORK/mdsplit-notes.t" ] && echo "  split --dry-run notes / mdsplit      $(ratio split-notes mdsplit-notes)x   (target <= 1.0)"
[ -f "$WORK/mdsplit-notes-write.t" ] && echo "  split notes, writing / mdsplit       $(ratio split-notes-write mdsplit-notes-write)x   (both write their files; target <= 0.8)"
echo "  check 20 MB tree / floor             $(ratio check-tree floor-tree)x   (target <= 0.6)"
in_ratio=$(awk -v a="$(tree_bytes "$WORK/big")" -v b="$(tree_bytes "$WORK/small")" 'BEGIN {printf "%.2f", a/b}')
echo "  check tree / check tree 10x smaller  $(ratio check-tree check-small-tree)x   (input ${in_ratio}x; target <= 1.05 x input ratio)"
echo "  migrate --dry-run real / floor       $(ratio migrate-dry-run-real floor-real)x   (target <= 1.0)"
echo "  migrate $MIG_FILES files / floor + copy  $(ratio migrate-tree floor-copy-tree)x   (writing, $(tree_bytes "$WORK/gen-mig") bytes; target <= 1.5)"
echo "  check 20 MB tree peak RSS            ${peak} KB   (target <= 3 x corpus + 50 MB)"
echo "  migrate --dry-run 12,000 / 3,000 files  $(ratio migrate-dry-run-12k migrate-dry-run-3k)x   (generated; linear is 4; target <= 4.5)"
[ "$LARGE" = 1 ] && echo "  migrate --dry-run / check, 50,000 files $(ratio migrate-dry-run-50k check-50k)x   (generated; target <= 3.0)"
exit 0
