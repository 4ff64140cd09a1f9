-- Appended to every wrk script of bench/run.sh: prints one machine-readable
-- line, RESULT <req/s> <p50 ms> <p99 ms> <errors> <non-2xx/3xx> <requests>.
done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, e.status, summary.requests))
end
