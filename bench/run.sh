#!/usr/bin/env bash
# The cme benchmark: generates synthetic case repositories and times the commands on them.
#
#   bench/run.sh                       # 10 000 cases / 100 000 commits and 100 000 / 500 000
#   CME_BENCH_SIZES="1000:10000" bench/run.sh     # a quick run
#   CME_BENCH_RUNS=5 bench/run.sh      # runs per figure (the median is reported; default 3)
#
# Repositories are generated once into bench/work/ (ignored by git) and repacked as `git gc`
# would leave them. Every figure is the median of the runs, in seconds; peak memory is the
# largest resident set of a cold build. Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${CME_BENCH_SIZES:-"10000:100000 100000:500000"}
RUNS=${CME_BENCH_RUNS:-3}
TODAY=2026-11-22
WORK=bench/work
mkdir -p "$WORK"
cargo build --release --quiet
CME=$(pwd)/target/release/cme

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# seconds and peak KB of one command: "secs kb"
timed() { /usr/bin/time -f "%e %M" -o "$WORK/.time" "$@" >/dev/null 2>"$WORK/.err" || { cat "$WORK/.err" >&2; return 1; }; cat "$WORK/.time"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "cme $($CME --version | cut -d' ' -f2), $(git --version), $RUNS runs per figure (median)"
for size in $SIZES; do
  cases=${size%%:*}; commits=${size##*:}
  repo="$WORK/repo-$cases-$commits"
  if [ ! -d "$repo/.git" ]; then
    echo "generating $cases cases / $commits commits ..." >&2
    "$CME" --quiet --today "$TODAY" generate "$repo" --cases "$cases" --commits "$commits" --seed 1
    git -C "$repo" repack -a -d -f -q --window=10 --depth=50
  fi
  declare -A t=()
  peak=0
  for run in $(seq "$RUNS"); do
    read -r s _ < <(timed git -C "$repo" log --name-only --format=%H); t[gitlog]+="$s "
    read -r s _ < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" check --format json || true); t[check]+="$s "
    read -r s _ < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" status --format json || true); t[status]+="$s "
    # Cold: no history cache, no earlier site.
    rm -rf "$repo/.git/cme" "$WORK/site-cold"
    read -r s kb < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" build --out "$WORK/site-cold"); t[cold]+="$s "
    [ "$kb" -gt "$peak" ] && peak=$kb
    # History cached, every page rendered (a new day, or a new output directory).
    rm -rf "$WORK/site-warm"
    read -r s kb < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" build --out "$WORK/site-warm"); t[cached]+="$s "
    [ "$kb" -gt "$peak" ] && peak=$kb
    # One new commit (an officer logs a phone call), then rebuild the same site.
    f=$(git -C "$repo" ls-files cases | awk 'NR == 1')
    printf '\n[[action]]\ndate = %s\nkind = "phone"\nby = "aashby"\noutcome = "Benchmark run %s."\n' "$TODAY" "$run" >> "$repo/$f"
    git -C "$repo" -c user.name=Bench -c user.email=bench@example.invalid commit -q -am "bench: phone call $run"
    read -r s _ < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" build --out "$WORK/site-warm"); t[onecommit]+="$s "
  done
  gl=$(echo ${t[gitlog]} | tr ' ' '\n' | median)
  echo
  echo "## $cases cases, $commits commits"
  printf '%-44s %8s %10s\n' "figure" "seconds" "vs git log"
  for k in gitlog check status cold cached onecommit; do
    m=$(echo ${t[$k]} | tr ' ' '\n' | median)
    label=$(case $k in gitlog) echo "git log --name-only (baseline)";; check) echo "cme check";; status) echo "cme status --format json";;
      cold) echo "cme build, cold (history walked, all pages)";; cached) echo "cme build, history cached, all pages";;
      onecommit) echo "cme build after one new commit";; esac)
    printf '%-44s %8s %10s\n' "$label" "$m" "$(awk -v a="$m" -v b="$gl" 'BEGIN {printf "%.2fx", a/b}')"
  done
  printf '%-44s %8s\n' "peak memory of a build (MB)" "$((peak / 1024))"
done
