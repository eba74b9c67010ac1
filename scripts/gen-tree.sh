#!/usr/bin/env bash
# Generate a planning tree of N small Markdown plan files under DIR, for timing
# how `replan migrate --dry-run` and `replan check` scale with the number of files.
#
#   scripts/gen-tree.sh N DIR
#
# DIR/.claude/plans/team-T/project-P/ folders of 40 files each (10 projects a team):
#   - phase-P-working-notes.md: five `## Phase P.k: …` sections, ~300 lines, a
#     "Key Decisions" list: over the 200-line budget, split by subphase;
#   - rollout-I.md (4 a folder): two `## Phase` sections in 40 lines: split;
#   - phase-P.K-task-I.md (the rest): 30-90 lines, one in ten of them ~230 lines
#     (split by budget); links to their neighbours, to a section of the working
#     notes (rewritten to the part), to the previous project's notes, now and then
#     a broken link, an artifact in backticks, a decision.
#   Every 4th folder skips a subphase number (phase.missing) and repeats one
#   (phase.duplicate), as real trees do.
# DIR/.claude/status/team-T.md: per project a claim of completion, artifacts said
# to be created and links into the plans; DIR/.claude/status/brief.md links to
# each team file. DIR/replan.yaml sets `repo_roots: [infra]`, where a few of the
# artifacts exist, so status.unbacked-claim runs too.
#
# The output depends only on N: the same N gives the same bytes.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 N DIR" >&2; exit 2; }
N=$1
DIR=$2
case $N in '' | *[!0-9]*) echo "N must be a number" >&2; exit 2 ;; esac
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

