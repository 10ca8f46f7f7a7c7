/* scraper/blocks.py's two hot loops in C: the block walk over the tree selectolax's lexbor parser built, and the
 * tag statistics of check_nesting.
 *
 * Why C: walking the tree through selectolax's Python properties creates a Python object for every node and
 * every parent step, a quarter of extraction time on the ScrapingHub benchmark (BENCHMARKS.md). This module
 * reads lexbor's structures directly. It mirrors `blocks._runs_in_python` step for step; scraper/compiled.py
 * checks the structure layout against selectolax's own answers before it is ever used, and the tests compare
 * the two walks on every fixture and on generated pages.
 *
 * The structures below copy lexbor's (source/lexbor/dom/interfaces/node.h, character_data.h, element.h,
 * attr.h; stable since lexbor 1.0). No lexbor header is needed to build this file.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST "" /* setup.py defines it: the first 16 hex digits of this file's SHA-256 */
#endif

typedef struct {
    unsigned char *data;
    size_t length;
} lstr_t;

typedef struct node_s node_t;
struct node_s {
    void *events;
    uintptr_t local_name;
    uintptr_t prefix;
    uintptr_t ns;
    void *owner_document;
    node_t *next;
    node_t *prev;
    node_t *parent;
    node_t *first_child;
    node_t *last_child;
    void *user;
    int type;
};

typedef struct {
    node_t node;
    lstr_t data;
} chardata_t;

typedef struct attr_s attr_t;
typedef struct {
    node_t node;
    uintptr_t upper_name;
    uintptr_t qualified_name;
    lstr_t *is_value;
    attr_t *first_attr;
    attr_t *last_attr;
    attr_t *attr_id;
    attr_t *attr_class;
} element_t;

struct attr_s {
    node_t node;
    uintptr_t upper_name;
    uintptr_t qualified_name;
    lstr_t *value;
    element_t *owner;
    attr_t *next;
    attr_t *prev;
};

#define NODE_ELEMENT 1
#define NODE_TEXT 3
#define MAX_TAG_ID 4096

/* Set by configure(): tag ids of lexbor's tag table, read from real parsed nodes at import. */
static PyObject *block_names[MAX_TAG_ID]; /* the tag name of a block element, NULL for any other tag */
static char heading[MAX_TAG_ID];
static uintptr_t text_id, a_id, br_id, img_id, hr_id, href_id;
static int configured = 0;

static PyObject *empty_str; /* "" */
static PyObject *empty_tuple;
static PyObject *comma; /* "," */
static PyObject *normalize, *nfc; /* unicodedata.normalize and "NFC" */
static PyObject *block_type, *link_type; /* blocks.Block and blocks.Link */
static PyObject *text_name, *tag_name, *links_name, *href_name; /* their field names */

static int is_block(uintptr_t id) { return id < MAX_TAG_ID && block_names[id] != NULL; }

static PyObject *decode(const lstr_t *s)
{
    if (s == NULL || s->data == NULL)
        return PyUnicode_FromStringAndSize(NULL, 0);
    return PyUnicode_DecodeUTF8((const char *)s->data, (Py_ssize_t)s->length, "replace");
}

/* str.isspace(): false for "", else every character Unicode white space. */
static int is_space(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (n == 0)
        return 0;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return 0;
    }
    return 1;
}

/* Whether text data is not empty and all ASCII white space as str.isspace() sees it (\t-\r, \x1c-\x1f, space). */
static int is_ascii_blank(const lstr_t *s)
{
    if (s->data == NULL || s->length == 0)
        return 0;
    for (size_t i = 0; i < s->length; i++) {
        unsigned char c = s->data[i];
        if (!(c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)))
            return 0;
    }
    return 1;
}

/* The value of an element's href attribute when it is not empty, else NULL (selectolax's attributes.get). */
static const lstr_t *href_of(const node_t *node)
{
    const lstr_t *found = NULL;
    for (const attr_t *attr = ((const element_t *)node)->first_attr; attr != NULL; attr = attr->next) {
        uintptr_t name = attr->qualified_name ? attr->qualified_name : attr->node.local_name;
        if (name == href_id)
            found = attr->value; /* a dict keeps the last of two equal keys */
    }
    return (found != NULL && found->data != NULL && found->length > 0) ? found : NULL;
}

/* The node after node under root in document order (selectolax's traverse()), or NULL past the last; node's
 * children are passed over unless into_children. */
static const node_t *next_under(const node_t *root, const node_t *node, int into_children)
{
    if (into_children && node->first_child != NULL)
        return node->first_child;
    while (node != root && node->next == NULL)
        node = node->parent;
    return node == root ? NULL : node->next;
}

/* The text of every text node under node, joined and decoded once, like selectolax's node.text(). */
static PyObject *deep_text(const node_t *root)
{
    PyObject *buffer = PyByteArray_FromStringAndSize(NULL, 0);
    if (buffer == NULL)
        return NULL;
    const node_t *node = root->first_child;
    while (node != NULL) {
        if (node->local_name == text_id) {
            const lstr_t *s = &((const chardata_t *)node)->data;
            if (s->data != NULL && s->length > 0) {
                Py_ssize_t at = PyByteArray_GET_SIZE(buffer);
                if (PyByteArray_Resize(buffer, at + (Py_ssize_t)s->length) < 0) {
                    Py_DECREF(buffer);
                    return NULL;
                }
                memcpy(PyByteArray_AS_STRING(buffer) + at, s->data, s->length);
            }
        }
        node = next_under(root, node, 1);
    }
    PyObject *text = PyUnicode_DecodeUTF8(PyByteArray_AS_STRING(buffer), PyByteArray_GET_SIZE(buffer), "replace");
    Py_DECREF(buffer);
    return text;
}

static int is_zero_width(Py_UCS4 c)
{
    return c == 0x200b || c == 0x200c || c == 0x200d || c == 0x2060 || c == 0xfeff;
}

/* text.clean_line: NFC (non-ASCII text only), zero-width characters dropped, white space collapsed to single
 * spaces, as " ".join(text.split()) does (str.split's white space is Py_UNICODE_ISSPACE). */
static PyObject *clean(PyObject *text)
{
    int ascii = PyUnicode_IS_ASCII(text);
    PyObject *source = ascii ? (Py_INCREF(text), text) : PyObject_CallFunctionObjArgs(normalize, nfc, text, NULL);
    if (source == NULL)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(source), kept = 0;
    int kind = PyUnicode_KIND(source), changed = 0, pending = 0;
    const void *data = PyUnicode_DATA(source);
    /* Written in the source's own width: a four-byte buffer cost a widening and a narrowing of every line. */
    void *out = PyMem_Malloc((size_t)(n ? n : 1) * (size_t)kind);
    if (out == NULL) {
        Py_DECREF(source);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!ascii && is_zero_width(c)) {
            changed = 1;
        }
        else if (Py_UNICODE_ISSPACE(c)) {
            changed |= c != ' ' || pending || kept == 0;
            pending = kept > 0;
        }
        else {
            if (pending)
                PyUnicode_WRITE(kind, out, kept++, ' ');
            pending = 0;
            PyUnicode_WRITE(kind, out, kept++, c);
        }
    }
    changed |= pending; /* white space at the end */
    PyObject *cleaned = source;
    if (changed) {
        cleaned = PyUnicode_FromKindAndData(kind, out, kept);
        Py_DECREF(source);
    }
    PyMem_Free(out);
    return cleaned;
}

/* str.strip(). */
static PyObject *strip(PyObject *text)
{
    Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)))
        start++;
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1)))
        end--;
    return PyUnicode_Substring(text, start, end);
}

/* An instance of a frozen dataclass with its fields set, as object.__new__ and object.__setattr__ would: its
 * __init__ costs more than the walk itself (0.55 us a block). */
