#!/usr/bin/env bash
# slurm-local.sh — a real single-node Slurm on localhost for CI and tests (Debian, Slurm 22.05).
#
# Usage:
#   scripts/slurm-local.sh install   # apt-get install slurmctld slurmd slurm-client munge, only if missing
#   scripts/slurm-local.sh start     # install if needed, start munged/slurmctld/slurmd, wait until ready
#   scripts/slurm-local.sh stop      # stop what `start` started (by pid file); safe to run twice
#   scripts/slurm-local.sh status    # which daemons run (pid files), then sinfo (exit 1 if no controller)
#   scripts/slurm-local.sh env       # print the env line for clients (export SLURM_CONF=...)
#   scripts/slurm-local.sh packages  # print the Debian packages `install` ensures, one a line
#
# After `start`, point the Slurm client commands at this cluster with the line it prints:
#   export SLURM_CONF=/tmp/defsim-slurm/slurm.conf
# e.g.
#   eval "$(scripts/slurm-local.sh start | grep '^export ')"
#   id=$(sbatch --parsable --array=0-3 --output="$d/%A_%a.log" --wrap 'echo $SLURM_ARRAY_TASK_ID > '"$d"'/out-$SLURM_ARRAY_TASK_ID')
#   dep=$(sbatch --parsable --dependency=afterok:$id --output="$d/dep.log" --wrap "cat $d/out-* > $d/all")
#   scripts/slurm-wait.sh "$dep" 60     # exit 0 only if every task COMPLETED
#
# Environment:
#   DEFSIM_SLURM_DIR   all state lives here: slurm.conf, pid files, spool and state dirs, logs
#                      (default /tmp/defsim-slurm). Nothing is written to /etc/slurm; the daemons
#                      are started with -f $DIR/slurm.conf and the clients read $SLURM_CONF.
#   DEFSIM_SLURM_CTLD_PORT, DEFSIM_SLURMD_PORT   TCP ports (default 6817, 6818); the daemons
#                      reach each other via 127.0.0.1 (they listen on all interfaces).
#   DEFSIM_SLURM_TIMEOUT   seconds `start` waits for the node to be idle (default 60).
#
# Run as root (CI containers): the daemons run as root (SlurmUser=root) and jobs run as the
# submitting user. Installing and munge set-up use sudo when not root.
#
# What `start` does:
#   * munged: used as is when one already answers on /run/munge/munge.socket.2; otherwise the key
#     /etc/munge/munge.key is created if absent (owner munge, mode 0400), /run/munge is created
#     (owner munge) and munged is started as the munge user. Only then is it recorded as ours
#     ($DIR/run/munged.pid) so that `stop` stops it too. (So two clusters with different
#     DEFSIM_SLURM_DIRs share one munged, and stopping the one that started it stops it.)
#   * slurm.conf is rewritten on every start: the node line is what `slurmd -C` reports plus
#     NodeAddr=127.0.0.1; ProctrackType=proctrack/linuxproc, TaskPlugin=task/none,
#     JobAcctGatherType=jobacct_gather/none, no accounting storage, SlurmUser=root (no cgroups).
#     select/cons_tres with CR_Core, so array tasks run side by side, one per core.
#     DependencyParameters=kill_invalid_depend (in 22.05 it is no longer read from
#     SchedulerParameters): a job whose dependency can never be satisfied (e.g. afterok on an
#     array with a failed task) ends CANCELLED with Reason=DependencyNeverSatisfied within a
#     second or two, instead of pending forever; `squeue -h -j ID -o %T:%r` shows it, and
#     scripts/slurm-wait.sh reports it (exit 1) rather than hanging.
#     SchedulerParameters=batch_sched_delay=0: jobs start within about a second of becoming
#     eligible (the default delay of 3 s made each dependency/array step take 3 s longer).
#     MinJobAge=600 keeps finished jobs visible to `scontrol show job` for 10 minutes;
#     MaxArraySize=1001 (indices 0..1000); ReturnToService=2.
#   * slurmctld is started with -c (clean job and node state): every start is a fresh cluster
#     with an empty queue (job ids keep counting up across restarts, they do not restart at 1).
#   * It waits (polling, bounded) until `sinfo` shows the node idle AND `scontrol show slurmd`
#     answers; otherwise it prints the daemons' log tails and exits non-zero.
#   * If the daemons are already running (our pid files), it only waits and prints the env line.
#
# `stop` first cancels the jobs still in this cluster's queue (so no slurmstepd or job process
# outlives it), then sends SIGTERM to the pids in $DIR/run/*.pid whose /proc/<pid>/comm is the
# expected daemon name, waits until they are gone (a zombie counts as gone: killed daemons
# linger as zombies for a moment when PID 1 does not reap them), escalates to SIGKILL after
# 20 s, and removes the pid files. Daemons not started by this script are never touched.
set -euo pipefail

