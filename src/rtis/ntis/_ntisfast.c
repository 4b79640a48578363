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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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
                size_t k = i;
                while (k < n && b[k] != ',' && b[k] != '\n' && b[k] != '\r') {
                    if (b[k] == '\0') { abort_reason = "NUL"; return R_ABORT; }
                    k++;
                }
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
            size_t k = i;
            while (k < n && b[k] != ',' && b[k] != '\n' && b[k] != '\r') {
                if (b[k] == '\0') { abort_reason = "NUL"; return R_ABORT; }
                k++;
            }
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

/* The next record, reading more of the file as needed; `before_fill` runs before the buffer
 * moves (rows waiting to be written point into it). */
static int next_record(reader_t *r, int (*before_fill)(void *), void *arg) {
    for (;;) {
        int got = parse_record(r);
        if (got != R_MORE) return got;
        if (before_fill && before_fill(arg)) return R_ABORT;
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

/* --- binding ------------------------------------------------------------------------- */

static int bind_span(sqlite3_stmt *st, int i, const char *p, Py_ssize_t n) {
    return sq_bind_text(st, i, p, (int)n, SQLITE_STATIC);
}



static int bind_row(sqlite3_stmt *st, int b, row_t *row) {
    int rc = 0;
    span_t *t = row->text;
    rc |= bind_span(st, b + 1, t[F_NO].p, t[F_NO].n);
    rc |= sq_bind_int64(st, b + 2, row->year);
    rc |= bind_span(st, b + 3, t[F_TITLE].p, t[F_TITLE].n);
    rc |= bind_span(st, b + 4, t[F_TITLE_EN].p, t[F_TITLE_EN].n);
    rc |= bind_span(st, b + 5, t[F_MINISTRY].p, t[F_MINISTRY].n);
    rc |= bind_span(st, b + 6, row->codes[L_MINISTRY], row->code_n[L_MINISTRY]);
    rc |= bind_span(st, b + 7, t[F_BUSINESS].p, t[F_BUSINESS].n);
    rc |= bind_span(st, b + 8, t[F_SUB_BUSINESS].p, t[F_SUB_BUSINESS].n);
    rc |= bind_span(st, b + 9, t[F_MANAGER].p, t[F_MANAGER].n);
    rc |= bind_span(st, b + 10, t[F_ORGANISATION].p, t[F_ORGANISATION].n);
    rc |= bind_span(st, b + 11, t[F_AGENCY].p, t[F_AGENCY].n);
    rc |= bind_span(st, b + 12, t[F_GOAL].p, t[F_GOAL].n);
    rc |= bind_span(st, b + 13, t[F_CONTENT].p, t[F_CONTENT].n);
    rc |= bind_span(st, b + 14, t[F_EFFECT].p, t[F_EFFECT].n);
    rc |= bind_span(st, b + 15, t[F_KEYWORDS].p, t[F_KEYWORDS].n);
    rc |= sq_bind_int64(st, b + 16, row->total);
    rc |= sq_bind_int64(st, b + 17, row->gov);
    rc |= sq_bind_int64(st, b + 18, row->private_);
    rc |= bind_span(st, b + 19, t[F_CONTINUING].p, t[F_CONTINUING].n);
    rc |= bind_span(st, b + 20, t[F_PREVIOUS].p, t[F_PREVIOUS].n);
    rc |= bind_span(st, b + 21, t[F_DETAIL].p, t[F_DETAIL].n);
    rc |= bind_span(st, b + 22, row->codes[L_STAGE], row->code_n[L_STAGE]);
    rc |= bind_span(st, b + 23, row->codes[L_PERFORMER], row->code_n[L_PERFORMER]);
    rc |= bind_span(st, b + 24, row->codes[L_REGION], row->code_n[L_REGION]);
    rc |= bind_span(st, b + 25, row->science, row->science_n);
    rc |= bind_span(st, b + 26, row->codes[L_SCIENCE], row->code_n[L_SCIENCE]);
    rc |= bind_span(st, b + 27, row->codes[L_SIX_T], row->code_n[L_SIX_T]);
    rc |= row->has_start ? bind_span(st, b + 28, row->start, 10) : sq_bind_null(st, b + 28);
    rc |= row->has_end ? bind_span(st, b + 29, row->end, 10) : sq_bind_null(st, b + 29);
    return rc;
}

/* A row the Python converter returned (a tuple in COLUMNS order). Needs the GIL. */
static int bind_tuple(sqlite3_stmt *st, int base, PyObject *tuple) {
    Py_ssize_t n = PyTuple_GET_SIZE(tuple);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PyTuple_GET_ITEM(tuple, i);
        int rc;
        if (v == Py_None) {
            rc = sq_bind_null(st, base + (int)i + 1);
        } else if (PyLong_Check(v)) {
            long long x = PyLong_AsLongLong(v);
            if (x == -1 && PyErr_Occurred()) return -1;
            rc = sq_bind_int64(st, base + (int)i + 1, x);
        } else if (PyUnicode_Check(v)) {
            Py_ssize_t len;
            const char *text = PyUnicode_AsUTF8AndSize(v, &len);
            if (!text) return -1;
            rc = sq_bind_text(st, base + (int)i + 1, text, (int)len, SQLITE_TRANSIENT);
        } else {
            PyErr_SetString(PyExc_TypeError, "unexpected value in a converted row");
            return -1;
        }
        if (rc != SQLITE_OK) return rc;
    }
    return 0;
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
        int got = next_record(&r, NULL, NULL);
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

/* Rows wait in a batch of BATCH and are written with one multi-row INSERT (one statement run
 * instead of BATCH: the statement's own work, AUTOINCREMENT's bookkeeping among it, is paid
 * once). Their text points into the read buffer, so a batch is written before the buffer moves;
 * a row whose cells were unquoted into the arena (reused by the next record) is written at
 * once, after the rows before it. */
#define BATCH 16
#define COLUMN_COUNT 29

typedef struct {
    sqlite3_stmt *one, *many;
    row_t rows[BATCH];
    PyObject *tuples[BATCH]; /* a row from the Python converter, or NULL */
    int n;
} target_t;

typedef struct {
    sqlite3 *db;
    context_t *c;
    target_t *targets[2];
} flusher_t;

static int bind_row(sqlite3_stmt *st, int base, row_t *row);
static int bind_tuple(sqlite3_stmt *st, int base, PyObject *tuple);

/* Bind rows [from, from + count) of a batch at the statement's parameter `base`; a row from
 * Python is bound with the GIL (its text copied) and released at once. */
static int bind_rows(flusher_t *f, sqlite3_stmt *st, target_t *t, int from, int count) {
    for (int k = from; k < from + count; k++) {
        int base = (k - from) * COLUMN_COUNT;
        if (t->tuples[k]) {
            hold_gil(f->c);
            int rc = bind_tuple(st, base, t->tuples[k]);
            Py_CLEAR(t->tuples[k]);
            if (rc < 0) return -1; /* a Python exception is set */
            if (rc) { abort_reason = sq_errmsg(f->db); return -1; }
        } else if (bind_row(st, base, &t->rows[k])) {
            abort_reason = sq_errmsg(f->db);
            return -1;
        }
    }
    drop_gil(f->c); /* SQLite works without it, as the sqlite3 module lets it */
    return 0;
}

static int write_batch(flusher_t *f, target_t *t) {
    if (t->n == 0) return 0;
    int failed = 0;
    if (t->n == BATCH) {
        failed = bind_rows(f, t->many, t, 0, BATCH) || step(f->db, t->many);
    } else {
        for (int k = 0; k < t->n && !failed; k++)
            failed = bind_rows(f, t->one, t, k, 1) || step(f->db, t->one);
    }
    int left = 0;
    for (int k = 0; k < t->n; k++) left |= t->tuples[k] != NULL;
    if (left) { /* rows a failure left unbound */
        hold_gil(f->c);
        for (int k = 0; k < t->n; k++) Py_CLEAR(t->tuples[k]);
    }
    t->n = 0;
    return failed;
}

static int write_all(void *arg) {
    flusher_t *f = arg;
    return write_batch(f, f->targets[0]) || write_batch(f, f->targets[1]);
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
    /* on the heap, one pair per call: imports in two threads each have their own */
    target_t *targets = calloc(2, sizeof(target_t));
    if (!targets) return PyErr_NoMemory();
    target_t *stage = &targets[0], *direct_rows = &targets[1];
    flusher_t flusher = {db, &c, {stage, direct_rows}};
    if (sq_prepare(db, stage_sql, -1, &stage->one, NULL) != SQLITE_OK ||
        sq_prepare(db, stage_many_sql, -1, &stage->many, NULL) != SQLITE_OK ||
        sq_prepare(db, direct_sql, -1, &direct_rows->one, NULL) != SQLITE_OK ||
        sq_prepare(db, direct_many_sql, -1, &direct_rows->many, NULL) != SQLITE_OK) {
        PyErr_Format(AbortError, "prepare: %s", sq_errmsg(db));
        sq_finalize(stage->one);
        sq_finalize(stage->many);
        sq_finalize(direct_rows->one);
        sq_finalize(direct_rows->many);
        free(targets);
        return NULL;
    }
    reader_t r;
    key_set keys = {NULL, 0, 0};
    long long records = 0, problems = 0, staged = 0, direct = 0;
    unsigned char direct_years[4096];
    memset(direct_years, 0, sizeof(direct_years));
    PyObject *result = NULL;
    row_t row;
    memset(&r, 0, sizeof(r));
    r.fd = -1; /* reader_close at `done` is safe before reader_open */
    for (int l = 0; l < N_LISTS; l++) {
        c.list_names[l] = PyUnicode_FromString(LIST_NAMES[l]);
        if (!c.list_names[l]) goto done;
    }
    if (reader_open(&r, path, offset, line)) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
        goto done;
    }
    for (;;) {
        drop_gil(&c); /* every path through a record, `continue` included, comes back here */
        int got = next_record(&r, write_all, &flusher);
        if (got == R_END) break;
        if (got == R_NOMEM) { hold_gil(&c); PyErr_NoMemory(); goto done; }
        if (got == R_ABORT) {
            hold_gil(&c);
            if (!PyErr_Occurred()) PyErr_Format(AbortError, "line %ld: %s", r.line, abort_reason);
            goto done;
        }
        int blank = 1;
        for (Py_ssize_t i = 0; i < r.nfields; i++)
            if (r.fields[i].n) { blank = 0; break; }
        if (blank) continue;
        records++;
        if (records % 10000 == 0) { /* Ctrl-C is seen here, whatever becomes of the record */
            hold_gil(&c);
            if (PyErr_CheckSignals()) goto done;
        }
        if (!valid_utf8((unsigned char *)r.buf + r.rec_start, r.rec_end - r.rec_start)) {
            hold_gil(&c);
            PyErr_Format(AbortError, "line %ld: not UTF-8", r.rec_line);
            goto done;
        }
        int converted = convert(&c, &r, &row);
        if (converted == C_ERROR) { hold_gil(&c); goto done; }
        PyObject *tuple = NULL;
        long long number;
        int year;
        if (converted == C_DEFER) {
            hold_gil(&c);
            PyObject *cells = cells_list(&r);
            if (!cells) goto done;
            tuple = PyObject_CallFunction(slow, "lO", r.rec_line, cells);
            Py_DECREF(cells);
            if (!tuple) goto done;
            if (tuple == Py_None) {
                Py_DECREF(tuple);
                problems++;
                continue;
            }
            if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != 29) {
                Py_DECREF(tuple);
                PyErr_SetString(PyExc_TypeError, "slow() must return a row or None");
                goto done;
            }
            Py_ssize_t n;
            const char *text = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(tuple, 0), &n);
            year = (int)PyLong_AsLong(PyTuple_GET_ITEM(tuple, 1));
            if (!text || PyErr_Occurred()) { Py_DECREF(tuple); goto done; }
            number = 0;
            for (Py_ssize_t i = 0; i < n; i++) number = number * 10 + (text[i] - '0');
        } else {
            number = row.number;
            year = row.year;
        }
        int added = key_add(&keys, (uint64_t)number * 10000ULL + (uint64_t)year);
        if (added < 0) { hold_gil(&c); Py_XDECREF(tuple); PyErr_NoMemory(); goto done; }
        if (added == 0) {
            hold_gil(&c);
            Py_XDECREF(tuple);
            PyObject *cells = cells_list(&r);
            if (!cells) goto done;
            char text[16];
            snprintf(text, sizeof(text), "%010lld", number);
            PyObject *ok = PyObject_CallFunction(duplicate, "lOsi", r.rec_line, cells, text,
                                                 year);
            Py_DECREF(cells);
            if (!ok) goto done;
            Py_DECREF(ok);
            problems++;
            continue;
        }
        if (problems && !quarantine) { Py_XDECREF(tuple); continue; }
        int to_stage = year >= 0 && year < 4096 && held_years[year];
        target_t *target = to_stage ? stage : direct_rows;
        target->tuples[target->n] = tuple; /* the batch owns the reference */
        if (!tuple) target->rows[target->n] = row;
        target->n++;
        /* a full batch, or a row whose text lies in the arena (reused by the next record) */
        if ((target->n == BATCH && write_batch(&flusher, target)) ||
            (r.arena_len && write_all(&flusher))) {
            hold_gil(&c);
            if (!PyErr_Occurred())
                PyErr_Format(AbortError, "line %ld: %s", r.rec_line, abort_reason);
            goto done;
        }
        if (to_stage) {
            staged++;
        } else {
            direct++;
            direct_years[year] = 1;
        }
        if (progress != Py_None && records % 10000 == 0) { /* as the Python path: written rows */
            hold_gil(&c);
            PyObject *ok = PyObject_CallFunction(progress, "L", records);
            if (!ok) goto done;
            Py_DECREF(ok);
        }
    }
    if (write_all(&flusher)) {
        hold_gil(&c);
        if (!PyErr_Occurred()) PyErr_Format(AbortError, "end: %s", abort_reason);
        goto done;
    }
    hold_gil(&c);
    {
        PyObject *years = PyList_New(0);
        if (!years) goto done;
        for (int y = 0; y < 4096; y++) {
            if (!direct_years[y]) continue;
            PyObject *value = PyLong_FromLong(y);
            if (!value || PyList_Append(years, value)) {
                Py_XDECREF(value);
                Py_DECREF(years);
                goto done;
            }
            Py_DECREF(value);
        }
        result = Py_BuildValue("{s:L,s:L,s:L,s:L,s:N}", "records", records, "problems",
                               problems, "staged", staged, "direct", direct, "direct_years",
                               years);
    }
done:
    hold_gil(&c);
    reader_close(&r);
    free(keys.slots);
    code_free(&c.codes);
    for (int l = 0; l < N_LISTS; l++) Py_XDECREF(c.list_names[l]);
    for (int k = 0; k < BATCH; k++) {
        Py_CLEAR(stage->tuples[k]);
        Py_CLEAR(direct_rows->tuples[k]);
    }
    sq_finalize(stage->one);
    sq_finalize(stage->many);
    sq_finalize(direct_rows->one);
    sq_finalize(direct_rows->many);
    free(targets);
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
