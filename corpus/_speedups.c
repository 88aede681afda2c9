/* Optional compiled kernels of the corpus stage: the same results as the pure-Python code they
 * stand in for (corpus/normalize.py `scan`, corpus/sentences.py `split_lines`), several times faster.
 *
 * The Python code is the reference: tests/corpus/test_speedups.py checks, on generated texts, that
 * both give equal results, and the package falls back to it when this module was not compiled.
 * Character sets, word lists and lengths come from the Python modules (`sentence_rules` takes them
 * once), so the C code holds only the loops.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- scan: which character-level passes have anything to do ---------------------------------- */

enum { SUSPECT = 1, WIDE = 2, SPACES = 4, BLANK = 8, UNSAFE = 16 };

static int in_map(const unsigned char *map, Py_UCS4 ch)
{
    return ch < 0x10000 && (map[ch >> 3] >> (ch & 7)) & 1;
}

/* The flags of `n` characters of one kind: any in the suspect map, any in the wide map, any outside the
 * NFC-safe map, two spaces or a space next to a line break, two line breaks. Printable ASCII is in
 * neither of the first two maps and is in the third (normalize.py checks that). */
#define SCAN(TYPE)                                                                              \
    do {                                                                                        \
        const TYPE *d = data;                                                                   \
        unsigned prev_space = 0, prev_break = 0, pairs = 0, blank = 0;                           \
        for (Py_ssize_t i = 0; i < n; i++) {                                                    \
            Py_UCS4 ch = d[i];                                                                  \
            unsigned space = ch == ' ', line_break = ch == '\n';                                \
            pairs |= (prev_space & (space | line_break)) | (prev_break & space);                \
            blank |= prev_break & line_break;                                                   \
            prev_space = space, prev_break = line_break;                                        \
            if ((ch >= 0x7f || ch < 0x20) && !line_break) {                                     \
                if (in_map(sus, ch))                                                            \
                    flags |= SUSPECT;                                                           \
                if (in_map(wid, ch))                                                            \
                    flags |= WIDE;                                                              \
                if (!in_map(safe, ch))                                                          \
                    flags |= UNSAFE;                                                            \
            }                                                                                   \
        }                                                                                       \
        flags |= (pairs ? SPACES : 0) | (blank ? BLANK : 0);                                    \
    } while (0)

/* scan(text, suspect_map, wide_map, nfc_safe_map) -> flags; the maps are 8192-byte bitmaps of the BMP. */
static PyObject *scan(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_buffer suspect, wide, nfc_safe;
    if (!PyArg_ParseTuple(args, "Uy*y*y*", &text, &suspect, &wide, &nfc_safe))
        return NULL;
    long flags = 0;
    if (suspect.len != 8192 || wide.len != 8192 || nfc_safe.len != 8192) {
        PyBuffer_Release(&suspect);
        PyBuffer_Release(&wide);
        PyBuffer_Release(&nfc_safe);
        PyErr_SetString(PyExc_ValueError, "maps must be 8192 bytes");
        return NULL;
    }
    const unsigned char *sus = suspect.buf, *wid = wide.buf, *safe = nfc_safe.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    switch (kind) {
    case PyUnicode_1BYTE_KIND: SCAN(Py_UCS1); break;
    case PyUnicode_2BYTE_KIND: SCAN(Py_UCS2); break;
    default: SCAN(Py_UCS4);
    }
    if (n > 0) {
        Py_UCS4 first = PyUnicode_READ(kind, data, 0), last = PyUnicode_READ(kind, data, n - 1);
        if (first == ' ' || last == ' ')
            flags |= SPACES;
        if (first == '\n' || last == '\n')
            flags |= BLANK;
    }
    PyBuffer_Release(&suspect);
    PyBuffer_Release(&wide);
    PyBuffer_Release(&nfc_safe);
    return PyLong_FromLong(flags);
}

/* ---- equal lines ------------------------------------------------------------------------------- */

typedef struct {
    const char *data;
    Py_ssize_t size;  /* in bytes */
} Span;

static int by_size_then_bytes(const void *a, const void *b)
{
    const Span *x = a, *y = b;
    if (x->size != y->size)
        return (x->size > y->size) - (x->size < y->size);
    return memcmp(x->data, y->data, x->size);
}

/* has_equal_lines(text) -> whether two of the lines of `text` (split at \n) are equal: blocks.py
 * `_repeat_changes` looks for repeated runs of lines only then. Lines are sorted by size, then bytes
 * (most lines differ in size, so few bytes are compared), and neighbours compared. */
