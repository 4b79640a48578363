/* rtis.ntis._ntisfast: the C path of `rtis ntis import` for UTF-8 CSV files into SQLite.
 *
 * It reads the file, splits records exactly as Python's csv module (excel dialect, newline='')
 * does, checks and converts each record as rtis.ntis.rows.make_converter does, and binds the row
 * into SQLite through the caller's own connection (so inside Django's transaction), with no
 * Python object per record. It is an accelerator, never a second set of rules:
 *
 *  - a record it is not certain about (any value the converter could refuse, a code it has not
 *    seen, a date or amount of an unusual shape, a science name without a code) goes to the
 *    Python converter (`slow`), whose row or problem is taken as is;
 *  - anything unusual about the file (bytes that are not UTF-8, a NUL, a huge cell, end of file
 *    inside quotes, a SQLite error) raises Abort, and the caller rolls back to its savepoint and
 *    imports the file with the Python path.
 *
 * SQLite is reached through the library the sqlite3 module itself loaded (dlsym on its handle),
 * with the connection's own handle, the first field after PyObject_HEAD of CPython's
 * pysqlite_Connection (3.10 to 3.14). tests/ntis/test_fast_equivalence.py holds it to the
 * Python path. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef void (*destructor_t)(void *);
#define SQLITE_OK 0
#define SQLITE_DONE 101
#define SQLITE_STATIC ((destructor_t)0)
#define SQLITE_TRANSIENT ((destructor_t)-1)

static int (*sq_prepare)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
static int (*sq_bind_text)(sqlite3_stmt *, int, const char *, int, destructor_t);
static int (*sq_bind_int64)(sqlite3_stmt *, int, long long);
static int (*sq_bind_null)(sqlite3_stmt *, int);
static int (*sq_step)(sqlite3_stmt *);
static int (*sq_reset)(sqlite3_stmt *);
static int (*sq_finalize)(sqlite3_stmt *);
static const char *(*sq_errmsg)(sqlite3 *);
static int (*sq_get_autocommit)(sqlite3 *);

static PyObject *AbortError;

/* The file's fields, in rtis.ntis.fields.FIELDS order (checked by the Python side). */
enum {
    F_YEAR, F_NO, F_TITLE, F_TITLE_EN, F_MINISTRY, F_BUSINESS, F_SUB_BUSINESS, F_MANAGER,
    F_ORGANISATION, F_AGENCY, F_GOAL, F_CONTENT, F_EFFECT, F_KEYWORDS, F_TOTAL, F_GOV,
    F_PRIVATE, F_CONTINUING, F_PREVIOUS, F_DETAIL, F_STAGE, F_PERFORMER, F_REGION, F_SCIENCE,
    F_SCIENCE_NAME, F_SIX_T, F_START, F_END, N_FIELDS
};
static const char *FIELD_NAMES[N_FIELDS] = {
    "year", "project_no", "title", "title_en", "ministry", "business_name",
    "sub_business_name", "manager", "organisation", "manage_agency", "goal", "content",
    "effect", "keywords", "total_funds", "gov_funds", "private_funds", "continuing",
    "previous_numbers", "detail_no", "stage", "performer", "region", "science_code",
    "science_name", "six_t", "start_date", "end_date"};

/* Reference lists, as rtis.ntis.rows names them for the resolver. */
enum { L_MINISTRY, L_STAGE, L_PERFORMER, L_REGION, L_SIX_T, L_SCIENCE, N_LISTS };
static const char *LIST_NAMES[N_LISTS] = {"ministry", "rnd_stage", "performer", "region",
                                          "six_t", "science_class"};

#define MAX_FIELD_CHARS 100000 /* csv.field_size_limit in rtis.ntis.reader */
/* A field's raw bytes beyond this hold more than MAX_FIELD_CHARS characters (4 bytes at most a
 * character, a doubled quote 2 bytes for 1, 2 quotes around): csv.reader refuses it, so the C
 * path stops there instead of reading on into memory looking for the field's end. */
#define MAX_FIELD_BYTES (4 * MAX_FIELD_CHARS + 2)

/* --- text helpers ---------------------------------------------------------------------- */

typedef struct {
    const char *p;
    Py_ssize_t n;
} span_t;

/* Code point at s (valid UTF-8 assumed: records are validated before they are read). */
static uint32_t decode_at(const unsigned char *s, int *len) {
    unsigned char c = s[0];
    if (c < 0x80) { *len = 1; return c; }
    if (c < 0xE0) { *len = 2; return ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F); }
    if (c < 0xF0) {
        *len = 3;
        return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *len = 4;
    return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Python's str.isspace() (and so str.strip()), every code point of it (3.11). */
static int is_space(uint32_t c) {
    if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static span_t strip(span_t s) {
    const unsigned char *b = (const unsigned char *)s.p;
    Py_ssize_t start = 0, end = s.n;
    while (start < end) {
        int len;
        uint32_t c = decode_at(b + start, &len);
        if (!is_space(c)) break;
        start += len;
    }
    while (end > start) {
        Py_ssize_t k = end - 1;
        while (k > start && (b[k] & 0xC0) == 0x80) k--;
        int len;
        uint32_t c = decode_at(b + k, &len);
        if (!is_space(c)) break;
        end = k;
    }
    span_t out = {s.p + start, end - start};
    return out;
}

static Py_ssize_t char_count(span_t s) {
    Py_ssize_t n = 0;
    const unsigned char *b = (const unsigned char *)s.p;
    for (Py_ssize_t i = 0; i < s.n; i++) n += (b[i] & 0xC0) != 0x80;
    return n;
}

static int is_ascii(span_t s) {
    for (Py_ssize_t i = 0; i < s.n; i++)
        if ((unsigned char)s.p[i] >= 0x80) return 0;
    return 1;
}

/* Strict UTF-8, as Python's decoder: no overlongs, surrogates or code points past U+10FFFF.
 * ASCII runs go eight bytes at a time; Hangul (three bytes each) is the next common case. */
static int valid_utf8(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL) break;
            i += 8;
        }
        while (i < n && s[i] < 0x80) i++;
        while (i + 2 < n && (s[i] & 0xF0) == 0xE0) {
            unsigned char c = s[i], c1 = s[i + 1], c2 = s[i + 2];
            if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80) return 0;
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) return 0;
            i += 3;
        }
        if (i >= n) break;
        unsigned char c = s[i];
        if (c < 0x80) continue;
        if (c >= 0xC2 && c <= 0xDF) {
            if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80) return 0;
            i += 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (i + 3 >= n) return 0;
            unsigned char c1 = s[i + 1], c2 = s[i + 2], c3 = s[i + 3];
            if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80 || (c3 & 0xC0) != 0x80) return 0;
            if (c == 0xF0 && c1 < 0x90) return 0;
            if (c == 0xF4 && c1 > 0x8F) return 0;
            i += 4;
        } else {
            return 0; /* a continuation byte, C0/C1, F5–FF, or a three-byte lead cut short */
        }
    }
    return 1;
}

