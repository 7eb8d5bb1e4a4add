#!/usr/bin/env bash
# Measures the input guard's injection detection and writes its section of BENCHMARKS.md (between
# the guard markers, below the analysis marker).
#
#   bench/guard.sh ../shared/data/guard
#
# bench/.../GuardBench.java runs inside Cairn's own runnable jar (its launcher adds the bench
# classes), so it scans with exactly the scanners and the injection model Cairn ships. A prompt
# counts as flagged when the injection or Unicode scanner reports a finding with a score of at
# least THRESHOLD; rules alone, the learned model alone and both are reported side by side.
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
detection=$(r '.combined."injecguard-valid".all.detection_rate')
fpr=$(r '.combined."injecguard-valid".all.false_positive_rate')
over=$(r '.combined."notinject-one".all.false_positive_rate')
ways() { # file metric -> "rules | learned | combined | semantic" cells
  for way in rules learned combined semantic; do
    printf '%s (%s/%s) | ' "$(r ".$way.\"$1\".all.$2_rate")" "$(r ".$way.\"$1\".all.$3")" "$(r ".$way.\"$1\".all.$4")"
  done
}
rows=$(jq -r '.rules | to_entries[] | .key as $file | .value.by_source | keys[] as $source | [$file, $source] | @tsv' <<< "$report" |
  while IFS=$'\t' read -r file source; do
    cells=""
    for way in rules learned combined semantic; do
      c=$(jq -r --arg f "$file" --arg s "$source" --arg w "$way" '.[$w][$f].by_source[$s] |
        if .positives > 0 then "\(.detected)/\(.positives)" else "\(.false_positives)/\(.negatives) flagged" end' <<< "$report")
      cells="$cells $c |"
    done
    echo "| $file | $source |$cells"
  done)

section=$(cat <<MD
<!-- guard: begin (written by bench/guard.sh; rerun it to refresh) -->
## Guard: injection detection

Written by \`bench/guard.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$root" rev-parse --short HEAD)\`$(git -C "$root" status --porcelain -- cairn-server bench training 2>/dev/null | grep -q . && echo " with uncommitted changes" || true).
Command: \`bench/guard.sh $1  (THRESHOLD=$THRESHOLD)\`. A prompt counts as flagged when the injection or
Unicode scanner reports a finding scoring at least the threshold (the default policy's). Four ways: the
rules alone; the learned word model alone; both, as Cairn ships them (the targets apply to this one);
and both with the opt-in semantic stage (\`cairn.guard.semantic-scoring: true\`).
The word model is trained on the public corpus in \`training/guard-train\` and Cairn's templates in
\`training/guard\` (the semantic stage's model on the templates only); these files only measure: no rule,
template, row or setting was taken from them.

| Target (as shipped: rules + word model) | Measured | Verdict |
|---|---|---|
| injecguard-valid: detection ≥ 0.85 on label 1 | $detection ($(r '.combined."injecguard-valid".all.detected')/$(r '.combined."injecguard-valid".all.positives')) | $(verdict "$detection >= 0.85") |
| injecguard-valid: false positives ≤ 0.03 on label 0 | $fpr ($(r '.combined."injecguard-valid".all.false_positives')/$(r '.combined."injecguard-valid".all.negatives')) | $(verdict "$fpr <= 0.03") |
| notinject-one: ≤ 0.03 wrongly flagged | $over ($(r '.combined."notinject-one".all.false_positives')/$(r '.combined."notinject-one".all.negatives')) | $(verdict "$over <= 0.03") |
| *with the semantic stage:* detection ≥ 0.85 | $(r '.semantic."injecguard-valid".all.detection_rate') ($(r '.semantic."injecguard-valid".all.detected')/$(r '.semantic."injecguard-valid".all.positives')) | $(verdict "$(r '.semantic."injecguard-valid".all.detection_rate') >= 0.85") |
| *with the semantic stage:* false positives ≤ 0.03 | $(r '.semantic."injecguard-valid".all.false_positive_rate') ($(r '.semantic."injecguard-valid".all.false_positives')/$(r '.semantic."injecguard-valid".all.negatives')) | $(verdict "$(r '.semantic."injecguard-valid".all.false_positive_rate') <= 0.03") |
| *with the semantic stage:* notinject-one ≤ 0.03 | $(r '.semantic."notinject-one".all.false_positive_rate') ($(r '.semantic."notinject-one".all.false_positives')/$(r '.semantic."notinject-one".all.negatives')) | $(verdict "$(r '.semantic."notinject-one".all.false_positive_rate') <= 0.03") |

| Measure | rules | word model | rules + word model (as shipped) | with the semantic stage |
|---|---|---|---|---|
| injecguard-valid detection | $(ways injecguard-valid detection detected positives)
| injecguard-valid false positives | $(ways injecguard-valid false_positive false_positives negatives)
| notinject-one wrongly flagged | $(ways notinject-one false_positive false_positives negatives)

| File | Source | rules | word model | rules + word model (as shipped) | with the semantic stage |
|---|---|---|---|---|---|
$rows
<!-- guard: end -->
MD
)
write_section guard "$section"
log "wrote the guard section of BENCHMARKS.md"