static PyObject *has_equal_lines(PyObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be a str");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const char *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), count = 0, capacity = 64;
    Span *lines = PyMem_Malloc(capacity * sizeof(Span));
    for (Py_ssize_t start = 0; lines != NULL; count++) {
        Py_ssize_t end = PyUnicode_FindChar(text, '\n', start, n, 1);
        end = end < 0 ? n : end;
        if (count == capacity) {
            Span *grown = PyMem_Realloc(lines, (capacity *= 2) * sizeof(Span));
            if (grown == NULL)
                PyMem_Free(lines);
            lines = grown;
            if (lines == NULL)
                break;
        }
        lines[count] = (Span){data + start * kind, (end - start) * kind};
        if (end == n) {
            count++;
            break;
        }
        start = end + 1;
    }
    if (lines == NULL)
        return PyErr_NoMemory();
    qsort(lines, count, sizeof(Span), by_size_then_bytes);
    int equal = 0;
    for (Py_ssize_t k = 1; k < count && !equal; k++)
        equal = by_size_then_bytes(&lines[k - 1], &lines[k]) == 0;
    PyMem_Free(lines);
    return PyBool_FromLong(equal);
}

/* ---- sentence splitting ------------------------------------------------------------------------ */

#define MAX_OTHER 16

typedef struct {  /* a small set of characters: a table for ASCII, a short list for the rest */
    unsigned char ascii[128];
    Py_UCS4 other[MAX_OTHER];
    int n_other;
} CharSet;

static int char_set(CharSet *set, PyObject *chars)
{
    memset(set, 0, sizeof *set);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(chars); i++) {
        Py_UCS4 ch = PyUnicode_READ_CHAR(chars, i);
        if (ch < 128) {
            set->ascii[ch] = 1;
        } else if (set->n_other < MAX_OTHER) {
            set->other[set->n_other++] = ch;
        } else {
            PyErr_SetString(PyExc_ValueError, "too many non-ASCII characters in a character set");
            return -1;
        }
    }
    return 0;
}

static inline int in_set(const CharSet *set, Py_UCS4 ch)
{
    if (ch < 128)
        return set->ascii[ch];
    for (int i = 0; i < set->n_other; i++)
        if (set->other[i] == ch)
            return 1;
    return 0;
}

/* The start of every rules struct: the Python objects it holds references to. */
#define MAX_OWNED 4

typedef struct {
    PyObject *owned[MAX_OWNED];
} Owned;

static void owned_free(PyObject *capsule)
{
    Owned *o = PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule));
    if (o == NULL)
        return;
    for (int i = 0; i < MAX_OWNED; i++)
        Py_XDECREF(o->owned[i]);
    PyMem_Free(o);
}

/* A capsule that owns `rules` (allocated with PyMem, starting with Owned) and new references to the
 * objects listed in its Owned part; on failure `rules` is freed and NULL returned. */
static PyObject *rules_capsule(Owned *rules, const char *name)
{
    for (int i = 0; i < MAX_OWNED; i++)
        Py_XINCREF(rules->owned[i]);
    PyObject *capsule = PyCapsule_New(rules, name, owned_free);
    if (capsule == NULL) {
        for (int i = 0; i < MAX_OWNED; i++)
            Py_XDECREF(rules->owned[i]);
        PyMem_Free(rules);
    }
    return capsule;
}

typedef struct {
    Owned own;  /* abbreviations, number_abbreviations, ambiguous, starters: frozensets of str */
    CharSet terminals, closers, breaks, openers, continuations;
    Py_ssize_t long_word, lookback;
} Rules;

#define ABBREVIATIONS(r) ((r)->own.owned[0])
#define NUMBER_ABBREVIATIONS(r) ((r)->own.owned[1])
#define AMBIGUOUS(r) ((r)->own.owned[2])
#define STARTERS(r) ((r)->own.owned[3])

static const char *RULES = "korea_deterrence.corpus._speedups.Rules";

/* sentence_rules(terminals, closers, breaks, openers, continuations, long_word, lookback,
 *                abbreviations, number_abbreviations, ambiguous, starters) -> capsule */
