# Sourced by ./cairn and bench/run.sh (whose bare-proxy reference must run on the same JVM as
# Cairn): sets the array gateway_opts to the JVM defaults for a gateway, each only where the
# operator's options (CAIRN_JAVA_OPTS, or JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS / _JAVA_OPTIONS) set
# nothing of the kind; docs/configuration.md explains them. Needs JAVA_HOME (.mvn/select-jdk.sh).
# Left alone, the JVM sizes the heap from the machine (a quarter of its memory, and a 64th to start
# with), which makes the resident size follow the host rather than Cairn's needs.
operator_opts=" ${CAIRN_JAVA_OPTS:-} ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${_JAVA_OPTIONS:-} "
operator_opts=${operator_opts//[$'\t\n\r']/ }   # the JVM splits its variables at any white space
gateway_opts=()
sets() { local flag; for flag in "$@"; do [[ "$operator_opts" == *" $flag"* ]] && return 0; done; return 1; }
sets -Xmx -XX:MaxHeapSize= -XX:MaxRAMPercentage= -XX:MaxRAMFraction= -XX:MaxRAM= || gateway_opts+=(-Xmx512m)
sets -Xms -XX:InitialHeapSize= -XX:MinHeapSize= -XX:InitialRAMPercentage= -XX:InitialRAMFraction= || gateway_opts+=(-Xms64m)
# The parallel collector unless the operator chose one: on a small heap it spends less CPU than G1
# (no concurrent marking, no refinement threads, cheaper write barriers), which on a machine of a
# few cores shared with other processes shows as throughput and tail latency (BENCHMARKS.md).
# Any collector switch, on or off, any G1 tuning (-XX:G1…, which means G1), or options this script
# cannot read (an @argfile, a flags file) leave the choice to the operator: two collectors selected
# would stop the JVM.
sets -XX:+UseSerialGC -XX:-UseSerialGC -XX:+UseParallelGC -XX:-UseParallelGC -XX:+UseG1GC -XX:-UseG1GC \
  -XX:+UseZGC -XX:-UseZGC -XX:+UseShenandoahGC -XX:-UseShenandoahGC -XX:+UseEpsilonGC -XX:G1 \
  -XX:Flags= -XX:VMOptionsFile= @ || gateway_opts+=(-XX:+UseParallelGC)
# With G1, chosen by the operator: after a minute without any collection (an idle server), collect and
# give the unused heap back to the system.
! sets -XX:+UseG1GC -XX:G1 || sets -XX:G1PeriodicGCInterval= || gateway_opts+=(-XX:G1PeriodicGCInterval=60000)
# Carrier threads for virtual threads: four per core instead of one. The JDK never preempts a virtual
# thread, so with one carrier per core two requests busy with the CPU (a large stream, sealing a large
# audit entry, scanning a 4 MB body) leave nothing to run /health/live or a short chat until they are
# done; with more carriers than cores the system's scheduler shares the cores among them
# (bench/heavy-clients.sh, BENCHMARKS.md).
sets -Djdk.virtualThreadScheduler.parallelism= \
  || gateway_opts+=(-Djdk.virtualThreadScheduler.parallelism=$(( 4 * $(nproc 2>/dev/null || echo 1) )))
# Native memory freed by ONNX Runtime, SQLite or the JVM stays with the C allocator unless trimmed;
# the flag is a product flag from JDK 21.0.4, 22.0.1 and 23 on (JDK-8325496). 21.0.1-21.0.3 and 22
# had it as experimental and, like an older JVM that lacks it, would refuse to start with it.
jdk_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
trim_known() {
  [[ "$jdk_version" =~ ^(2[3-9]|[3-9][0-9])([.-]|$) || "$jdk_version" =~ ^22\.0\.[1-9] \
     || "$jdk_version" =~ ^21\.0\.([4-9]|[1-9][0-9]) ]]
}
sets -XX:TrimNativeHeapInterval= || ! trim_known || gateway_opts+=(-XX:TrimNativeHeapInterval=60000)
