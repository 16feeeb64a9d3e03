-- redeem.lua — wrk script for workload 6: every request is one redemption
-- at the counter, `POST /api/v1/villages/VILLAGE/redeem` of ITEM for a
-- random household of the households file, as the logged-in shopkeeper
-- (session cookie and CSRF token given on the command line).  Every answer
-- is checked: 201 and the new balance in the body; done() prints how many
-- failed and bench/run.sh fails the run when any did.
--
--   wrk ... -s redeem.lua URL -- HOUSEHOLDS_FILE VILLAGE ITEM COOKIE CSRF

-- setup() and done(): checked.lua, next to this script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "checked.lua")

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
