#!/usr/bin/env bash
# Measures the learned injection model on Cairn's own corpus with templates held out of training
# (see GuardHeldOut): the harness on which the model's settings and threshold are chosen. It reads
# only training/guard, never the evaluation files.
#
#   bench/guard-heldout.sh [threshold …]              # by family; default thresholds 0.5 … 0.9
#   CROSS=6bbbed3 bench/guard-heldout.sh [threshold …]  # by author: the corpus at that commit against what came after
#
# Knobs (environment): CROSS=<git revision> SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests package >&2
fi
cross=()
if [ -n "${CROSS:-}" ]; then
  earlier="$(mktemp -d)"
  trap 'rm -rf "$earlier"' EXIT
  for f in injections benign carriers; do
    git show "$CROSS:training/guard/$f.txt" > "$earlier/$f.txt"
  done
  cross=(--cross "$earlier")
fi
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat bench/target/jmh.classpath)" dev.cairn.bench.GuardHeldOut training/guard "${cross[@]}" "$@"