static PyObject *record(PyObject *type, PyObject **names, PyObject **values, int count)
{
    PyObject *made = ((PyTypeObject *)type)->tp_new((PyTypeObject *)type, empty_tuple, NULL);
    for (int i = 0; made != NULL && i < count; i++) {
        if (PyObject_GenericSetAttr(made, names[i], values[i]) < 0)
            Py_CLEAR(made);
    }
    return made;
}

/* The Link of a raw (href, text) pair. */
static PyObject *link_of(PyObject *pair)
{
    PyObject *values[2] = {strip(PyTuple_GET_ITEM(pair, 0)), clean(PyTuple_GET_ITEM(pair, 1))};
    PyObject *names[2] = {href_name, text_name};
    PyObject *made = (values[0] && values[1]) ? record(link_type, names, values, 2) : NULL;
    Py_XDECREF(values[0]);
    Py_XDECREF(values[1]);
    return made;
}

/* The Block of a raw run, or Py_None (a new reference) when its text cleans to nothing. */
static PyObject *block_of(PyObject *run)
{
    PyObject *text = clean(PyTuple_GET_ITEM(run, 0));
    if (text == NULL || PyUnicode_GET_LENGTH(text) == 0) {
        if (text != NULL)
            {
                Py_DECREF(text);
                Py_RETURN_NONE;
            }
        return NULL;
    }
    PyObject *raw_links = PyTuple_GET_ITEM(run, 2);
    PyObject *links = empty_tuple;
    Py_INCREF(links);
    if (raw_links != Py_None) {
        Py_ssize_t count = PyList_GET_SIZE(raw_links);
        Py_SETREF(links, PyTuple_New(count));
        for (Py_ssize_t i = 0; links != NULL && i < count; i++) {
            PyObject *link = link_of(PyList_GET_ITEM(raw_links, i));
            if (link == NULL)
                Py_CLEAR(links);
            else
                PyTuple_SET_ITEM(links, i, link);
        }
    }
    PyObject *values[3] = {text, PyTuple_GET_ITEM(run, 1), links};
    PyObject *names[3] = {text_name, tag_name, links_name};
    PyObject *made = links ? record(block_type, names, values, 3) : NULL;
    Py_DECREF(text);
    Py_XDECREF(links);
    return made;
}

static int is_inside(const node_t *node, const node_t *outer)
{
    for (const node_t *parent = node->parent; parent != NULL; parent = parent->parent) {
        if (parent == outer)
            return 1;
    }
    return 0;
}

/* The nearest block element from node up, or NULL. */
static const node_t *container_from(const node_t *node)
{
    while (node != NULL && !is_block(node->local_name))
        node = node->parent;
    return node;
}

typedef struct {
    PyObject *found; /* list of (text, tag, links or None) */
    PyObject *parts; /* the current run's pieces, or NULL when empty */
    PyObject *links; /* the current run's (href, text) pairs, or NULL when empty */
    const node_t *key;
    uintptr_t key_tag;
    int broken;
    const node_t *opened;
} walk_t;

static int emit(walk_t *w)
{
    PyObject *text = PyUnicode_Join(empty_str, w->parts);
    if (text == NULL)
        return -1;
    PyObject *tag = w->key ? block_names[w->key_tag] : empty_str;
    PyObject *links = w->links ? w->links : Py_None;
    PyObject *run = PyTuple_Pack(3, text, tag, links);
    Py_DECREF(text);
    if (run == NULL)
        return -1;
    int failed = PyList_Append(w->found, run);
    Py_DECREF(run);
    Py_CLEAR(w->parts);
    Py_CLEAR(w->links);
    return failed;
}

static int append_new(PyObject **list, PyObject *item)
{
    if (*list == NULL && (*list = PyList_New(0)) == NULL)
        return -1;
    return PyList_Append(*list, item);
}

/* One text piece or link at node, whose container is container: the loop body of blocks._runs_in_python. */
static int visit(walk_t *w, const node_t *node, const node_t *container, PyObject *piece, const lstr_t *href)
{
    if (w->broken || container != w->key) {
        if (w->parts != NULL) {
            if (emit(w) < 0)
                return -1;
        }
        else if (container != w->key && w->links != NULL && !(w->opened && is_inside(node, w->opened))) {
            Py_CLEAR(w->links);
        }
        w->key = container;
        w->key_tag = container ? container->local_name : 0;
        w->broken = 0;
    }
    if (href != NULL) {
        PyObject *href_text = decode(href);
        PyObject *link_text = href_text ? deep_text(node) : NULL;
        PyObject *pair = link_text ? PyTuple_Pack(2, href_text, link_text) : NULL;
        Py_XDECREF(href_text);
        Py_XDECREF(link_text);
        if (pair == NULL)
            return -1;
        int failed = append_new(&w->links, pair);
        Py_DECREF(pair);
        w->opened = w->parts ? NULL : node;
        return failed;
    }
    if (w->parts != NULL || !is_space(piece))
        return append_new(&w->parts, piece);
    return 0;
}

/* containers[d + 1]: the container of the children of the node at depth d; containers[0]: the root's. */
typedef struct {
    const node_t **items;
    size_t size;
} stack_t;

static int stack_set(stack_t *s, size_t at, const node_t *value)
{
    if (at >= s->size) {
        size_t size = s->size ? s->size * 2 : 256;
        while (size <= at)
            size *= 2;
        const node_t **items = PyMem_Realloc(s->items, size * sizeof(*items));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->items = items;
        s->size = size;
    }
    s->items[at] = value;
    return 0;
}

static int walk(walk_t *w, const node_t *root, Py_ssize_t max_nodes, int *too_complex)
{
    stack_t containers = {NULL, 0};
    int failed = stack_set(&containers, 0, container_from(root->parent));
    const node_t *node = root;
    size_t depth = 0;
    Py_ssize_t steps = 0;
    for (; failed == 0 && node != NULL; steps++) {
        if (steps > max_nodes) {
            *too_complex = 1;
            break;
        }
        const node_t *container = containers.items[depth];
        const lstr_t *href;
        uintptr_t id = node->local_name;
        if (id == text_id) {
            const lstr_t *data = &((const chardata_t *)node)->data;
            /* White space between tags opens no run: passed over before it is decoded (most text nodes). */
            if (w->parts != NULL || !is_ascii_blank(data)) {
                PyObject *piece = decode(data);
                if (piece == NULL) {
                    failed = -1;
                    break;
                }
                if (w->parts != NULL || !is_space(piece))
                    failed = visit(w, node, container, piece, NULL);
                Py_DECREF(piece);
            }
        }
        else if (id == a_id && node->type == NODE_ELEMENT && (href = href_of(node)) != NULL) {
            failed = visit(w, node, container, NULL, href);
        }
        else if (id == br_id || id == img_id || id == hr_id) {
            if (id == br_id && w->key_tag < MAX_TAG_ID && heading[w->key_tag] && w->key != NULL) {
                /* A headline cut by <br> for the layout is one line. */
                PyObject *space = PyUnicode_FromString(" ");
                failed = space ? append_new(&w->parts, space) : -1;
                Py_XDECREF(space);
            }
            else {
                w->broken = 1;
            }
        }
        if (failed)
            break;
        /* Next node in document order, as selectolax's traverse() goes. */
        if (node->first_child != NULL) {
            failed = stack_set(&containers, depth + 1, is_block(id) ? node : container);
            node = node->first_child;
            depth++;
            continue;
        }
        while (node != root && node->next == NULL) {
            node = node->parent;
            depth--;
        }
        node = (node == root) ? NULL : node->next;
    }
    PyMem_Free(containers.items);
    return failed;
}

