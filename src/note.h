/*
** note.h — C2SP signed notes (c2sp.org/signed-note), checkpoints
** (c2sp.org/tlog-checkpoint) and cosignatures (c2sp.org/tlog-cosignature,
** v1), with Ed25519 keys (libsodium) in a file outside the database, and
** the signer's own append-only log of every checkpoint it signed.
**
** A signed note is its text (valid UTF-8, no control character but "\n",
** ending in "\n"), a blank line, and one line per signature:
**     "— " name " " base64(key ID (4 bytes, big-endian) || signature) "\n"
** (the dash is U+2014).  Key ID = the first 4 bytes of
** SHA-256(name || "\n" || type || public key), type 0x01 for Ed25519 over
** the text, 0x04 for a cosignature/v1, whose signature is
** timestamp (8 bytes, big-endian) || Ed25519 over
**     "cosignature/v1\ntime " <timestamp in decimal> "\n" || text.
** Key texts (Go's golang.org/x/mod/sumdb/note):
**     verifier  name "+" hex(key ID) "+" base64(type || public key)
**     signer    "PRIVATE+KEY+" name "+" hex(key ID) "+" base64(type || seed)
** A name is non-empty UTF-8 without spaces and without "+".
**
** Memory: texts and names come back in the caller's arena; nothing else is
** allocated.  A note_signer holds its secret key by value: note_signer_wipe()
** it when done.  Return codes: 0 (NOTE_OK) or a negative NOTE_ERR_*;
** note_strerror() names them.
*/
#ifndef JIFEN_NOTE_H
#define JIFEN_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum { NOTE_ED25519 = 0x01, NOTE_COSIGNATURE_V1 = 0x04 };

enum {
	NOTE_OK = 0,
	NOTE_ERR_MALFORMED = -1,     /* not a well-formed note, key text or checkpoint */
	NOTE_ERR_BAD_SIGNATURE = -2, /* a known key's signature does not verify */
	NOTE_ERR_UNVERIFIED = -3,    /* well-formed, but no known key signed it */
	NOTE_ERR_IO = -4,            /* a file could not be read or written (errno says why) */
	NOTE_ERR_EXISTS = -5,        /* the key file exists already */
	NOTE_ERR_KEY_MODE = -6,      /* the key file can be read by others than its owner */
};

/* Most signature lines note_open() reads; more is malformed (as Go). */
#define NOTE_MAX_SIGNATURES 100

struct note_verifier {
	const char *name;
	uint32_t key_id;
	int type; /* NOTE_ED25519 or NOTE_COSIGNATURE_V1 */
	uint8_t pub[32];
};

struct note_signer {
	const char *name;
	uint32_t key_id;
	int type;
	uint8_t pub[32];
	uint8_t sk[64]; /* libsodium's secret key: seed || public key */
};

/* A text name of rc (a NOTE_* code), static. */
const char *note_strerror(int rc);
/* 1 when name may name a key (non-empty UTF-8, no space, no "+"), else 0. */
int note_name_valid(const char *name);
/* 1 when text[0..len) may be a note's text: non-empty valid UTF-8 without
** control characters but "\n", ending in "\n"; else 0. */
int note_text_valid(const char *text, size_t len);
/* The key ID of the key of type type with public key pub under name. */
uint32_t note_key_id(const char *name, int type, const uint8_t pub[32]);

/* ---- keys ---------------------------------------------------------------- */
/* Parse a verifier key text (trailing spaces and newlines ignored) into *v,
** the name in arena a.  Returns 0, or NOTE_ERR_MALFORMED (bad name, hex,
** base64, type, length, or a key ID that is not the key's). */
int note_verifier_parse(arena *a, const char *text, struct note_verifier *v);
/* The verifier key text of v, in arena a. */
char *note_verifier_format(arena *a, const struct note_verifier *v);
/* Parse a signer key text (trailing spaces and newlines ignored) into *s,
** the name in arena a.  Returns 0 or NOTE_ERR_MALFORMED. */
int note_signer_parse(arena *a, const char *text, struct note_signer *s);
/* The signer key text of s into out (size bytes, NUL-terminated): a buffer
** of the caller's, so that it can wipe it.  Returns its length, or -1 when
** it does not fit. */
int note_signer_format(const struct note_signer *s, char *out, size_t size);
/* *s = the key of type type for name from a 32-byte seed (name copied into
** a).  Returns 0, or NOTE_ERR_MALFORMED for a bad name or type. */
int note_signer_from_seed(arena *a, const char *name, int type, const uint8_t seed[32],
			  struct note_signer *s);
