/* The C ABI from C: every function and every status, four threads at once, every buffer
 * freed (run under valgrind by tests/c_program.rs, linked statically and dynamically).
 *
 * Usage: test_ace_pga SAMPLES_DIR VERSION
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ace_pga.h"

#ifdef ACE_PGA_TESTING
AcePgaStatus ace_pga_test_panic(uint8_t **out, size_t *out_len);
#endif

static int passed = 0, failed = 0;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (cond) {                                                                          \
            passed++;                                                                        \
        } else {                                                                             \
            failed++;                                                                        \
            fprintf(stderr, "FAILED %s:%d: %s: ", __FILE__, __LINE__, #cond);                \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fprintf(stderr, "\n");                                                           \
        }                                                                                    \
    } while (0)

static const char *samples;

typedef struct {
    uint8_t *data;
    size_t len;
} Buf;

static Buf read_sample(const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", samples, name);
    Buf b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc((size_t)n + 1);
    b.len = fread(b.data, 1, (size_t)n, f);
    fclose(f);
    return b;
}

/* Every returned buffer: not NULL, NUL after `len` bytes. */
static void check_out(const uint8_t *out, size_t len, const char *what) {
    CHECK(out != NULL, "%s: out is NULL", what);
    if (out) CHECK(out[len] == 0, "%s: no NUL after the output", what);
}

static int contains(const uint8_t *out, const char *needle) {
    return out && strstr((const char *)out, needle) != NULL;
}

static void test_version(const char *want) {
    const char *v = ace_pga_version();
    CHECK(v != NULL && strcmp(v, want) == 0, "version %s, want %s", v ? v : "(null)", want);
}