/* --- caches -------------------------------------------------------------------------- */

typedef struct {
    int used;
    int list;
    int year;
    char *raw;
    Py_ssize_t raw_n;
    char *code; /* NULL: the resolver knows no such value (the record goes to Python) */
    Py_ssize_t code_n;
    uint64_t hash;
} code_entry;

typedef struct {
    code_entry *slots;
    size_t cap, count;
} code_cache;

static uint64_t code_hash(int list, int year, const char *p, Py_ssize_t n) {
    uint64_t h = 1469598103934665603ULL ^ ((uint64_t)list << 32) ^ (uint64_t)year;
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

static code_entry *code_find(code_cache *c, int list, int year, const char *p, Py_ssize_t n,
                             uint64_t h) {
    size_t mask = c->cap - 1, i = h & mask;
    while (c->slots[i].used) {
        code_entry *e = &c->slots[i];
        if (e->hash == h && e->list == list && e->year == year && e->raw_n == n &&
            memcmp(e->raw, p, n) == 0)
            return e;
        i = (i + 1) & mask;
    }
    return &c->slots[i];
}

static int code_grow(code_cache *c) {
    size_t cap = c->cap ? c->cap * 2 : 256;
    code_entry *slots = calloc(cap, sizeof(code_entry));
    if (!slots) return -1;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].used) continue;
        size_t j = c->slots[i].hash & (cap - 1);
        while (slots[j].used) j = (j + 1) & (cap - 1);
        slots[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = slots;
    c->cap = cap;
    return 0;
}

static void code_free(code_cache *c) {
    for (size_t i = 0; i < c->cap; i++) {
        if (c->slots[i].used) {
            free(c->slots[i].raw);
            free(c->slots[i].code);
        }
    }
    free(c->slots);
    c->slots = NULL;
    c->cap = c->count = 0;
}