DIR="${DEFSIM_SLURM_DIR:-/tmp/defsim-slurm}"
CONF="$DIR/slurm.conf"
RUN="$DIR/run"
LOG="$DIR/log"
CTLD_PORT="${DEFSIM_SLURM_CTLD_PORT:-6817}"
SLURMD_PORT="${DEFSIM_SLURMD_PORT:-6818}"
TIMEOUT="${DEFSIM_SLURM_TIMEOUT:-60}"
PACKAGES="slurmctld slurmd slurm-client munge"
MUNGE_SOCKET=/run/munge/munge.socket.2
MUNGE_KEY=/etc/munge/munge.key

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

log() { echo "slurm-local: $*" >&2; }
die() { log "$*"; exit 1; }

# --- processes ---------------------------------------------------------------------------

# alive PID NAME: true when PID is a live (non-zombie) process whose comm is NAME.
alive() {
  local pid="$1" name="$2" comm state
  [ -n "$pid" ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = "$name" ] || return 1
  # Field 3 of /proc/PID/stat is the state; comm (field 2) is in parentheses and may hold spaces.
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$state" != Z ] && [ "$state" != X ]
}

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }   # pid_of slurmctld|slurmd|munged
running() { alive "$(pid_of "$1")" "$1"; }

# wait_gone PID NAME TRIES: poll every 0.1 s until the daemon is gone; false if it is still there.
wait_gone() {
  local i
  for ((i = 0; i < $3; i++)); do
    alive "$1" "$2" || return 0
    sleep 0.1
  done
  ! alive "$1" "$2"
}

# stop_daemon NAME: stop the daemon recorded in $RUN/NAME.pid, if it is still that daemon.
stop_daemon() {
  local name="$1" pid
  pid=$(pid_of "$name")
  if alive "$pid" "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$name" 200; then
      log "$name (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" "$name" 50 || die "could not stop $name (pid $pid)"
    fi
  fi
  rm -f "$RUN/$name.pid"
}

# --- install -----------------------------------------------------------------------------

missing_packages() {
  local p missing=""
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}

cmd_install() {
  local missing out
  missing=$(missing_packages)
  [ -n "$missing" ] || return 0
  log "installing:$missing"
  out=$(mktemp)
  # Install first; refresh the package lists only if the install cannot find the packages.
  # shellcheck disable=SC2086
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >"$out" 2>&1; then
    log "apt-get install failed; running apt-get update and retrying"
    # shellcheck disable=SC2086
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing; } >"$out" 2>&1; then
      tail -n 30 "$out" >&2
      rm -f "$out"
      die "could not install:$missing"
    fi
  fi
  rm -f "$out"
}

# --- munge -------------------------------------------------------------------------------

munge_ok() { munge -n -S "$MUNGE_SOCKET" </dev/null 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; }

start_munge() {
  local i
  if munge_ok; then return 0; fi
  if [ ! -s "$MUNGE_KEY" ]; then
    log "creating $MUNGE_KEY"
    $SUDO mkdir -p "$(dirname "$MUNGE_KEY")"
    $SUDO mungekey -c -k "$MUNGE_KEY" 2>/dev/null ||
      $SUDO dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none
  fi
  $SUDO chown munge:munge "$(dirname "$MUNGE_KEY")" "$MUNGE_KEY"
  $SUDO chmod 0700 "$(dirname "$MUNGE_KEY")"
  $SUDO chmod 0400 "$MUNGE_KEY"
  $SUDO install -d -o munge -g munge -m 0755 /run/munge
  $SUDO install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
  # A stale socket or pid file from a dead munged makes the new one refuse to start.
  $SUDO rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock" /run/munge/munged.pid
  log "starting munged"
  $SUDO runuser -u munge -- /usr/sbin/munged --socket="$MUNGE_SOCKET" --pid-file=/run/munge/munged.pid
  for ((i = 0; i < 50; i++)); do
    munge_ok && break
    sleep 0.1
  done
  munge_ok || { tail -n 20 /var/log/munge/munged.log >&2 2>/dev/null || true; die "munged did not start"; }
  cp /run/munge/munged.pid "$RUN/munged.pid"
}

# --- slurm -------------------------------------------------------------------------------

