-- passbook.lua — wrk script for workload 1: every request opens the
-- passbook of a random household (a random line of the tokens file), and
-- every answer is checked: status 200 and the marker text of the page or
-- the JSON in its body.  A fast wrong answer must not count, so done()
-- prints how many failed and bench/run.sh fails the run when any did.
--
--   wrk ... -s passbook.lua URL -- TOKENS_FILE PREFIX MARKER
--   PREFIX: "/p/" (the page) or "/api/v1/p/" (the JSON); MARKER: text every
--   good answer holds.  The nginx reference is driven by the same script
--   and the same URLs, so the client does the same work for both.

local threads = {}
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
	table.insert(threads, thread)
end

function init(args)
	tokens = {}
	for line in io.lines(args[1]) do
		local tok = line:match("^(%x+)")
		if tok then
			tokens[#tokens + 1] = tok
		end
	end
	prefix = args[2]
	marker = args[3]
	checked, bad, badbody = 0, 0, 0
	math.randomseed(os.time() * 1000 + id)
end

function request()
	return wrk.format("GET", prefix .. tokens[math.random(#tokens)])
end

function response(status, headers, body)
	checked = checked + 1
	if status ~= 200 then
		bad = bad + 1
	elseif not body:find(marker, 1, true) then
		badbody = badbody + 1
	end
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