static PyObject *sentence_rules(PyObject *self, PyObject *args)
{
    PyObject *terminals, *closers, *breaks, *openers, *continuations;
    Rules *r = PyMem_Calloc(1, sizeof(Rules));
    if (r == NULL)
        return PyErr_NoMemory();
    if (!PyArg_ParseTuple(args, "UUUUUnnO!O!O!O!", &terminals, &closers, &breaks, &openers, &continuations,
                          &r->long_word, &r->lookback, &PyFrozenSet_Type, &ABBREVIATIONS(r),
                          &PyFrozenSet_Type, &NUMBER_ABBREVIATIONS(r), &PyFrozenSet_Type, &AMBIGUOUS(r),
                          &PyFrozenSet_Type, &STARTERS(r))
        || char_set(&r->terminals, terminals) < 0 || char_set(&r->closers, closers) < 0
        || char_set(&r->breaks, breaks) < 0 || char_set(&r->openers, openers) < 0
        || char_set(&r->continuations, continuations) < 0) {
        PyMem_Free(r);
        return NULL;
    }
    return rules_capsule(&r->own, RULES);
}

typedef struct {
    const Rules *rules;
    int kind;
    const void *data;
    Py_ssize_t n;
    PyObject *text;
} Text;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

static int is_ascii_letter(Py_UCS4 ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static int is_word(Py_UCS4 ch)  /* the regex \w */
{
    return Py_UNICODE_ISALNUM(ch) || ch == '_';
}

static int is_letter(Py_UCS4 ch)  /* the regex [^\W\d_] */
{
    return Py_UNICODE_ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch) && ch != '_';
}

