# shellcheck shell=bash
# Helpers shared by scripts/local-cloud and its parts: messages, process
# ownership, starting and stopping servers, waiting for HTTP, venvs.
# Sourced, not run. Expects BASE, RUN, LOG, HOST, MARK, HERE to be set.

say() { printf '[local-cloud] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# now_ms: milliseconds since the epoch, without a fork (bash 5 EPOCHREALTIME)
now_ms() { local t=${EPOCHREALTIME/./}; echo $(( ${t:0:-3} )); }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01d s' $(( ms / 1000 )) $(( ms % 1000 / 100 )); }

# ------------------------------------------------------------ files
# The fast path of `start` (everything up and unchanged) should cost about as
# much as starting bash, so these avoid forking cat/md5sum per file.

# read_file VAR FILE: VAR = content of FILE without its final newline ("" if missing)
read_file() {
  local -n _rf_out=$1
  _rf_out=""
  [ -f "$2" ] && { IFS= read -r -d '' _rf_out < "$2" || true; }
  _rf_out=${_rf_out%$'\n'}
}
# write_file FILE <<EOF ... : FILE = standard input (a heredoc)
write_file() { local _c=""; IFS= read -r -d '' _c || true; printf '%s' "$_c" > "$1"; }
append_file() { local _c=""; IFS= read -r -d '' _c || true; printf '%s' "$_c" >> "$1"; }
# hash_files FILE...: MD5[FILE] = md5 of each FILE, with one md5sum process
declare -A MD5=()
hash_files() {
  local h f
  while read -r h f; do MD5[$f]=$h; done < <(md5sum -- "$@")
}

# ------------------------------------------------------------ processes
# Every process this script starts carries "$MARK" in its environment and
# has its PID in $RUN/<name>.pid. Only a PID that is alive AND carries the
# mark for this BASE is ever treated as ours (and ever signalled): a stale
# PID file whose number was reused by another process is ignored. (The cwd
# check of the recipe does not work for swift, which chdirs to /.)
our_pid() {
  local pid=$1 e
  local -a envs
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # pure bash (no fork): the fast path of `start` calls this for every server
  mapfile -d '' -t envs 2>/dev/null < "/proc/$pid/environ" || return 1
  for e in "${envs[@]}"; do [ "$e" = "$MARK" ] && return 0; done
  return 1
}
pid_of() { local p=""; [ -f "$RUN/$1.pid" ] && read -r p < "$RUN/$1.pid"; echo "$p"; }
running() { our_pid "$(pid_of "$1")"; }
port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# spawn NAME DIR CMD...: start CMD in DIR, detached from the caller.
# - setsid: a new session, so Ctrl-C on the caller, a CI step's process-group
#   kill, or swift's own killpg(0) on shutdown touch nothing else;
# - the pid file is written by the process itself (sh's $$, which then execs
#   CMD), so it is right even where setsid has to fork; the mark is already in
#   sh's environment then, so the pid is recognised as ours at once;
# - SPT_NOENV=1: gunicorn's setproctitle would otherwise overwrite
#   /proc/PID/environ (and so the mark) with the process title;
# - fd 9 (the start lock) is closed, or the servers would hold it forever.
spawn() {
  local name=$1 dir=$2; shift 2
  rm -f "$RUN/$name.pid"
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner sh
  ( cd "$dir" && exec setsid env SPT_NOENV=1 "$MARK" \
      sh -c 'echo $$ > "$0"; exec "$@"' "$RUN/$name.pid" "$@" ) \
    </dev/null >>"$LOG/$name.log" 2>&1 9>&- &
  local _
  for _ in $(seq 1 50); do [ -s "$RUN/$name.pid" ] && return 0; sleep 0.1; done
  die "$name did not start (no pid file); see $LOG/$name.log"
}

# stop_procs NAME...: SIGTERM all of ours first, then wait for each (swift
# servers and gunicorn take a moment to exit gracefully), SIGKILL after 15 s.
stop_procs() {
  local name pid pids=() _
  for name in "$@"; do
    pid=$(pid_of "$name")
    if our_pid "$pid"; then
      say "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$RUN/$name.pid" "$RUN/$name.cfg"
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid did not exit after 15 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# show_log NAME: the tail of a server's log(s), for failure messages
show_log() {
  local f n=30
  for f in "$LOG/$1.log" "$LOG/$1-app.log"; do
    [ -s "$f" ] || continue
    say "---- last lines of $f"
    tail -n $n "$f" >&2
    n=12   # the app log of glance/keystone: mostly context
  done
}

# wait_http NAME URL [SECONDS]: until URL gives any HTTP answer while NAME
# stays alive; on failure print its log and exit non-zero. (Any status
# counts: gunicorn answers only once the app is loaded, and a glance whose
# /healthcheck a test disabled on purpose answers 503.)
wait_http() {
  local name=$1 url=$2 secs=${3:-90} deadline code
  deadline=$(( $(now_ms) + secs * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    code=$(curl -s -o /dev/null -m 5 --noproxy '*' -w '%{http_code}' "$url" 2>/dev/null || true)
    case $code in [1-5]??) return 0;; esac
    if ! running "$name"; then
      show_log "$name"
      die "$name exited during start-up (log: $LOG/$name.log)"
    fi
    sleep 0.2
  done
  show_log "$name"
  die "$name did not answer $url within $secs s (log: $LOG/$name.log)"
}

# all_answer URL...: true when every URL gives an HTTP answer (as wait_http).
# One curl process for all of them (in parallel), so the fast path stays cheap.
all_answer() {
  local args=() u codes c n=0
  for u in "$@"; do args+=(-o /dev/null "$u"); done
  codes=$(curl -s -Z -m 5 --noproxy '*' -w '%{http_code} ' "${args[@]}" 2>/dev/null) || true
  for c in $codes; do case $c in [1-5]??) n=$((n + 1));; *) return 1;; esac; done
  [ "$n" -eq $# ]
}
# http_code URL: the status of one GET, 000 when nothing answers
http_code() { curl -s -o /dev/null -m 5 --noproxy '*' -w '%{http_code}' "$1" 2>/dev/null || true; }

# ------------------------------------------------------------ background jobs
# bg_job NAME FUNC [ARGS]: run a setup step in the background (output to
# $LOG/setup-NAME.log); bg_wait NAME: wait for it, show its log if it failed.
declare -A BG_PIDS=()
bg_job() {
  local name=$1; shift
  ( set -e; "$@" ) >>"$LOG/setup-$name.log" 2>&1 &
  BG_PIDS[$name]=$!
}
bg_wait() {
  local name=$1 pid=${BG_PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  unset "BG_PIDS[$name]"
  if ! wait "$pid"; then
    say "---- last lines of $LOG/setup-$name.log"
    tail -n 40 "$LOG/setup-$name.log" >&2
    die "setup step '$name' failed (log: $LOG/setup-$name.log)"
  fi
}

# ------------------------------------------------------------ virtualenvs
# The stamp of a venv is the md5 of its pin files (requirements +
# constraints). A venv whose stamp differs, or whose interpreter is gone, is
# rebuilt from scratch.
# (MD5 of the pin files is filled in by hash_files at the start of `start`.)
venv_stamp() { echo "${MD5[$HERE/$1-requirements.txt]}-${MD5[$HERE/$1-constraints.txt]}"; }
venv_ok() { # DIR KIND
  local have
  read_file have "$1/.pins"
  [ -x "$1/bin/python" ] && [ "$have" = "$(venv_stamp "$2")" ]
}
# venv_install DIR KIND: (runs as a background job) fresh venv from the pins
venv_install() {
  local dir=$1 kind=$2 py=${LOCAL_CLOUD_PYTHON:-python3} t0
  t0=$(now_ms)
  "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "$py is older than 3.11 (glance 33 needs >= 3.11); set LOCAL_CLOUD_PYTHON"; return 1; }
  echo "installing $kind venv into $dir with $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
  rm -rf "$dir"
  "$py" -m venv "$dir"
  "$dir/bin/pip" install --disable-pip-version-check -q \
      -c "$HERE/$kind-constraints.txt" -r "$HERE/$kind-requirements.txt"
  # everything installed must come from the pin list (reproducibility)
  "$dir/bin/pip" freeze --disable-pip-version-check | LC_ALL=C sort > "$dir/.freeze"
  local unpinned
  unpinned=$(grep -v '^#' "$HERE/$kind-constraints.txt" | LC_ALL=C sort | comm -23 "$dir/.freeze" - || true)
  [ -z "$unpinned" ] || echo "WARNING: installed but not pinned in $kind-constraints.txt: $unpinned"
  venv_stamp "$kind" > "$dir/.pins"
  echo "$kind venv ready in $(elapsed "$t0")"
}