static PyObject *runs(PyObject *Py_UNUSED(self), PyObject *args)
{
    unsigned long long address;
    Py_ssize_t max_nodes;
    if (!PyArg_ParseTuple(args, "Kn", &address, &max_nodes))
        return NULL;
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    walk_t w = {PyList_New(0), NULL, NULL, (const node_t *)(uintptr_t)-1, 0, 0, NULL};
    if (w.found == NULL)
        return NULL;
    int too_complex = 0;
    int failed = walk(&w, (const node_t *)(uintptr_t)address, max_nodes, &too_complex);
    if (failed == 0 && !too_complex && w.parts != NULL)
        failed = emit(&w);
    Py_XDECREF(w.parts);
    Py_XDECREF(w.links);
    if (failed || too_complex) {
        Py_DECREF(w.found);
        if (failed)
            return NULL;
        Py_RETURN_NONE;
    }
    return w.found;
}

/* The Blocks under the node at an address, built as blocks.blocks_of builds them from the runs. */
static PyObject *blocks(PyObject *self, PyObject *args)
{
    PyObject *found = runs(self, args);
    if (found == NULL || found == Py_None)
        return found;
    Py_ssize_t count = PyList_GET_SIZE(found), kept = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *block = block_of(PyList_GET_ITEM(found, i));
        if (block == NULL) {
            Py_DECREF(found);
            return NULL;
        }
        if (block == Py_None) {
            Py_DECREF(block);
            continue;
        }
        PyList_SetItem(found, kept++, block); /* steals block, drops the run */
    }
    if (PyList_SetSlice(found, kept, count, NULL) < 0)
        Py_CLEAR(found);
    return found;
}

static PyObject *clean_line(PyObject *Py_UNUSED(self), PyObject *text)
{
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "str expected");
        return NULL;
    }
    return clean(text);
}

/* Whether the tag opened at html[start] (after its "<", up to before the next "<" at stop) is longer than
 * long_tag with more than most "=" in it: blocks._too_many_attributes. */
static int crowded(int kind, const void *data, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t long_tag, Py_ssize_t most)
{
    if (stop - start <= long_tag)
        return 0;
    Py_UCS4 first = PyUnicode_READ(kind, data, start);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')))
        return 0;
    Py_ssize_t equals = 0;
    for (Py_ssize_t i = start; i < stop; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '>')
            return i - start > long_tag && equals > most;
        equals += c == '=';
    }
    return 0;
}

/* The index of the first "<" at or after i, or n. Two-byte strings (most pages: Vietnamese text) are read four
 * characters a step (a zero lane of x ^ "<<<<" found by the usual bit trick): a plain loop cost 10 instructions
 * a character (callgrind), this one under 2. */
static Py_ssize_t next_lt(int kind, const void *data, Py_ssize_t i, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const char *start = (const char *)data, *at = i < n ? memchr(start + i, '<', (size_t)(n - i)) : NULL;
        return at ? at - start : n;
    }
    if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *chars = (const Py_UCS2 *)data;
        const uint64_t pattern = 0x003C003C003C003CULL, ones = 0x0001000100010001ULL, highs = 0x8000800080008000ULL;
#if defined(__SSE2__)
        /* Eight characters a step where the compiler targets SSE2 (every x86-64): half the instructions again. */
        const __m128i lt = _mm_set1_epi16('<');
        for (; i + 8 <= n; i += 8) {
            int hits = _mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(chars + i)), lt));
            if (hits)
                return i + __builtin_ctz((unsigned)hits) / 2;
        }
#endif
        for (; i + 4 <= n; i += 4) {
            uint64_t lanes;
            memcpy(&lanes, chars + i, sizeof(lanes));
            lanes ^= pattern;
            if ((lanes - ones) & ~lanes & highs)
                break;
        }
        for (; i < n; i++) {
            if (chars[i] == '<')
                return i;
        }
        return n;
    }
    const Py_UCS4 *chars = (const Py_UCS4 *)data;
    while (i < n && chars[i] != '<')
        i++;
    return i;
}

/* (the count of "<", whether a tag is longer than long_tag with more than most "="): check_nesting's question. */
static PyObject *tag_stats(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *html;
    Py_ssize_t long_tag, most;
    if (!PyArg_ParseTuple(args, "Unn", &html, &long_tag, &most))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(html), count = 0, last = -1;
    int kind = PyUnicode_KIND(html), found = 0;
    const void *data = PyUnicode_DATA(html);
    for (Py_ssize_t i = next_lt(kind, data, 0, n); i < n; i = next_lt(kind, data, i + 1, n)) {
        if (i - last - 1 > long_tag && last >= 0 && !found)
            found = crowded(kind, data, last + 1, i, long_tag, most);
        last = i;
        count++;
    }
    if (last >= 0 && !found)
        found = crowded(kind, data, last + 1, n, long_tag, most);
    return Py_BuildValue("(nO)", count, found ? Py_True : Py_False);
}

/* One code point in UTF-8 at out; a lone surrogate is dropped, as str.encode("utf-8", "ignore") drops it. */
static char *put_utf8(char *out, Py_UCS4 c)
{
    if (c < 0x80) {
        *out++ = (char)c;
    }
    else if (c < 0x800) {
        *out++ = (char)(0xC0 | (c >> 6));
        *out++ = (char)(0x80 | (c & 0x3F));
    }
    else if (c >= 0xD800 && c <= 0xDFFF) {
        /* dropped */
    }
    else if (c < 0x10000) {
        *out++ = (char)(0xE0 | (c >> 12));
        *out++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (char)(0x80 | (c & 0x3F));
    }
    else {
        *out++ = (char)(0xF0 | (c >> 18));
        *out++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *out++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (char)(0x80 | (c & 0x3F));
    }
    return out;
}

/* str.encode("utf-8", "ignore"), what selectolax does to a str before parsing it. A two-byte page (Vietnamese
 * text in ASCII markup) is copied four ASCII characters a step: CPython's encoder cost 16 instructions a
 * character there (callgrind), a sixth of extraction. */
static PyObject *utf8(PyObject *Py_UNUSED(self), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "str expected");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (PyUnicode_IS_ASCII(text))
        return PyBytes_FromStringAndSize((const char *)data, n);
    PyObject *encoded = PyBytes_FromStringAndSize(NULL, n * (kind == PyUnicode_1BYTE_KIND ? 2 : kind == PyUnicode_2BYTE_KIND ? 3 : 4));
    if (encoded == NULL)
        return NULL;
    char *start = PyBytes_AS_STRING(encoded), *out = start;
    if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *chars = (const Py_UCS2 *)data;
        while (i < n) {
            uint64_t lanes;
#if defined(__SSE2__)
            /* Eight ASCII characters a step where the compiler targets SSE2 (every x86-64). */
            if (i + 8 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(chars + i));
                __m128i high = _mm_and_si128(v, _mm_set1_epi16((short)0xFF80));
                if (_mm_movemask_epi8(_mm_cmpeq_epi16(high, _mm_setzero_si128())) == 0xFFFF) {
                    _mm_storel_epi64((__m128i *)out, _mm_packus_epi16(v, v));
                    out += 8, i += 8;
                    continue;
                }
            }
#endif
            if (i + 4 <= n && (memcpy(&lanes, chars + i, sizeof(lanes)), (lanes & 0xFF80FF80FF80FF80ULL) == 0)) {
                out[0] = (char)chars[i], out[1] = (char)chars[i + 1], out[2] = (char)chars[i + 2];
                out[3] = (char)chars[i + 3];
                out += 4, i += 4;
            }
            else {
                out = put_utf8(out, chars[i++]);
            }
        }
    }
    else {
        for (; i < n; i++)
            out = put_utf8(out, PyUnicode_READ(kind, data, i));
    }
    if (_PyBytes_Resize(&encoded, out - start) < 0)
        return NULL;
    return encoded;
}

/* The distinct names of a page's class and id values (split at ASCII white space, as lexbor splits them,
 * and ASCII lower-cased, as lexbor compares them in quirks mode), a line each. Collected in a hash set here:
 * returning every value and splitting in Python cost 0.1 ms a page (3,000 names, 300 distinct). */