/* text[start:end].lower(): made directly when it is ASCII (the common case), else by str.lower. */
static PyObject *lower_substring(const Text *t, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t len = end - start;
    char buffer[64];
    if (len <= (Py_ssize_t)sizeof buffer) {
        Py_ssize_t i = 0;
        for (; i < len; i++) {
            Py_UCS4 ch = AT(t, start + i);
            if (ch >= 128)
                break;
            buffer[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        if (i == len)
            return PyUnicode_FromStringAndSize(buffer, len);
    }
    PyObject *sub = PyUnicode_Substring(t->text, start, end);
    if (sub == NULL)
        return NULL;
    PyObject *low = PyObject_CallMethod(sub, "lower", NULL);
    Py_DECREF(sub);
    return low;
}

/* Whether text[start:end] is in `set` (a frozenset of str). 1, 0, or -1 on error. */
static int substring_in(const Text *t, Py_ssize_t start, Py_ssize_t end, PyObject *set)
{
    PyObject *sub = PyUnicode_Substring(t->text, start, end);
    if (sub == NULL)
        return -1;
    int found = PySet_Contains(set, sub);
    Py_DECREF(sub);
    return found;
}

/* The `(?:[^\W\d_]\.)+[^\W\d_]` full match of text[start:end]. */
static int is_initialism(const Text *t, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t len = end - start;
    if (len < 3 || len % 2 == 0)
        return 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 ch = AT(t, start + i);
        if (i % 2 ? ch != '.' : !is_letter(ch))
            return 0;
    }
    return 1;
}

/* The checks of the token text[start:end] (`lower` is its lower case) before a period at `pos`:
 * 0 (not a boundary), 2 (a boundary), 1 (an ambiguous abbreviation or an initialism), -1 (error). */
static int word_checks(const Text *t, PyObject *lower, Py_ssize_t start, Py_ssize_t end, Py_ssize_t pos,
                       Py_UCS4 next, Py_ssize_t line_start)
{
    const Rules *r = t->rules;
    int found = PySet_Contains(ABBREVIATIONS(r), lower);
    if (found)
        return found < 0 ? -1 : 0;
    if (Py_UNICODE_ISDIGIT(next) && (found = PySet_Contains(NUMBER_ABBREVIATIONS(r), lower)))
        return found < 0 ? -1 : 0;
    Py_ssize_t len = end - start;
    if (len == 1 && Py_UNICODE_ISUPPER(AT(t, start)))
        return 0;
    if (pos - len == line_start) {
        Py_ssize_t i = start;
        while (i < end && Py_UNICODE_ISDIGIT(AT(t, i)))
            i++;
        if (i == end)
            return 0;
    }
    found = PySet_Contains(AMBIGUOUS(r), lower);
    if (found)
        return found < 0 ? -1 : 1;
    return is_initialism(t, start, end) ? 1 : 2;
}

/* sentences.py `_is_boundary`: the candidate's terminal punctuation text[pos:punct_end] is followed by
 * whitespace up to ws_end and then the character `next`. 1, 0, or -1 on error. */
static int is_boundary(const Text *t, Py_ssize_t pos, Py_ssize_t punct_end, Py_ssize_t ws_end, Py_UCS4 next,
                       int long_word, Py_ssize_t line_start)
{
    const Rules *r = t->rules;
    if (Py_UNICODE_ISLOWER(next) || in_set(&r->continuations, next))
        return 0;
    if (long_word || punct_end != pos + 1 || AT(t, pos) != '.')
        return 1;
    Py_ssize_t window = pos - r->lookback > line_start ? pos - r->lookback : line_start;
    Py_ssize_t end = pos;  /* the last whitespace-separated token of text[window:pos] */
    while (end > window && Py_UNICODE_ISSPACE(AT(t, end - 1)))
        end--;
    Py_ssize_t start = end;
    while (start > window && !Py_UNICODE_ISSPACE(AT(t, start - 1)))
        start--;
    while (start < end && in_set(&r->openers, AT(t, start)))
        start++;
    if (start == end)
        return 1;
    PyObject *lower = lower_substring(t, start, end);
    if (lower == NULL)
        return -1;
    int found = word_checks(t, lower, start, end, pos, next, line_start);
    Py_DECREF(lower);
    if (found != 1)
        return found == 2 ? 1 : found;
    Py_ssize_t word = ws_end;  /* an ambiguous abbreviation or an initialism: a boundary before a starter */
    while (word < t->n && is_word(AT(t, word)))
        word++;
    return word == ws_end ? 0 : substring_in(t, ws_end, word, STARTERS(r));
}

/* A `record` (tuple or a tuple subclass such as a NamedTuple) of three items. */
static PyObject *record3(PyTypeObject *record, PyObject *a, PyObject *b, PyObject *c)
{
    PyObject *obj = record == &PyTuple_Type ? PyTuple_New(3) : record->tp_alloc(record, 3);
    if (obj == NULL)
        return NULL;
    Py_INCREF(a); Py_INCREF(b); Py_INCREF(c);
    PyTuple_SET_ITEM(obj, 0, a);
    PyTuple_SET_ITEM(obj, 1, b);
    PyTuple_SET_ITEM(obj, 2, c);
    return obj;
}

static int record_type_ok(PyTypeObject *record)
{
    if (PyType_IsSubtype(record, &PyTuple_Type))
        return 1;
    PyErr_SetString(PyExc_TypeError, "record must be tuple or a subclass of it");
    return 0;
}

/* Append record(first, start, end, last) to `out`, without `first` when it is NULL, else without `last`. */
static int append_span(PyObject *out, PyTypeObject *record, PyObject *first, Py_ssize_t start, Py_ssize_t end,
                       PyObject *last)
{
    PyObject *a = PyLong_FromSsize_t(start), *b = PyLong_FromSsize_t(end);
    PyObject *item = a && b ? (first ? record3(record, first, a, b) : record3(record, a, b, last)) : NULL;
    Py_XDECREF(a);
    Py_XDECREF(b);
    if (item == NULL)
        return -1;
    int failed = PyList_Append(out, item);
    Py_DECREF(item);
    return failed;
}

typedef struct {
    Py_ssize_t start, end;
    PyObject *key;  /* borrowed from the lines list */
} Line;

static int read_line(const Text *t, PyObject *lines, Py_ssize_t i, Line *line)
{
    PyObject *item = PyList_GET_ITEM(lines, i);
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
        PyErr_SetString(PyExc_TypeError, "lines must be (start, end, key) tuples");
        return -1;
    }
    line->start = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
    line->end = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 1));
    line->key = PyTuple_GET_ITEM(item, 2);
    if (PyErr_Occurred())
        return -1;
    if (line->start < 0 || line->start > line->end || line->end > t->n) {  /* (the loops read inside it) */
        PyErr_Format(PyExc_ValueError, "line (%zd, %zd) is not a span of a text of length %zd", line->start,
                     line->end, t->n);
        return -1;
    }
    return 0;
}

/* The first character of `set` at or after `p` (n when none): the one loop that reads every character,
 * written once per string kind so that the compiler keeps the kind out of it. */
#define FIND_IN(TYPE)                                                                   \
    do {                                                                                \
        const TYPE *d = t->data;                                                        \
        for (; p < t->n; p++)                                                           \
            if (d[p] < 128 ? set->ascii[d[p]] : set->n_other && in_set(set, d[p]))      \
                return p;                                                               \
        return p;                                                                       \
    } while (0)

static Py_ssize_t find_in(const Text *t, const CharSet *set, Py_ssize_t p)
{
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND: FIND_IN(Py_UCS1);
    case PyUnicode_2BYTE_KIND: FIND_IN(Py_UCS2);
    default: FIND_IN(Py_UCS4);
    }
}

