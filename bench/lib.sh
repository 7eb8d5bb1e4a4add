# Shared by bench/run.sh and bench/variants.sh (sourced, after `java` and `classpath` are set), so
# that both send the same request to the same fake upstream through the same provider settings,
# and read CPU time and memory the same way: figures from the two scripts are then comparable.

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

# Starts the fake upstream in the background (one event loop per core); its pid in fake_pid.
start_fake() {   # PORT LOG_FILE
  "$java" -Xms256m -Xmx256m -cp "$classpath" dev.cairn.bench.FakeUpstream "$1" "$(nproc)" > "$2" 2>&1 &
  fake_pid=$!
}

# CPU time (user + system, in clock ticks) a process has used so far; 0 once it is gone.
proc_ticks() {   # PID
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU ticks (user + system) of each thread of a process so far, a line "tid<TAB>name<TAB>ticks" each.
# The fields are read after the name's closing parenthesis: names such as "GC Thread#0" hold spaces.
thread_ticks() {   # PID
  local task
  for task in /proc/"$1"/task/*; do
    printf '%s\t%s\t%s\n' "${task##*/}" "$(cat "$task/comm" 2>/dev/null)" \
      "$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}')"
  done
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
