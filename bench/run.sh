#!/usr/bin/env bash
# The cme benchmark: generates synthetic case repositories and times the commands on them.
#
#   bench/run.sh                       # 10 000 cases / 100 000 commits and 100 000 / 500 000
#   CME_BENCH_SIZES="1000:10000" bench/run.sh     # a quick run
#   CME_BENCH_RUNS=5 bench/run.sh      # runs per figure (the median is reported; default 3)
#   CME_BENCH_FIGURES="gitlog hugo" bench/run.sh  # only some figures (default: all of them)
#
# Repositories are generated once into bench/work/ (ignored by git) and repacked as `git gc`
# would leave them. Every figure is the median of the runs, in seconds; peak memory is the
# largest resident set of a cold build. Needs GNU time (/usr/bin/time). When `hugo` is
# installed (Debian's `hugo` package), the same cases are also rendered by Hugo (bench/hugo/:
# one page per case with its record and the commits that touched it) for comparison.
# Each ratio is printed beside the target the project set for it (issue 5).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${CME_BENCH_SIZES:-"10000:100000 100000:500000"}
RUNS=${CME_BENCH_RUNS:-3}
FIGURES=${CME_BENCH_FIGURES:-"gitlog check status cold cached onecommit hugo"}
want() { [[ " $FIGURES " == *" $1 "* ]]; }
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
  # Every build writes to a directory that did not exist, and the outputs are deleted only
  # after this size's runs: ext4 is slow to create files just after thousands were deleted
  # (it skips recently freed inodes), which would charge one tool for the other's clean-up.
  out="$WORK/out-$cases"
  rm -rf "$out"; mkdir -p "$out"
  hs=""
  peak=0 hugo_peak=0
  if want hugo && command -v hugo >/dev/null; then
    # The Hugo comparison site: the same cases at HEAD, each page with its commit trail.
    hs="$WORK/hugo-src-$cases"
    rm -rf "$hs"; mkdir -p "$hs/raw" "$hs/content/cases"
    cp bench/hugo/config.toml "$hs/"; cp -r bench/hugo/layouts "$hs/"
    git -C "$repo" archive HEAD cases | tar -x -C "$hs/raw"
    git -C "$repo" log --format='@%H%x09%an%x09%aI%x09%s' --name-only -- cases > "$hs/log"
    find "$hs/raw" -name '*.toml' > "$hs/list"
    awk -v D="$hs/content/cases" -v LOG="$hs/log" -v LIST="$hs/list" -f bench/hugo/content.awk
    rm -rf "$hs/raw"
  fi
  for run in $(seq "$RUNS"); do
    if want gitlog; then read -r s _ < <(timed git -C "$repo" log --name-only --format=%H); t[gitlog]+="$s "; fi
    if want check; then read -r s _ < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" check --format json || true); t[check]+="$s "; fi
    if want status; then read -r s _ < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" status --format json || true); t[status]+="$s "; fi
    if want cold; then
      # Cold: no history cache, no earlier site.
      rm -rf "$repo/.git/cme"
      read -r s kb < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" build --out "$out/cold-$run"); t[cold]+="$s "
      [ "$kb" -gt "$peak" ] && peak=$kb
    fi
    if want cached; then
      # History cached, every page rendered (a new day, or a new output directory).
      read -r s kb < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" build --out "$out/cached-$run"); t[cached]+="$s "
      [ "$kb" -gt "$peak" ] && peak=$kb
    fi
    if want onecommit; then
      # One new commit (an officer logs a phone call), then rebuild the same site.
      [ -d "$out/cached-$run" ] || "$CME" --quiet --repo "$repo" --today "$TODAY" build --out "$out/cached-$run"
      f=$(git -C "$repo" ls-files cases | awk 'NR == 1')
      printf '\n[[action]]\ndate = %s\nkind = "phone"\nby = "aashby"\noutcome = "Benchmark run %s."\n' "$TODAY" "$run" >> "$repo/$f"
      git -C "$repo" -c user.name=Bench -c user.email=bench@example.invalid commit -q -am "bench: phone call $run"
      read -r s _ < <(timed "$CME" --quiet --repo "$repo" --today "$TODAY" build --out "$out/cached-$run"); t[onecommit]+="$s "
    fi
    if [ -n "${hs:-}" ]; then
      read -r s kb < <(timed hugo --quiet -s "$hs" -d "$(pwd)/$out/hugo-$run"); t[hugo]+="$s "
      [ "$kb" -gt "$hugo_peak" ] && hugo_peak=$kb
    fi
  done
  med() { [ -n "${t[$1]:-}" ] && echo ${t[$1]} | tr ' ' '\n' | median || echo ""; }
  ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a/b}' || echo "-"; }
  # "met" or "NOT met" for value <= limit
  verdict() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {print (a <= b) ? "met" : "NOT met"}' || echo "-"; }
  gl=$(med gitlog) hg=$(med hugo)
  echo
  echo "## $cases cases, $commits commits"
  printf '%-44s %8s %10s %10s  %s\n' "figure" "seconds" "vs git log" "vs Hugo" "target"
  for k in gitlog check status cold cached onecommit hugo; do
    m=$(med $k); [ -n "$m" ] || continue
    label=$(case $k in gitlog) echo "git log --name-only (baseline)";; check) echo "cme check";; status) echo "cme status --format json";;
      cold) echo "cme build, cold (history walked, all pages)";; cached) echo "cme build, history cached, all pages";;
      onecommit) echo "cme build after one new commit";; hugo) echo "hugo, same cases, one page each";; esac)
    target=""
    case $k in
      cold) target="<= 1.5x git log: $(verdict "$(ratio "$m" "$gl" | tr -d x)" 1.5)";;
      check) [ "$cases" -le 10000 ] && target="< 0.5 s: $(verdict "$m" 0.5)";;
      onecommit) [ "$cases" -le 10000 ] && target="< 1.5 s: $(verdict "$m" 1.5)";;
      cached) [ "$cases" -le 10000 ] && target="<= 0.5x Hugo: $(verdict "$(ratio "$m" "$hg" | tr -d x)" 0.5)";;
    esac
    printf '%-44s %8s %10s %10s  %s\n' "$label" "$m" "$(ratio "$m" "$gl")" "$(ratio "$m" "$hg")" "$target"
  done
  limit=$([ "$cases" -le 10000 ] && echo 500 || echo 4096)
  [ "$peak" -gt 0 ] && printf '%-44s %8s %10s %10s  %s\n' "peak memory of a cme build (MB)" "$((peak / 1024))" "" "" "< $limit MB: $(verdict $((peak / 1024)) $limit)"
  [ "$hugo_peak" -gt 0 ] && printf '%-44s %8s\n' "peak memory of hugo (MB)" "$((hugo_peak / 1024))"
  unset t
  rm -rf "$out"
done
