-- wrk script: POSTs pre-generated, signed, unique postbacks (one JSON body per line of the file in
-- BENCH_BODIES). Thread t of T sends lines t, t+T, t+2T, ... so no body is sent twice; should a thread
-- run out, it starts over and counts the repeats (they would be answered "duplicate", still 200).
-- At the end it prints one line "BENCH_JSON {...}" for bench/tools (latencies in ms).

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("BENCH_BODIES")
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  bodies = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then
      bodies[#bodies + 1] = line
    end
    i = i + 1
  end
  sent = 0
  repeats = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  sent = sent + 1
  local index = sent
  if index > #bodies then
    repeats = repeats + 1
    index = ((index - 1) % #bodies) + 1
  end
  return wrk.format("POST", "/api/paykassma/postback", headers, bodies[index])
end

function done(summary, latency, requests)
  local repeated = 0
  for _, thread in ipairs(threads) do
    repeated = repeated + (thread:get("repeats") or 0)
  end
  local seconds = summary.duration / 1e6
  local non2xx = summary.errors.status
  local accepted = summary.requests - non2xx - summary.errors.read - summary.errors.write - summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"connections":%d,"duration_s":%.2f,"requests":%d,"non_2xx":%d,"socket_errors":%d,"timeouts":%d,' ..
    '"repeated_bodies":%d,"accepted_per_s":%.1f,"latency":{"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,' ..
    '"max_ms":%.3f,"mean_ms":%.3f}}\n',
    tonumber(os.getenv("BENCH_CONNECTIONS") or "0"), seconds, summary.requests, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    repeated, accepted / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
end
