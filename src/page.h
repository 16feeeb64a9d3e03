/*
** page.h — the page kit: the error page, a list of refusals, and the
** upload → preview → confirm flow that every import page (households, a
** month's entries, a standard) goes through the same way:
**
**     struct upload up;
**     if (page_upload_or_reply(r, MAX, &up, title, form, ctx)) return;
**     rc = area_import(..., up.fname, up.data, up.len, !up.confirm, ...);
**     ... preview: page_confirm_fields(r, up.fname, up.data, up.len) in a form
*/
#ifndef JIFEN_PAGE_H
#define JIFEN_PAGE_H
#include <stddef.h>
#include <stdint.h>

#include "html.h"

/* The error page of http_error() for pages: the frame, the message in an
** error box, a link home; status 404/403/other chooses the title. */
void page_error(struct req *r, int status, const char *msg);

/* headline in an error box and the messages of errs as a list; nothing
** when errs is empty. */
void page_error_list(struct req *r, const errlist *errs, const char *headline);

/* One figure of a row of cards (inside <section class="cards">): value in
** large type, then what it counts; both escaped.  page_stat_card_int() for a
** count. */
void page_stat_card(struct req *r, const char *value, const char *label);
void page_stat_card_int(struct req *r, int64_t n, const char *label);

/* The one headline of a refusal that wrote nothing (a form sent back with
** its messages): every page says it the same way. */
#define PAGE_NOT_SAVED "没有保存，原因如下："

/* The largest file the web imports take: it travels back base64 in the
** confirm form (larger files: the CLI). */
enum { WEB_IMPORT_MAX = 8 * 1024 * 1024 };

/* The file of an upload → preview → confirm flow. */
struct upload {
	int confirm;       /* 1: the preview's confirm form came back (apply); 0: a new upload */
	const char *fname; /* its name for error lines (upload_name()) */
	const char *data;  /* its bytes (arena), NUL-terminated when confirmed */
	size_t len;
};

/* Read the file of an import post into u: with confirm set, the fname and
** base64 data fields of the preview's form; else the multipart part "file".
** 0 ok; else the request is answered and -1 returned: 400 with a garbled
** confirm, 413 when the file is over max bytes, and 400 with the page
** title, the error "请选择要上传的 CSV 文件。" and form(r, ctx) (the upload
** form) when no file came. */
int page_upload_or_reply(struct req *r, size_t max, struct upload *u, const char *title,
			 void (*form)(struct req *r, const void *ctx), const void *ctx);

/* The same read for a page that answers a missing file itself (the
** standard's adoption and the town template keep their form's other
** fields): 0 ok; 1 when no file came (nothing answered); -1 answered,
** 400 with a garbled confirm or 413 with too_big when the file is over
** max bytes. */
int page_upload_read(struct req *r, size_t max, const char *too_big, struct upload *u);

/* data as URL-safe base64 without padding (arena), for a confirm form. */
const char *page_base64(arena *a, const char *data, size_t len);

/* Decode the base64 form field name into data and len (arena, with a NUL
** after it); 0 ok, -1 missing or not base64. */
int page_unbase64(struct req *r, const char *name, const char **data, size_t *len);

/* The hidden fields that carry an upload back from its preview: fname,
** data (base64) and confirm=1. */
void page_confirm_fields(struct req *r, const char *fname, const char *data, size_t len);

/* The table of what changed between two loaded standard versions, with a
** count line above it; returns the count of differences (page_standard.c:
** the compare page, the adoption preview, the consultation's draft). */
struct std_version;
int render_diff(struct req *r, const struct std_version *a, const struct std_version *b);
/* The links to the blank templates of import name ("households",
** "entries", "catalog", "standard") and what files an import reads
** (page_export.c); for every import page. */
void page_template_links(struct req *r, const char *name);

/* The "文件格式" table of an import page: each of the n columns of spec
** (csvfile.h) with its Chinese header and whether it must be there. */
struct csv_col;
void page_csv_columns(struct req *r, const struct csv_col *spec, int n);
/* "读取为：…" — the format and encoding an uploaded file is read as, for
** an import's preview (csvfile_format_name). */
void page_upload_format(struct req *r, const char *data, size_t len);
/* The villagers' front door: the household login form with what may be
** read without logging in (page_passbook.c); GET / shows it to visitors.
** village, hcode: the fields' values; error: a box on top (NULL none). */
void page_passbook_login_form(struct req *r, const char *village, const char *hcode,
			      const char *error);

/* The household cards' address (page_cards.c).  page_request_origin():
** "http(s)://HOST" of this request (arena), or NULL when its Host header is
** missing or holds what a URL must not.  page_card_base_url(): the town's
** public URL, else that origin, else "".  page_card_url_warning(): an
** error box when the public URL is unset or names this machine. */
const char *page_request_origin(struct req *r);
const char *page_card_base_url(struct req *r);
void page_card_url_warning(struct req *r);

/* ---- what the scoring pages share ------------------------------------------ */

struct household;
struct std_version;
struct village;

/* A table cell with points and their sign, classed pos/neg for colour. */
void points_cell(struct req *r, int64_t p);

/* The participating households of v for pick lists (arena, at most
** 20,000).  0 or -1, as household_list(). */
int pick_households(struct req *r, const struct village *v, struct household **rows, int *n);

/* The <datalist id="households"> of rows: value the code, label the head's
** name, so a browser suggests both without JS. */
void households_datalist(struct req *r, const struct household *rows, int n);

/* The item <select> named name of a version (none when sv is NULL),
** grouped by category; each option starts with the code so that typing
** the code picks it. */
void item_select(struct req *r, const char *name, const struct std_version *sv,
		 const char *selected, int required);

/* The household page's form for the separate consent to publish the
** head's name on the public announcements (page_publication.c); url is the
** household page's.  Writes nothing when the consent cannot be read. */
void page_name_consent_form(struct req *r, const char *url, int64_t village_id,
			    int64_t household_id);

/* text as a QR code drawn in inline SVG (qr_svg_path): px pixels square,
** or px 0 for class "qr" (sized by the stylesheet); label is its
** aria-label.  Nothing when text cannot be encoded. */
void page_qr_svg(struct req *r, const char *text, int px, const char *label);

/* text as a QR code in an <img> of a PNG in a data: URL (qr_png), for a
** long text whose SVG path would weigh tens of KB (qr.h): about px pixels
** square, a whole number of pixels a module; label is its alt text. */
void page_qr_png(struct req *r, const char *text, int px, const char *label);

/* The 落款 of a village's printed sheet: "X村" signs as X村民委员会, "X" as
** X村民委员会, with the date below, both class "signer". */
void page_village_signer(struct req *r, const char *village_name, const char *date);

/* The passbook's section of the household's objections with their
** decisions and the link to raise one (page_objection.c).  Writes nothing
** when they cannot be read. */
void page_objection_passbook(struct req *r, int64_t village_id, int64_t household_id);

/* The household logged in on its passbook (r->user, ROLE_HOUSEHOLD), its
** village into *v, and into *who the actor of what it does there
** ("household:CODE" from r's address): the opener of the passbook's POSTs.
** NULL after a 500 page. */
struct actor;
struct household *page_own_household_or_500(struct req *r, struct village **v,
					    struct actor *who);

#endif
