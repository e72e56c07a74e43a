#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

/* Building an OSSL_PARAM array from Swift is awkward (the constructors take mutable char
   buffers and the array must end with a terminator), so this helper initialises an HMAC
   EVP_MAC_CTX with SHA-256 as its digest. Returns 1 on success like EVP_MAC_init. */
static inline int pactoria_mac_init_hmac_sha256(EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen) {
    char digest[] = "SHA256";
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(ctx, key, keylen, params);
}
