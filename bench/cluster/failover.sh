#!/usr/bin/env bash
# Coordinator failover on this machine: an active coordinator and a standby (--join, same
# --journal on a private PostgreSQL server, its own copy of the run folder made as the run
# starts, as a standby on another machine has), two worker processes; the active coordinator is
# killed with -9 after generation KILL_AT. Prints the time from the kill to the standby taking
# over and to its first merged generation, and whether the standby's finished folder equals an
# uninterrupted run's (elites byte for byte, history.csv but for its timing columns, the same
# number of found images).
#   usage: bench/cluster/failover.sh [GENERATIONS] [KILL_AT]   (default 300 and 90)
# Needs Debian's postgresql (its binaries; the script starts its own server on a free port).
set -euo pipefail
cd "$(dirname "$0")/../.."
generations="${1:-300}"
kill_at="${2:-90}"
scratch="$(mktemp -d)"; chmod 755 "$scratch"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort | tail -1)"
[ -x "$pg_bin/initdb" ] || { echo "error: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  as_server "$pg_bin/pg_ctl" -D "$scratch/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
./scripts/build.sh

mkdir -p "$scratch/pg"; [ "$(id -u)" -ne 0 ] || chown postgres "$scratch/pg"
pg_port="$(free_port)"
as_server "$pg_bin/initdb" -D "$scratch/pg/data" --username=fooling --auth=trust --no-sync -E UTF8 >/dev/null
as_server "$pg_bin/pg_ctl" -D "$scratch/pg/data" -w -l "$scratch/pg/log" -o "-p $pg_port -k $scratch/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U fooling journal
journal="postgres://fooling@127.0.0.1:$pg_port/journal"

# Jobs of 50 in both setups, so the uninterrupted embedded run draws the same seeds.
sed -e 's#"generations": [0-9]*#"generations": '"$generations"'#' -e 's#"seed": 1,#"seed": 1,\n  "jobSize": 50,#' config/mnist-cppn.json > "$scratch/config.json"
./fooling run "$scratch/config.json" --runs "$scratch/reference" > "$scratch/reference.log" 2>&1

active="127.0.0.1:$(free_port)"; standby="127.0.0.1:$(free_port)"
./fooling coordinator "$scratch/config.json" --runs "$scratch/runs" --cluster "$active" --listen 127.0.0.1:0 --journal "$journal" > "$scratch/active.log" 2>&1 &
pids+=($!); active_pid=$!
until run=$(ls -d "$scratch"/runs/*/ 2>/dev/null) && [ -f "$run/journal-location.txt" ]; do sleep 0.2; done
copy="$scratch/standby-machine/$(basename "$run")"; mkdir -p "$copy"
cp "$run"/config.json "$run"/journal-location.txt "$run"/model.safetensors "$run"/model.json "$copy"/
./fooling coordinator --resume "$copy" --join "$active" --cluster "$standby" --listen 127.0.0.1:0 --journal "$journal" > "$scratch/standby.log" 2>&1 &
pids+=($!); standby_pid=$!
for i in 1 2; do
  ./fooling worker --join "$active" --join "$standby" --threads 1 --cache "$scratch/cache-$i" --id "w$i" > "$scratch/worker-$i.log" 2>&1 &
  pids+=($!)
done
# history.csv gains a row (after its header) as each generation merges.
until [ "$( (wc -l < "$run/history.csv") 2>/dev/null || echo 0)" -gt $(( kill_at + 1 )) ]; do sleep 0.05; done
kill -9 "$active_pid"; killed=$(date +%s.%N)
wait "$standby_pid" || { echo "error: the standby did not finish the run; see $scratch/standby.log" >&2; trap - EXIT; exit 1; }

stamp() { date -d "$(grep -m1 "$1" "$copy/log.txt" | cut -c1-23)" +%s.%N; }
took_over=$(stamp "taking over")
merged=$(date -d "$(awk -v t="$(grep -m1 "taking over" "$copy/log.txt" | cut -c1-23)" 'substr($0,1,23) > t && /generation [0-9]+\//' "$copy/log.txt" | head -1 | cut -c1-23)" +%s.%N)
reference=$(ls -d "$scratch"/reference/*/)
same=yes
for f in "$reference"/elites/*.png; do cmp -s "$f" "$copy/elites/$(basename "$f")" || same=no; done
diff -q <(cut -d, -f1,2,5- "$reference/history.csv") <(cut -d, -f1,2,5- "$copy/history.csv") >/dev/null || same=no
[ "$(stat -c %s "$reference/found.bin")" = "$(stat -c %s "$copy/found.bin")" ] || same=no
echo "| killed after generation | kill → standby takes over (s) | kill → first generation merged by the standby (s) | archive equals the uninterrupted run |"
echo "| ---: | ---: | ---: | --- |"
awk -v k="$kill_at" -v killed="$killed" -v over="$took_over" -v merged="$merged" -v same="$same" \
  'BEGIN { printf "| %d | %.1f | %.1f | %s |\n", k, over - killed, merged - killed, same }'
