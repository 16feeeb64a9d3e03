/*
** test_merkle.c — unit tests of src/merkle.c: the RFC 6962 hashes, the
** roots and all 36 inclusion and 28 consistency proofs of the 8 standard
** leaves (../shared/reference/rfc6962-vectors.json, embedded below: from
** transparency-dev/merkle, checked against Go's sumdb/tlog), every proof
** corrupted the ways transparency-dev/merkle proof/verify_test.go does,
** and the stored-hash scheme against a naive recursive MTH / PATH / PROOF
** for every size up to 300.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "merkle.h"

/* The 8 standard leaves (hex) of transparency-dev/merkle testonly. */
static const char *const leaf_hex[8] = {
	"",
	"00",
	"10",
	"2021",
	"3031",
	"40414243",
	"5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *const leaf_hash_hex[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	"46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
};
/* roots[n]: the root of the first n leaves. */
static const char *const root_hex[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct inclusion_vector {
	uint64_t index, size;
	size_t n;
	const char *proof[4];
};
static const struct inclusion_vector inclusion_vectors[] = {
	{0, 1, 0, {}},
	{0, 2, 1, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"}},
	{1, 2, 1, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"}},
	{0,
	 3,
	 2,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"}},
	{1,
	 3,
	 2,
	 {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"}},
	{2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
	{0,
	 4,
	 2,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"}},
	{1,
	 4,
	 2,
	 {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"}},
	{2,
	 4,
	 2,
	 {"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
	{3,
	 4,
	 2,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
	{0,
	 5,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{1,
	 5,
	 3,
	 {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{2,
	 5,
	 3,
	 {"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{3,
	 5,
	 3,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{4, 5, 1, {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{0,
	 6,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{1,
	 6,
	 3,
	 {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{2,
	 6,
	 3,
	 {"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{3,
	 6,
	 3,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{4,
	 6,
	 2,
	 {"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{5,
	 6,
	 2,
	 {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{0,
	 7,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{1,
	 7,
	 3,
	 {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{2,
	 7,
	 3,
	 {"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{3,
	 7,
	 3,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{4,
	 7,
	 3,
	 {"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{5,
	 7,
	 3,
	 {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{6,
	 7,
	 2,
	 {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{0,
	 8,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{1,
	 8,
	 3,
	 {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{2,
	 8,
	 3,
	 {"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{3,
	 8,
	 3,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{4,
	 8,
	 3,
	 {"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{5,
	 8,
	 3,
	 {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{6,
	 8,
	 3,
	 {"46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{7,
	 8,
	 3,
	 {"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

struct consistency_vector {
	uint64_t m, n;
	size_t nproof;
	const char *proof[4];
};
static const struct consistency_vector consistency_vectors[] = {
	{1, 2, 1, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"}},
	{1,
	 3,
	 2,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"}},
	{2, 3, 1, {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"}},
	{1,
	 4,
	 2,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"}},
	{2, 4, 1, {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"}},
	{3,
	 4,
	 3,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
	{1,
	 5,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{2,
	 5,
	 2,
	 {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{3,
	 5,
	 4,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{4, 5, 1, {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{1,
	 6,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{2,
	 6,
	 2,
	 {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{3,
	 6,
	 4,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{4, 6, 1, {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"}},
	{5,
	 6,
	 3,
	 {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{1,
	 7,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{2,
	 7,
	 2,
	 {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{3,
	 7,
	 4,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{4, 7, 1, {"837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}},
	{5,
	 7,
	 4,
	 {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{6,
	 7,
	 3,
	 {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{1,
	 8,
	 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{2,
	 8,
	 2,
	 {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{3,
	 8,
	 4,
	 {"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{4, 8, 1, {"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{5,
	 8,
	 4,
	 {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{6,
	 8,
	 3,
	 {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{7,
	 8,
	 4,
	 {"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	  "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

/* Hex of 2n digits into out[0..n); the length in bytes. */
static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = strlen(s) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void hash_of_hex(const char *s, uint8_t out[32])
{
	assert_int_equal(unhex(s, out), 32);
}

/* The tree of the 8 standard leaves in memory. */
static struct merkle_memtree standard_tree(arena *a)
{
	struct merkle_memtree t = {.a = a};
	for (int i = 0; i < 8; i++) {
		uint8_t d[16], h[32];
		size_t n = unhex(leaf_hex[i], d);
		merkle_leaf_hash(d, n, h);
		assert_int_equal(merkle_memtree_append(&t, h), MERKLE_OK);
	}
	return t;
}

/* merkle-1: the hasher checks of transparency-dev/merkle rfc6962_test.go. */
static void test_hashes(void **state)
{
	(void)state;
	uint8_t h[32], want[32], l[32], r[32];
	merkle_leaf_hash("L123456", 7, h);
	hash_of_hex("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", want);
	assert_memory_equal(h, want, 32);
	/* HashChildren("N123", "N456") of rfc6962_test.go hashes 4-byte
	** children, which merkle_node_hash() (32-byte halves) cannot take:
	** check the vector with libsodium's SHA-256, and merkle_node_hash()
	** against the same definition on random halves */
	uint8_t msg[65];
	msg[0] = 0x01;
	memcpy(msg + 1, "N123N456", 8);
	crypto_hash_sha256(h, msg, 9);
	hash_of_hex("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb", want);
	assert_memory_equal(h, want, 32);
	for (int i = 0; i < 20; i++) {
		randombytes_buf(msg + 1, 64);
		crypto_hash_sha256(want, msg, 65);
		merkle_node_hash(msg + 1, msg + 33, h);
		assert_memory_equal(h, want, 32);
	}
	merkle_leaf_hash("", 0, h);
	hash_of_hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want);
	assert_memory_equal(h, want, 32);
	merkle_empty_root(h);
	hash_of_hex(root_hex[0], want);
	assert_memory_equal(h, want, 32);
	for (int i = 0; i < 8; i++) {
		uint8_t d[16];
		size_t n = unhex(leaf_hex[i], d);
		merkle_leaf_hash(d, n, h);
		hash_of_hex(leaf_hash_hex[i], want);
		assert_memory_equal(h, want, 32);
	}
	/* node = SHA-256(0x01 || l || r), and out may alias an input */
	hash_of_hex(leaf_hash_hex[0], l);
	hash_of_hex(leaf_hash_hex[1], r);
	merkle_node_hash(l, r, l);
	hash_of_hex(root_hex[2], want);
	assert_memory_equal(l, want, 32);
}

/* merkle-2: the roots of sizes 0..8, through stored hashes, a loaded
** compact range, and the leaves alone. */
static void test_roots(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct merkle_memtree t = standard_tree(a);
	struct merkle_reader r = merkle_memtree_reader(&t);
	uint8_t leaves[8][32];
	for (int i = 0; i < 8; i++)
		hash_of_hex(leaf_hash_hex[i], leaves[i]);
	assert_int_equal(t.count, merkle_stored_count(8));
	for (uint64_t n = 0; n <= 8; n++) {
		uint8_t want[32], got[32];
		hash_of_hex(root_hex[n], want);
		assert_int_equal(merkle_tree_hash(n, &r, got), MERKLE_OK);
		assert_memory_equal(got, want, 32);
		struct merkle_range cr;
		assert_int_equal(merkle_range_load(&cr, n, &r), MERKLE_OK);
		assert_int_equal(cr.size, n);
		merkle_range_root(&cr, got);
		assert_memory_equal(got, want, 32);
		merkle_root_of_leaves((const uint8_t(*)[32])leaves, n, got);
		assert_memory_equal(got, want, 32);
	}
	uint8_t got[32];
	assert_int_equal(merkle_tree_hash(9, &r, got), MERKLE_ERR_READ);
	arena_free(a);
}

/* merkle-3: each of the 36 inclusion proofs is generated exactly, and it
** verifies. */
static void test_inclusion_vectors(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct merkle_memtree t = standard_tree(a);
	struct merkle_reader r = merkle_memtree_reader(&t);
	size_t count = sizeof inclusion_vectors / sizeof *inclusion_vectors;
	assert_int_equal(count, 36);
	for (size_t v = 0; v < count; v++) {
		const struct inclusion_vector *iv = &inclusion_vectors[v];
		uint8_t proof[MERKLE_MAX_PROOF][32], want[4][32], leaf[32], root[32];
		size_t n;
		assert_int_equal(merkle_prove_inclusion(iv->index, iv->size, &r, proof, &n),
				 MERKLE_OK);
		assert_int_equal(n, iv->n);
		for (size_t i = 0; i < n; i++) {
			hash_of_hex(iv->proof[i], want[i]);
			assert_memory_equal(proof[i], want[i], 32);
		}
		hash_of_hex(leaf_hash_hex[iv->index], leaf);
		hash_of_hex(root_hex[iv->size], root);
		assert_int_equal(merkle_verify_inclusion(iv->index, iv->size, leaf,
							 (const uint8_t(*)[32])want, n, root),
				 MERKLE_OK);
	}
	arena_free(a);
}

/* merkle-4: each of the 28 consistency proofs is generated exactly (among
** them (6,7) and (3,7), where skipping a step of the RFC shows), and it
** verifies. */
static void test_consistency_vectors(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct merkle_memtree t = standard_tree(a);
	struct merkle_reader r = merkle_memtree_reader(&t);
	size_t count = sizeof consistency_vectors / sizeof *consistency_vectors;
	assert_int_equal(count, 28);
	for (size_t v = 0; v < count; v++) {
		const struct consistency_vector *cv = &consistency_vectors[v];
		uint8_t proof[MERKLE_MAX_PROOF][32], want[4][32], r1[32], r2[32];
		size_t n;
		assert_int_equal(merkle_prove_consistency(cv->m, cv->n, &r, proof, &n), MERKLE_OK);
		assert_int_equal(n, cv->nproof);
		for (size_t i = 0; i < n; i++) {
			hash_of_hex(cv->proof[i], want[i]);
			assert_memory_equal(proof[i], want[i], 32);
		}
		hash_of_hex(root_hex[cv->m], r1);
		hash_of_hex(root_hex[cv->n], r2);
		assert_int_equal(merkle_verify_consistency(cv->m, cv->n, (const uint8_t(*)[32])want,
							   n, r1, r2),
				 MERKLE_OK);
	}
	arena_free(a);
}

/* merkle-5: every inclusion vector, corrupted: wrong index, the size doubled
** or halved (not ± 1, see merkle-6), wrong leaf or root, each proof hash with a bit flipped, a hash removed,
** one added at the end or the start.  Each must be refused. */
static void test_inclusion_corrupted(void **state)
{
	(void)state;
	size_t count = sizeof inclusion_vectors / sizeof *inclusion_vectors, refused = 0;
	for (size_t v = 0; v < count; v++) {
		const struct inclusion_vector *iv = &inclusion_vectors[v];
		uint8_t proof[MERKLE_MAX_PROOF + 1][32], leaf[32], root[32], bad[32];
		size_t n = iv->n;
		for (size_t i = 0; i < n; i++)
			hash_of_hex(iv->proof[i], proof[i]);
		hash_of_hex(leaf_hash_hex[iv->index], leaf);
		hash_of_hex(root_hex[iv->size], root);
		const uint8_t(*p)[32] = (const uint8_t(*)[32])proof;
		uint64_t idx = iv->index, size = iv->size;

		uint64_t wrong_index[] = {idx - 1, idx + 1, idx ^ 2};
		for (size_t k = 0; k < 3; k++) {
			if (wrong_index[k] == idx)
				continue;
			assert_int_not_equal(
				merkle_verify_inclusion(wrong_index[k], size, leaf, p, n, root),
				MERKLE_OK);
			refused++;
		}
		uint64_t wrong_size[] = {size * 2, size / 2};
		for (size_t k = 0; k < 2; k++) {
			assert_int_not_equal(
				merkle_verify_inclusion(idx, wrong_size[k], leaf, p, n, root),
				MERKLE_OK);
			refused++;
		}
		memcpy(bad, leaf, 32);
		bad[0] ^= 1;
		assert_int_equal(merkle_verify_inclusion(idx, size, bad, p, n, root),
				 MERKLE_ERR_MISMATCH);
		memcpy(bad, root, 32);
		bad[31] ^= 0x80;
		assert_int_equal(merkle_verify_inclusion(idx, size, leaf, p, n, bad),
				 MERKLE_ERR_MISMATCH);
		refused += 2;
		for (size_t i = 0; i < n; i++)
			for (int bit = 0; bit < 256; bit += 37) {
				proof[i][bit / 8] ^= (uint8_t)(1 << (bit % 8));
				assert_int_equal(
					merkle_verify_inclusion(idx, size, leaf, p, n, root),
					MERKLE_ERR_MISMATCH);
				proof[i][bit / 8] ^= (uint8_t)(1 << (bit % 8));
				refused++;
			}
		if (n) {
			assert_int_equal(merkle_verify_inclusion(idx, size, leaf, p, n - 1, root),
					 MERKLE_ERR_PROOF_LEN);
			refused++;
		}
		memset(proof[n], 0, 32);
		assert_int_equal(merkle_verify_inclusion(idx, size, leaf, p, n + 1, root),
				 MERKLE_ERR_PROOF_LEN);
		memcpy(proof[n], root, 32);
		assert_int_equal(merkle_verify_inclusion(idx, size, leaf, p, n + 1, root),
				 MERKLE_ERR_PROOF_LEN);
		memmove(proof[1], proof[0], n * 32);
		memcpy(proof[0], leaf, 32);
		assert_int_equal(merkle_verify_inclusion(idx, size, leaf, p, n + 1, root),
				 MERKLE_ERR_PROOF_LEN);
		refused += 3;
		/* the true proof still verifies: the corruptions were undone */
		assert_int_equal(merkle_verify_inclusion(idx, size, leaf, p + 1, n, root),
				 MERKLE_OK);
	}
	assert_true(refused > 300);
	/* index beyond the tree, and the empty tree */
	uint8_t h[32] = {0};
	assert_int_equal(merkle_verify_inclusion(1, 1, h, NULL, 0, h), MERKLE_ERR_ARGS);
	assert_int_equal(merkle_verify_inclusion(0, 0, h, NULL, 0, h), MERKLE_ERR_ARGS);
}

/* merkle-6: every consistency vector, corrupted: roots swapped or changed,
** the old size off by one, the new one doubled or halved, each hash with a bit flipped, removed, added.  And the
** special sizes: m == n, m == 0, m > n. */
static void test_consistency_corrupted(void **state)
{
	(void)state;
	size_t count = sizeof consistency_vectors / sizeof *consistency_vectors;
	for (size_t v = 0; v < count; v++) {
		const struct consistency_vector *cv = &consistency_vectors[v];
		uint8_t proof[MERKLE_MAX_PROOF + 1][32], r1[32], r2[32], bad[32];
		size_t n = cv->nproof;
		uint64_t m = cv->m, sz = cv->n;
		for (size_t i = 0; i < n; i++)
			hash_of_hex(cv->proof[i], proof[i]);
		hash_of_hex(root_hex[m], r1);
		hash_of_hex(root_hex[sz], r2);
		const uint8_t(*p)[32] = (const uint8_t(*)[32])proof;

		assert_int_not_equal(merkle_verify_consistency(m, sz, p, n, r2, r1), MERKLE_OK);
		memcpy(bad, r1, 32);
		bad[5] ^= 4;
		assert_int_not_equal(merkle_verify_consistency(m, sz, p, n, bad, r2), MERKLE_OK);
		memcpy(bad, r2, 32);
		bad[9] ^= 1;
		assert_int_not_equal(merkle_verify_consistency(m, sz, p, n, r1, bad), MERKLE_OK);
		assert_int_not_equal(merkle_verify_consistency(m - 1, sz, p, n, r1, r2), MERKLE_OK);
		if (m + 1 <= sz)
			assert_int_not_equal(merkle_verify_consistency(m + 1, sz, p, n, r1, r2),
					     MERKLE_OK);
		/* not sz ± 1: (1, 3) and (1, 4) have proofs of the same shape, so
		** a proof checks against the right roots with either size (as
		** inclusion proofs of (0, 3) and (0, 4)); the signed checkpoint
		** binds size and root.  transparency-dev tests double and half. */
		assert_int_not_equal(merkle_verify_consistency(m, sz * 2, p, n, r1, r2), MERKLE_OK);
		if (sz / 2 >= m)
			assert_int_not_equal(merkle_verify_consistency(m, sz / 2, p, n, r1, r2),
					     MERKLE_OK);
		for (size_t i = 0; i < n; i++)
			for (int bit = 0; bit < 256; bit += 41) {
				proof[i][bit / 8] ^= (uint8_t)(1 << (bit % 8));
				assert_int_equal(merkle_verify_consistency(m, sz, p, n, r1, r2),
						 MERKLE_ERR_MISMATCH);
				proof[i][bit / 8] ^= (uint8_t)(1 << (bit % 8));
			}
		assert_int_equal(merkle_verify_consistency(m, sz, p, n - 1, r1, r2),
				 MERKLE_ERR_PROOF_LEN);
		memcpy(proof[n], r2, 32);
		assert_int_equal(merkle_verify_consistency(m, sz, p, n + 1, r1, r2),
				 MERKLE_ERR_PROOF_LEN);
		assert_int_equal(merkle_verify_consistency(m, sz, p, 0, r1, r2),
				 MERKLE_ERR_PROOF_LEN);
		assert_int_equal(merkle_verify_consistency(m, sz, p, n, r1, r2), MERKLE_OK);
	}
	uint8_t r3[32], r7[32], any[1][32] = {{0}};
	hash_of_hex(root_hex[3], r3);
	hash_of_hex(root_hex[7], r7);
	for (uint64_t s = 0; s <= 8; s++) {
		uint8_t rs[32];
		hash_of_hex(root_hex[s], rs);
		/* equal sizes: empty proof and equal roots */
		assert_int_equal(merkle_verify_consistency(s, s, NULL, 0, rs, rs), MERKLE_OK);
		assert_int_equal(merkle_verify_consistency(s, s, any, 1, rs, rs),
				 MERKLE_ERR_PROOF_LEN);
		/* from the empty tree: an empty proof, whatever the roots */
		if (s)
			assert_int_equal(merkle_verify_consistency(0, s, NULL, 0, r3, rs),
					 MERKLE_OK);
		assert_int_equal(merkle_verify_consistency(0, s + 1, any, 1, r3, rs),
				 MERKLE_ERR_PROOF_LEN);
	}
	assert_int_equal(merkle_verify_consistency(7, 7, NULL, 0, r3, r7), MERKLE_ERR_MISMATCH);
	assert_int_equal(merkle_verify_consistency(7, 3, NULL, 0, r7, r3), MERKLE_ERR_ARGS);
}

/* ---- a naive tree, straight from RFC 6962 §2.1, for the cross-check ---- */

static uint64_t naive_k(uint64_t n)
{
	uint64_t k = 1;
	while (2 * k < n)
		k *= 2;
	return k;
}

static void naive_mth(const uint8_t (*d)[32], uint64_t n, uint8_t out[32])
{
	if (n == 0) {
		merkle_empty_root(out);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], 32);
		return;
	}
	uint64_t k = naive_k(n);
	uint8_t l[32], r[32];
	naive_mth(d, k, l);
	naive_mth(d + k, n - k, r);
	merkle_node_hash(l, r, out);
}

/* PATH(m, D[n]) appended to out from *len. */
static void naive_path(uint64_t m, const uint8_t (*d)[32], uint64_t n, uint8_t (*out)[32],
		       size_t *len)
{
	if (n == 1)
		return;
	uint64_t k = naive_k(n);
	if (m < k) {
		naive_path(m, d, k, out, len);
		naive_mth(d + k, n - k, out[(*len)++]);
	} else {
		naive_path(m - k, d + k, n - k, out, len);
		naive_mth(d, k, out[(*len)++]);
	}
}

/* SUBPROOF(m, D[n], b) appended to out from *len. */
static void naive_subproof(uint64_t m, const uint8_t (*d)[32], uint64_t n, int b,
			   uint8_t (*out)[32], size_t *len)
{
	if (m == n) {
		if (!b)
			naive_mth(d, n, out[(*len)++]);
		return;
	}
	uint64_t k = naive_k(n);
	if (m <= k) {
		naive_subproof(m, d, k, b, out, len);
		naive_mth(d + k, n - k, out[(*len)++]);
	} else {
		naive_subproof(m - k, d + k, n - k, 0, out, len);
		naive_mth(d, k, out[(*len)++]);
	}
}

/* A reader over a plain array, to build the store through
** merkle_stored_hashes_for_leaf() rather than the compact range. */
struct array_store {
	uint8_t (*h)[32];
	uint64_t count;
};

static int array_read(void *ctx, const uint64_t *idx, size_t n, uint8_t (*out)[32])
{
	const struct array_store *s = ctx;
	for (size_t i = 0; i < n; i++) {
		if (idx[i] >= s->count)
			return -1;
		memcpy(out[i], s->h[idx[i]], 32);
	}
	return 0;
}

#define CROSS_N 300

/* merkle-7: 300 random leaves.  Both ways of appending store the same
** hashes at the same indexes; for every size the root is the naive MTH;
** inclusion and consistency proofs (all of them up to size 40, a sample
** beyond) are the naive PATH and PROOF and verify. */
static void test_cross_check(void **state)
{
	(void)state;
	arena *a = arena_new();
	uint8_t(*leaves)[32] = arena_alloc(a, CROSS_N * 32);
	struct merkle_memtree t = {.a = a};
	struct array_store s = {arena_alloc(a, merkle_stored_count(CROSS_N) * 32), 0};
	struct merkle_reader rs = {array_read, &s};
	srand(6962);
	for (uint64_t i = 0; i < CROSS_N; i++) {
		for (int j = 0; j < 32; j++)
			leaves[i][j] = (uint8_t)rand();
		assert_int_equal(merkle_memtree_append(&t, leaves[i]), MERKLE_OK);
		uint8_t add[MERKLE_MAX_NEW_HASHES][32];
		size_t nadd;
		assert_int_equal(merkle_stored_hashes_for_leaf(i, leaves[i], &rs, add, &nadd),
				 MERKLE_OK);
		assert_int_equal(s.count, merkle_stored_index(0, i));
		memcpy(s.h + s.count, add, nadd * 32);
		s.count += nadd;
		assert_int_equal(s.count, merkle_stored_count(i + 1));
	}
	assert_int_equal(t.count, s.count);
	assert_memory_equal(t.hash, s.h, s.count * 32);
	struct merkle_reader r = merkle_memtree_reader(&t);

	uint8_t got[MERKLE_MAX_PROOF][32], want[MERKLE_MAX_PROOF][32];
	size_t ngot, nwant;
	for (uint64_t n = 1; n <= CROSS_N; n++) {
		uint8_t root[32], mth[32];
		naive_mth((const uint8_t(*)[32])leaves, n, mth);
		assert_int_equal(merkle_tree_hash(n, &r, root), MERKLE_OK);
		assert_memory_equal(root, mth, 32);
		for (int j = 0; j < (n <= 40 ? (int)n : 6); j++) {
			uint64_t i = n <= 40 ? (uint64_t)j : (uint64_t)rand() % n;
			if (j == 1 && n > 40)
				i = n - 1;
			assert_int_equal(merkle_prove_inclusion(i, n, &r, got, &ngot), MERKLE_OK);
			nwant = 0;
			naive_path(i, (const uint8_t(*)[32])leaves, n, want, &nwant);
			assert_int_equal(ngot, nwant);
			assert_memory_equal(got, want, ngot * 32);
			assert_int_equal(merkle_verify_inclusion(i, n, leaves[i],
								 (const uint8_t(*)[32])got, ngot,
								 root),
					 MERKLE_OK);
			uint64_t m = n <= 40 ? (uint64_t)j + 1 : 1 + (uint64_t)rand() % n;
			uint8_t rootm[32];
			assert_int_equal(merkle_tree_hash(m, &r, rootm), MERKLE_OK);
			assert_int_equal(merkle_prove_consistency(m, n, &r, got, &ngot), MERKLE_OK);
			nwant = 0;
			if (m < n)
				naive_subproof(m, (const uint8_t(*)[32])leaves, n, 1, want, &nwant);
			assert_int_equal(ngot, nwant);
			assert_memory_equal(got, want, ngot * 32);
			assert_int_equal(merkle_verify_consistency(m, n, (const uint8_t(*)[32])got,
								   ngot, rootm, root),
					 MERKLE_OK);
		}
	}
	arena_free(a);
}

/* merkle-8: the compact range loaded at any size and appended to from
** there gives the stored hashes and root of the whole tree; indexes split
** back into (level, n); a missing hash is a read error, not a root. */
static void test_range_and_indexes(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct merkle_memtree t = {.a = a};
	uint8_t leaves[100][32];
	for (int i = 0; i < 100; i++) {
		merkle_leaf_hash(&i, sizeof i, leaves[i]);
		assert_int_equal(merkle_memtree_append(&t, leaves[i]), MERKLE_OK);
	}
	struct merkle_reader r = merkle_memtree_reader(&t);
	uint8_t full[32];
	merkle_range_root(&t.range, full);
	for (uint64_t from = 0; from <= 100; from += 7) {
		struct merkle_range cr;
		assert_int_equal(merkle_range_load(&cr, from, &r), MERKLE_OK);
		assert_int_equal(cr.n, __builtin_popcountll(from));
		for (uint64_t i = from; i < 100; i++) {
			uint8_t add[MERKLE_MAX_NEW_HASHES][32];
			size_t nadd = merkle_range_append(&cr, leaves[i], add);
			assert_int_equal(nadd, 1 + __builtin_ctzll(i + 1));
			assert_memory_equal(add, t.hash[merkle_stored_index(0, i)], nadd * 32);
		}
		uint8_t root[32];
		merkle_range_root(&cr, root);
		assert_memory_equal(root, full, 32);
	}
	for (uint64_t idx = 0; idx < 5000; idx++) {
		int level;
		uint64_t n;
		merkle_stored_index_split(idx, &level, &n);
		assert_int_equal(merkle_stored_index(level, n), idx);
	}
	assert_int_equal(merkle_stored_index(0, 4), 7);
	assert_int_equal(merkle_stored_index(2, 0), 6);
	assert_int_equal(merkle_stored_index(1, 1), 5);
	/* a store that lacks a hash: errors, never a wrong answer */
	struct merkle_memtree small = {.a = a};
	for (int i = 0; i < 5; i++)
		merkle_memtree_append(&small, leaves[i]);
	struct merkle_reader rsmall = merkle_memtree_reader(&small);
	uint8_t proof[MERKLE_MAX_PROOF][32], h[32];
	size_t np;
	assert_int_equal(merkle_prove_inclusion(0, 6, &rsmall, proof, &np), MERKLE_ERR_READ);
	assert_int_equal(merkle_prove_consistency(3, 6, &rsmall, proof, &np), MERKLE_ERR_READ);
	assert_int_equal(merkle_prove_inclusion(5, 5, &rsmall, proof, &np), MERKLE_ERR_ARGS);
	assert_int_equal(merkle_prove_consistency(6, 5, &rsmall, proof, &np), MERKLE_ERR_ARGS);
	assert_int_equal(merkle_tree_hash(MERKLE_MAX_SIZE, &rsmall, h), MERKLE_ERR_ARGS);
	assert_int_equal(merkle_prove_consistency(0, 5, &rsmall, proof, &np), MERKLE_OK);
	assert_int_equal(np, 0);
	assert_int_equal(merkle_prove_consistency(5, 5, &rsmall, proof, &np), MERKLE_OK);
	assert_int_equal(np, 0);
	assert_string_equal(merkle_strerror(MERKLE_ERR_PROOF_LEN),
			    "wrong number of hashes in the proof");
	arena_free(a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_inclusion_vectors),
		cmocka_unit_test(test_consistency_vectors),
		cmocka_unit_test(test_inclusion_corrupted),
		cmocka_unit_test(test_consistency_corrupted),
		cmocka_unit_test(test_cross_check),
		cmocka_unit_test(test_range_and_indexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