static void test_decode_and_encode(void) {
    Buf sample = read_sample("valid/or2-single.txt");
    uint8_t *out = NULL;
    size_t len = 0;
    AcePgaStatus s = ace_pga_decode_json(sample.data, sample.len, NULL, &out, &len);
    check_out(out, len, "decode");
    CHECK(s == ACE_PGA_OK, "decode status %d", s);
    CHECK(contains(out, "\"organic\":["), "decode has the organic views");

    /* encode(decode(x)) == x */
    uint8_t *bytes = NULL;
    size_t n = 0;
    s = ace_pga_encode_json(out, len, NULL, &bytes, &n);
    check_out(bytes, n, "encode");
    CHECK(s == ACE_PGA_OK, "encode status %d", s);
    CHECK(n == sample.len && memcmp(bytes, sample.data, n) == 0, "encode gives the sample back");
    ace_pga_free(bytes, n);
    ace_pga_free(out, len);

    /* encode: not a decode document */
    const char *bad = "[1,2]";
    s = ace_pga_encode_json((const uint8_t *)bad, strlen(bad), NULL, &out, &len);
    check_out(out, len, "encode bad");
    CHECK(s == ACE_PGA_INVALID, "encode of [1,2]: status %d", s);
    CHECK(contains(out, "\"error\":") && contains(out, "\"findings\":[]"), "%s", out);
    ace_pga_free(out, len);

    /* encode: NULL json */
    s = ace_pga_encode_json(NULL, 0, NULL, &out, &len);
    check_out(out, len, "encode NULL");
    CHECK(s == ACE_PGA_USAGE, "encode NULL: status %d", s);
    ace_pga_free(out, len);

    /* decode: a strict parse error, then the same leniently */
    Buf shortline = read_sample("invalid/short-line-strict.txt");
    s = ace_pga_decode_json(shortline.data, shortline.len, NULL, &out, &len);
    check_out(out, len, "decode invalid");
    CHECK(s == ACE_PGA_INVALID, "decode of a short line: status %d", s);
    CHECK(contains(out, "\"findings\":[{") && contains(out, "\"rule\":\"F-001\""), "%s", out);
    ace_pga_free(out, len);
    s = ace_pga_decode_json(shortline.data, shortline.len, "{\"lenient\": true}", &out, &len);
    check_out(out, len, "decode lenient");
    CHECK(s == ACE_PGA_OK, "lenient decode of a short line: status %d", s);
    ace_pga_free(out, len);
    free(shortline.data);

    /* decode: usage errors */
    s = ace_pga_decode_json(NULL, 10, NULL, &out, &len);
    check_out(out, len, "decode NULL");
    CHECK(s == ACE_PGA_USAGE && contains(out, "data is NULL"), "%d %s", s, out);
    ace_pga_free(out, len);
    s = ace_pga_decode_json(sample.data, sample.len, "{\"lenient\": 1}", &out, &len);
    check_out(out, len, "decode bad options");
    CHECK(s == ACE_PGA_USAGE && contains(out, "options: invalid type"), "%d %s", s, out);
    ace_pga_free(out, len);
    s = ace_pga_decode_json(sample.data, sample.len, "not json", &out, &len);
    check_out(out, len, "decode options not JSON");
    CHECK(s == ACE_PGA_USAGE, "options not JSON: %d", s);
    ace_pga_free(out, len);
    /* options decode does not use are checked too; an array is not an options object */
    s = ace_pga_decode_json(sample.data, sample.len, "{\"rules\": {\"XX-1\": \"off\"}}", &out, &len);
    check_out(out, len, "decode unused bad option");
    CHECK(s == ACE_PGA_USAGE && contains(out, "XX-1: unknown rule id"), "%d %s", s, out);
    ace_pga_free(out, len);
    s = ace_pga_decode_json(sample.data, sample.len, "[true]", &out, &len);
    check_out(out, len, "decode options array");
    CHECK(s == ACE_PGA_USAGE && contains(out, "expected a JSON object"), "%d %s", s, out);
    ace_pga_free(out, len);
    /* no place for the result */
    s = ace_pga_decode_json(sample.data, sample.len, NULL, NULL, &len);
    CHECK(s == ACE_PGA_USAGE, "out NULL: %d", s);
    out = (uint8_t *)sample.data;
    s = ace_pga_decode_json(sample.data, sample.len, NULL, &out, NULL);
    CHECK(s == ACE_PGA_USAGE && out == NULL, "out_len NULL: %d", s);
    ace_pga_free(NULL, 0);
    free(sample.data);
}

static void test_check(void) {
    const char *opts = "{\"as_of\": \"2026-03-16\"}";
    Buf good = read_sample("valid/or1-full.txt");
    uint8_t *out = NULL;
    size_t len = 0;
    AcePgaStatus s = ace_pga_check_json(good.data, good.len, opts, &out, &len);
    check_out(out, len, "check");
    CHECK(s == ACE_PGA_OK, "check of a valid sample: %d %s", s, out);
    CHECK(contains(out, "\"errors\":0") && contains(out, "\"as_of\":\"2026-03-16\""), "%s", out);
    ace_pga_free(out, len);

    Buf bad = read_sample("invalid/or2-nop-id-10-digit.txt");
    s = ace_pga_check_json(bad.data, bad.len, opts, &out, &len);
    check_out(out, len, "check invalid");
    CHECK(s == ACE_PGA_INVALID, "check of an invalid sample: %d", s);
    CHECK(contains(out, "\"severity\":\"error\"") && contains(out, "\"by_rule\":{"), "%s", out);
    ace_pga_free(out, len);

    /* its only error (OR-002) made a warning: OK */
    s = ace_pga_check_json(bad.data, bad.len,
                           "{\"as_of\": \"2026-03-16\", \"rules\": {\"OR-002\": \"warning\"}}",
                           &out, &len);
    check_out(out, len, "check rules");
    CHECK(s == ACE_PGA_OK, "check with OR-002 a warning: %d %s", s, out);
    CHECK(contains(out, "\"rule\":\"OR-002\""), "%s", out);
    CHECK(contains(out, "\"warnings\":1") && contains(out, "\"errors\":0"), "%s", out);
    ace_pga_free(out, len);

    s = ace_pga_check_json(bad.data, bad.len, "{\"rules\": {\"XX-999\": \"off\"}}", &out, &len);
    check_out(out, len, "check unknown rule");
    CHECK(s == ACE_PGA_USAGE && contains(out, "XX-999: unknown rule id"), "%d %s", s, out);
    ace_pga_free(out, len);
    s = ace_pga_check_json(bad.data, bad.len, "{\"as_of\": \"26-03-16\"}", &out, &len);
    check_out(out, len, "check bad date");
    CHECK(s == ACE_PGA_USAGE, "bad as_of: %d", s);
    ace_pga_free(out, len);
    s = ace_pga_check_json(NULL, 0, NULL, &out, &len);
    check_out(out, len, "check NULL");
    CHECK(s == ACE_PGA_USAGE, "check NULL: %d", s);
    ace_pga_free(out, len);
    free(good.data);
    free(bad.data);
}

