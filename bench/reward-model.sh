#!/usr/bin/env bash
# Reward models on a preference set (issue 29, point 6): held-out pairwise accuracy of Cairn's
# Bradley-Terry head without privacy and with DP-SGD at a target ε, training time, examples per
# second, and DP-SGD's cost over plain SGD. The set is an argument: evaluation data stays outside
# the repository.
#
#   bench/reward-model.sh ../shared/data/preferences/hh-rlhf-harmless-base-test.jsonl.gz [EPSILON] [DELTA]
#
# Builds Cairn unless SKIP_BUILD=1. Embedding every text with all-MiniLM-L6-v2 on the CPU dominates
# the run (minutes on 2 cores); the training itself takes seconds.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
cd "$root"
. "$root/.mvn/select-jdk.sh"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests package >&2
fi
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat bench/target/jmh.classpath)" \
  dev.cairn.bench.RewardBench "$data" "$@"