write_conf() {
  local node_line node_name
  # `slurmd -C` prints "NodeName=<host> CPUs=2 Boards=1 ... RealMemory=N" and then "UpTime=...".
  node_line=$(slurmd -C | grep '^NodeName=' | head -n 1)
  [ -n "$node_line" ] || die "slurmd -C printed no NodeName line"
  node_name=$(sed 's/^NodeName=\([^ ]*\).*/\1/' <<<"$node_line")
  mkdir -p "$DIR/state" "$DIR/spool" "$RUN" "$LOG"
  : >"$DIR/plugstack.conf" # empty: keep the system's /etc/slurm/plugstack.conf out
  cat >"$CONF.tmp" <<EOF
# Written by scripts/slurm-local.sh start — regenerated on every start; do not edit.
ClusterName=defsim
SlurmctldHost=$node_name(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
PlugStackConfig=$DIR/plugstack.conf
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxArraySize=1001
MinJobAge=600
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$node_name Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

node_name() { sed -n 's/^NodeName=\([^ ]*\).*/\1/p' "$CONF" | head -n 1; }

# ready: the node is idle in sinfo and the local slurmd answers.
ready() {
  local state
  state=$(timeout 5 sinfo -h -n "$(node_name)" -o %T 2>/dev/null) || return 1
  [ "$state" = idle ] || return 1
  timeout 5 scontrol show slurmd >/dev/null 2>&1
}

show_logs() {
  local f
  for f in "$LOG/slurmctld.log" "$LOG/slurmd.log"; do
    echo "----- tail $f" >&2
    tail -n 25 "$f" >&2 2>/dev/null || echo "(missing)" >&2
  done
  echo "----- sinfo" >&2
  timeout 5 sinfo -N -l >&2 2>&1 || true
}

print_env() { echo "export SLURM_CONF=$CONF"; }

cmd_start() {
  local t0 deadline
  t0=$(date +%s.%N)
  cmd_install
  mkdir -p "$RUN" "$LOG"
  start_munge
  export SLURM_CONF="$CONF"
  if running slurmctld && running slurmd && [ -f "$CONF" ]; then
    log "already running"
  else
    # A half-running cluster (one daemon died) is restarted as a whole, with a fresh config.
    stop_daemon slurmd
    stop_daemon slurmctld
    write_conf
    local f # keep the previous run's logs as *.log.prev
    for f in "$LOG"/*.log; do
      if [ -f "$f" ]; then mv -f "$f" "$f.prev"; fi
    done
    log "starting slurmctld and slurmd (config $CONF)"
    slurmctld -c -f "$CONF" >>"$LOG/slurmctld.out" 2>&1 || { show_logs; die "slurmctld failed to start"; }
    slurmd -f "$CONF" >>"$LOG/slurmd.out" 2>&1 || { show_logs; die "slurmd failed to start"; }
  fi
  deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    ready && break
    if ! running slurmctld || ! running slurmd; then
      sleep 0.5 # the pid file may be written a moment after the fork
      if ! running slurmctld || ! running slurmd; then
        show_logs
        die "a daemon exited during start-up"
      fi
    fi
    sleep 0.5
  done
  if ! ready; then
    show_logs
    die "node not idle after ${TIMEOUT}s"
  fi
  log "ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
  print_env
}

# cancel_jobs: cancel every job of this private cluster, so that no slurmstepd or job process
# outlives slurmd; waits (bounded) until none is running or completing.
cancel_jobs() {
  local ids i
  running slurmctld || return 0
  export SLURM_CONF="$CONF"
  ids=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ') || return 0
  [ -n "${ids// /}" ] || return 0
  log "cancelling jobs: $ids"
  # shellcheck disable=SC2086
  scancel $ids 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    [ -z "$(squeue -h -t RUNNING,COMPLETING,CONFIGURING -o %A 2>/dev/null)" ] && break
    sleep 0.1
  done
}

cmd_stop() {
  cancel_jobs
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
  log "stopped"
}

cmd_status() {
  [ -f "$CONF" ] || die "no config at $CONF (run start)"
  export SLURM_CONF="$CONF"
  local name
  for name in munged slurmctld slurmd; do
    if running "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: not running (no live pid in $RUN/$name.pid)"; fi
  done
  sinfo
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) print_env ;;
  packages) for p in $PACKAGES; do echo "$p"; done ;;
  *)
    echo "usage: $0 install|start|stop|status|env|packages   (state in \$DEFSIM_SLURM_DIR, default /tmp/defsim-slurm)" >&2
    exit 2
    ;;
esac