typedef struct {
    char *text;      /* the distinct names, each followed by a newline */
    size_t size, capacity;
    size_t *slots;   /* 1 + the offset of a name in text, 0 for an empty slot */
    size_t slot_count, used;
} name_set_t;

static uint64_t hash_bytes(const char *data, size_t length)
{
    uint64_t hash = 1469598103934665603ULL;
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ (unsigned char)data[i]) * 1099511628211ULL;
    return hash;
}

static int name_set_grow(name_set_t *set)
{
    size_t count = set->slot_count ? set->slot_count * 2 : 1024;
    size_t *slots = PyMem_Calloc(count, sizeof(size_t));
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < set->slot_count; i++) {
        size_t entry = set->slots[i];
        if (entry == 0)
            continue;
        const char *name = set->text + entry - 1;
        size_t length = (size_t)((const char *)memchr(name, '\n', set->size - entry + 1) - name);
        size_t at = hash_bytes(name, length) & (count - 1);
        while (slots[at] != 0)
            at = (at + 1) & (count - 1);
        slots[at] = entry;
    }
    PyMem_Free(set->slots);
    set->slots = slots;
    set->slot_count = count;
    return 0;
}

/* Add one name (already lower-cased) unless it is there. */
static int name_set_add(name_set_t *set, const char *name, size_t length)
{
    if ((set->used + 1) * 2 > set->slot_count && name_set_grow(set) < 0)
        return -1;
    size_t at = hash_bytes(name, length) & (set->slot_count - 1);
    for (; set->slots[at] != 0; at = (at + 1) & (set->slot_count - 1)) {
        size_t offset = set->slots[at] - 1;
        const char *other = set->text + offset;
        if (offset + length < set->size && other[length] == '\n' && memcmp(other, name, length) == 0)
            return 0;
    }
    if (set->size + length + 1 > set->capacity) {
        size_t capacity = (set->capacity + length + 1) * 2;
        char *text = PyMem_Realloc(set->text, capacity);
        if (text == NULL)
            return -1;
        set->text = text;
        set->capacity = capacity;
    }
    memcpy(set->text + set->size, name, length);
    set->text[set->size + length] = '\n';
    set->slots[at] = set->size + 1;
    set->size += length + 1;
    set->used++;
    return 0;
}

static int is_ascii_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

/* Add the names of one attribute value, lower-cased in scratch (as long as the value). */
static int name_set_add_value(name_set_t *set, const attr_t *attr, char **scratch, size_t *scratch_size)
{
    if (attr == NULL || attr->value == NULL || attr->value->data == NULL)
        return 0;
    const unsigned char *value = attr->value->data;
    size_t length = attr->value->length, i = 0;
    if (length > *scratch_size) {
        char *grown = PyMem_Realloc(*scratch, length);
        if (grown == NULL)
            return -1;
        *scratch = grown;
        *scratch_size = length;
    }
    char *lowered = *scratch;
    for (size_t k = 0; k < length; k++)
        lowered[k] = (char)((value[k] >= 'A' && value[k] <= 'Z') ? value[k] + 32 : value[k]);
    while (i < length) {
        while (i < length && is_ascii_space(value[i]))
            i++;
        size_t start = i;
        while (i < length && !is_ascii_space(value[i]))
            i++;
        if (i > start && name_set_add(set, lowered + start, i - start) < 0)
            return -1;
    }
    return 0;
}

/* The node address a probe or walk function was given, into *out; -1 with the error set when it is no integer. */
static int address_arg(PyObject *args, const void **out)
{
    unsigned long long address;
    if (!PyArg_ParseTuple(args, "K", &address))
        return -1;
    *out = (const void *)(uintptr_t)address;
    return 0;
}

/* The distinct class and id names under the node at an address, lower-cased, a line each. */
static PyObject *names(PyObject *Py_UNUSED(self), PyObject *args)
{
    const void *address;
    if (address_arg(args, &address) < 0)
        return NULL;
    name_set_t set = {NULL, 0, 0, NULL, 0, 0};
    char *scratch = NULL;
    size_t scratch_size = 0;
    int failed = 0;
    const node_t *root = address, *node = root;
    while (!failed && node != NULL) {
        if (node->type == NODE_ELEMENT) {
            const element_t *element = (const element_t *)node;
            failed = name_set_add_value(&set, element->attr_class, &scratch, &scratch_size) < 0 ||
                     name_set_add_value(&set, element->attr_id, &scratch, &scratch_size) < 0;
        }
        node = next_under(root, node, 1);
    }
    PyObject *text = failed ? PyErr_NoMemory() : PyUnicode_DecodeUTF8(set.text ? set.text : "", (Py_ssize_t)set.size, "replace");
    PyMem_Free(set.text);
    PyMem_Free(set.slots);
    PyMem_Free(scratch);
    return text;
}

/* boilerplate._scored_in_python in C: Readability's paragraph scoring over the tree under a node. Why C: it read
 * every paragraph's text and children through selectolax's Python objects, the largest Python cost left on the
 * ScrapingHub pages (BENCHMARKS.md). Set up by configure_scoring; compiled.py checks it against the Python
 * version on a probe page before use, and the tests compare the two on every fixture and on generated pages. */
static struct {
    int configured;
    uintptr_t text, a, br, div, html, p;
    char whole[MAX_TAG_ID];       /* read deep (<p>, <pre>, <blockquote>, <figure>) */
    char block[MAX_TAG_ID];       /* a child of one of these keeps a <div> from being a paragraph of its own */
    char line_parent[MAX_TAG_ID]; /* a <br> under one of these makes its parent a paragraph */
    PyObject *widget, *weight;    /* callables: text -> bool (scores nothing); class and id names -> float */
} scoring;

static int in_tags(const char *tags, uintptr_t id) { return id < MAX_TAG_ID && tags[id]; }

typedef struct {
    const node_t **items;
    size_t count, capacity;
} node_list_t;

static int node_list_add(node_list_t *list, const node_t *node)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 64;
        const node_t **items = PyMem_Realloc(list->items, capacity * sizeof(*items));
        if (items == NULL)
            return -1;
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = node;
    return 0;
}

/* Node addresses to an index (1 + the index; 0 is an empty slot), open addressing. */
typedef struct {
    const node_t **keys;
    size_t *values;
    size_t slot_count, used;
} node_map_t;

static size_t node_slot(const node_map_t *map, const node_t *node)
{
    size_t at = (size_t)(((uintptr_t)node >> 3) * 11400714819323198485ULL) & (map->slot_count - 1);
    while (map->keys[at] != NULL && map->keys[at] != node)
        at = (at + 1) & (map->slot_count - 1);
    return at;
}

static size_t node_map_get(const node_map_t *map, const node_t *node)
{
    return map->slot_count ? map->values[node_slot(map, node)] : 0;
}

static int node_map_set(node_map_t *map, const node_t *node, size_t value)
{
    if ((map->used + 1) * 2 > map->slot_count) {
        node_map_t grown = {NULL, NULL, map->slot_count ? map->slot_count * 2 : 256, 0};
        grown.keys = PyMem_Calloc(grown.slot_count, sizeof(*grown.keys));
        grown.values = PyMem_Calloc(grown.slot_count, sizeof(*grown.values));
        if (grown.keys == NULL || grown.values == NULL) {
            PyMem_Free(grown.keys);
            PyMem_Free(grown.values);
            return -1;
        }
        for (size_t i = 0; i < map->slot_count; i++) {
            if (map->keys[i] != NULL) {
                size_t at = node_slot(&grown, map->keys[i]);
                grown.keys[at] = map->keys[i];
                grown.values[at] = map->values[i];
            }
        }
        grown.used = map->used;
        PyMem_Free(map->keys);
        PyMem_Free(map->values);
        *map = grown;
    }
    size_t at = node_slot(map, node);
    map->used += map->keys[at] == NULL;
    map->keys[at] = node;
    map->values[at] = value;
    return 0;
}

