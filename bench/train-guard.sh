#!/usr/bin/env bash
# Trains the learned injection scorer and writes the resource Cairn ships: the word model, from the
# public corpus (training/guard-train, attributions in its README and SOURCES.md) and Cairn's own
# templates (training/guard), calibrated on the corpus's held-out split. With SEMANTIC=1 it also
# retrains the opt-in semantic stage's model over sentence embeddings (from the templates; it embeds
# every example, minutes on two cores). Training is deterministic: InjectionModelTest and
# SemanticModelTest retrain and check that the shipped files are what the corpus gives, so the
# models cannot drift from their stated source.
#
#   bench/train-guard.sh
#
# Knobs (environment): SEMANTIC=1 SKIP_BUILD=1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -DskipTests package >&2
fi
classpath="cairn-server/target/classes:$(cat bench/target/jmh.classpath)"
resources=cairn-server/src/main/resources/dev/cairn/guard/learned
"$JAVA_HOME/bin/java" -Xmx2g -cp "$classpath" dev.cairn.guard.learned.InjectionTrainer training/guard-train training/guard \
  "$resources/injection-model.bin"
if [ "${SEMANTIC:-0}" = 1 ]; then
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath" dev.cairn.guard.learned.SemanticTrainer \
    training/guard "$resources/semantic-model.bin"
fi
echo "rebuild (./mvnw -DskipTests install) for Cairn to ship the new model" >&2