typedef struct {
    uint64_t *slots; /* key + 1; 0 is empty */
    size_t cap, count;
} key_set;

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/* 1 when added, 0 when already there, -1 on no memory. */
static int key_add(key_set *s, uint64_t key) {
    if ((s->count + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1 << 16;
        uint64_t *slots = calloc(cap, sizeof(uint64_t));
        if (!slots) return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slots[i]) continue;
            size_t j = mix64(s->slots[i]) & (cap - 1);
            while (slots[j]) j = (j + 1) & (cap - 1);
            slots[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    uint64_t stored = key + 1;
    size_t i = mix64(stored) & (s->cap - 1);
    while (s->slots[i]) {
        if (s->slots[i] == stored) return 0;
        i = (i + 1) & (s->cap - 1);
    }
    s->slots[i] = stored;
    s->count++;
    return 1;
}

/* --- the reader: records as Python's csv module splits them ------------------------------ */

typedef struct {
    int fd;
    char *buf;
    size_t cap, len, pos; /* bytes held, next record's start */
    int eof;
    long line;            /* the next record's first line (1-based) */
    char *arena;          /* fields that need unquoting */
    size_t arena_cap, arena_len;
    span_t *fields;
    Py_ssize_t nfields, fields_cap;
    size_t rec_start, rec_end;
    long rec_line;
} reader_t;

enum { R_RECORD = 1, R_END = 0, R_MORE = -2, R_ABORT = -3, R_NOMEM = -4 };
static _Thread_local const char *abort_reason = "";

static int reader_fill(reader_t *r) {
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len == r->cap) {
        size_t cap = r->cap * 2;
        char *buf = realloc(r->buf, cap + 8);
        if (!buf) return -1;
        r->buf = buf;
        r->cap = cap;
    }
    ssize_t got;
    do {
        got = read(r->fd, r->buf + r->len, r->cap - r->len);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return -1;
    if (got == 0) r->eof = 1;
    r->len += (size_t)got;
    return 0;
}

static int push_field(reader_t *r, const char *p, Py_ssize_t n) {
    if (r->nfields == r->fields_cap) {
        Py_ssize_t cap = r->fields_cap * 2;
        span_t *f = realloc(r->fields, cap * sizeof(span_t));
        if (!f) return -1;
        r->fields = f;
        r->fields_cap = cap;
    }
    r->fields[r->nfields].p = p;
    r->fields[r->nfields].n = n;
    r->nfields++;
    return 0;
}

static int arena_reserve(reader_t *r, size_t more) {
    if (r->arena && r->arena_len + more <= r->arena_cap) return 0;
    size_t cap = r->arena_cap ? r->arena_cap : 1 << 16;
    while (cap < r->arena_len + more) cap *= 2;
    char *a = realloc(r->arena, cap);
    if (!a) return -1;
    /* fields already in the arena point into the old block: move them */
    for (Py_ssize_t i = 0; i < r->nfields; i++) {
        if (r->fields[i].p >= r->arena && r->fields[i].p < r->arena + r->arena_cap)
            r->fields[i].p = a + (r->fields[i].p - r->arena);
    }
    r->arena = a;
    r->arena_cap = cap;
    return 0;
}

static int field_too_long(const char *p, Py_ssize_t n) {
    if (n <= MAX_FIELD_CHARS) return 0;
    span_t s = {p, n};
    return char_count(s) > MAX_FIELD_CHARS;
}

/* Where unquoted text from b[i] ends (a comma, a line end or the buffer's end); SIZE_MAX on a
 * NUL, which the C path leaves to Python. */
static size_t unquoted_end(const char *b, size_t i, size_t n) {
    size_t k = i;
    while (k < n && b[k] != ',' && b[k] != '\n' && b[k] != '\r') {
        if (b[k] == '\0') { abort_reason = "NUL"; return SIZE_MAX; }
        k++;
    }
    return k;
}

/* Parse one record from buf[pos..len). R_MORE when the buffer ends inside it (not at EOF). */
static int parse_record(reader_t *r) {
    const char *b = r->buf;
    size_t i = r->pos, n = r->len;
    long lines = 0;
    r->nfields = 0;
    r->arena_len = 0;
    r->rec_start = i;
    if (i >= n) return r->eof ? R_END : R_MORE;
    /* a line of nothing but its ending: a blank record ([]) */
    if (b[i] == '\n' || b[i] == '\r') {
        if (b[i] == '\r') {
            if (i + 1 >= n && !r->eof) return R_MORE;
            i += (i + 1 < n && b[i + 1] == '\n') ? 2 : 1;
        } else {
            i += 1;
        }
        r->rec_end = i;
        r->rec_line = r->line;
        r->line += 1;
        r->pos = i;
        return R_RECORD;
    }
    for (;;) {
        /* start of a field */
        if (i < n && b[i] == '"') {
            size_t start = ++i;
            int copied = 0; /* into the arena: doubled quotes or text after the closing quote */
            size_t arena_start = r->arena_len;
            for (;;) {
                const char *q = memchr(b + i, '"', n - i);
                size_t stop = q ? (size_t)(q - b) : n;
                for (size_t k = i; k < stop; k++) {
                    if (b[k] == '\0') { abort_reason = "NUL"; return R_ABORT; }
                    if (b[k] == '\n') lines++;
                    else if (b[k] == '\r' && !(k + 1 < n && b[k + 1] == '\n')) {
                        if (k + 1 >= n && !r->eof) return R_MORE;
                        lines++;
                    }
                }
                if (!q) {
                    if (n - start > MAX_FIELD_BYTES) {
                        abort_reason = "cell too long";
                        return R_ABORT;
                    }
                    if (!r->eof) return R_MORE;
                    abort_reason = "end of file inside quotes";
                    return R_ABORT;
                }
                if (copied) {
                    if (arena_reserve(r, stop - i)) return R_NOMEM;
                    memcpy(r->arena + r->arena_len, b + i, stop - i);
                    r->arena_len += stop - i;
                }
                i = stop + 1; /* after the quote */
                if (i >= n && !r->eof) return R_MORE;
                if (i < n && b[i] == '"') { /* a doubled quote: one quote in the field */
                    if (!copied) {
                        copied = 1;
                        if (arena_reserve(r, stop - start + 1)) return R_NOMEM;
                        memcpy(r->arena + r->arena_len, b + start, stop - start);
                        r->arena_len += stop - start;
                    }
                    if (arena_reserve(r, 1)) return R_NOMEM;
                    r->arena[r->arena_len++] = '"';
                    i++;
                    continue;
                }
                if (i >= n || b[i] == ',' || b[i] == '\n' || b[i] == '\r') {
                    const char *p = copied ? r->arena + arena_start : b + start;
                    Py_ssize_t len = copied ? (Py_ssize_t)(r->arena_len - arena_start)
                                            : (Py_ssize_t)(stop - start);
                    if (field_too_long(p, len)) { abort_reason = "cell too long"; return R_ABORT; }
                    if (push_field(r, p, len)) return R_NOMEM;
                    break;
                }
                /* text after the closing quote: the csv module keeps it, unquoted, up to the
                 * next comma or line end (quotes there are plain characters) */
                if (!copied) {
                    copied = 1;
                    if (arena_reserve(r, stop - start)) return R_NOMEM;
                    memcpy(r->arena + r->arena_len, b + start, stop - start);
                    r->arena_len += stop - start;
                }
                size_t k = unquoted_end(b, i, n);
                if (k == SIZE_MAX) return R_ABORT;
                if (k - start > MAX_FIELD_BYTES) { abort_reason = "cell too long"; return R_ABORT; }
                if (k >= n && !r->eof) return R_MORE;
                if (arena_reserve(r, k - i)) return R_NOMEM;
                memcpy(r->arena + r->arena_len, b + i, k - i);
                r->arena_len += k - i;
                i = k;
                {
                    const char *p = r->arena + arena_start;
                    Py_ssize_t len = (Py_ssize_t)(r->arena_len - arena_start);
                    if (field_too_long(p, len)) { abort_reason = "cell too long"; return R_ABORT; }
                    if (push_field(r, p, len)) return R_NOMEM;
                }
                break;
            }
        } else {
            size_t k = unquoted_end(b, i, n);
            if (k == SIZE_MAX) return R_ABORT;
            if (k - i > MAX_FIELD_BYTES) { abort_reason = "cell too long"; return R_ABORT; }
            if (k >= n && !r->eof) return R_MORE;
            if (field_too_long(b + i, (Py_ssize_t)(k - i))) {
                abort_reason = "cell too long";
                return R_ABORT;
            }
            if (push_field(r, b + i, (Py_ssize_t)(k - i))) return R_NOMEM;
            i = k;
        }
        /* after a field: a comma, a line end or the end of the file */
        if (i < n && b[i] == ',') { i++; continue; }
        if (i < n && b[i] == '\r') {
            if (i + 1 >= n && !r->eof) return R_MORE;
            i += (i + 1 < n && b[i + 1] == '\n') ? 2 : 1;
            lines++;
        } else if (i < n && b[i] == '\n') {
            i++;
            lines++;
        } else {
            lines++; /* the last line, with no ending */
        }
        break;
    }
    r->rec_end = i;
    r->rec_line = r->line;
    r->line += lines;
    r->pos = i;
    return R_RECORD;
}

/* The next record, reading more of the file as needed (rows are copied out of the buffer
 * before it moves: see put_row). */
static int next_record(reader_t *r) {
    for (;;) {
        int got = parse_record(r);
        if (got != R_MORE) return got;
        if (reader_fill(r)) { abort_reason = "read error"; return R_ABORT; }
    }
}

static int reader_open(reader_t *r, const char *path, long long offset, long line) {
    memset(r, 0, sizeof(*r));
    r->fd = open(path, O_RDONLY);
    if (r->fd < 0) return -1;
    if (offset > 0 && lseek(r->fd, (off_t)offset, SEEK_SET) < 0) return -1;
    r->cap = 8 << 20;
    r->buf = malloc(r->cap + 8);
    r->fields_cap = 64;
    r->fields = malloc(r->fields_cap * sizeof(span_t));
    r->line = line;
    if (!r->buf || !r->fields) return -1;
    return 0;
}

static void reader_close(reader_t *r) {
    if (r->fd >= 0) close(r->fd);
    free(r->buf);
    free(r->arena);
    free(r->fields);
}

static PyObject *cells_list(reader_t *r) {
    PyObject *list = PyList_New(r->nfields);
    if (!list) return NULL;
    for (Py_ssize_t i = 0; i < r->nfields; i++) {
        PyObject *s = PyUnicode_DecodeUTF8(r->fields[i].p, r->fields[i].n, "strict");
        if (!s) { Py_DECREF(list); return NULL; }
        PyList_SET_ITEM(list, i, s);
    }
    return list;
}

/* --- converting one record ------------------------------------------------------------- */

typedef struct {
    span_t text[N_FIELDS];   /* stripped cells */
    long long number, total, gov, private_;
    int year;
    const char *codes[N_LISTS];
    Py_ssize_t code_n[N_LISTS];
    char science[16];
    Py_ssize_t science_n;
    char start[11], end[11];
    int has_start, has_end;
} row_t;

enum { C_OK = 0, C_DEFER = 1, C_ERROR = -1 };

typedef struct {
    int positions[N_FIELDS];
    int limits[N_FIELDS];
    int min_year, max_year, max_won_digits;
    code_cache codes;
    PyObject *resolve;
    PyObject *list_names[N_LISTS];
    PyThreadState *saved; /* non-NULL while the GIL is released */
} context_t;

static void hold_gil(context_t *c) {
    if (c->saved) { PyEval_RestoreThread(c->saved); c->saved = NULL; }
}

static void drop_gil(context_t *c) {
    if (!c->saved) c->saved = PyEval_SaveThread();
}

static span_t cell(reader_t *r, int position) {
    span_t empty = {"", 0};
    if (position < 0 || position >= r->nfields) return empty;
    return r->fields[position];
}

/* '1,234', '1234.0', '+5' → 1234 / 5; C_DEFER for anything parse_won would refuse or read as
 * negative, and for an empty cell (the caller decides what empty means). */
static int won(span_t s, int max_digits, long long *out) {
    char digits[64];
    int nd = 0, sign = 0;
    Py_ssize_t n = s.n;
    if (n == 0) return C_DEFER;
    /* drop commas, then one trailing ".0" */
    char clean[128];
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s.p[i] == ',') continue;
        if (m >= (Py_ssize_t)sizeof(clean)) return C_DEFER;
        clean[m++] = s.p[i];
    }
    if (m >= 2 && clean[m - 2] == '.' && clean[m - 1] == '0') m -= 2;
    Py_ssize_t i = 0;
    if (i < m && (clean[i] == '+' || clean[i] == '-')) { sign = clean[i] == '-'; i++; }
    if (i >= m) return C_DEFER;
    for (; i < m; i++) {
        char ch = clean[i];
        if (ch < '0' || ch > '9') return C_DEFER;
        if (nd == 0 && ch == '0') continue;
        if (nd >= max_digits || nd >= 18) return C_DEFER;
        digits[nd++] = ch;
    }
    long long v = 0;
    for (int k = 0; k < nd; k++) v = v * 10 + (digits[k] - '0');
    if (sign && v != 0) return C_DEFER; /* negative: the converter's problem */
    *out = v;
    return C_OK;
}

