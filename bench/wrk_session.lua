-- wrk script for bench/pages.py: send the signed-in session's cookie (BENCH_COOKIE) with every
-- request, and print one line the bench reads: requests, microseconds, p50, p95 (microseconds),
-- answers that were not 2xx or 3xx, and socket errors.
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") or ""

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH %d %d %d %d %d %d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout
  ))
end