static void node_map_free(node_map_t *map)
{
    PyMem_Free(map->keys);
    PyMem_Free(map->values);
}

/* One text node's data stripped (str.strip), its length added to *length and, when parts is not NULL, the
 * piece appended to parts, as selectolax's text(strip=True) takes each text node. */
static int stripped_piece(const node_t *node, PyObject *parts, Py_ssize_t *length)
{
    const lstr_t *s = &((const chardata_t *)node)->data;
    if (s->data == NULL)
        return 0;
    PyObject *raw = PyUnicode_DecodeUTF8((const char *)s->data, (Py_ssize_t)s->length, "replace");
    PyObject *piece = raw ? strip(raw) : NULL;
    Py_XDECREF(raw);
    if (piece == NULL)
        return -1;
    *length += PyUnicode_GET_LENGTH(piece);
    int failed = parts ? PyList_Append(parts, piece) : 0;
    Py_DECREF(piece);
    return failed;
}

/* node.text(deep=deep, strip=True): into parts (when not NULL) and *length. */
static int stripped_text(const node_t *root, int deep, PyObject *parts, Py_ssize_t *length)
{
    const node_t *node = root->first_child;
    while (node != NULL) {
        int is_text = deep ? node->local_name == scoring.text : node->type == NODE_TEXT;
        if (is_text && stripped_piece(node, parts, length) < 0)
            return -1;
        node = next_under(root, node, deep);
    }
    return 0;
}

static int has_child_in(const node_t *node, const char *tags)
{
    for (const node_t *child = node->first_child; child != NULL; child = child->next) {
        if (in_tags(tags, child->local_name))
            return 1;
    }
    return 0;
}

/* The paragraphs under root (root included), in boilerplate._paragraphs's order: the elements of tags, then
 * the parents of line breaks, then the <div>s of div_chars characters or more with no block child. */
static int paragraphs_under(const node_t *root, const char *tags, Py_ssize_t div_chars, node_list_t *found)
{
    node_list_t breaks = {NULL, 0, 0}, divs = {NULL, 0, 0};
    node_map_t seen = {NULL, NULL, 0, 0};
    int failed = 0;
    const node_t *node = root;
    while (!failed && node != NULL) {
        if (node->type == NODE_ELEMENT) {
            uintptr_t tag = node->local_name;
            const node_t *parent = node->parent;
            if (tag == scoring.br) {
                if (parent != NULL && (in_tags(tags, tag) || in_tags(scoring.line_parent, parent->local_name)))
                    failed = node_list_add(&breaks, parent) < 0;
            }
            else if (tag == scoring.div) {
                if (in_tags(tags, tag) || !has_child_in(node, scoring.block))
                    failed = node_list_add(&divs, node) < 0;
            }
            else if (in_tags(tags, tag)) {
                failed = node_list_add(found, node) < 0 || node_map_set(&seen, node, 1) < 0;
            }
        }
        node = next_under(root, node, 1);
    }
    for (size_t i = 0; !failed && i < breaks.count; i++) {
        if (!node_map_get(&seen, breaks.items[i]))
            failed = node_map_set(&seen, breaks.items[i], 1) < 0 || node_list_add(found, breaks.items[i]) < 0;
    }
    for (size_t i = 0; !failed && i < divs.count; i++) {
        Py_ssize_t length = 0;
        if (node_map_get(&seen, divs.items[i]))
            continue;
        failed = stripped_text(divs.items[i], 1, NULL, &length) < 0;
        if (!failed && length >= div_chars)
            failed = node_map_set(&seen, divs.items[i], 1) < 0 || node_list_add(found, divs.items[i]) < 0;
    }
    PyMem_Free(breaks.items);
    PyMem_Free(divs.items);
    node_map_free(&seen);
    return failed ? -1 : 0;
}

/* The characters of link text among node's element children (boilerplate._link_chars). */
static int link_chars(const node_t *node, Py_ssize_t *length)
{
    for (const node_t *child = node->first_child; child != NULL; child = child->next) {
        if (child->local_name == scoring.a && stripped_text(child, 1, NULL, length) < 0)
            return -1;
    }
    return 0;
}

/* A paragraph's score into *score: 1, or 0 when it is shorter than shortest, -1 with an error set. */
static int paragraph_score(const node_t *paragraph, Py_ssize_t shortest, double *score)
{
    int deep = in_tags(scoring.whole, paragraph->local_name) || !has_child_in(paragraph, scoring.block);
    PyObject *parts = PyList_New(0);
    Py_ssize_t length = 0, linked = 0;
    if (parts == NULL || stripped_text(paragraph, deep, parts, &length) < 0) {
        Py_XDECREF(parts);
        return -1;
    }
    if (length < shortest) {
        Py_DECREF(parts);
        return 0;
    }
    PyObject *text = PyUnicode_Join(empty_str, parts);
    Py_DECREF(parts);
    if (text == NULL)
        return -1;
    PyObject *verdict = PyObject_CallOneArg(scoring.widget, text);
    int widget = verdict ? PyObject_IsTrue(verdict) : -1;
    Py_XDECREF(verdict);
    Py_ssize_t commas = widget ? 0 : PyUnicode_Count(text, comma, 0, PY_SSIZE_T_MAX);
    Py_DECREF(text);
    if (widget < 0 || commas < 0 || (deep && link_chars(paragraph, &linked) < 0))
        return -1;
    /* The operations of the Python version in its order, so that the doubles are equal. */
    double share = (double)length / 100.0;
    *score = widget ? 0.0 : (double)(1 + commas) + (share < 3.0 ? share : 3.0);
    if (deep) {
        double kept = 1.0 - (double)linked / (double)length;
        *score *= kept > 0.0 ? kept : 0.0;
    }
    return 1;
}

/* An ancestor's class weight: the weight callable asked about its class and id values joined by a space (0.0
 * without either, as the Python version answers without asking); -1 with an error set. */
