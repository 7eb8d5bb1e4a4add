#!/usr/bin/env bash
# Trains the learned injection model from Cairn's own corpus (training/guard) and writes the
# resource Cairn ships. The training is deterministic: InjectionModelTest retrains and checks that
# the shipped file is what this corpus gives, so the model cannot drift from its stated source.
#
#   bench/train-guard.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
./mvnw -q -B -pl cairn-server -am -DskipTests compile >&2
"$JAVA_HOME/bin/java" -cp cairn-server/target/classes dev.cairn.guard.learned.InjectionTrainer \
  training/guard cairn-server/src/main/resources/dev/cairn/guard/learned/injection-model.bin