/* The next candidate at or after `p` (sentences.py `_candidate_pattern`): its start, the end of its
 * punctuation, of its closers (= start of the whitespace) and of its whitespace; -1 when none. */
static Py_ssize_t next_candidate(const Text *t, Py_ssize_t p, Py_ssize_t *punct_end, Py_ssize_t *ws_start,
                                 Py_ssize_t *ws_end)
{
    const Rules *r = t->rules;
    while ((p = find_in(t, &r->terminals, p)) < t->n) {
        Py_ssize_t q = p + 1;
        while (q < t->n && in_set(&r->terminals, AT(t, q)))
            q++;
        Py_ssize_t c = q;
        while (c < t->n && in_set(&r->closers, AT(t, c)))
            c++;
        Py_ssize_t s = c;
        while (s < t->n && Py_UNICODE_ISSPACE(AT(t, s)) && !in_set(&r->breaks, AT(t, s)))
            s++;
        if (s > c && s < t->n && !Py_UNICODE_ISSPACE(AT(t, s))) {
            *punct_end = q, *ws_start = c, *ws_end = s;
            return p;
        }
        p = q;  /* no match can start inside this run of punctuation either: what follows it is the same */
    }
    return -1;
}

static int long_word_before(const Text *t, Py_ssize_t pos)
{
    Py_ssize_t need = t->rules->long_word;
    if (pos < need)
        return 0;
    for (Py_ssize_t i = pos - need; i < pos; i++)
        if (!is_ascii_letter(AT(t, i)))
            return 0;
    return 1;
}

static int split_into(const Text *t, PyObject *lines, PyTypeObject *record, PyObject *out)
{
    Py_ssize_t count = PyList_GET_SIZE(lines), li = 0;
    if (count == 0)
        return 0;
    Line line;
    if (read_line(t, lines, 0, &line) < 0)
        return -1;
    Py_ssize_t sent_start = line.start, punct_end, ws_start, ws_end;
    Py_ssize_t pos = next_candidate(t, 0, &punct_end, &ws_start, &ws_end);
    for (; pos >= 0; pos = next_candidate(t, ws_end, &punct_end, &ws_start, &ws_end)) {
        while (pos >= line.end) {  /* past the current line: its last sentence ends with it */
            if (append_span(out, record, NULL, sent_start, line.end, line.key) < 0)
                return -1;
            if (++li == count)
                return 0;
            if (read_line(t, lines, li, &line) < 0)
                return -1;
            sent_start = line.start;
        }
        if (pos < line.start)
            continue;
        int boundary = is_boundary(t, pos, punct_end, ws_end, AT(t, ws_end), long_word_before(t, pos), line.start);
        if (boundary < 0)
            return -1;
        if (boundary) {
            if (append_span(out, record, NULL, sent_start, ws_start, line.key) < 0)
                return -1;
            sent_start = ws_end;
        }
    }
    if (append_span(out, record, NULL, sent_start, line.end, line.key) < 0)
        return -1;
    for (li++; li < count; li++) {  /* lines without candidates are one sentence each */
        if (read_line(t, lines, li, &line) < 0 || append_span(out, record, NULL, line.start, line.end, line.key) < 0)
            return -1;
    }
    return 0;
}

/* split_lines(rules, text, lines, record) -> [record(start, end, key), ...] */
static PyObject *split_lines(PyObject *self, PyObject *args)
{
    PyObject *capsule, *text, *lines;
    PyTypeObject *record;
    if (!PyArg_ParseTuple(args, "OUO!O!", &capsule, &text, &PyList_Type, &lines, &PyType_Type, &record))
        return NULL;
    Rules *rules = PyCapsule_GetPointer(capsule, RULES);
    if (rules == NULL || !record_type_ok(record))
        return NULL;
    Text t = {rules, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), text};
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    if (split_into(&t, lines, record, out) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "scan(text, suspect_map, wide_map, nfc_safe_map) -> flags (see corpus/normalize.py)"},
    {"has_equal_lines", has_equal_lines, METH_O, "whether two lines of a text are equal (see corpus/blocks.py)"},
    {"sentence_rules", sentence_rules, METH_VARARGS, "the rules split_lines applies (see corpus/sentences.py)"},
    {"split_lines", split_lines, METH_VARARGS, "split_lines(rules, text, lines, record) (see corpus/sentences.py)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
