#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic macros in C; Swift cannot call them,
   so these typed inline helpers forward one argument each. */
static inline CURLcode pactoria_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pactoria_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pactoria_curl_setopt_write(CURL *h, CURLoption o, size_t (*f)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, o, f); }
static inline CURLcode pactoria_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }

/* Options whose argument is a curl_off_t (e.g. CURLOPT_POSTFIELDSIZE_LARGE). */
static inline CURLcode pactoria_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
/* CURLOPT_HEADERFUNCTION has the same shape as CURLOPT_WRITEFUNCTION; a named forwarder keeps call sites explicit. */
static inline CURLcode pactoria_curl_setopt_header_callback(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }
/* CURL_GLOBAL_DEFAULT is a macro expression; expose it as a plain value. */
static inline long pactoria_curl_global_default_flags(void) { return CURL_GLOBAL_DEFAULT; }
