/* Valid handles and the checks for the generated bad-input cases
 * (tests/c_bad_input.rs writes cases.c from include/glance.h). */
#ifndef BAD_INPUT_FIXTURES_H
#define BAD_INPUT_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "glance.h"

/* The test double's URL (argv[1]). */
extern const char *fx_double_url;

/* A fresh handle of each kind, made against the test double: for parameters
 * the call may consume or free. */
glance_config *fx_new_config(void);
glance_client *fx_new_client(void);
glance_image *fx_new_image(void);
glance_image_page *fx_new_image_page(void);
glance_image_iter *fx_new_image_iter(void);
glance_list_opts *fx_new_list_opts(void);
glance_image_create_opts *fx_new_image_create_opts(void);
glance_image_patch *fx_new_image_patch(void);
glance_member *fx_new_member(void);
glance_members *fx_new_members(void);
glance_task *fx_new_task(void);
glance_task_page *fx_new_task_page(void);
glance_task_iter *fx_new_task_iter(void);
glance_task_list_opts *fx_new_task_list_opts(void);
glance_transfer_opts *fx_new_transfer_opts(void);
glance_import_opts *fx_new_import_opts(void);
glance_object_store *fx_new_object_store(void);
glance_objects *fx_new_objects(void);
glance_object_info *fx_new_object_info(void);
glance_response *fx_new_response(void);
const glance_error *fx_new_error(void);

/* One shared handle of each kind, for `const` parameters. */
#define FX_SHARED(kind) \
    static inline const glance_##kind *fx_##kind(void) { \
        static const glance_##kind *shared; \
        if (shared == NULL) shared = fx_new_##kind(); \
        return shared; \
    }
FX_SHARED(client)
FX_SHARED(image)
FX_SHARED(image_page)
FX_SHARED(image_create_opts)
FX_SHARED(image_patch)
FX_SHARED(list_opts)
FX_SHARED(member)
FX_SHARED(members)
FX_SHARED(task)
FX_SHARED(task_page)
FX_SHARED(task_list_opts)
FX_SHARED(transfer_opts)
FX_SHARED(import_opts)
FX_SHARED(object_store)
FX_SHARED(objects)
FX_SHARED(object_info)
FX_SHARED(response)
FX_SHARED(error)

/* One callback of each type: they go on, supply no data, drop what they get. */
int fx_task_wait_cb(void *userdata, const glance_task *task);
void fx_wire_log_cb(void *userdata, const glance_wire_event *event);
int fx_progress_cb(void *userdata, uint64_t done, uint64_t total);
int fx_phase_progress_cb(void *userdata, uint64_t done, uint64_t total, glance_phase phase);
int fx_read_cb(void *userdata, uint8_t *buffer, size_t capacity, size_t *out_len);
int fx_write_cb(void *userdata, const uint8_t *data, size_t len);
int fx_import_poll_cb(void *userdata, const glance_image *image);

/* Bad strings. */
extern const char fx_not_utf8[];
const char *fx_huge(void);

/* What a case expects of a status. */
enum fx_rule {
    FX_NULL_ARG,         /* GLANCE_NULL_ARG */
    FX_INVALID_UTF8,     /* GLANCE_INVALID_UTF8 */
    FX_NOT_OK,           /* any known failure */
    FX_ANY,              /* any known status, GLANCE_PANIC excepted */
};

/* Announces a case (printed, so a crash names it). */
void fx_case(const char *name);
void fx_status(glance_status got, enum fx_rule rule);
void fx_null(const void *got);
void fx_zero(uint64_t got);
/* glance_error_status(NULL) is documented to give GLANCE_NULL_ARG. */
void fx_is_null_arg(glance_status got);

/* The hand-written cases: calls in the wrong order. */
void fx_order_cases(void);
/* The generated cases. */
void fx_generated_cases(void);
/* Cases run, cases failed. */
extern unsigned fx_cases, fx_failures;

#endif
