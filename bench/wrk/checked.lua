-- checked.lua — what every wrk script of bench/ shares (dofile'd by
-- passbook.lua, redeem.lua, announce_day.lua): setup() keeps each thread,
-- and done() adds up the answers their response() checked (globals
-- checked, bad, badbody of each thread) and prints the RESULT line that
-- bench/run.sh and bench/guards.sh read; they fail the run when a count
-- of wrong answers is not 0.

local threads = {}
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
	table.insert(threads, thread)
end

function done(summary, latency, requests)
	local c, b, bb = 0, 0, 0
	for _, t in ipairs(threads) do
		c = c + t:get("checked")
		b = b + t:get("bad")
		bb = bb + t:get("badbody")
	end
	local e = summary.errors
	io.write(string.format(
		"RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f " ..
		"checked=%d non200=%d badbody=%d sockerr=%d\n",
		summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, c, b, bb,
		e.connect + e.read + e.write + e.timeout))
end
