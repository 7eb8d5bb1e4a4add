#!/usr/bin/env bash
# Measures the learned injection model on Cairn's own corpus with whole template families held out
# of training (see GuardHeldOut): the harness on which the model's settings and threshold are
# chosen. It reads only training/guard, never the evaluation files.
#
#   bench/guard-heldout.sh [threshold …]      # default: 0.5 0.6 0.7 0.8 0.9
#
# Knobs (environment): SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -pl bench -am -DskipTests compile >&2
fi
"$JAVA_HOME/bin/java" -cp cairn-server/target/classes:bench/target/classes dev.cairn.bench.GuardHeldOut training/guard "$@"
