#!/usr/bin/env bash
# Measures the input guard's injection detection and writes its section of BENCHMARKS.md (between
# the guard markers, below the analysis marker).
#
#   bench/guard.sh ../shared/data/guard
#
# bench/.../GuardBench.java runs inside Cairn's own runnable jar (its launcher adds the bench
# classes), so it scans with exactly the scanners Cairn ships. A prompt counts as flagged when the
# injection or Unicode scanner reports a finding with a score of at least THRESHOLD.
#
# Knobs (environment): THRESHOLD SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$(cd "${1:?usage: bench/guard.sh <dir with injecguard-valid.json and notinject-one.json>}" && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/sections.sh"

THRESHOLD=${THRESHOLD:-0.7}
java="$JAVA_HOME/bin/java"
results="$root/bench/results/guard"
mkdir -p "$results"
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building"
  ./mvnw -q -B -DskipTests package >&2
fi

log "scanning the labelled prompts in $data"
"$java" -cp "$root/cairn-server/target/cairn-server-exec.jar" \
  -Dloader.path="$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar" \
  -Dloader.main=dev.cairn.bench.GuardBench org.springframework.boot.loader.launch.PropertiesLauncher "$data" "$THRESHOLD" \
  2> "$results/guard.log" | tail -n 1 > "$results/guard.json"
report="$(cat "$results/guard.json")"
r() { jq -r "$1" <<< "$report"; }
verdict() { awk "BEGIN{exit !($1)}" && echo "**pass**" || echo "**FAIL**"; }
detection=$(r '."injecguard-valid".all.detection_rate')
fpr=$(r '."injecguard-valid".all.false_positive_rate')
over=$(r '."notinject-one".all.false_positive_rate')
rows=$(jq -r 'to_entries[] | select(.value | type == "object") | .key as $file | .value.by_source | to_entries[] |
  "| \($file) | \(.key) | \(.value.detected)/\(.value.positives) | \(.value.false_positives)/\(.value.negatives) |"' <<< "$report")

section=$(cat <<MD
<!-- guard: begin (written by bench/guard.sh; rerun it to refresh) -->
## Guard: injection detection

Written by \`bench/guard.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$root" rev-parse --short HEAD)\`$(git -C "$root" status --porcelain -- cairn-server bench 2>/dev/null | grep -q . && echo " with uncommitted changes" || true).
Command: \`bench/guard.sh $1  (THRESHOLD=$THRESHOLD)\`. Scanners: \`InjectionScanner\` and \`UnicodeScanner\`
(rules only; no learned scoring yet). The data only measures: no rule was written from its rows.

| Target | Measured | Verdict |
|---|---|---|
| injecguard-valid: detection ≥ 0.70 on label 1 | $detection ($(r '."injecguard-valid".all.detected')/$(r '."injecguard-valid".all.positives')) | $(verdict "$detection >= 0.70") |
| injecguard-valid: false positives ≤ 0.05 on label 0 | $fpr ($(r '."injecguard-valid".all.false_positives')/$(r '."injecguard-valid".all.negatives')) | $(verdict "$fpr <= 0.05") |
| notinject-one: ≤ 0.05 wrongly flagged | $over ($(r '."notinject-one".all.false_positives')/$(r '."notinject-one".all.negatives')) | $(verdict "$over <= 0.05") |

| File | Source | detected / injections | flagged / benign |
|---|---|---:|---:|
$rows
<!-- guard: end -->
MD
)
write_section guard "$section"
log "wrote the guard section of BENCHMARKS.md"