static void test_status(void) {
    Buf sub = read_sample("valid/or2-single.txt");
    Buf sx = read_sample("valid/sx-response.txt");
    Buf so = read_sample("valid/so-status.txt");
    const uint8_t *responses[2] = {sx.data, so.data};
    size_t lens[2] = {sx.len, so.len};
    uint8_t *out = NULL;
    size_t len = 0;
    AcePgaStatus s = ace_pga_status_json(sub.data, sub.len, responses, lens, 2, &out, &len);
    check_out(out, len, "status");
    CHECK(s == ACE_PGA_OK, "status: %d %s", s, out);
    CHECK(contains(out, "\"lines\":[{") && contains(out, "\"responses[1]\""), "%s", out);
    ace_pga_free(out, len);

    /* an empty response: skipped, listed, INVALID with the document */
    const uint8_t empty[1] = {0};
    const uint8_t *with_empty[2] = {sx.data, empty};
    size_t with_empty_lens[2] = {sx.len, 0};
    s = ace_pga_status_json(sub.data, sub.len, with_empty, with_empty_lens, 2, &out, &len);
    check_out(out, len, "status skipped");
    CHECK(s == ACE_PGA_INVALID && contains(out, "\"skipped\":[{"), "%d %s", s, out);
    ace_pga_free(out, len);

    Buf broken = read_sample("invalid/short-line-strict.txt");
    s = ace_pga_status_json(broken.data, broken.len, responses, lens, 2, &out, &len);
    check_out(out, len, "status invalid submission");
    CHECK(s == ACE_PGA_INVALID && contains(out, "\"findings\":[{"), "%d %s", s, out);
    ace_pga_free(out, len);

    s = ace_pga_status_json(sub.data, sub.len, NULL, lens, 2, &out, &len);
    check_out(out, len, "status NULL responses");
    CHECK(s == ACE_PGA_USAGE, "status NULL responses: %d", s);
    ace_pga_free(out, len);
    const uint8_t *with_null[2] = {sx.data, NULL};
    s = ace_pga_status_json(sub.data, sub.len, with_null, lens, 2, &out, &len);
    check_out(out, len, "status NULL response");
    CHECK(s == ACE_PGA_USAGE && contains(out, "responses[1] is NULL"), "%d %s", s, out);
    ace_pga_free(out, len);
    s = ace_pga_status_json(NULL, 0, NULL, NULL, 0, &out, &len);
    check_out(out, len, "status NULL submission");
    CHECK(s == ACE_PGA_USAGE, "status NULL submission: %d", s);
    ace_pga_free(out, len);
    free(sub.data);
    free(sx.data);
    free(so.data);
    free(broken.data);
}

