#!/usr/bin/env bash
# Measures the learned injection scorer on its own corpus, never on the evaluation files (see
# GuardHeldOut): the held-out split's detection against false positives, the calibration of the
# model's and the rules' scores, and each attack source left out of training in turn. This is where
# the model's settings and the default threshold are chosen.
#
#   bench/guard-heldout.sh
#
# Knobs (environment): SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests package >&2
fi
"$JAVA_HOME/bin/java" -Xmx3g -cp "bench/target/classes:$(cat bench/target/jmh.classpath)" dev.cairn.bench.GuardHeldOut \
  training/guard-train training/guard