static int days_in(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

/* parse_date: '2019-07-01 00:00:00.0', '20190701', '2019-07-01', '2019.07.01' → ISO. */
static int date(span_t s, char out[11], int *has) {
    if (s.n == 0) { *has = 0; return C_OK; }
    if (!is_ascii(s)) return C_DEFER;
    Py_ssize_t take = (s.n >= 10 && (s.p[4] == '-' || s.p[4] == '.' || s.p[4] == '/')) ? 10 : 8;
    if (take > s.n) take = s.n;
    char d[16];
    int nd = 0;
    for (Py_ssize_t i = 0; i < take; i++) {
        char ch = s.p[i];
        if (ch == '-' || ch == '.' || ch == '/') continue;
        if (nd >= 8 || ch < '0' || ch > '9') return C_DEFER;
        d[nd++] = ch;
    }
    if (nd != 8) return C_DEFER;
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[4] - '0') * 10 + (d[5] - '0');
    int day = (d[6] - '0') * 10 + (d[7] - '0');
    if (y < 1 || m < 1 || m > 12 || day < 1 || day > days_in(y, m)) return C_DEFER;
    memcpy(out, d, 4);
    out[4] = '-';
    memcpy(out + 5, d + 4, 2);
    out[7] = '-';
    memcpy(out + 8, d + 6, 2);
    out[10] = 0;
    *has = 1;
    return C_OK;
}

/* The code of `raw` in list `list` for `year`: from the cache, else from the Python resolver
 * (with the GIL). C_DEFER when the resolver knows no such value. */
static int code(context_t *c, int list, span_t raw, int year, const char **out,
                Py_ssize_t *out_n) {
    if (raw.n == 0) { *out = ""; *out_n = 0; return C_OK; }
    uint64_t h = code_hash(list, year, raw.p, raw.n);
    if (c->codes.cap == 0 || (c->codes.count + 1) * 2 > c->codes.cap) {
        if (code_grow(&c->codes)) { hold_gil(c); PyErr_NoMemory(); return C_ERROR; }
    }
    code_entry *e = code_find(&c->codes, list, year, raw.p, raw.n, h);
    if (!e->used) {
        hold_gil(c);
        PyObject *value = PyUnicode_DecodeUTF8(raw.p, raw.n, "strict");
        if (!value) return C_ERROR;
        PyObject *found = PyObject_CallFunction(c->resolve, "OOi", c->list_names[list], value,
                                                year);
        Py_DECREF(value);
        if (!found) return C_ERROR;
        e->raw = malloc(raw.n + 1);
        if (!e->raw) { Py_DECREF(found); PyErr_NoMemory(); return C_ERROR; }
        memcpy(e->raw, raw.p, raw.n);
        e->raw_n = raw.n;
        e->list = list;
        e->year = year;
        e->hash = h;
        e->code = NULL;
        if (found != Py_None) {
            Py_ssize_t n;
            const char *text = PyUnicode_AsUTF8AndSize(found, &n);
            if (!text) { Py_DECREF(found); free(e->raw); return C_ERROR; }
            e->code = malloc(n + 1);
            if (!e->code) { Py_DECREF(found); free(e->raw); PyErr_NoMemory(); return C_ERROR; }
            memcpy(e->code, text, n);
            e->code_n = n;
        }
        Py_DECREF(found);
        e->used = 1;
        c->codes.count++;
    }
    if (!e->code) return C_DEFER;
    *out = e->code;
    *out_n = e->code_n;
    return C_OK;
}

static int within(context_t *c, int field, span_t s) {
    int limit = c->limits[field];
    if (!limit) return 1;
    if (s.n <= limit) return 1;
    return char_count(s) <= limit;
}

