-- redeem.lua — wrk script for workload 6: every request is one redemption
-- at the counter, `POST /api/v1/villages/VILLAGE/redeem` of ITEM for a
-- random household of the households file, as the logged-in shopkeeper
-- (session cookie and CSRF token given on the command line).  Every answer
-- is checked: 201 and the new balance in the body; done() prints how many
-- failed and bench/run.sh fails the run when any did.
--
--   wrk ... -s redeem.lua URL -- HOUSEHOLDS_FILE VILLAGE ITEM COOKIE CSRF

local threads = {}
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
	table.insert(threads, thread)
end

function init(args)
	households = {}
	for line in io.lines(args[1]) do
		if #line > 0 then
			households[#households + 1] = line
		end
	end
	path = "/api/v1/villages/" .. args[2] .. "/redeem"
	item = args[3]
	headers = {["Cookie"] = args[4], ["X-CSRF-Token"] = args[5],
		   ["Content-Type"] = "application/json"}
	checked, bad, badbody = 0, 0, 0
	math.randomseed(os.time() * 1000 + id)
end

function request()
	local body = '{"household":"' .. households[math.random(#households)] ..
		     '","item":"' .. item .. '"}'
	return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
	checked = checked + 1
	if status ~= 201 then
		bad = bad + 1
	elseif not body:find('"balance"', 1, true) then
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