static void test_internal(void) {
#ifdef ACE_PGA_TESTING
    uint8_t *out = NULL;
    size_t len = 0;
    AcePgaStatus s = ace_pga_test_panic(&out, &len);
    check_out(out, len, "panic");
    CHECK(s == ACE_PGA_INTERNAL && contains(out, "internal error: test panic"), "%d %s", s, out);
    ace_pga_free(out, len);
#endif
}

/* Mutated transmissions and decode documents (bytes flipped, cut short): every call answers
 * OK or INVALID with a NUL-terminated document, never crashes, never leaks. */
static void test_hostile_inputs(void) {
    Buf sample = read_sample("valid/or2-single.txt");
    uint8_t *doc = NULL;
    size_t doc_len = 0;
    ace_pga_decode_json(sample.data, sample.len, NULL, &doc, &doc_len);
    uint8_t *copy = malloc(sample.len > doc_len ? sample.len : doc_len);
    unsigned long long seed = 0x9E3779B97F4A7C15ULL;
    int answered = 0;
    for (int round = 0; round < 60; round++) {
        int json = round % 2;
        const uint8_t *src = json ? doc : sample.data;
        size_t n = json ? doc_len : sample.len;
        memcpy(copy, src, n);
        for (int k = 0; k < 1 + round % 5; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            copy[(seed >> 33) % n] = (uint8_t)(seed >> 17);
        }
        if (round % 3 == 0) n = (size_t)((seed >> 40) % n);
        uint8_t *out = NULL;
        size_t len = 0;
        AcePgaStatus s = json ? ace_pga_encode_json(copy, n, NULL, &out, &len)
                              : ace_pga_check_json(copy, n, "{\"lenient\": true}", &out, &len);
        check_out(out, len, "hostile");
        if (s == ACE_PGA_OK || s == ACE_PGA_INVALID) answered++;
        ace_pga_free(out, len);
        if (!json) {
            s = ace_pga_decode_json(copy, n, NULL, &out, &len);
            check_out(out, len, "hostile decode");
            CHECK(s == ACE_PGA_OK || s == ACE_PGA_INVALID, "hostile decode: %d", s);
            ace_pga_free(out, len);
        }
    }
    CHECK(answered == 60, "%d of 60 mutated inputs answered OK or INVALID", answered);
    free(copy);
    ace_pga_free(doc, doc_len);
    free(sample.data);
}

/* Four threads decode and check the same input at once; each gets the same bytes. */
typedef struct {
    Buf input;
    uint8_t *out;
    size_t len;
    AcePgaStatus status;
} Job;

static void *work(void *arg) {
    Job *job = arg;
    for (int i = 0; i < 5; i++) {
        uint8_t *out = NULL;
        size_t len = 0;
        ace_pga_check_json(job->input.data, job->input.len, "{\"as_of\": \"2026-03-16\"}", &out, &len);
        ace_pga_free(out, len);
    }
    job->status = ace_pga_decode_json(job->input.data, job->input.len, NULL, &job->out, &job->len);
    return NULL;
}

static void test_threads(void) {
    Buf input = read_sample("valid/or2-multi.txt");
    Job jobs[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (Job){input, NULL, 0, ACE_PGA_INTERNAL};
        pthread_create(&threads[i], NULL, work, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    for (int i = 0; i < 4; i++) {
        CHECK(jobs[i].status == ACE_PGA_OK, "thread %d: %d", i, jobs[i].status);
        CHECK(jobs[i].len == jobs[0].len && memcmp(jobs[i].out, jobs[0].out, jobs[0].len) == 0,
              "thread %d: same document", i);
    }
    for (int i = 0; i < 4; i++) ace_pga_free(jobs[i].out, jobs[i].len);
    free(input.data);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SAMPLES_DIR VERSION\n", argv[0]);
        return 2;
    }
    samples = argv[1];
    test_version(argv[2]);
    test_decode_and_encode();
    test_check();
    test_status();
    test_internal();
    test_hostile_inputs();
    test_threads();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
