-- wrk prints p50/75/90/99 only; the quality bars also name p95. Printed in microseconds after the run.
done = function(summary, latency, requests)
  io.write(string.format("p95_us %d\n", latency:percentile(95)))
  io.write(string.format("p99_us %d\n", latency:percentile(99)))
end
