/*
** html.h — the only way pages write HTML.  html() is printf-like and its %s
** ESCAPES (& < > " ') — hostile text cannot become markup.  Markup that is
** not escaped goes through html_raw(), which takes only string literals by
** convention (the name makes every use visible in review).
*/
#ifndef JIFEN_HTML_H
#define JIFEN_HTML_H

#include "http.h"

/* Append formatted text to the response; %s arguments are HTML-escaped,
** numbers are formatted as printf does.  Supported: %s %d %i %u %ld %lld
** %zu %x %c %% with optional width/flags, and %.Ns for a prefix. */
void html(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append markup as is: use with string literals only. */
void html_raw(struct req *r, const char *literal);
/* Escape s into arena memory (for building attribute values elsewhere). */
char *html_escape(arena *a, const char *s);

/* Page frame: doctype, head with title and stylesheet, the top bar with the
** user's name, village and logout, and main.  html_page_end() closes it and
** answers 200 (or r->status when set). */
void html_page_begin(struct req *r, const char *title);
void html_page_end(struct req *r);
/* The cookie of 长辈模式 (large type, MIIT 适老化): "1" on. */
#define ELDER_COOKIE "jifen_elder"
/* 1 when this request's page is in 长辈模式. */
int html_elder_mode(struct req *r);
/* A 朗读 (read aloud) button for the element with id target_id: hidden
** until app.js finds the browser's speech synthesis. */
void html_read_aloud(struct req *r, const char *target_id);
/* Give every cell of each <table> with a <thead> a data-label naming its
** column (html_stack.c), so that on a phone, where the stylesheet stacks
** a row's cells, no number stands without its label.  In place on b. */
void html_table_labels(buf *b);
/* The hidden CSRF input of a form. */
void html_csrf(struct req *r);
/* A flash message line (info or error) at the top of the content. */
void html_notice(struct req *r, const char *msg);
void html_error_box(struct req *r, const char *msg);
/* An error box for each message of errs (none when errs is NULL). */
void html_error_boxes(struct req *r, const errlist *errs);

/* One link of the navigation row; rank orders the links of every area in
** one row (unique across the tables). */
struct nav_link {
	int rank;
	int roles;       /* the ROLE_* bits that see it */
	const char *label;
	const char *url; /* the URL, or with in_village the path after /v/CODE */
	int in_village;  /* a link into the user's own village */
};
/* Each area's page_*.c defines its links, ending with a {0} row; routes.c
** lists the tables in nav_tables[] (NULL-terminated). */
extern const struct nav_link *const nav_tables[];

#endif
