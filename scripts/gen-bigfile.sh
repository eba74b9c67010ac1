#!/usr/bin/env bash
# Generate one big planning file of about MB megabytes from real-looking plan
# text, for measuring peak memory on a single large input (issue 17, item 2).
#
#   scripts/gen-bigfile.sh MB FILE
#
# The text is samples/pcc's phase-4 working notes (162 KB: subphase sections,
# steps, code fences, tables, a decision list) repeated; copy c renumbers every
# "Phase 4" (and "Phase 4.k", "phase-4") to phase 4+c, so the file reads as one
# monolith of many phases, each with its own top-level `# Phase N` heading and
# distinct subphase numbers, as a long-running project's notes grow.
# The output depends only on MB: the same MB gives the same bytes.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 MB FILE" >&2; exit 2; }
MB=$1
OUT=$2
case $MB in '' | *[!0-9]*) echo "MB must be a number" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
NOTES=samples/pcc/.claude/plans/devtest-deployment/phase-4-working-notes.md
size=$(wc -c < "$NOTES")
copies=$(( (MB * 1000000 + size - 1) / size ))
awk -v copies="$copies" '
{ lines[NR] = $0 }
END {
  for (c = 0; c < copies; c++) {
    p = 4 + c
    for (i = 1; i <= NR; i++) {
      s = lines[i]
      gsub(/Phase 4/, "Phase " p, s)
      gsub(/phase-4/, "phase-" p, s)
      gsub(/PHASE 4/, "PHASE " p, s)
      print s
    }
    print ""
  }
}' "$NOTES" > "$OUT"