static int class_weight(const node_t *node, double *weight)
{
    *weight = 0.0;
    if (node->type != NODE_ELEMENT)
        return 0;
    const element_t *element = (const element_t *)node;
    const attr_t *attrs[2] = {element->attr_class, element->attr_id};
    PyObject *parts = PyList_New(0);
    for (int i = 0; parts != NULL && i < 2; i++) {
        const lstr_t *value = attrs[i] ? attrs[i]->value : NULL;
        if (value == NULL || value->data == NULL || value->length == 0)
            continue;
        PyObject *name = decode(value);
        if (name == NULL || PyList_Append(parts, name) < 0)
            Py_CLEAR(parts);
        Py_XDECREF(name);
    }
    if (parts == NULL)
        return -1;
    if (PyList_GET_SIZE(parts) == 0) {
        Py_DECREF(parts);
        return 0;
    }
    PyObject *space = PyUnicode_FromOrdinal(' ');
    PyObject *names = space ? PyUnicode_Join(space, parts) : NULL;
    Py_XDECREF(space);
    Py_DECREF(parts);
    PyObject *answer = names ? PyObject_CallOneArg(scoring.weight, names) : NULL;
    Py_XDECREF(names);
    if (answer == NULL)
        return -1;
    *weight = PyFloat_AsDouble(answer);
    Py_DECREF(answer);
    return (*weight == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

typedef struct {
    node_list_t nodes; /* the candidates, in the order first credited */
    double *scores;
    node_map_t index;  /* node -> 1 + its place in nodes */
} candidates_t;

/* Credit score to node, a new candidate starting at its class weight. */
static int credit(candidates_t *c, const node_t *node, double score)
{
    size_t at = node_map_get(&c->index, node);
    if (at == 0) {
        double weight;
        if (class_weight(node, &weight) < 0 || node_list_add(&c->nodes, node) < 0)
            return -1;
        double *scores = PyMem_Realloc(c->scores, c->nodes.capacity * sizeof(double));
        if (scores == NULL)
            return -1;
        c->scores = scores;
        at = c->nodes.count;
        c->scores[at - 1] = weight;
        if (node_map_set(&c->index, node, at) < 0)
            return -1;
    }
    c->scores[at - 1] += score;
    return 0;
}

/* Where node lies from root: (steps up, child indices down), for compiled.py to build its selectolax node. */
static PyObject *path_from(const node_t *root, const node_t *node)
{
    Py_ssize_t up = 0;
    if (node != root && !is_inside(node, root)) {
        for (const node_t *at = root; at != node && at != NULL; at = at->parent)
            up++;
        return Py_BuildValue("(n())", up);
    }
    PyObject *down = PyList_New(0);
    for (const node_t *at = node; down != NULL && at != root; at = at->parent) {
        Py_ssize_t index = 0;
        for (const node_t *sibling = at->prev; sibling != NULL; sibling = sibling->prev)
            index++;
        PyObject *number = PyLong_FromSsize_t(index);
        if (number == NULL || PyList_Append(down, number) < 0)
            Py_CLEAR(down);
        Py_XDECREF(number);
    }
    if (down == NULL || PyList_Reverse(down) < 0) {
        Py_XDECREF(down);
        return NULL;
    }
    PyObject *steps = PyList_AsTuple(down);
    Py_DECREF(down);
    return steps ? Py_BuildValue("(nN)", up, steps) : NULL;
}

/* scored(address, shortest, div_chars, tag ids): None, or (steps up, child indices down, address, score) of the
 * best-scored candidate under the node at address. */
static PyObject *scored(PyObject *Py_UNUSED(self), PyObject *args)
{
    unsigned long long address;
    Py_ssize_t shortest, div_chars;
    PyObject *tag_ids;
    if (!PyArg_ParseTuple(args, "KnnO!", &address, &shortest, &div_chars, &PyTuple_Type, &tag_ids))
        return NULL;
    if (!scoring.configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure_scoring() first");
        return NULL;
    }
    char tags[MAX_TAG_ID] = {0};
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tag_ids); i++) {
        size_t id = PyLong_AsSize_t(PyTuple_GET_ITEM(tag_ids, i));
        if (id == (size_t)-1 && PyErr_Occurred())
            return NULL;
        if (id < MAX_TAG_ID)
            tags[id] = 1;
    }
    const node_t *root = (const node_t *)(uintptr_t)address;
    node_list_t paragraphs = {NULL, 0, 0};
    candidates_t c = {{NULL, 0, 0}, NULL, {NULL, NULL, 0, 0}};
    int failed = paragraphs_under(root, tags, div_chars, &paragraphs) < 0;
    for (size_t i = 0; !failed && i < paragraphs.count; i++) {
        double score = 0.0;
        int scored = paragraph_score(paragraphs.items[i], shortest, &score);
        failed = scored < 0;
        if (scored <= 0)
            continue;
        const node_t *ancestor = paragraphs.items[i]->parent;
        for (int level = 1; !failed && level <= 2; level++) {
            if (ancestor == NULL || ancestor->local_name == scoring.html)
                break;
            failed = credit(&c, ancestor, score / (double)level) < 0;
            ancestor = ancestor->parent;
        }
    }
    PyObject *result = NULL;
    if (!failed && c.nodes.count == 0) {
        result = Py_None;
        Py_INCREF(result);
    }
    else if (!failed) {
        size_t best = 0; /* the first of the highest, as max() over a dict in insertion order */
        for (size_t i = 1; i < c.nodes.count; i++) {
            if (c.scores[i] > c.scores[best])
                best = i;
        }
        PyObject *path = path_from(root, c.nodes.items[best]);
        if (path != NULL)
            result = Py_BuildValue("(OOKd)", PyTuple_GET_ITEM(path, 0), PyTuple_GET_ITEM(path, 1),
                                   (unsigned long long)(uintptr_t)c.nodes.items[best], c.scores[best]);
        Py_XDECREF(path);
    }
    PyMem_Free(paragraphs.items);
    PyMem_Free(c.nodes.items);
    PyMem_Free(c.scores);
    node_map_free(&c.index);
    return result;
}

static int set_tags(char *tags, PyObject *ids)
{
    memset(tags, 0, MAX_TAG_ID);
    PyObject *iterator = PyObject_GetIter(ids), *item;
    if (iterator == NULL)
        return -1;
    while ((item = PyIter_Next(iterator)) != NULL) {
        size_t id = PyLong_AsSize_t(item);
        Py_DECREF(item);
        if (id == (size_t)-1 && PyErr_Occurred())
            break;
        if (id >= MAX_TAG_ID) {
            PyErr_SetString(PyExc_ValueError, "tag id out of range");
            break;
        }
        tags[id] = 1;
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? -1 : 0;
}

/* paragraph_chars(address, shortest): the characters of paragraph text under the node at address
 * (boilerplate._paragraph_text_in_python): every <p> from the node down of shortest characters or more, its
 * links left out. */
static PyObject *paragraph_chars(PyObject *Py_UNUSED(self), PyObject *args)
{
    unsigned long long address;
    Py_ssize_t shortest, total = 0;
    if (!PyArg_ParseTuple(args, "Kn", &address, &shortest))
        return NULL;
    if (!scoring.configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure_scoring() first");
        return NULL;
    }
    const node_t *root = (const node_t *)(uintptr_t)address, *node = root;
    while (node != NULL) {
        if (node->type == NODE_ELEMENT && node->local_name == scoring.p) {
            Py_ssize_t length = 0, linked = 0;
            if (stripped_text(node, 1, NULL, &length) < 0)
                return NULL;
            if (length >= shortest) {
                if (link_chars(node, &linked) < 0)
                    return NULL;
                total += length - linked;
            }
        }
        node = next_under(root, node, 1);
    }
    return PyLong_FromSsize_t(total);
}

/* configure_scoring(text, a, br, div, html, p, whole ids, block ids, line parent ids, widget, weight). */
static PyObject *configure_scoring(PyObject *Py_UNUSED(self), PyObject *args)
{
    unsigned long long text, a, br, div, html, p;
    PyObject *whole, *block, *line_parent, *widget, *weight;
    if (!PyArg_ParseTuple(args, "KKKKKKOOOOO", &text, &a, &br, &div, &html, &p, &whole, &block, &line_parent,
                          &widget, &weight))
        return NULL;
    scoring.configured = 0;
    if (set_tags(scoring.whole, whole) < 0 || set_tags(scoring.block, block) < 0 ||
        set_tags(scoring.line_parent, line_parent) < 0)
        return NULL;
    scoring.text = text, scoring.a = a, scoring.br = br, scoring.div = div, scoring.html = html, scoring.p = p;
    Py_INCREF(widget);
    Py_XSETREF(scoring.widget, widget);
    Py_INCREF(weight);
    Py_XSETREF(scoring.weight, weight);
    scoring.configured = 1;
    Py_RETURN_NONE;
}

/* Simple selector lists matched here instead of by lexbor's selector engine, whose every whole-tree query cost as
 * much as a block walk (prefilter.py's measured reason). Only what prefilter.compiled_query accepts arrives:
 * a list of parts, each a compound (a tag and attribute tests) with at most one ancestor compound. The nodes
 * found are made by selectolax's own LexborNode.new, read from the vtable its .pxd declares. */
typedef PyObject *(*new_node_f)(const node_t *, PyObject *);
static new_node_f new_node;

#define ATTR_CLASS ((uintptr_t)-1)
#define ATTR_ID ((uintptr_t)-2)
#define OP_PRESENT 0
#define OP_EQUALS 1
#define OP_CONTAINS 2
#define OP_FOLDED 10 /* added to an op: the value compared ASCII case-blind (HTML's list: type, rel, ...) */
#define MAX_TESTS 4
#define MAX_PARTS 128

typedef struct {
    uintptr_t name; /* an attribute's name id, or ATTR_CLASS, ATTR_ID */
    int op;
    const char *value;
    Py_ssize_t length;
} test_t;

typedef struct {
    uintptr_t tag; /* 0: any element */
    int count;
    test_t tests[MAX_TESTS];
} compound_t;

typedef struct {
    compound_t subject;
    int has_ancestor;
    compound_t ancestor;
} part_t;

static const lstr_t *attr_value(const node_t *node, uintptr_t name, int *present)
{
    const element_t *element = (const element_t *)node;
    const attr_t *found = NULL;
    if (name == ATTR_CLASS)
        found = element->attr_class;
    else if (name == ATTR_ID)
        found = element->attr_id;
    else {
        /* As lexbor's selectors read them: the first attribute of that local or qualified name (an SVG
         * element's xlink:href answers [href]). */
        for (const attr_t *attr = element->first_attr; attr != NULL && found == NULL; attr = attr->next) {
            if (attr->node.local_name == name || attr->qualified_name == name)
                found = attr;
        }
    }
    *present = found != NULL;
    return found ? found->value : NULL;
}

static int contains(const lstr_t *value, const char *text, Py_ssize_t length)
{
    if (value == NULL || value->data == NULL || length == 0 || (Py_ssize_t)value->length < length)
        return 0;
    const unsigned char *data = value->data, *last = data + value->length - length;
    for (const unsigned char *at = data; at <= last; at++) {
        at = memchr(at, (unsigned char)text[0], (size_t)(last - at + 1));
        if (at == NULL)
            return 0;
        if (memcmp(at, text, (size_t)length) == 0)
            return 1;
    }
    return 0;
}

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int folded_at(const unsigned char *data, const char *text, Py_ssize_t length, int fold)
{
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = data[i], t = (unsigned char)text[i];
        if (fold ? lower(c) != lower(t) : c != t)
            return 0;
    }
    return 1;
}

