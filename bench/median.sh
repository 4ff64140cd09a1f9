#!/usr/bin/env bash
# bench/median.sh OUT...: the median, over several saved outputs of
# bench/run.sh, of each random-id row's req/s, p99, 'x PB' and '% floor'
# (each ratio was taken within its own run).
#   for i in 1 2 3; do make bench | tee bench-$i.txt; done; bash bench/median.sh bench-*.txt
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/median.sh OUT..." >&2; exit 2; }
awk '
  FNR == 1 { on = 0 }
  /^scenario .* x PB/ { on = 1; next }
  on && /^$/ { on = 0 }
  on && NF >= 10 && $2 ~ /^[0-9]+$/ {
    if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    k = $1; c = ++cnt[k]
    rps[k, c] = $3; p99[k, c] = $5; xpb[k, c] = $8 + 0; fl[k, c] = $10 + 0; pbrow[k] = $9
  }
  function med(a, k, m,    i, j, t, v) {
    for (i = 1; i <= m; i++) v[i] = a[k, i] + 0
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  END {
    printf "%-24s %5s %10s %8s %7s %-9s %7s\n", "median of", "runs", "req/s", "p99 ms", "x PB", "(PB row)", "% floor"
    for (i = 1; i <= n; i++) {
      k = order[i]; m = cnt[k]
      printf "%-24s %5d %10.1f %8.3f %6.2fx %-9s %6.0f%%\n", k, m, med(rps, k, m), med(p99, k, m), med(xpb, k, m), pbrow[k], med(fl, k, m)
    }
  }' "$@"