/* The same with a random seed. */
int note_signer_generate(arena *a, const char *name, int type, struct note_signer *s);
/* *v = the verifier of s. */
void note_signer_verifier(const struct note_signer *s, struct note_verifier *v);
/* Clear the secret key of s. */
void note_signer_wipe(struct note_signer *s);

/* ---- signing and opening ---------------------------------------------------- */
/* The signature line ("— name base64\n") of s over text, in arena a, into
** *line; timestamp is used by cosignatures only.  Returns 0, or
** NOTE_ERR_MALFORMED when text is not a note's text. */
int note_signature_line(arena *a, const char *text, const struct note_signer *s, uint64_t timestamp,
			char **line);
/* The signed note text "\n" + one signature line for each of the n signers
** in signers[], in arena a, into *out.  Returns 0 or NOTE_ERR_MALFORMED. */
int note_sign(arena *a, const char *text, const struct note_signer *signers, int n,
	      uint64_t timestamp, char **out);

/* One signature line of an opened note. */
struct note_sig {
	const char *name;
	uint32_t key_id;
	int key;            /* the index in keys[] of the key that verified it, or -1 */
	uint64_t timestamp; /* a cosignature's time, else 0 */
	const char *line;   /* the whole line with its "\n", to pass on */
};
struct note_opened {
	const char *text; /* up to and with the "\n" before the blank line */
	size_t text_len;
	struct note_sig *sigs;
	int nsigs;
	int nverified; /* lines a known key verified */
};
/* Open the signed note msg[0..len) against the n keys in keys[]: split at
** the last "\n\n", check every line, verify each line whose name and key ID
** are a known key's (signature lines of other keys are kept, unverified).
** Fills *out (arena a) in every case but NOTE_ERR_MALFORMED.  Returns 0 when
** at least one known key signed; NOTE_ERR_UNVERIFIED when none did;
** NOTE_ERR_BAD_SIGNATURE when a known key's signature fails; or
** NOTE_ERR_MALFORMED (also for more than NOTE_MAX_SIGNATURES lines). */
int note_open(arena *a, const char *msg, size_t len, const struct note_verifier *keys, int n,
	      struct note_opened *out);

/* ---- checkpoints ----------------------------------------------------------------- */
struct checkpoint {
	const char *origin;     /* non-empty, no control characters */
	uint64_t size;          /* the tree's size */
	uint8_t root[32];       /* its root hash */
	const char *extensions; /* "" or extension lines, each non-empty, each with its "\n" */
};
/* Parse a checkpoint (a note's text: origin, decimal size without leading
** zeros, base64 root of 32 bytes, extension lines) into *c, strings in
** arena a.  Returns 0 or NOTE_ERR_MALFORMED. */
int checkpoint_parse(arena *a, const char *text, size_t len, struct checkpoint *c);
/* The text of checkpoint c, in arena a; NULL when c is not valid. */
char *checkpoint_format(arena *a, const struct checkpoint *c);

/* ---- the key file and the signing log ------------------------------------------ */
/* Make a new Ed25519 key named name, into *s, and write its signer key text
** to a new file path, mode 0600: written and fsync'ed under a temporary
** name, then linked to path, so that path is whole or absent and an
** existing key is never replaced.  Returns 0, NOTE_ERR_EXISTS, NOTE_ERR_IO,
** or NOTE_ERR_MALFORMED for a bad name. */
int note_key_create(arena *a, const char *path, const char *name, struct note_signer *s);
/* Read the signer key of file path into *s.  Returns 0, NOTE_ERR_IO,
** NOTE_ERR_KEY_MODE (group or others may read it), or NOTE_ERR_MALFORMED. */
int note_key_read(arena *a, const char *path, struct note_signer *s);
/* The signing log's path: the key file's path + ".log", in arena a. */
char *note_log_path(arena *a, const char *keypath);
/* Sign text with s as note_sign() does, append the signed note to the
** signing log of key file keypath and fsync it, and only then set *out (arena
** a).  A log record is "signed <unix time> <byte length>\n" and the note.
** Returns 0, NOTE_ERR_MALFORMED, or NOTE_ERR_IO (then nothing is returned
** and the log is as it was, but after a crash in the write). */
int note_sign_logged(arena *a, const char *keypath, const char *text, const struct note_signer *s,
		     char **out);
/* Call each(ctx, signed_at, note, len) for every record of the signing log
** of key file keypath, oldest first (note in arena a, NUL-terminated); a
** nonzero return of each stops and is returned.  A missing log has no
** records.  Returns 0, NOTE_ERR_IO, or NOTE_ERR_MALFORMED (a record cut
** short or garbled, after the good ones before it were passed). */
int note_log_read(arena *a, const char *keypath,
		  int (*each)(void *ctx, int64_t signed_at, const char *note, size_t len),
		  void *ctx);

#endif