/* Whether value holds text, compared ASCII case-blind when fold (lexbor folds on HTML elements only); whole
 * when whole. */
static int folded_holds(const lstr_t *value, const char *text, Py_ssize_t length, int whole, int fold)
{
    Py_ssize_t size = (value && value->data) ? (Py_ssize_t)value->length : 0;
    if (whole)
        return size == length && folded_at(size ? value->data : (const unsigned char *)"", text, length, fold);
    for (Py_ssize_t at = 0; length > 0 && at + length <= size; at++) {
        if (folded_at(value->data + at, text, length, fold))
            return 1;
    }
    return 0;
}

/* The HTML namespace's id: lexbor folds the case of type and rel values on HTML elements only. */
static uintptr_t html_ns;

static int matches(const node_t *node, const compound_t *compound)
{
    if (node->type != NODE_ELEMENT || (compound->tag && node->local_name != compound->tag))
        return 0;
    for (int i = 0; i < compound->count; i++) {
        const test_t *test = &compound->tests[i];
        int present;
        const lstr_t *value = attr_value(node, test->name, &present);
        if (!present)
            return 0;
        if (test->op == OP_EQUALS) {
            Py_ssize_t length = (value && value->data) ? (Py_ssize_t)value->length : 0;
            if (length != test->length || (length && memcmp(value->data, test->value, (size_t)length) != 0))
                return 0;
        }
        else if (test->op == OP_CONTAINS && !contains(value, test->value, test->length))
            return 0;
        else if (test->op > OP_FOLDED &&
                 !folded_holds(value, test->value, test->length, test->op == OP_FOLDED + OP_EQUALS,
                               node->ns == html_ns))
            return 0;
    }
    return 1;
}

static int part_matches(const node_t *node, const part_t *part)
{
    if (!matches(node, &part->subject))
        return 0;
    if (!part->has_ancestor)
        return 1;
    for (const node_t *above = node->parent; above != NULL; above = above->parent) {
        if (matches(above, &part->ancestor))
            return 1;
    }
    return 0;
}

/* A compound from (tag id, ((name, op, value bytes), ...)): a name is an attribute's id, ATTR_CLASS, ATTR_ID, or
 * for a name outside lexbor's table (its id is the document's own) an index into document_ids, as
 * ATTR_DOCUMENT - index. 0, or -1 with an error set. */
#define ATTR_DOCUMENT ((uintptr_t)-16)
static int read_compound(PyObject *spec, compound_t *compound, PyObject *document_ids)
{
    PyObject *tests;
    unsigned long long tag;
    if (!PyArg_ParseTuple(spec, "KO!", &tag, &PyTuple_Type, &tests))
        return -1;
    compound->tag = (uintptr_t)tag;
    compound->count = (int)PyTuple_GET_SIZE(tests);
    if (compound->count > MAX_TESTS) {
        PyErr_SetString(PyExc_ValueError, "too many attribute tests");
        return -1;
    }
    for (int i = 0; i < compound->count; i++) {
        test_t *test = &compound->tests[i];
        unsigned long long name;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(tests, i), "Kiy#", &name, &test->op, &test->value, &test->length))
            return -1;
        test->name = (uintptr_t)name;
        if (test->name <= ATTR_DOCUMENT && test->name > ATTR_DOCUMENT - 64) {
            Py_ssize_t index = (Py_ssize_t)(ATTR_DOCUMENT - test->name);
            if (index >= PyTuple_GET_SIZE(document_ids)) {
                PyErr_SetString(PyExc_ValueError, "no such document attribute");
                return -1;
            }
            test->name = (uintptr_t)PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(document_ids, index));
            if (PyErr_Occurred())
                return -1;
        }
    }
    return 0;
}

/* select(address, parser, parts, document ids, first, the HTML namespace's id): the LexborNodes under the node at address (itself
 * included), in document order, that match one of the parts ((subject, ancestor or None), ...), each once (lexbor
 * lists a node once for each part it matches); only the first when first. */
static PyObject *select_nodes(PyObject *Py_UNUSED(self), PyObject *args)
{
    unsigned long long address;
    PyObject *parser, *specs, *document_ids;
    int first;
    unsigned long long ns;
    if (!PyArg_ParseTuple(args, "KOO!O!pK", &address, &parser, &PyTuple_Type, &specs, &PyTuple_Type,
                          &document_ids, &first, &ns))
        return NULL;
    html_ns = (uintptr_t)ns;
    if (new_node == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure_nodes() first");
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(specs);
    if (count > MAX_PARTS) {
        PyErr_SetString(PyExc_ValueError, "too many parts");
        return NULL;
    }
    part_t parts[MAX_PARTS];
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *subject, *ancestor;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(specs, i), "O!O", &PyTuple_Type, &subject, &ancestor) ||
            read_compound(subject, &parts[i].subject, document_ids) < 0)
            return NULL;
        parts[i].has_ancestor = ancestor != Py_None;
        if (parts[i].has_ancestor && (!PyTuple_Check(ancestor) || read_compound(ancestor, &parts[i].ancestor, document_ids) < 0)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "ancestor: tuple or None");
            return NULL;
        }
    }
    /* Most elements carry no attribute and a tag no part names: they are passed over without reading the parts
     * (the part loop cost 1 M instructions a page on ScrapingHub). */
    char named[MAX_TAG_ID] = {0};
    int any_tag = 0, attributes_only = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        uintptr_t tag = parts[i].subject.tag;
        if (tag == 0 && parts[i].subject.count == 0)
            any_tag = 1;
        else if (tag == 0)
            attributes_only = 1;
        else if (tag < MAX_TAG_ID)
            named[tag] = 1;
        else
            any_tag = 1;
    }
    PyObject *found = PyList_New(0);
    const node_t *root = (const node_t *)(uintptr_t)address, *node = root;
    while (found != NULL && node != NULL) {
        int hit = 0;
        if (node->type == NODE_ELEMENT &&
            (any_tag || (node->local_name < MAX_TAG_ID && named[node->local_name]) ||
             (attributes_only && ((const element_t *)node)->first_attr != NULL))) {
            for (Py_ssize_t i = 0; i < count && !hit; i++)
                hit = part_matches(node, &parts[i]);
        }
        if (hit) {
            PyObject *made = new_node(node, parser);
            if (made == NULL || PyList_Append(found, made) < 0)
                Py_CLEAR(found);
            Py_XDECREF(made);
            if (first)
                break;
        }
        node = next_under(root, node, 1);
    }
    return found;
}