awk -v N="$N" -v DIR="$DIR" '
function anchor(t,   s) { s = tolower(t); gsub(/[^a-z0-9 _-]/, "", s); gsub(/ /, "-", s); return s }
function team_of(f) { return int(f / 10) }
function folder(f) { return ".claude/plans/team-" team_of(f) "/project-" f }
# The file name of member i of folder f (see the header).
function name(f, i) {
  if (i == 0) return "phase-" (f + 1) "-working-notes.md"
  if (i % 10 == 5) return "rollout-" i ".md"
  return "phase-" (f + 1) "." num(f, i) "-task-" i ".md"
}
# The subphase number of task i: every 4th folder skips i+1 at i = 20 and
# repeats it at i = 21.
function num(f, i) { return (f % 4 == 1 && (i == 20 || i == 21)) ? 22 : i + 1 }
function notes_title(f, k) { return "Phase " (f + 1) "." k ": Prepare stage " k " of project " f }
# A link from folder f to the working notes of folder g.
function rel_to(f, g) {
  if (team_of(f) == team_of(g)) return "../project-" g "/" name(g, 0)
  return "../../team-" team_of(g) "/project-" g "/" name(g, 0)
}
function out(path, text) { printf "%s", text > (DIR "/" path); close(DIR "/" path) }
function mkdirs(path) { dirs[path] = 1 }
function body(lines, seed,   s, k) {
  s = ""
  for (k = 0; k < lines; k++) {
    if (k % 12 == 0) s = s "\n### Step " (k / 12 + 1) "\n\n"
    else if (k % 12 == 5) s = s "```bash\ngcloud container clusters describe c-" seed "-" k " --region us-east4\n```\n"
    else s = s "- Check item " k " of " seed ": verify the " (k % 3 == 0 ? "service account" : "network policy") " for workload " (seed * 7 + k) % 1000 "\n"
  }
  return s
}
function notes(f,   ph, s, k, p) {
  ph = f + 1
  s = "# Phase " ph " working notes\n\nNotes for project " f ".\n\n## Key Decisions\n\n"
  s = s "- **Decision**: Use module gke-" ph " for the clusters of project " f "\n"
  s = s "- **Decision**: Keep one Terraform state bucket per environment\n\n"
  for (k = 1; k <= 5; k++) {
    s = s "## " notes_title(f, k) "\n\n**Duration**: 20-30 min\n\n"
    s = s "See [task " k "](" name(f, k) ") for the details.\n"
    s = s body(52, f * 100 + k)
    s = s "\n"
  }
  return s
}
function rollout(f, i,   ph, s, k) {
  ph = f + 1
  s = "# Rollout " i " of project " f "\n\n"
  for (k = 0; k < 2; k++) {
    s = s "## Phase " ph "." (50 + i + k) ": Rollout wave " (i + k) " of project " f "\n\n"
    s = s "Back to [the notes](" name(f, 0) "#" anchor(notes_title(f, 2)) ").\n"
    s = s body(14, f * 100 + i + k) "\n"
  }
  return s
}
function task(f, i, g,   ph, n, s, lines, prev, next_) {
  ph = f + 1
  n = num(f, i)
  s = "# Phase " ph "." n ": Task " i " of project " f "\n\n"
  s = s "**Phase**: " ph "." n "\n**Status**: Planning Complete\n\n## Objective\n\n"
  s = s "Create `svc-" i ".tf` for project " f " and wire it into `modules/mod-" f "/`.\n\n"
  s = s "## Prerequisites\n\n"
  prev = i - 1
  if (prev >= 1 && prev % 10 != 5) s = s "- [Task " prev "](" name(f, prev) ")\n"
  next_ = i + 1
  if (next_ < members(f) && next_ % 10 != 5) s = s "- [Task " next_ "](" name(f, next_) ")\n"
  s = s "- [The notes on stage " (i % 5 + 1) "](" name(f, 0) "#" anchor(notes_title(f, i % 5 + 1)) ")\n"
  if (f > 0) s = s "- [Project " (f - 1) " notes](" rel_to(f, f - 1) ")\n"
  if (g % 50 == 7) s = s "- [An old draft](phase-" ph ".99-removed.md)\n"
  if (g % 8 == 3) s = s "\n**Decision**: Run task " i " of project " f " with the " (g % 3 == 0 ? "blue" : "green") " node pool\n"
  lines = (i % 10 == 3 && i % 20 == 13) ? 230 : 30 + (g * 7) % 60
  s = s "\n## Steps\n" body(lines, g) "\n"
  return s
}
function members(f) { return (f == folders - 1) ? N - f * 40 : 40 }
function status(t,   s, f, ph, first, last) {
  s = "# Status of team " t "\n\n"
  first = t * 10
  last = first + 9
  if (last > folders - 1) last = folders - 1
  for (f = first; f <= last; f++) {
    ph = f + 1
    s = s "## Phase " ph ": project " f "\n\n"
    s = s "- Phase " ph ": ✅ 100% complete ([notes](../plans/team-" t "/project-" f "/" name(f, 0) "#" anchor(notes_title(f, 3)) "))\n"
    s = s "- created `svc-" (f % 7) ".tf` and `modules/mod-" f "/` for project " f "\n"
    if (members(f) > 4) s = s "- [Task 4](../plans/team-" t "/project-" f "/" name(f, 4) ")\n"
    s = s "\n"
  }
  return s
}
BEGIN {
  folders = int((N + 39) / 40)
  for (f = 0; f < folders; f++) mkdirs(folder(f))
  mkdirs(".claude/status"); mkdirs("infra/app/terraform"); mkdirs("infra/modules/mod-0")
  for (d in dirs) list = list " \"" DIR "/" d "\""
  system("mkdir -p" list)
  g = 0
  for (f = 0; f < folders; f++) {
    for (i = 0; i < members(f); i++) {
      if (i == 0) text = notes(f)
      else if (i % 10 == 5) text = rollout(f, i)
      else text = task(f, i, g)
      out(folder(f) "/" name(f, i), text)
      g++
    }
  }
  teams = team_of(folders - 1) + 1
  brief = "# Current Session Brief\n\n**Status**: in progress\n\n## Teams\n\n"
  for (t = 0; t < teams; t++) {
    out(".claude/status/team-" t ".md", status(t))
    brief = brief "- [Team " t "](team-" t ".md)\n"
  }
  out(".claude/status/brief.md", brief)
  out("replan.yaml", "repo_roots: [infra]\n")
  for (k = 0; k < 5; k++) out("infra/app/terraform/svc-" k ".tf", "# svc " k "\n")
  out("infra/modules/mod-0/main.tf", "# mod 0\n")
}'
