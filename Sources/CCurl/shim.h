#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/* libcurl is loaded on first use, not at process start.
 *
 * Linking it outright makes every run of `pactoria` map and relocate libcurl's dependency tree
 * (TLS, LDAP, Kerberos, SSH, HTTP/2, IDN, PSL: about 25 shared libraries on Debian), about 5 ms
 * of dynamic linking before `main`, although only the AI provider ever makes an HTTP request.
 * git keeps libcurl out of its main binary for the same reason (it lives in git-remote-http).
 *
 * So nothing here links libcurl: the functions Pactoria uses are looked up once, with dlopen on
 * libcurl's ABI name, and every call goes through `pactoria_curl()`. When libcurl cannot be
 * loaded each forwarder returns CURLE_FAILED_INIT (or NULL), and `pactoria_curl_load_error()`
 * says why, so the Swift wrapper can give a clear error instead of crashing. The headers still
 * come from libcurl4-openssl-dev: the option numbers and types are libcurl's ABI, stable across
 * its 7.x and 8.x releases (SONAME libcurl.so.4). */

#define PACTORIA_CURL_SONAME "libcurl.so.4"

typedef struct {
    int loaded;
    char error[256];
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} pactoria_curl_api;

/* The state lives in function-local statics: Swift's importer emits the bodies of inline functions
   a module uses (with their local statics), but not a header's global variables. */
static inline pactoria_curl_api *pactoria_curl_state(void) {
    static pactoria_curl_api table;
    return &table;
}
static inline pthread_once_t *pactoria_curl_once(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    return &once;
}

static inline void pactoria_curl_copy_error(const char *text) {
    pactoria_curl_api *t = pactoria_curl_state();
    size_t i = 0;
    if (text == NULL) text = "unknown error";
    for (; text[i] != 0 && i + 1 < sizeof t->error; i++) t->error[i] = text[i];
    t->error[i] = 0;
}

static inline void pactoria_curl_load_once(void) {
    pactoria_curl_api *t = pactoria_curl_state();
    /* RTLD_LOCAL: libcurl's symbols serve only these lookups. The handle is never closed
       (libcurl keeps global state until exit, as it would if linked). */
    void *lib = dlopen(PACTORIA_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        pactoria_curl_copy_error(dlerror());
        return;
    }
#define PACTORIA_CURL_SYM(field, name)                                                                        \
    do {                                                                                                      \
        *(void **)(&t->field) = dlsym(lib, name);                                            \
        if (t->field == NULL) {                                                                              \
            pactoria_curl_copy_error("libcurl.so.4 has no symbol " name);                                     \
            return;                                                                                           \
        }                                                                                                     \
    } while (0)
    PACTORIA_CURL_SYM(global_init, "curl_global_init");
    PACTORIA_CURL_SYM(easy_init, "curl_easy_init");
    PACTORIA_CURL_SYM(easy_cleanup, "curl_easy_cleanup");
    PACTORIA_CURL_SYM(easy_perform, "curl_easy_perform");
    PACTORIA_CURL_SYM(easy_strerror, "curl_easy_strerror");
    PACTORIA_CURL_SYM(easy_setopt, "curl_easy_setopt");
    PACTORIA_CURL_SYM(easy_getinfo, "curl_easy_getinfo");
    PACTORIA_CURL_SYM(slist_append, "curl_slist_append");
    PACTORIA_CURL_SYM(slist_free_all, "curl_slist_free_all");
#undef PACTORIA_CURL_SYM
    t->loaded = 1;
}

/* The loaded functions, or NULL when libcurl could not be loaded. */
static inline const pactoria_curl_api *pactoria_curl(void) {
    pthread_once(pactoria_curl_once(), pactoria_curl_load_once);
    pactoria_curl_api *t = pactoria_curl_state();
    return t->loaded ? t : NULL;
}

/* Why libcurl could not be loaded (empty when it was). */
static inline const char *pactoria_curl_load_error(void) {
    pthread_once(pactoria_curl_once(), pactoria_curl_load_once);
    return pactoria_curl_state()->error;
}

static inline CURLcode pactoria_curl_global_init(long flags) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->global_init(flags) : CURLE_FAILED_INIT;
}
static inline CURL *pactoria_curl_easy_init(void) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_init() : NULL;
}
static inline void pactoria_curl_easy_cleanup(CURL *h) {
    const pactoria_curl_api *c = pactoria_curl();
    if (c) c->easy_cleanup(h);
}
static inline CURLcode pactoria_curl_easy_perform(CURL *h) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_perform(h) : CURLE_FAILED_INIT;
}
static inline const char *pactoria_curl_easy_strerror(CURLcode code) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_strerror(code) : "libcurl is not loaded";
}
static inline struct curl_slist *pactoria_curl_slist_append(struct curl_slist *l, const char *s) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->slist_append(l, s) : NULL;
}
static inline void pactoria_curl_slist_free_all(struct curl_slist *l) {
    const pactoria_curl_api *c = pactoria_curl();
    if (c) c->slist_free_all(l);
}

/* curl_easy_setopt and curl_easy_getinfo are variadic in C; Swift cannot call them, so these
   typed helpers forward one argument each. */
static inline CURLcode pactoria_curl_setopt_long(CURL *h, CURLoption o, long v) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_setopt(h, o, v) : CURLE_FAILED_INIT;
}
static inline CURLcode pactoria_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_setopt(h, o, v) : CURLE_FAILED_INIT;
}
static inline CURLcode pactoria_curl_setopt_write(CURL *h, CURLoption o, size_t (*f)(char *, size_t, size_t, void *)) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_setopt(h, o, f) : CURLE_FAILED_INIT;
}
static inline CURLcode pactoria_curl_getinfo_long(CURL *h, CURLINFO i, long *v) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_getinfo(h, i, v) : CURLE_FAILED_INIT;
}
/* Options whose argument is a curl_off_t (e.g. CURLOPT_POSTFIELDSIZE_LARGE). */
static inline CURLcode pactoria_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) {
    const pactoria_curl_api *c = pactoria_curl();
    return c ? c->easy_setopt(h, o, v) : CURLE_FAILED_INIT;
}
/* CURLOPT_HEADERFUNCTION has the same shape as CURLOPT_WRITEFUNCTION; a named forwarder keeps call sites explicit. */
static inline CURLcode pactoria_curl_setopt_header_callback(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return pactoria_curl_setopt_write(h, CURLOPT_HEADERFUNCTION, f);
}
/* CURL_GLOBAL_DEFAULT is a macro expression; expose it as a plain value. */
static inline long pactoria_curl_global_default_flags(void) { return CURL_GLOBAL_DEFAULT; }
