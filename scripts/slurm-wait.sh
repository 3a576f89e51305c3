#!/usr/bin/env bash
# slurm-wait.sh JOBID [TIMEOUT_S] — wait for a Slurm job (all tasks of an array job) to finish.
#
# Polls `scontrol show job -o JOBID` (no accounting storage, so no sacct) until every record of
# the job is in a final state, then prints one line per record, e.g.
#   12_0 COMPLETED ExitCode=0:0 Reason=None
#   12_1 FAILED ExitCode=3:0 Reason=NonZeroExitCode
#   13 CANCELLED ExitCode=0:0 Reason=DependencyNeverSatisfied
# A job still PENDING with Reason=DependencyNeverSatisfied is treated as final too (it can never
# run; with DependencyParameters=kill_invalid_depend, as slurm-local.sh sets, Slurm cancels it
# anyway), so a waiting test never hangs on a dependency that failed.
#
# Exit status: 0 when every record is COMPLETED; 1 when any ended otherwise (FAILED, CANCELLED,
# TIMEOUT, ..., or never-satisfiable dependency); 2 on usage error or when scontrol does not know
# the job (finished jobs stay visible for MinJobAge seconds, 600 in slurm-local.sh's config);
# 124 on timeout (default TIMEOUT_S 300), after printing the current states. Other scontrol
# errors (controller not answering) are retried until the timeout.
#
# Detecting a dependency that can never be met without this script:
#   squeue -h -j ID -o %T:%r    ->  PENDING:DependencyNeverSatisfied (or nothing once cancelled)
#   scontrol show job ID        ->  JobState=CANCELLED Reason=DependencyNeverSatisfied
#
# SLURM_CONF: taken from the environment; if unset, $DEFSIM_SLURM_DIR/slurm.conf
# (default /tmp/defsim-slurm/slurm.conf, the cluster of scripts/slurm-local.sh) when it exists.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || ! [[ "$1" =~ ^[0-9]+(_[0-9]+)?$ ]]; then
  echo "usage: $0 JOBID [TIMEOUT_S]" >&2
  exit 2
fi
JOBID="$1"
TIMEOUT="${2:-300}"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || { echo "usage: $0 JOBID [TIMEOUT_S]  (TIMEOUT_S: whole seconds)" >&2; exit 2; }

if [ -z "${SLURM_CONF:-}" ] && [ -f "${DEFSIM_SLURM_DIR:-/tmp/defsim-slurm}/slurm.conf" ]; then
  export SLURM_CONF="${DEFSIM_SLURM_DIR:-/tmp/defsim-slurm}/slurm.conf"
fi

FINAL_STATES=" COMPLETED FAILED CANCELLED TIMEOUT NODE_FAIL PREEMPTED BOOT_FAIL DEADLINE OUT_OF_MEMORY SPECIAL_EXIT "

# records: one line per job record: "<id> <state> ExitCode=<x> Reason=<r>", where <id> is
# JobId, or ArrayJobId_ArrayTaskId for array tasks (a pending array remainder shows e.g. 12_[2-3]).
records() {
  local out
  local limit=$((deadline - SECONDS + 1))
  [ "$limit" -le 10 ] || limit=10 # scontrol blocks ~10 s per try while the controller is down
  [ "$limit" -ge 1 ] || limit=1
  out=$(timeout "$limit" scontrol show job -o "$JOBID" 2>&1) || { echo "ERROR ${out:-scontrol timed out}"; return 0; }
  awk '{
    id = ""; aj = ""; at = ""; st = ""; ec = ""; rs = ""
    for (i = 1; i <= NF; i++) {
      split($i, kv, "=")
      k = kv[1]; v = substr($i, length(k) + 2)
      if (k == "JobId") id = v
      else if (k == "ArrayJobId") aj = v
      else if (k == "ArrayTaskId") at = v
      else if (k == "JobState") st = v
      else if (k == "ExitCode") ec = v
      else if (k == "Reason") rs = v
    }
    if (aj != "" && at != "") id = aj "_" (at ~ /[-,]/ ? "[" at "]" : at)
    print id, st, "ExitCode=" ec, "Reason=" rs
  }' <<<"$out"
}

# final LINE: the record can no longer change (or can never run).
final() {
  local state reason
  state=$(cut -d' ' -f2 <<<"$1")
  reason=$(cut -d' ' -f4 <<<"$1")
  [[ "$FINAL_STATES" == *" $state "* ]] && return 0
  [ "$state" = PENDING ] && [ "$reason" = Reason=DependencyNeverSatisfied ]
}

deadline=$((SECONDS + TIMEOUT))
while :; do
  recs=$(records)
  if [[ "$recs" == ERROR* ]]; then
    # An unknown job id is final; anything else (controller restarting, timeouts) is retried.
    if [[ "$recs" == *"Invalid job id"* ]] || [ "$SECONDS" -ge "$deadline" ]; then
      echo "slurm-wait: ${recs#ERROR }" >&2
      [[ "$recs" == *"Invalid job id"* ]] && exit 2
      exit 124
    fi
    sleep 0.5
    continue
  fi
  done_all=1
  while IFS= read -r line; do
    final "$line" || { done_all=0; break; }
  done <<<"$recs"
  if [ "$done_all" = 1 ]; then
    echo "$recs"
    while IFS= read -r line; do
      [ "$(cut -d' ' -f2 <<<"$line")" = COMPLETED ] || exit 1
    done <<<"$recs"
    exit 0
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "$recs"
    echo "slurm-wait: job $JOBID not finished after ${TIMEOUT}s" >&2
    exit 124
  fi
  sleep 0.5
done
