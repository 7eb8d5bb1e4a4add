#!/usr/bin/env bash
# Trains the learned injection models from Cairn's own corpus (training/guard) and writes the
# resources Cairn ships: the word model and the semantic stage's model over sentence embeddings.
# The training is deterministic: InjectionModelTest and SemanticModelTest retrain and check that
# the shipped files are what this corpus gives, so the models cannot drift from their stated source.
#
#   bench/train-guard.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. "$root/.mvn/select-jdk.sh"
./mvnw -q -B -DskipTests package >&2
classpath="cairn-server/target/classes:$(cat bench/target/jmh.classpath)"
resources=cairn-server/src/main/resources/dev/cairn/guard/learned
"$JAVA_HOME/bin/java" -cp "$classpath" dev.cairn.guard.learned.InjectionTrainer training/guard "$resources/injection-model.bin"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath" dev.cairn.guard.learned.SemanticTrainer \
  training/guard "$resources/semantic-model.bin"
echo "rebuild (./mvnw -DskipTests install) for Cairn to ship the new models" >&2