/* node_object(address, parser): selectolax's LexborNode for the node at address (the layout check's probe). */
static PyObject *node_object(PyObject *Py_UNUSED(self), PyObject *args)
{
    unsigned long long address;
    PyObject *parser;
    if (!PyArg_ParseTuple(args, "KO", &address, &parser))
        return NULL;
    if (new_node == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure_nodes() first");
        return NULL;
    }
    return new_node((const node_t *)(uintptr_t)address, parser);
}

/* configure_nodes(capsule): LexborNode's vtable, whose first slot is its static new(node, parser). */
static PyObject *configure_nodes(PyObject *Py_UNUSED(self), PyObject *capsule)
{
    void *table = PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule));
    if (table == NULL)
        return NULL;
    new_node = *(new_node_f *)table;
    Py_RETURN_NONE;
}

/* (type, local_name, parent, first_child, next, prev, last_child) of a node: the layout check's view. */
static PyObject *node_fields(PyObject *self, PyObject *args)
{
    const node_t *node;
    if (address_arg(args, (const void **)&node) < 0)
        return NULL;
    return Py_BuildValue("(iKKKKKK)", node->type, (unsigned long long)node->local_name,
                         (unsigned long long)(uintptr_t)node->parent, (unsigned long long)(uintptr_t)node->first_child,
                         (unsigned long long)(uintptr_t)node->next, (unsigned long long)(uintptr_t)node->prev,
                         (unsigned long long)(uintptr_t)node->last_child);
}

/* The namespace id of a node. */
static PyObject *node_namespace(PyObject *self, PyObject *args)
{
    const node_t *node;
    if (address_arg(args, (const void **)&node) < 0)
        return NULL;
    return PyLong_FromUnsignedLongLong((unsigned long long)node->ns);
}

/* (first_attr, last_attr, attr_id, attr_class) of an element, as addresses. */
static PyObject *element_attrs(PyObject *self, PyObject *args)
{
    const element_t *element;
    if (address_arg(args, (const void **)&element) < 0)
        return NULL;
    return Py_BuildValue("(KKKK)", (unsigned long long)(uintptr_t)element->first_attr,
                         (unsigned long long)(uintptr_t)element->last_attr,
                         (unsigned long long)(uintptr_t)element->attr_id,
                         (unsigned long long)(uintptr_t)element->attr_class);
}

/* (name id, owner address, next attribute's address) of an attribute. */
static PyObject *attr_fields(PyObject *self, PyObject *args)
{
    const attr_t *attr;
    if (address_arg(args, (const void **)&attr) < 0)
        return NULL;
    uintptr_t name = attr->qualified_name ? attr->qualified_name : attr->node.local_name;
    return Py_BuildValue("(KKK)", (unsigned long long)name, (unsigned long long)(uintptr_t)attr->owner,
                         (unsigned long long)(uintptr_t)attr->next);
}

/* The byte length of a text node's data. */
static PyObject *text_length(PyObject *self, PyObject *args)
{
    const chardata_t *text;
    if (address_arg(args, (const void **)&text) < 0)
        return NULL;
    return PyLong_FromSize_t(text->data.length);
}

static PyObject *configure(PyObject *self, PyObject *args)
{
    PyObject *blocks, *headings, *block, *link, *normalizer;
    unsigned long long text, a, br, img, hr, href;
    if (!PyArg_ParseTuple(args, "O!O!KKKKKKO!O!O", &PyDict_Type, &blocks, &PyFrozenSet_Type, &headings, &text, &a,
                          &br, &img, &hr, &href, &PyType_Type, &block, &PyType_Type, &link, &normalizer))
        return NULL;
    Py_INCREF(block);
    Py_XSETREF(block_type, block);
    Py_INCREF(link);
    Py_XSETREF(link_type, link);
    Py_INCREF(normalizer);
    Py_XSETREF(normalize, normalizer);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    for (int i = 0; i < MAX_TAG_ID; i++) {
        Py_CLEAR(block_names[i]);
        heading[i] = 0;
    }
    while (PyDict_Next(blocks, &pos, &key, &value)) {
        unsigned long long id = PyLong_AsUnsignedLongLong(key);
        if (PyErr_Occurred())
            return NULL;
        if (id >= MAX_TAG_ID || !PyUnicode_Check(value)) {
            PyErr_SetString(PyExc_ValueError, "tag id out of range");
            return NULL;
        }
        Py_INCREF(value);
        block_names[id] = value;
        heading[id] = (char)PySet_Contains(headings, value);
    }
    text_id = text, a_id = a, br_id = br, img_id = img, hr_id = hr, href_id = href;
    configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"runs", runs, METH_VARARGS, "The raw runs (text, tag, links or None) under the node at an address, or None."},
    {"blocks", blocks, METH_VARARGS, "The Blocks under the node at an address, or None past the node limit."},
    {"clean_line", clean_line, METH_O, "text.clean_line."},
    {"tag_stats", tag_stats, METH_VARARGS, "(count of '<', whether a long tag has too many '=')."},
    {"utf8", utf8, METH_O, "str.encode('utf-8', 'ignore')."},
    {"names", names, METH_VARARGS, "The distinct class and id names under the node at an address, lower-cased."},
    {"configure", configure, METH_VARARGS, "Set the tag and attribute ids read from the parser."},
    {"scored", scored, METH_VARARGS, "None or (steps up, indices down, address, score) of the best candidate."},
    {"paragraph_chars", paragraph_chars, METH_VARARGS, "Characters of paragraph text under a node, links left out."},
    {"select", select_nodes, METH_VARARGS, "The LexborNodes under a node that match simple selector parts."},
    {"node_object", node_object, METH_VARARGS, "selectolax's LexborNode for the node at an address."},
    {"configure_nodes", configure_nodes, METH_O, "Read LexborNode.new from selectolax's vtable capsule."},
    {"configure_scoring", configure_scoring, METH_VARARGS, "Set the tag ids and callables the scoring uses."},
    {"node_fields", node_fields, METH_VARARGS, "(type, local_name, parent, first_child, next, prev, last_child)."},
    {"node_namespace", node_namespace, METH_VARARGS, "The namespace id of a node."},
    {"element_attrs", element_attrs, METH_VARARGS, "(first_attr, last_attr, attr_id, attr_class)."},
    {"attr_fields", attr_fields, METH_VARARGS, "(name id, owner, next) of an attribute."},
    {"text_length", text_length, METH_VARARGS, "The byte length of a text node's data."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blocks", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blocks(void)
{
    empty_str = PyUnicode_FromStringAndSize(NULL, 0);
    empty_tuple = PyTuple_New(0);
    nfc = PyUnicode_InternFromString("NFC");
    comma = PyUnicode_InternFromString(",");
    text_name = PyUnicode_InternFromString("text");
    tag_name = PyUnicode_InternFromString("tag");
    links_name = PyUnicode_InternFromString("links");
    href_name = PyUnicode_InternFromString("href");
    if (!empty_str || !empty_tuple || !nfc || !comma || !text_name || !tag_name || !links_name || !href_name)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "SOURCE_DIGEST", SOURCE_DIGEST) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
