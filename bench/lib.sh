# Shared by the bench/ scripts (sourced after .mvn/select-jdk.sh, from the project root; `java` and
# `classpath` below are set unless the script set its own), so
# that both send the same request to the same fake upstream through the same provider settings,
# and read CPU time and memory the same way: figures from the two scripts are then comparable.

java=${java:-$JAVA_HOME/bin/java}
classpath=${classpath:-$PWD/bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:$PWD/bench/target/lib/*}

# The request both scripts time: a short chat completion, as an application would send it.
write_request_body() {   # FILE
  cat > "$1" <<'JSON'
{"model":"fake/bench-model","messages":[{"role":"system","content":"You are a concise assistant that answers in one sentence."},{"role":"user","content":"What is a cairn, and why do hikers build them?"}],"max_tokens":64,"temperature":0.2}
JSON
}

# Cairn's configuration: its defaults, and the fake as its one provider.
write_cairn_config() {   # FILE FAKE_PORT
  cat > "$1" <<YAML
cairn:
  providers:
    fake:
      type: openai
      base-url: http://127.0.0.1:$2/v1
      api-key: unused
YAML
}

# The load generator's command (an array, so that a run in the background gives the JVM's own pid).
load_generator=("$java" -Xms256m -Xmx512m -cp "$classpath" dev.cairn.bench.LoadGenerator)

# Starts the fake upstream in the background (one event loop per core); its pid in fake_pid. Further
# arguments go to the fake: `--fail-ratio 0.5` fails that share of the completions with a 503, and
# `curl -X POST http://127.0.0.1:PORT/admin/down` takes it down for good (connections refused).
start_fake() {   # PORT LOG_FILE [FAKE_ARGS ...]
  local port=$1 out=$2
  shift 2
  "$java" -Xms256m -Xmx256m -cp "$classpath" dev.cairn.bench.FakeUpstream "$port" "$(nproc)" "$@" > "$out" 2>&1 &
  fake_pid=$!
}

# The API key both scripts call Cairn with, created in a fresh data dir; stderr to ERR_FILE.
create_bench_key() {   # DATA_DIR ERR_FILE
  env -u CAIRN_LOGGING_ACCESS_LOG ./cairn keys create --data-dir "$1" --workspace bench --name bench 2>"$2"
}

# Starts Cairn in the background with its access log off unless a NAME=VALUE turns it on; its pid
# (./cairn execs java, so the JVM's own) in cairn_pid.
start_cairn() {   # PORT DATA_DIR CONFIG LOG_FILE [NAME=VALUE ...]
  local port=$1 data=$2 config=$3 out=$4
  shift 4
  env -u CAIRN_LOGGING_ACCESS_LOG "$@" ./cairn serve --port "$port" --data-dir "$data" --config "$config" > "$out" 2>&1 &
  cairn_pid=$!
}

# Waits up to 120 s for URL to answer 2xx; fails at once, with LOG_FILE shown, when PID has exited.
wait_until_up() {   # URL PID LOG_FILE
  local _
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "The process behind $1 exited; its log ($3):" >&2; cat "$3" >&2; return 1; }
    sleep 0.5
  done
  echo "Timed out waiting for $1; see $3" >&2
  return 1
}

# CPU time (user + system, in clock ticks) a process has used so far; 0 once it is gone.
proc_ticks() {   # PID
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU ticks (user + system) of each thread of a process so far, a line "tid<TAB>name<TAB>ticks" each.
# The fields are read after the name's closing parenthesis: names such as "GC Thread#0" hold spaces.
# One awk over all the stat files: a process per thread would load the machine being measured.
thread_ticks() {   # PID
  awk '{
    lp = index($0, "("); rp = 0
    for (i = length($0); i > lp; i--) if (substr($0, i, 1) == ")") { rp = i; break }
    split(substr($0, rp + 2), field, " ")   # field 1 is the state, 12 utime, 13 stime
    printf "%s\t%s\t%s\n", $1, substr($0, lp + 1, rp - lp - 1), field[12] + field[13]
  }' /proc/"$1"/task/*/stat 2>/dev/null
}

# CPU seconds per thread name (digits folded to N, so a pool's threads add up) between two
# thread_ticks files, largest first, with each name's share of the process's CPU.
thread_table() {   # BEFORE AFTER HZ
  awk -F '\t' -v hz="$3" '
    NR == FNR { before[$1] = $3; next }
    { name = $2; gsub(/[0-9]+/, "N", name); used[name] += $3 - before[$1]; total += $3 - before[$1] }
    END { for (n in used) if (used[n] > 0) printf "%8.2f s %5.1f %%  %s\n", used[n] / hz, 100 * used[n] / total, n }
  ' "$1" "$2" | sort -rn
}

# Samples VmRSS every 200 ms and keeps the largest (kB) in OUT_FILE, for as long as FLAG_FILE exists.
rss_sampler() {   # PID FLAG_FILE OUT_FILE
  local max=0 rss
  while [ -e "$2" ]; do
    rss=$(awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$max" ] && max=$rss
    echo "$max" > "$3"
    sleep 0.2
  done
}

# The sampler rewrites its file every 200 ms; a read that lands mid-write sees nothing.
max_rss() {   # OUT_FILE of rss_sampler
  local v
  v=$(cat "$1" 2>/dev/null || true)
  echo "${v:-0}"
}

# A temp dir for this run ($work), removed at exit together with everything the script started in
# the background; Cairn ($cairn_pid, once start_cairn set it) is waited for, so its port is free again.
bench_workdir() {   # NAME
  work="$(mktemp -d "/tmp/cairn-$1.XXXXXX")"
  cairn_pid=
  trap 'kill $(jobs -p) 2>/dev/null || true; [ -n "$cairn_pid" ] && wait "$cairn_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
}

# Largest heap occupancy in a JVM GC log (-Xlog:gc) from line FROM (1-based) on, in MiB, from
# "123M->45M(256M)": before a collection (WHICH 1: the peak in use, garbage included) or after it
# (WHICH 2: what stayed live).
gc_heap_mib() {   # GC_LOG FROM WHICH
  tail -n +"$2" "$1" | grep -oE '[0-9]+[KMG]->[0-9]+[KMG]\([0-9]+[KMG]\)' | sed 's/(.*//' | awk -F'->' -v which="$3" '
    { v = $which; u = substr(v, length(v)); n = substr(v, 1, length(v) - 1) + 0
      m = (u == "K") ? n / 1024 : (u == "G") ? n * 1024 : n; if (m > max) max = m }
    END { printf "%.0f\n", max + 0 }'
}