/* What make_converter's convert() would return for this record, or C_DEFER. */
static int convert(context_t *c, reader_t *r, row_t *row) {
    for (int f = 0; f < N_FIELDS; f++) row->text[f] = strip(cell(r, c->positions[f]));
    span_t no = row->text[F_NO];
    if (no.n != 10) return C_DEFER;
    long long number = 0;
    for (int i = 0; i < 10; i++) {
        if (no.p[i] < '0' || no.p[i] > '9') return C_DEFER;
        number = number * 10 + (no.p[i] - '0');
    }
    row->number = number;
    span_t y = row->text[F_YEAR];
    Py_ssize_t lead = 0;
    while (lead < y.n && y.p[lead] == '0') lead++; /* '02017' is 2017, as int() reads it */
    if (y.n == 0 || y.n - lead > 4) return C_DEFER;
    int year = 0;
    for (Py_ssize_t i = lead; i < y.n; i++) {
        if (y.p[i] < '0' || y.p[i] > '9') return C_DEFER;
        year = year * 10 + (y.p[i] - '0');
    }
    if (year < c->min_year || year > c->max_year) return C_DEFER;
    row->year = year;
    if (row->text[F_TITLE].n == 0) return C_DEFER;
    for (int f = 0; f < N_FIELDS; f++)
        if (!within(c, f, row->text[f])) return C_DEFER;
    long long gov = 0, private_ = 0, total;
    if (row->text[F_GOV].n && won(row->text[F_GOV], c->max_won_digits, &gov)) return C_DEFER;
    if (row->text[F_PRIVATE].n && won(row->text[F_PRIVATE], c->max_won_digits, &private_))
        return C_DEFER;
    if (row->text[F_TOTAL].n) {
        if (won(row->text[F_TOTAL], c->max_won_digits, &total)) return C_DEFER;
    } else {
        total = gov + private_;
    }
    row->gov = gov;
    row->private_ = private_;
    row->total = total;
    static const int coded[5][2] = {{F_MINISTRY, L_MINISTRY}, {F_STAGE, L_STAGE},
                                    {F_PERFORMER, L_PERFORMER}, {F_REGION, L_REGION},
                                    {F_SIX_T, L_SIX_T}};
    for (int k = 0; k < 5; k++) {
        int got = code(c, coded[k][1], row->text[coded[k][0]], year, &row->codes[coded[k][1]],
                       &row->code_n[coded[k][1]]);
        if (got) return got;
    }
    span_t sci = row->text[F_SCIENCE];
    if (sci.n) {
        if (sci.n > 10 || !is_ascii(sci)) return C_DEFER;
        for (Py_ssize_t i = 0; i < sci.n; i++) {
            char ch = sci.p[i];
            row->science[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
        }
        row->science_n = sci.n;
        span_t large = {row->science, sci.n < 2 ? sci.n : 2};
        int got = code(c, L_SCIENCE, large, year, &row->codes[L_SCIENCE],
                       &row->code_n[L_SCIENCE]);
        if (got) return got;
    } else {
        if (row->text[F_SCIENCE_NAME].n) return C_DEFER; /* the name's path: Python's */
        row->science_n = 0;
        row->codes[L_SCIENCE] = "";
        row->code_n[L_SCIENCE] = 0;
    }
    if (date(row->text[F_START], row->start, &row->has_start)) return C_DEFER;
    if (date(row->text[F_END], row->end, &row->has_end)) return C_DEFER;
    return C_OK;
}

/* --- rows handed from the reading thread to the writing one ------------------------------ */

/* A row's 29 values, self-contained: text is copied into its batch's arena, so the reader can
 * reuse its buffer at once. */
#define COLUMN_COUNT 29
enum { V_TEXT, V_INT, V_NULL };

typedef struct {
    int kind;
    int n;
    long long i;  /* V_INT */
    size_t off;   /* V_TEXT: in the batch's arena */
} val_t;

#define QROWS 1024 /* rows handed over at a time */

typedef struct {
    int nrows;
    unsigned char stage[QROWS]; /* 1: the staging table (a year already held) */
    val_t vals[QROWS][COLUMN_COUNT];
    char *arena;
    size_t arena_len, arena_cap;
} qbatch_t;

static int put_text(qbatch_t *b, val_t *v, const char *p, Py_ssize_t n) {
    if (b->arena_len + (size_t)n > b->arena_cap) {
        size_t cap = b->arena_cap ? b->arena_cap : 1 << 20;
        while (cap < b->arena_len + (size_t)n) cap *= 2;
        char *a = realloc(b->arena, cap);
        if (!a) return -1;
        b->arena = a;
        b->arena_cap = cap;
    }
    if (n) memcpy(b->arena + b->arena_len, p, n);
    v->kind = V_TEXT;
    v->n = (int)n;
    v->off = b->arena_len;
    b->arena_len += n;
    return 0;
}

static void put_int(val_t *v, long long i) {
    v->kind = V_INT;
    v->i = i;
}

/* A converted record, in COLUMNS order. */
static int put_row(qbatch_t *b, val_t *v, row_t *row) {
    span_t *t = row->text;
    int rc = 0;
    rc |= put_text(b, &v[0], t[F_NO].p, t[F_NO].n);
    put_int(&v[1], row->year);
    rc |= put_text(b, &v[2], t[F_TITLE].p, t[F_TITLE].n);
    rc |= put_text(b, &v[3], t[F_TITLE_EN].p, t[F_TITLE_EN].n);
    rc |= put_text(b, &v[4], t[F_MINISTRY].p, t[F_MINISTRY].n);
    rc |= put_text(b, &v[5], row->codes[L_MINISTRY], row->code_n[L_MINISTRY]);
    rc |= put_text(b, &v[6], t[F_BUSINESS].p, t[F_BUSINESS].n);
    rc |= put_text(b, &v[7], t[F_SUB_BUSINESS].p, t[F_SUB_BUSINESS].n);
    rc |= put_text(b, &v[8], t[F_MANAGER].p, t[F_MANAGER].n);
    rc |= put_text(b, &v[9], t[F_ORGANISATION].p, t[F_ORGANISATION].n);
    rc |= put_text(b, &v[10], t[F_AGENCY].p, t[F_AGENCY].n);
    rc |= put_text(b, &v[11], t[F_GOAL].p, t[F_GOAL].n);
    rc |= put_text(b, &v[12], t[F_CONTENT].p, t[F_CONTENT].n);
    rc |= put_text(b, &v[13], t[F_EFFECT].p, t[F_EFFECT].n);
    rc |= put_text(b, &v[14], t[F_KEYWORDS].p, t[F_KEYWORDS].n);
    put_int(&v[15], row->total);
    put_int(&v[16], row->gov);
    put_int(&v[17], row->private_);
    rc |= put_text(b, &v[18], t[F_CONTINUING].p, t[F_CONTINUING].n);
    rc |= put_text(b, &v[19], t[F_PREVIOUS].p, t[F_PREVIOUS].n);
    rc |= put_text(b, &v[20], t[F_DETAIL].p, t[F_DETAIL].n);
    rc |= put_text(b, &v[21], row->codes[L_STAGE], row->code_n[L_STAGE]);
    rc |= put_text(b, &v[22], row->codes[L_PERFORMER], row->code_n[L_PERFORMER]);
    rc |= put_text(b, &v[23], row->codes[L_REGION], row->code_n[L_REGION]);
    rc |= put_text(b, &v[24], row->science, row->science_n);
    rc |= put_text(b, &v[25], row->codes[L_SCIENCE], row->code_n[L_SCIENCE]);
    rc |= put_text(b, &v[26], row->codes[L_SIX_T], row->code_n[L_SIX_T]);
    if (row->has_start) rc |= put_text(b, &v[27], row->start, 10);
    else v[27].kind = V_NULL;
    if (row->has_end) rc |= put_text(b, &v[28], row->end, 10);
    else v[28].kind = V_NULL;
    return rc ? -1 : 0;
}

/* A row the Python converter returned (a tuple in COLUMNS order). Needs the GIL. */
static int put_tuple(qbatch_t *b, val_t *v, PyObject *tuple) {
    for (Py_ssize_t i = 0; i < COLUMN_COUNT; i++) {
        PyObject *x = PyTuple_GET_ITEM(tuple, i);
        if (x == Py_None) {
            v[i].kind = V_NULL;
        } else if (PyLong_Check(x)) {
            long long n = PyLong_AsLongLong(x);
            if (n == -1 && PyErr_Occurred()) return -1;
            put_int(&v[i], n);
        } else if (PyUnicode_Check(x)) {
            Py_ssize_t len;
            const char *text = PyUnicode_AsUTF8AndSize(x, &len);
            if (!text) return -1;
            if (put_text(b, &v[i], text, len)) { PyErr_NoMemory(); return -1; }
        } else {
            PyErr_SetString(PyExc_TypeError, "unexpected value in a converted row");
            return -1;
        }
    }
    return 0;
}

static int bind_vals(sqlite3_stmt *st, int base, qbatch_t *b, val_t *v) {
    int rc = 0;
    for (int i = 0; i < COLUMN_COUNT; i++) {
        if (v[i].kind == V_TEXT)
            rc |= sq_bind_text(st, base + i + 1, b->arena + v[i].off, v[i].n, SQLITE_STATIC);
        else if (v[i].kind == V_INT)
            rc |= sq_bind_int64(st, base + i + 1, v[i].i);
        else
            rc |= sq_bind_null(st, base + i + 1);
    }
    return rc;
}

/* --- entry points ----------------------------------------------------------------------- */

static int load_sqlite(const char *library) {
    if (sq_prepare) return 0;
    void *handle = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
    if (!handle) return -1;
    sq_prepare = dlsym(handle, "sqlite3_prepare_v2");
    sq_bind_text = dlsym(handle, "sqlite3_bind_text");
    sq_bind_int64 = dlsym(handle, "sqlite3_bind_int64");
    sq_bind_null = dlsym(handle, "sqlite3_bind_null");
    sq_step = dlsym(handle, "sqlite3_step");
    sq_reset = dlsym(handle, "sqlite3_reset");
    sq_finalize = dlsym(handle, "sqlite3_finalize");
    sq_errmsg = dlsym(handle, "sqlite3_errmsg");
    sq_get_autocommit = dlsym(handle, "sqlite3_get_autocommit");
    if (!sq_prepare || !sq_bind_text || !sq_bind_int64 || !sq_bind_null || !sq_step ||
        !sq_reset || !sq_finalize || !sq_errmsg || !sq_get_autocommit) {
        sq_prepare = NULL;
        return -1;
    }
    return 0;
}

/* head(path, count) → (bom, [(where, cells, next_offset, next_line), ...]) for the first
 * `count` records; Abort when they are not plain UTF-8 CSV. */
static PyObject *head(PyObject *self, PyObject *args) {
    const char *path;
    int count;
    if (!PyArg_ParseTuple(args, "si", &path, &count)) return NULL;
    reader_t r;
    if (reader_open(&r, path, 0, 1)) {
        reader_close(&r);
        return PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
    }
    PyObject *out = PyList_New(0);
    int bom = 0;
    if (!out) goto failed;
    if (reader_fill(&r)) goto failed;
    while (r.len < 3 && !r.eof) if (reader_fill(&r)) goto failed;
    if (r.len >= 3 && memcmp(r.buf, "\xEF\xBB\xBF", 3) == 0) { bom = 1; r.pos = 3; }
    for (int k = 0; k < count; k++) {
        int got = next_record(&r);
        if (got == R_END) break;
        if (got == R_NOMEM) { PyErr_NoMemory(); goto failed; }
        if (got == R_ABORT ||
            !valid_utf8((unsigned char *)r.buf + r.rec_start, r.rec_end - r.rec_start)) {
            PyErr_Format(AbortError, "head: %s", got == R_ABORT ? abort_reason : "not UTF-8");
            goto failed;
        }
        /* the file offset after this record: bytes consumed before the buffer + pos */
        long long consumed = (long long)lseek(r.fd, 0, SEEK_CUR) - (long long)(r.len - r.pos);
        PyObject *cells = cells_list(&r);
        if (!cells) goto failed;
        PyObject *item = Py_BuildValue("lNLl", r.rec_line, cells, consumed, r.line);
        if (!item || PyList_Append(out, item)) { Py_XDECREF(item); goto failed; }
        Py_DECREF(item);
    }
    reader_close(&r);
    return Py_BuildValue("ON", bom ? Py_True : Py_False, out);
failed:
    reader_close(&r);
    Py_XDECREF(out);
    return NULL;
}

static int step(sqlite3 *db, sqlite3_stmt *st) {
    int rc = sq_step(st);
    sq_reset(st);
    if (rc != SQLITE_DONE) {
        abort_reason = sq_errmsg(db);
        return -1;
    }
    return 0;
}

/* --- two threads: one reads and converts, the caller writes -----------------------------
 *
 * A thread of its own reads, checks and converts records (and calls the Python converter, the
 * resolver and the progress callback with the GIL, none of which touches the database: the
 * caller loads the code lists first) and hands rows over QROWS at a time through QSLOTS
 * batches. The calling thread, which owns the SQLite connection, writes them BATCH to a
 * multi-row INSERT (one statement run instead of BATCH: the statement's own work, AUTOINCREMENT's
 * bookkeeping among it, is paid once), without the GIL, and looks for Ctrl-C between batches.
 * Either side stops the other on failure; the reader's exception is raised in the caller. */
#define BATCH 16
#define QSLOTS 4

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    qbatch_t slot[QSLOTS];
    int rd, count;    /* handed-over batches: slot[rd] .. slot[rd + count - 1] */
    int done, stop;   /* the reader has finished; the writer asks it to stop */
    int failed;       /* the reader failed: its exception is in exc */
    PyObject *exc_type, *exc_value, *exc_tb;
    /* the reader's own */
    reader_t *r;
    context_t *c;
    PyObject *slow, *duplicate, *progress;
    const unsigned char *held_years;
    int quarantine;
    long long records, problems;
} pipe_t;

