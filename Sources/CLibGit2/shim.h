#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one fixed-argument wrapper per option used. */
static inline int pactoria_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

static inline int pactoria_git_set_cache_object_limit(git_object_t type, size_t size) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}

static inline int pactoria_git_enable_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/* ---- Blob filter bridge (PactoriaGit/BlobFilter.swift) ----------------------------------------
 * One libgit2 filter, registered once per process with no attribute requirement, whose check and
 * apply steps call back into Swift. The filter buffers a file's whole content, hands it to Swift
 * when libgit2 closes the stream, and writes what Swift returns (or the input, unchanged) to the
 * next stream. A failure carries Swift's one-line message into libgit2's error state. */
#include <git2/sys/filter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Finds the Swift filter for `repo_dir` (the repository's common git directory); returns 0 with
 * *payload set (retained), or GIT_PASSTHROUGH. */
typedef int (*pactoria_filter_check_fn)(const char *repo_dir, const char *path, int to_worktree, void **payload);
/* Filters `in`: returns 0 with *out (malloc'd; NULL leaves the content unchanged), or -1 with
 * *message (malloc'd, one line, no secrets). */
typedef int (*pactoria_filter_apply_fn)(
    void *payload, const char *path, int to_worktree, const unsigned char *in, size_t in_len, unsigned char **out,
    size_t *out_len, char **message);
/* Releases the payload set by check. */
typedef void (*pactoria_filter_release_fn)(void *payload);

typedef struct {
    git_filter parent;
    pactoria_filter_check_fn check;
    pactoria_filter_apply_fn apply;
    pactoria_filter_release_fn release;
} pactoria_filter;

typedef struct {
    git_writestream parent;
    pactoria_filter *filter;
    void *payload;
    const git_filter_source *source;
    git_writestream *next;
    unsigned char *data;
    size_t length, capacity;
    int failed;
} pactoria_filter_stream;

/* Overwrites `len` bytes before they are freed (plaintext of sealed files passes through here). */
static inline void pactoria_filter_wipe(unsigned char *p, size_t len) {
    volatile unsigned char *v = p;
    while (len--) *v++ = 0;
}

static inline int pactoria_filter_stream_write(git_writestream *s, const char *buffer, size_t len) {
    pactoria_filter_stream *st = (pactoria_filter_stream *)s;
    if (len == 0) return 0;
    if (st->failed) return -1;
    if (len > SIZE_MAX - st->length) {
        st->failed = 1;
        git_error_set_str(GIT_ERROR_FILTER, "the file is too large to filter");
        return -1;
    }
    size_t need = st->length + len;
    if (need > st->capacity) {
        size_t cap = st->capacity ? st->capacity : 16384;
        while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        unsigned char *grown = (unsigned char *)malloc(cap);
        if (!grown) {
            st->failed = 1;
            git_error_set_oom();
            return -1;
        }
        if (st->data) {
            memcpy(grown, st->data, st->length);
            pactoria_filter_wipe(st->data, st->length);
            free(st->data);
        }
        st->data = grown;
        st->capacity = cap;
    }
    memcpy(st->data + st->length, buffer, len);
    st->length = need;
    return 0;
}

static inline int pactoria_filter_stream_close(git_writestream *s) {
    pactoria_filter_stream *st = (pactoria_filter_stream *)s;
    unsigned char *out = NULL;
    size_t out_len = 0;
    char *message = NULL;
    int error;
    if (st->failed) {
        st->next->close(st->next);
        return -1;
    }
    error = st->filter->apply(
        st->payload, git_filter_source_path(st->source),
        git_filter_source_mode(st->source) == GIT_FILTER_TO_WORKTREE, st->data, st->length, &out, &out_len,
        &message);
    if (error < 0) {
        /* Like libgit2's own buffered filters: close the next stream, then report this failure. */
        st->next->close(st->next);
        git_error_set_str(GIT_ERROR_FILTER, message ? message : "the blob filter failed");
        free(message);
        if (out) free(out);
        return -1;
    }
    if (out) {
        error = st->next->write(st->next, (const char *)out, out_len);
        pactoria_filter_wipe(out, out_len);
        free(out);
    } else {
        error = st->next->write(st->next, (const char *)st->data, st->length);
    }
    if (error == 0) error = st->next->close(st->next);
    return error;
}

static inline void pactoria_filter_stream_free(git_writestream *s) {
    pactoria_filter_stream *st = (pactoria_filter_stream *)s;
    if (st->data) {
        pactoria_filter_wipe(st->data, st->length);
        free(st->data);
    }
    free(st);
}

static inline int pactoria_filter_stream_open(
    git_writestream **out, git_filter *self, void **payload, const git_filter_source *src, git_writestream *next) {
    pactoria_filter_stream *st = (pactoria_filter_stream *)calloc(1, sizeof(pactoria_filter_stream));
    if (!st) {
        git_error_set_oom();
        return -1;
    }
    st->parent.write = pactoria_filter_stream_write;
    st->parent.close = pactoria_filter_stream_close;
    st->parent.free = pactoria_filter_stream_free;
    st->filter = (pactoria_filter *)self;
    st->payload = *payload;
    st->source = src;
    st->next = next;
    *out = &st->parent;
    return 0;
}

static inline int pactoria_filter_check(
    git_filter *self, void **payload, const git_filter_source *src, const char **attr_values) {
    (void)attr_values;
    pactoria_filter *f = (pactoria_filter *)self;
    git_repository *repo = git_filter_source_repo(src);
    const char *dir = repo ? git_repository_commondir(repo) : NULL;
    const char *path = git_filter_source_path(src);
    if (!dir || !path) return GIT_PASSTHROUGH;
    return f->check(dir, path, git_filter_source_mode(src) == GIT_FILTER_TO_WORKTREE, payload);
}

static inline void pactoria_filter_cleanup(git_filter *self, void *payload) {
    if (payload) ((pactoria_filter *)self)->release(payload);
}

/* Registers the bridge as `name` at `priority` (once per process; the filter is never freed). */
static inline int pactoria_filter_register(
    const char *name, int priority, pactoria_filter_check_fn check, pactoria_filter_apply_fn apply,
    pactoria_filter_release_fn release) {
    pactoria_filter *f = (pactoria_filter *)calloc(1, sizeof(pactoria_filter));
    if (!f) {
        git_error_set_oom();
        return -1;
    }
    git_filter_init(&f->parent, GIT_FILTER_VERSION);
    f->parent.attributes = NULL;
    f->parent.check = pactoria_filter_check;
    f->parent.stream = pactoria_filter_stream_open;
    f->parent.cleanup = pactoria_filter_cleanup;
    f->check = check;
    f->apply = apply;
    f->release = release;
    int rc = git_filter_register(name, &f->parent, priority);
    if (rc < 0) free(f);
    return rc;
}
