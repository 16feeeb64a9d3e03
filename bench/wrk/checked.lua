-- checked.lua — what every wrk script of bench/ shares (dofile'd by
-- passbook.lua, redeem.lua, announce_day.lua): setup() keeps each thread,
-- and done() adds up the answers their response() checked (globals
-- checked, bad, badbody of each thread) and prints the RESULT line that
-- bench/run.sh and bench/guards.sh read; they fail the run when a count
-- of wrong answers is not 0.  gzip_has() checks a gzip-coded answer.

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

-- ---- gzip-coded answers ------------------------------------------------------
-- The passbook is asked for as a phone's browser asks for it (PHONE_HEADERS:
-- Accept-Encoding), so its answers come gzip-coded, from jifen, nginx
-- (gzip_static) and the libmicrohttpd floor alike.  Each body is inflated
-- with zlib through LuaJIT's FFI (Debian's wrk is built on LuaJIT) before
-- its marker is looked for: a fast answer that does not inflate must count
-- as wrong.  Each wrk thread runs this file in its own Lua state, so the
-- z_stream and the output buffer below are the thread's: one z_stream
-- reused with inflateReset, one buffer grown when an answer does not fit,
-- nothing allocated per answer (the marker is found with memmem in the
-- buffer, not in a Lua string made of it).

PHONE_HEADERS = {["Accept-Encoding"] = "gzip, deflate, br"}

local ffi = require("ffi")
ffi.cdef [[
typedef struct {
	const char *next_in;	/* const char *, not Bytef *: a Lua string converts to it */
	unsigned int avail_in;
	unsigned long total_in;
	unsigned char *next_out;
	unsigned int avail_out;
	unsigned long total_out;
	const char *msg;
	void *state;
	void *zalloc, *zfree, *opaque;
	int data_type;
	unsigned long adler, reserved;
} bench_z_stream;
const char *zlibVersion(void);
int inflateInit2_(bench_z_stream *strm, int windowBits, const char *version, int stream_size);
int inflate(bench_z_stream *strm, int flush);
int inflateReset(bench_z_stream *strm);
void *memmem(const void *haystack, size_t hlen, const void *needle, size_t nlen);
]]
local Z_OK, Z_STREAM_END, Z_FINISH = 0, 1, 4
local zlib, zs, out, out_cap

-- header(HEADERS, NAME): the value of an answer's header; wrk keeps the
-- names as the server wrote them, so the usual spelling is tried first
-- and a case-blind search is the fallback
function header(headers, name)
	local v = headers[name]
	if v then
		return v
	end
	local lname = name:lower()
	for k, val in pairs(headers) do
		if k:lower() == lname then
			return val
		end
	end
	return nil
end

-- gzip_has(BODY, MARKER): true when BODY is one complete gzip member (no
-- bytes after it) whose inflated text contains MARKER
function gzip_has(body, marker)
	if not zs then
		local ok
		ok, zlib = pcall(ffi.load, "z")
		if not ok then
			zlib = ffi.load("libz.so.1")
		end
		zs = ffi.new("bench_z_stream")
		-- windowBits 15 + 16: a gzip wrapper, not zlib's
		if zlib.inflateInit2_(zs, 31, zlib.zlibVersion(), ffi.sizeof(zs)) ~= Z_OK then
			error("inflateInit2_ failed")
		end
		out_cap = 256 * 1024
		out = ffi.new("unsigned char[?]", out_cap)
	end
	while true do
		zlib.inflateReset(zs)
		zs.next_in, zs.avail_in = body, #body
		zs.next_out, zs.avail_out = out, out_cap
		local rc = zlib.inflate(zs, Z_FINISH)
		if rc == Z_STREAM_END then
			return zs.avail_in == 0 and
				ffi.C.memmem(out, out_cap - zs.avail_out, marker, #marker) ~= nil
		end
		-- out of room (the input not all used): a larger buffer, again;
		-- anything else is a broken or truncated stream
		if zs.avail_out ~= 0 or out_cap >= 64 * 1024 * 1024 then
			return false
		end
		out_cap = out_cap * 4
		out = ffi.new("unsigned char[?]", out_cap)
	end
end