/* A free batch for the reader (waiting without the GIL), or NULL when asked to stop. */
static qbatch_t *next_slot(pipe_t *p) {
    pthread_mutex_lock(&p->lock);
    while (p->count == QSLOTS && !p->stop) pthread_cond_wait(&p->changed, &p->lock);
    qbatch_t *b = p->stop ? NULL : &p->slot[(p->rd + p->count) % QSLOTS];
    pthread_mutex_unlock(&p->lock);
    if (b) { b->nrows = 0; b->arena_len = 0; }
    return b;
}

static void hand_over(pipe_t *p) {
    pthread_mutex_lock(&p->lock);
    p->count++;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* The reader's loop; 1 at the end of the file, 0 on failure (with the GIL and an exception)
 * or when asked to stop. */
static int read_all(pipe_t *p, qbatch_t **current) {
    reader_t *r = p->r;
    context_t *c = p->c;
    key_set keys = {NULL, 0, 0};
    row_t row;
    int result = 0;
    for (;;) {
        drop_gil(c); /* every path through a record, `continue` included, comes back here */
        if (__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) goto out;
        int got = next_record(r);
        if (got == R_END) break;
        if (got == R_NOMEM) { hold_gil(c); PyErr_NoMemory(); goto out; }
        if (got == R_ABORT) {
            hold_gil(c);
            PyErr_Format(AbortError, "line %ld: %s", r->line, abort_reason);
            goto out;
        }
        int blank = 1;
        for (Py_ssize_t i = 0; i < r->nfields; i++)
            if (r->fields[i].n) { blank = 0; break; }
        if (blank) continue;
        p->records++;
        if (!valid_utf8((unsigned char *)r->buf + r->rec_start, r->rec_end - r->rec_start)) {
            hold_gil(c);
            PyErr_Format(AbortError, "line %ld: not UTF-8", r->rec_line);
            goto out;
        }
        int converted = convert(c, r, &row);
        if (converted == C_ERROR) { hold_gil(c); goto out; }
        PyObject *tuple = NULL;
        long long number;
        int year;
        if (converted == C_DEFER) {
            hold_gil(c);
            PyObject *cells = cells_list(r);
            if (!cells) goto out;
            tuple = PyObject_CallFunction(p->slow, "lO", r->rec_line, cells);
            Py_DECREF(cells);
            if (!tuple) goto out;
            if (tuple == Py_None) {
                Py_DECREF(tuple);
                p->problems++;
                continue;
            }
            if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != COLUMN_COUNT) {
                Py_DECREF(tuple);
                PyErr_SetString(PyExc_TypeError, "slow() must return a row or None");
                goto out;
            }
            Py_ssize_t n;
            const char *text = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(tuple, 0), &n);
            year = (int)PyLong_AsLong(PyTuple_GET_ITEM(tuple, 1));
            if (!text || PyErr_Occurred()) { Py_DECREF(tuple); goto out; }
            number = 0;
            for (Py_ssize_t i = 0; i < n; i++) number = number * 10 + (text[i] - '0');
        } else {
            number = row.number;
            year = row.year;
        }
        int added = key_add(&keys, (uint64_t)number * 10000ULL + (uint64_t)year);
        if (added < 0) { hold_gil(c); Py_XDECREF(tuple); PyErr_NoMemory(); goto out; }
        if (added == 0) {
            hold_gil(c);
            Py_XDECREF(tuple);
            PyObject *cells = cells_list(r);
            if (!cells) goto out;
            char text[16];
            snprintf(text, sizeof(text), "%010lld", number);
            PyObject *ok = PyObject_CallFunction(p->duplicate, "lOsi", r->rec_line, cells, text,
                                                 year);
            Py_DECREF(cells);
            if (!ok) goto out;
            Py_DECREF(ok);
            p->problems++;
            continue;
        }
        if (p->problems && !p->quarantine) { Py_XDECREF(tuple); continue; }
        qbatch_t *b = *current;
        int k = b->nrows;
        b->stage[k] = year >= 0 && year < 4096 && p->held_years[year];
        if (tuple) {
            int failed = put_tuple(b, b->vals[k], tuple); /* the GIL is held since slow() */
            Py_DECREF(tuple);
            if (failed) goto out;
        } else if (put_row(b, b->vals[k], &row)) {
            hold_gil(c);
            PyErr_NoMemory();
            goto out;
        }
        b->nrows++;
        if (p->progress != Py_None && p->records % 10000 == 0) { /* as the Python path */
            hold_gil(c);
            PyObject *ok = PyObject_CallFunction(p->progress, "L", p->records);
            if (!ok) goto out;
            Py_DECREF(ok);
        }
        if (b->nrows == QROWS) {
            drop_gil(c);
            hand_over(p);
            *current = next_slot(p);
            if (!*current) goto out; /* asked to stop */
        }
    }
    result = 1;
