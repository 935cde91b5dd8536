-- wrk script for bench/gateway-load.sh: sends the session token (from the environment, so it is
-- never on a command line) and prints one machine-readable line with the latency percentiles wrk
-- measured (microseconds) and the error counts.
local token = os.getenv("PORTCULLIS_BENCH_TOKEN")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
