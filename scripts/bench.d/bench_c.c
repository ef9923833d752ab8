/*
 * The C ABI side of scripts/bench: one timed operation through glance.h,
 * reported as one JSON line like examples/bench_client.rs.
 *
 *   bench_c download IMAGE_ID FILE [--no-verify]
 *   bench_c upload FILE [--no-verify] [--chunked|--content-length]   (creates, uploads, deletes)
 *   bench_c gets IDS_FILE
 *
 * BENCH_ENDPOINT + BENCH_TOKEN: that endpoint and token (the bench server);
 * otherwise the OS_* environment.
 */
#include <glance.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static int fail(const char *what) {
    const struct glance_error *e = glance_error_last();
    fprintf(stderr, "bench_c: %s: %s\n", what, e ? glance_error_message(e) : "?");
    return 1;
}

static int has_flag(int argc, char **argv, const char *flag) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0) return 1;
    return 0;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: see the comment at the top of bench_c.c\n");
        return 2;
    }
    struct glance_config *config = NULL;
    const char *endpoint = getenv("BENCH_ENDPOINT"), *token = getenv("BENCH_TOKEN");
    if (endpoint && token) {
        config = glance_config_new();
        if (glance_config_set_endpoint(config, endpoint) || glance_config_set_token(config, token))
            return fail("config");
    } else if (glance_config_from_env(&config)) {
        return fail("config from env");
    }
    struct glance_client *client = NULL;
    if (glance_config_build(config, &client)) return fail("build");
    char *url = NULL; /* authenticates before the clock starts */
    if (glance_client_endpoint_url(client, "image", &url)) return fail("endpoint");
    glance_string_free(url);

    struct glance_transfer_opts *opts = glance_transfer_opts_new();
    glance_transfer_opts_set_skip_verification(opts, has_flag(argc, argv, "--no-verify"));
    glance_transfer_opts_set_restart(opts, true);
    if (has_flag(argc, argv, "--chunked")) glance_transfer_opts_set_framing(opts, GLANCE_FRAMING_CHUNKED);
    if (has_flag(argc, argv, "--content-length"))
        glance_transfer_opts_set_framing(opts, GLANCE_FRAMING_CONTENT_LENGTH);

    char extra[128] = "";
    char *created = NULL;
    double started = now(), cpu_before = cpu();
    if (strcmp(argv[1], "download") == 0 && argc >= 4) {
        uint64_t bytes = 0;
        if (glance_image_download_file(client, argv[2], argv[3], opts, &bytes)) return fail("download");
        snprintf(extra, sizeof extra, ",\"bytes\":%llu", (unsigned long long)bytes);
    } else if (strcmp(argv[1], "upload") == 0) {
        struct glance_image_create_opts *create = glance_image_create_opts_new();
        glance_image_create_opts_set_name(create, "bench-upload-c");
        glance_image_create_opts_set_disk_format(create, "raw");
        glance_image_create_opts_set_container_format(create, "bare");
        struct glance_image *image = NULL, *uploaded = NULL;
        if (glance_image_create(client, create, &image)) return fail("create");
        glance_image_create_opts_free(create);
        created = strdup(glance_image_id(image));
        if (glance_image_upload_file(client, created, argv[2], opts, &uploaded)) return fail("upload");
        uint64_t size = 0;
        glance_image_size(uploaded, &size);
        snprintf(extra, sizeof extra, ",\"bytes\":%llu", (unsigned long long)size);
        glance_image_free(image);
        glance_image_free(uploaded);
    } else if (strcmp(argv[1], "gets") == 0) {
        FILE *ids = fopen(argv[2], "r");
        if (!ids) return fail("ids file");
        char line[256];
        size_t count = 0, capacity = 1024;
        double *latencies = malloc(capacity * sizeof *latencies);
        while (fgets(line, sizeof line, ids)) {
            line[strcspn(line, "\r\n")] = 0;
            if (!line[0]) continue;
            struct glance_image *image = NULL;
            double before = now();
            if (glance_image_get(client, line, &image)) return fail("get");
            if (count == capacity) latencies = realloc(latencies, (capacity *= 2) * sizeof *latencies);
            latencies[count++] = (now() - before) * 1e3;
            glance_image_free(image);
        }
        fclose(ids);
        qsort(latencies, count, sizeof *latencies, compare_doubles);
        snprintf(extra, sizeof extra, ",\"count\":%zu,\"median_ms\":%.3f", count,
                 count ? latencies[count / 2] : 0.0);
        free(latencies);
    } else {
        fprintf(stderr, "usage: see the comment at the top of bench_c.c\n");
        return 2;
    }
    double op = now() - started, used = cpu() - cpu_before;
    if (created) {
        if (glance_image_delete(client, created)) return fail("delete");
        free(created);
    }
    printf("{\"op_s\":%.4f,\"cpu_s\":%.4f%s}\n", op, used, extra);
    glance_transfer_opts_free(opts);
    glance_client_free(client);
    return 0;
}