out:
    free(keys.slots);
    return result;
}

static void *reader_thread(void *arg) {
    pipe_t *p = arg;
    PyGILState_STATE state = PyGILState_Ensure();
    p->c->saved = NULL;
    drop_gil(p->c);
    qbatch_t *current = next_slot(p);
    int ok = current != NULL && read_all(p, &current);
    hold_gil(p->c);
    int failed = 0;
    if (!ok && PyErr_Occurred()) {
        PyErr_Fetch(&p->exc_type, &p->exc_value, &p->exc_tb);
        failed = 1;
    }
    PyGILState_Release(state);
    if (ok && current && current->nrows) hand_over(p); /* the last, part-filled batch */
    pthread_mutex_lock(&p->lock);
    p->failed = failed;
    p->done = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *one[2], *many[2]; /* [0] the table, [1] the staging table */
    long long written[2];
    unsigned char years[4096]; /* years written straight into the table */
} writer_t;

/* One handed-over batch: rows BATCH to a statement per table, the rest one by one. */
static int write_qbatch(writer_t *w, qbatch_t *b) {
    int pending[2][BATCH], n[2] = {0, 0};
    for (int k = 0; k < b->nrows; k++) {
        int t = b->stage[k];
        pending[t][n[t]++] = k;
        if (t == 0) w->years[b->vals[k][1].i & 4095] = 1;
        if (n[t] < BATCH) continue;
        for (int j = 0; j < BATCH; j++) {
            if (bind_vals(w->many[t], j * COLUMN_COUNT, b, b->vals[pending[t][j]])) {
                abort_reason = sq_errmsg(w->db);
                return -1;
            }
        }
        if (step(w->db, w->many[t])) return -1;
        w->written[t] += BATCH;
        n[t] = 0;
    }
    for (int t = 0; t < 2; t++) {
        for (int j = 0; j < n[t]; j++) {
            if (bind_vals(w->one[t], 0, b, b->vals[pending[t][j]])) {
                abort_reason = sq_errmsg(w->db);
                return -1;
            }
            if (step(w->db, w->one[t])) return -1;
            w->written[t]++;
        }
    }
    return 0;
}

