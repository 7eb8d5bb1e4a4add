#!/usr/bin/env bash
# Measures the input guard's cost with JMH and writes its section of BENCHMARKS.md (between the
# guard-jmh markers, below the analysis marker).
#
#   bench/guard-jmh.sh
#
# bench/.../GuardScanBench.java times Guard.scan(workspace, text, INPUT), every input scanner under
# the default policy, on four 2 KB prompts (bench/src/main/resources/guard-prompts), in JMH's
# sample-time mode, so the figures are percentiles of single scans. Target: p99 at most 0.5 ms.
# JMH forks with this script's class path: Cairn's plain jar and libraries come from
# bench/target/jmh.classpath, written by the build.
#
# Knobs (environment): FORKS (1) WARMUP_ITERATIONS (5) WARMUP_TIME (2s) ITERATIONS (5)
#   ITERATION_TIME (2s) NOTE (a line added to the section, e.g. about a busy machine) SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
. "$root/bench/sections.sh"

FORKS=${FORKS:-1}
WARMUP_ITERATIONS=${WARMUP_ITERATIONS:-5}
WARMUP_TIME=${WARMUP_TIME:-2s}
ITERATIONS=${ITERATIONS:-5}
ITERATION_TIME=${ITERATION_TIME:-2s}
java="$JAVA_HOME/bin/java"
results="$root/bench/results/guard-jmh"
mkdir -p "$results"
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building"
  ./mvnw -q -B -DskipTests package >&2
fi
[ -s "$root/bench/target/jmh.classpath" ] || { echo "bench/target/jmh.classpath is missing: build without SKIP_BUILD" >&2; exit 1; }

log "running GuardScanBench ($FORKS fork(s), ${WARMUP_ITERATIONS}x$WARMUP_TIME warm-up, ${ITERATIONS}x$ITERATION_TIME measured, per prompt)"
"$java" -cp "$root/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$(cat "$root/bench/target/jmh.classpath")" \
  org.openjdk.jmh.Main 'dev.cairn.bench.GuardScanBench' \
  -f "$FORKS" -wi "$WARMUP_ITERATIONS" -w "$WARMUP_TIME" -i "$ITERATIONS" -r "$ITERATION_TIME" \
  -rf json -rff "$results/jmh.json" > "$results/jmh.log" 2>&1 \
  || { tail -n 40 "$results/jmh.log" >&2; exit 1; }

verdict() { awk "BEGIN{exit !($1)}" && echo "**pass**" || echo "**FAIL**"; }
larger() { awk -v a="$1" -v b="$2" 'BEGIN{print (b > a ? b : a)}'; }
rows=""
worst=0
worst_rules=0
worst_semantic=0
while IFS=$'\t' read -r prompt scoring p50 p90 p99 p999 max samples; do
  # GuardScanBench prints "<prompt>: <chars> chars, <bytes> bytes; action <action>, <n> verdicts" once per fork.
  about=$(grep -m1 "^$prompt: " "$results/jmh.log" | sed -E 's/^[^:]+: [0-9]+ chars, ([0-9]+) bytes; action ([a-z]+), ([0-9]+) verdicts.*/\1\t\2 (\3 verdicts)/')
  case "$scoring" in
    learned) label="rules + learned (as shipped)"; worst=$(larger "$worst" "$p99") ;;
    rules) label="rules only"; worst_rules=$(larger "$worst_rules" "$p99") ;;
    semantic) label="rules + learned + semantic stage (opt-in)"; worst_semantic=$(larger "$worst_semantic" "$p99") ;;
  esac
  rows+="| $prompt | $label | ${about%%$'\t'*} | ${about#*$'\t'} | $p50 | $p90 | $p99 | $p999 | $max | $samples | $(verdict "$p99 <= 500") |"$'\n'
done < <(jq -r '.[] | .primaryMetric as $m | [.params.prompt, .params.scoring,
    ($m.scorePercentiles["50.0"], $m.scorePercentiles["90.0"], $m.scorePercentiles["99.0"], $m.scorePercentiles["99.9"],
     $m.scorePercentiles["100.0"] | . * 10 | round / 10),
    ([$m.rawDataHistogram[][][] | .[1]] | add)] | @tsv' "$results/jmh.json")

section=$(cat <<MD
<!-- guard-jmh: begin (written by bench/guard-jmh.sh; rerun it to refresh) -->
## Guard: input scanning cost (JMH)

Written by \`bench/guard-jmh.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$root" rev-parse --short HEAD)\`$(git -C "$root" status --porcelain -- cairn-server bench 2>/dev/null | grep -q . && echo " with uncommitted changes" || true).
Command: \`bench/guard-jmh.sh  (FORKS=$FORKS WARMUP_ITERATIONS=$WARMUP_ITERATIONS WARMUP_TIME=$WARMUP_TIME ITERATIONS=$ITERATIONS ITERATION_TIME=$ITERATION_TIME)\`.
Machine: $(nproc) cores ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)), $("$java" -version 2>&1 | head -n 1), JMH 1.37, heap 512 MB.
What: \`Guard.scan(workspace, text, INPUT)\` (every input scanner, default policy, redaction included) on one
thread, JMH sample-time mode; each prompt is a 2 KB text written for this benchmark
(\`bench/src/main/resources/guard-prompts\`). Times in microseconds per scan.
${NOTE:+
$NOTE
}
| Target | Measured (worst prompt's p99) | Verdict |
|---|---|---|
| 2 KB prompt, all input scanners, learned model included (as shipped): p99 ≤ 0.5 ms | $worst µs | $(verdict "$worst <= 500") |
| the same, rules only (the model's cost is the difference) | $worst_rules µs | $(verdict "$worst_rules <= 500") |
| reported separately: with the opt-in semantic stage (\`cairn.guard.semantic-scoring\`), which embeds texts the word model finds suspicious | $worst_semantic µs | $(verdict "$worst_semantic <= 500") |

| Prompt | scanners | bytes | guard's answer | p50 | p90 | p99 | p99.9 | max | samples | p99 ≤ 500 µs |
|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|
$rows
<!-- guard-jmh: end -->
MD
)
write_section guard-jmh "$section"
log "wrote the guard-jmh section of BENCHMARKS.md"