static PyObject *ingest(PyObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"connection", "library", "path", "offset", "line", "positions",
                               "limits", "years", "won_digits", "held", "stage_sql",
                               "direct_sql", "stage_many_sql", "direct_many_sql", "resolve",
                               "slow", "duplicate", "progress", "quarantine", NULL};
    PyObject *conn, *positions, *limits, *held, *resolve, *slow, *duplicate, *progress;
    const char *library, *path, *stage_sql, *direct_sql, *stage_many_sql, *direct_many_sql;
    long long offset;
    long line;
    int min_year, max_year, won_digits, quarantine;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OssLlOO(ii)iOssssOOOOp", keywords, &conn,
                                     &library, &path, &offset, &line, &positions, &limits,
                                     &min_year, &max_year, &won_digits, &held, &stage_sql,
                                     &direct_sql, &stage_many_sql, &direct_many_sql, &resolve,
                                     &slow, &duplicate, &progress, &quarantine))
        return NULL;
    if (load_sqlite(library)) {
        PyErr_SetString(AbortError, "the sqlite3 library could not be found");
        return NULL;
    }
    if (!PyTuple_Check(positions) || PyTuple_GET_SIZE(positions) != N_FIELDS ||
        !PyTuple_Check(limits) || PyTuple_GET_SIZE(limits) != N_FIELDS) {
        PyErr_SetString(PyExc_ValueError, "positions and limits: one per field");
        return NULL;
    }
    context_t c;
    memset(&c, 0, sizeof(c));
    for (int f = 0; f < N_FIELDS; f++) {
        c.positions[f] = (int)PyLong_AsLong(PyTuple_GET_ITEM(positions, f));
        c.limits[f] = (int)PyLong_AsLong(PyTuple_GET_ITEM(limits, f));
    }
    if (PyErr_Occurred()) return NULL;
    c.min_year = min_year;
    c.max_year = max_year;
    c.max_won_digits = won_digits;
    c.resolve = resolve;
    /* years already held go to the staging table: a bitmap over the converter's year range */
    unsigned char held_years[4096];
    memset(held_years, 0, sizeof(held_years));
    PyObject *iter = PyObject_GetIter(held), *item;
    if (!iter) return NULL;
    while ((item = PyIter_Next(iter))) {
        long y = PyLong_AsLong(item);
        Py_DECREF(item);
        if (y >= 0 && y < 4096) held_years[y] = 1;
    }
    Py_DECREF(iter);
    if (PyErr_Occurred()) return NULL;

    /* pysqlite_Connection: PyObject_HEAD, then `sqlite3 *db` (CPython 3.10–3.14) */
    sqlite3 *db = *(sqlite3 **)((char *)conn + sizeof(PyObject));
    if (!db || sq_get_autocommit(db)) {
        PyErr_SetString(AbortError, "not inside a transaction on an open connection");
        return NULL;
    }
    writer_t *w = calloc(1, sizeof(writer_t));
    pipe_t *p = calloc(1, sizeof(pipe_t));
    reader_t r;
    memset(&r, 0, sizeof(r));
    r.fd = -1; /* reader_close at `done` is safe before reader_open */
    PyObject *result = NULL;
    int started = 0;
    if (!w || !p) { PyErr_NoMemory(); goto done; }
    w->db = db;
    if (sq_prepare(db, direct_sql, -1, &w->one[0], NULL) != SQLITE_OK ||
        sq_prepare(db, direct_many_sql, -1, &w->many[0], NULL) != SQLITE_OK ||
        sq_prepare(db, stage_sql, -1, &w->one[1], NULL) != SQLITE_OK ||
        sq_prepare(db, stage_many_sql, -1, &w->many[1], NULL) != SQLITE_OK) {
        PyErr_Format(AbortError, "prepare: %s", sq_errmsg(db));
        goto done;
    }
    for (int l = 0; l < N_LISTS; l++) {
        c.list_names[l] = PyUnicode_FromString(LIST_NAMES[l]);
        if (!c.list_names[l]) goto done;
    }
    if (reader_open(&r, path, offset, line)) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
        goto done;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    p->r = &r;
    p->c = &c;
    p->slow = slow;
    p->duplicate = duplicate;
    p->progress = progress;
    p->held_years = held_years;
    p->quarantine = quarantine;
    pthread_t thread;
    if (pthread_create(&thread, NULL, reader_thread, p)) {
        PyErr_SetString(AbortError, "no thread for the reader");
        goto done;
    }
    started = 1;
    int failed = 0, interrupted = 0;
    long long batches = 0;
    PyThreadState *save = PyEval_SaveThread();
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int waited = 0;
        while (p->count == 0 && !p->done && !waited) {
            /* a reader with nothing to hand over (strict mode after a problem) still lets
             * Ctrl-C through: look for it every 0.2 s */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 200 * 1000 * 1000;
            if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
            waited = pthread_cond_timedwait(&p->changed, &p->lock, &until) == ETIMEDOUT;
        }
        int have = p->count, finished = p->done;
        int empty = have == 0 || p->failed;
        qbatch_t *b = &p->slot[p->rd];
        pthread_mutex_unlock(&p->lock);
        if (waited && have == 0 && !finished) {
            PyEval_RestoreThread(save);
            interrupted = PyErr_CheckSignals() != 0;
            save = PyEval_SaveThread();
            if (interrupted) break;
            continue;
        }
        if (empty) break;
        failed = write_qbatch(w, b);
        pthread_mutex_lock(&p->lock);
        p->rd = (p->rd + 1) % QSLOTS;
        p->count--;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
        if (failed) break;
        if (++batches % 8 == 0) { /* Ctrl-C */
            PyEval_RestoreThread(save);
            interrupted = PyErr_CheckSignals() != 0;
            save = PyEval_SaveThread();
            if (interrupted) break;
        }
    }
    pthread_mutex_lock(&p->lock);
    p->stop = 1; /* a reader still reading (after a failure here) stops */
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    pthread_join(thread, NULL);
    PyEval_RestoreThread(save);
    if (interrupted) goto done; /* KeyboardInterrupt is set */
    if (p->failed) { /* the reader's exception, raised here */
        PyErr_Restore(p->exc_type, p->exc_value, p->exc_tb);
        p->exc_type = p->exc_value = p->exc_tb = NULL;
        goto done;
    }
    if (failed) {
        PyErr_Format(AbortError, "write: %s", abort_reason);
        goto done;
    }
    {
        PyObject *years = PyList_New(0);
        if (!years) goto done;
        for (int y = 0; y < 4096; y++) {
            if (!w->years[y]) continue;
            PyObject *value = PyLong_FromLong(y);
            if (!value || PyList_Append(years, value)) {
                Py_XDECREF(value);
                Py_DECREF(years);
                goto done;
            }
            Py_DECREF(value);
        }
        result = Py_BuildValue("{s:L,s:L,s:L,s:L,s:N}", "records", p->records, "problems",
                               p->problems, "staged", w->written[1], "direct", w->written[0],
                               "direct_years", years);
    }
done:
    reader_close(&r);
    code_free(&c.codes);
    for (int l = 0; l < N_LISTS; l++) Py_XDECREF(c.list_names[l]);
    if (w) {
        for (int t = 0; t < 2; t++) {
            sq_finalize(w->one[t]);
            sq_finalize(w->many[t]);
        }
        free(w);
    }
    if (p) {
        for (int s = 0; s < QSLOTS; s++) free(p->slot[s].arena);
        Py_XDECREF(p->exc_type);
        Py_XDECREF(p->exc_value);
        Py_XDECREF(p->exc_tb);
        if (started) {
            pthread_mutex_destroy(&p->lock);
            pthread_cond_destroy(&p->changed);
        }
        free(p);
    }
    return result;
}

static PyMethodDef methods[] = {
    {"head", head, METH_VARARGS, "The first records of a UTF-8 CSV file, as csv.reader."},
    {"ingest", (PyCFunction)(void (*)(void))ingest, METH_VARARGS | METH_KEYWORDS,
     "Read, check and write the records of a UTF-8 CSV file into SQLite."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ntisfast", NULL, -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__ntisfast(void) {
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    AbortError = PyErr_NewException("rtis.ntis._ntisfast.Abort", NULL, NULL);
    if (!AbortError || PyModule_AddObject(m, "Abort", AbortError)) return NULL;
    Py_INCREF(AbortError);
    PyObject *fields = PyTuple_New(N_FIELDS);
    if (!fields) return NULL;
    for (int f = 0; f < N_FIELDS; f++)
        PyTuple_SET_ITEM(fields, f, PyUnicode_FromString(FIELD_NAMES[f]));
    if (PyModule_AddObject(m, "FIELDS", fields)) return NULL;
    if (PyModule_AddIntConstant(m, "BATCH", BATCH)) return NULL;
    return m;
}
