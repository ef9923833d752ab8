// glance.hpp: the C++17 interface of glance-client, header-only, over the C
// ABI of include/glance.h (every byte of logic stays in the native library).
//
// Conventions:
// - Every handle has an owner (Client, Config, Image, ImagePage, ...): no
//   manual _free. Owners are move-only; a moved-from owner is empty and safe
//   to destroy, and calls on it fail with glance::ArgumentError
//   (Status::NullArg) instead of crashing.
// - A failure throws glance::Error (or a subclass chosen by the status), which
//   carries the status code, the HTTP status (0: none), the message and the
//   request id of the library's last error.
// - Strings go in as std::string_view (one holding a NUL byte is refused with
//   Status::InvalidArg before any request) and come out as std::string, or
//   std::optional<std::string> where the C function may return NULL.
// - Callbacks are std::function. A callback returning false stops its
//   transfer or wait (the call then throws AbortedError); an exception thrown
//   by a callback never crosses the C library: it is caught, the C call is
//   aborted, and the exception is rethrown once the C call has returned
//   (even when the C call got to its end regardless, e.g. a progress callback
//   throwing at 100 %). Callbacks run on the calling thread, during the call.
// - glance::Client is thread-safe, as glance_client is: share one between
//   threads by reference (every method is const). Other owners may move
//   between threads but must not be used by two at once.
#ifndef GLANCE_HPP
#define GLANCE_HPP

#include <glance.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace glance {

/// What a call did: the numbers of the C enum glance_status (stable ABI).
enum class Status : std::uint32_t {
    Ok = GLANCE_OK,
    Done = GLANCE_DONE,
    NullArg = GLANCE_NULL_ARG,
    InvalidUtf8 = GLANCE_INVALID_UTF8,
    InvalidArg = GLANCE_INVALID_ARG,
    Aborted = GLANCE_ABORTED,
    Panic = GLANCE_PANIC,
    Config = GLANCE_CONFIG,
    Io = GLANCE_IO,
    NoMatch = GLANCE_NO_MATCH,
    Ambiguous = GLANCE_AMBIGUOUS,
    Transport = GLANCE_TRANSPORT,
    Timeout = GLANCE_TIMEOUT,
    Tls = GLANCE_TLS,
    InvalidResponse = GLANCE_INVALID_RESPONSE,
    NotAMember = GLANCE_NOT_A_MEMBER,
    AlreadyMember = GLANCE_ALREADY_MEMBER,
    Unsharable = GLANCE_UNSHARABLE,
    MemberStatusForbidden = GLANCE_MEMBER_STATUS_FORBIDDEN,
    NoSuchContainer = GLANCE_NO_SUCH_CONTAINER,
    TaskFailed = GLANCE_TASK_FAILED,
    ChecksumMismatch = GLANCE_CHECKSUM_MISMATCH,
    NoData = GLANCE_NO_DATA,
    ImportFailed = GLANCE_IMPORT_FAILED,
    NotSupported = GLANCE_NOT_SUPPORTED,
    BadRequest = GLANCE_BAD_REQUEST,
    Unauthorized = GLANCE_UNAUTHORIZED,
    Forbidden = GLANCE_FORBIDDEN,
    NotFound = GLANCE_NOT_FOUND,
    Conflict = GLANCE_CONFLICT,
    TooLarge = GLANCE_TOO_LARGE,
    UnsupportedMediaType = GLANCE_UNSUPPORTED_MEDIA_TYPE,
    ServiceUnavailable = GLANCE_SERVICE_UNAVAILABLE,
    Http = GLANCE_HTTP,
};

/// The library's name for a status ("not found", ...), for any number.
inline std::string status_str(Status status) {
    const char *text = glance_status_str(static_cast<std::uint32_t>(status));
    return text ? text : "";
}

/// The version of the linked library (GLANCE_VERSION is the header's).
inline std::string version() {
    const char *text = glance_version();
    return text ? text : "";
}

/// A failed call: the status, HTTP status (0 when no answer came), message
/// and request id (when the server sent one) of the library's error.
class Error : public std::runtime_error {
public:
    Error(Status status, std::uint16_t http_status, std::string message,
          std::optional<std::string> request_id)
        : std::runtime_error(message), status_(status), http_status_(http_status),
          request_id_(std::move(request_id)) {}

    /// The status code; switch on it to act on a particular failure.
    Status status() const noexcept { return status_; }
    /// The HTTP status of the answer that caused the failure, 0 when none.
    std::uint16_t http_status() const noexcept { return http_status_; }
    /// The library's message (what() gives the same text).
    std::string message() const { return what(); }
    /// The server's request id (x-openstack-request-id), when it sent one.
    const std::optional<std::string> &request_id() const noexcept { return request_id_; }

private:
    Status status_;
    std::uint16_t http_status_;
    std::optional<std::string> request_id_;
};

/// A bad argument, found before any request: NullArg, InvalidUtf8, InvalidArg.
class ArgumentError : public Error { using Error::Error; };
/// A callback asked to stop (Aborted).
class AbortedError : public Error { using Error::Error; };
/// Settings missing or inconsistent (Config).
class ConfigError : public Error { using Error::Error; };
/// A local file could not be read or written (Io).
class IoError : public Error { using Error::Error; };
/// A lookup by name found nothing or several (NoMatch, Ambiguous).
class LookupError : public Error { using Error::Error; };
/// No usable answer: Transport, Timeout, Tls, InvalidResponse.
class NetworkError : public Error { using Error::Error; };
/// A refusal of a particular call a caller can act on (50-99: NotAMember,
/// ChecksumMismatch, TaskFailed, ImportFailed, ...).
class OperationError : public Error { using Error::Error; };
/// Any other HTTP status from the server (400-600).
class HttpError : public Error { using Error::Error; };
/// 404.
class NotFoundError : public HttpError { using HttpError::HttpError; };
/// 409.
class ConflictError : public HttpError { using HttpError::HttpError; };
/// 401 and 403.
class AccessError : public HttpError { using HttpError::HttpError; };

/// The framing of an upload body. Auto: chunked, sent again with
/// Content-Length where the front end refuses chunked bodies (see
/// GLANCE_FRAMING_AUTO in glance.h).
enum class Framing : std::uint32_t {
    Auto = GLANCE_FRAMING_AUTO,
    ContentLength = GLANCE_FRAMING_CONTENT_LENGTH,
    Chunked = GLANCE_FRAMING_CHUNKED,
};

/// How import_from_container makes the image.
enum class ImportVia : std::uint32_t {
    Stream = GLANCE_IMPORT_VIA_STREAM,
    WebDownload = GLANCE_IMPORT_VIA_WEB_DOWNLOAD,
    Auto = GLANCE_IMPORT_VIA_AUTO,
};

namespace detail {

/// Throws the exception class that matches `status`.
[[noreturn]] inline void raise(Status status, std::uint16_t http, std::string message,
                               std::optional<std::string> request_id) {
    switch (status) {
    case Status::NullArg:
    case Status::InvalidUtf8:
    case Status::InvalidArg:
        throw ArgumentError(status, http, std::move(message), std::move(request_id));
    case Status::Aborted:
        throw AbortedError(status, http, std::move(message), std::move(request_id));
    case Status::Config:
        throw ConfigError(status, http, std::move(message), std::move(request_id));
    case Status::Io:
        throw IoError(status, http, std::move(message), std::move(request_id));
    case Status::NoMatch:
    case Status::Ambiguous:
        throw LookupError(status, http, std::move(message), std::move(request_id));
    case Status::Transport:
    case Status::Timeout:
    case Status::Tls:
    case Status::InvalidResponse:
        throw NetworkError(status, http, std::move(message), std::move(request_id));
    case Status::NotFound:
        throw NotFoundError(status, http, std::move(message), std::move(request_id));
    case Status::Conflict:
        throw ConflictError(status, http, std::move(message), std::move(request_id));
    case Status::Unauthorized:
    case Status::Forbidden:
        throw AccessError(status, http, std::move(message), std::move(request_id));
    default:
        break;
    }
    auto number = static_cast<std::uint32_t>(status);
    if (number >= 50 && number < 100) {
        throw OperationError(status, http, std::move(message), std::move(request_id));
    }
    if (number >= 400) {
        throw HttpError(status, http, std::move(message), std::move(request_id));
    }
    throw Error(status, http, std::move(message), std::move(request_id));
}

/// The exception a callback threw on this thread during the current C call.
/// Callbacks run on the calling thread, during the call only.
inline thread_local std::exception_ptr pending_exception;

/// Runs around one C call that may call back: an exception a callback stored
/// is rethrown after the call (before the status is looked at), and an outer
/// call's pending exception survives a nested call made from a callback.
class CallbackScope {
public:
    CallbackScope() : saved_(std::exchange(pending_exception, nullptr)) {}
    ~CallbackScope() { pending_exception = std::move(saved_); }
    CallbackScope(const CallbackScope &) = delete;
    CallbackScope &operator=(const CallbackScope &) = delete;

    /// Rethrows what a callback threw during the call, if anything.
    void rethrow() {
        if (auto error = std::exchange(pending_exception, nullptr)) std::rethrow_exception(error);
    }

private:
    std::exception_ptr saved_;
};

/// Runs a callback body: its result, or GLANCE_CB_ABORT after storing the
/// exception it threw (rethrown by the CallbackScope of the call).
template <typename Body> int guarded(Body &&body) noexcept {
    try {
        return body() ? GLANCE_CB_CONTINUE : GLANCE_CB_ABORT;
    } catch (...) {
        pending_exception = std::current_exception();
        return GLANCE_CB_ABORT;
    }
}

/// Throws the library's last error unless `status` is GLANCE_OK.
inline void check(glance_status raw) {
    auto status = static_cast<Status>(raw);
    if (status == Status::Ok) return;
    const glance_error *error = glance_error_last();
    std::string message;
    std::uint16_t http = 0;
    std::optional<std::string> request_id;
    if (error != nullptr) {
        const char *text = glance_error_message(error);
        message = text ? text : "";
        http = glance_error_http_status(error);
        if (const char *id = glance_error_request_id(error)) request_id = id;
        status = static_cast<Status>(glance_error_status(error));
    } else {
        message = status_str(status);
    }
    raise(status, http, std::move(message), std::move(request_id));
}

/// A NUL-terminated copy of a string_view for C; a string holding a NUL
/// byte is refused, as C would silently cut it there.
class CString {
public:
    CString(std::string_view text) : text_(text) {
        if (text_.find('\0') != std::string::npos) {
            raise(Status::InvalidArg, 0, "a string given to glance-client holds a NUL byte",
                  std::nullopt);
        }
    }
    const char *get() const noexcept { return text_.c_str(); }
    operator const char *() const noexcept { return text_.c_str(); }

private:
    std::string text_;
};

/// As CString, or NULL for an absent optional.
class OptionalCString {
public:
    OptionalCString(std::optional<std::string_view> text) {
        if (text) value_.emplace(*text);
    }
    operator const char *() const noexcept { return value_ ? value_->get() : nullptr; }

private:
    std::optional<CString> value_;
};

/// An array of C strings for the `const char *const *, size_t` parameters.
class CStringArray {
public:
    CStringArray(const std::vector<std::string> &texts) {
        strings_.reserve(texts.size());
        for (const auto &text : texts) strings_.emplace_back(text);
        for (const auto &text : strings_) pointers_.push_back(text.get());
    }
    const char *const *data() const noexcept { return pointers_.empty() ? nullptr : pointers_.data(); }
    std::size_t size() const noexcept { return pointers_.size(); }

private:
    std::vector<CString> strings_;
    std::vector<const char *> pointers_;
};

/// A borrowed C string as std::string ("" for NULL).
inline std::string text(const char *value) { return value ? value : ""; }

/// A borrowed C string that may be NULL.
inline std::optional<std::string> maybe(const char *value) {
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

/// Takes a `char *` the library gave (freeing it with glance_string_free).
inline std::optional<std::string> take_maybe(char *value) {
    std::unique_ptr<char, void (*)(char *)> owner(value, [](char *p) { glance_string_free(p); });
    return maybe(owner.get());
}

/// As take_maybe, "" for NULL.
inline std::string take(char *value) { return take_maybe(value).value_or(std::string()); }

/// An owning pointer to a library handle, freed by `Free`.
template <typename T, void (*Free)(T *)> struct Deleter {
    void operator()(T *handle) const noexcept { Free(handle); }
};
template <typename T, void (*Free)(T *)> using Owned = std::unique_ptr<T, Deleter<T, Free>>;

/// Milliseconds as the C functions take them.
inline std::uint64_t millis(std::chrono::milliseconds duration) {
    return duration.count() < 0 ? 0 : static_cast<std::uint64_t>(duration.count());
}

/// A handle the library allocated; NULL only when it ran out of memory.
template <typename T> T *made(T *handle) {
    if (handle == nullptr) raise(Status::Panic, 0, "glance-client could not allocate a handle", std::nullopt);
    return handle;
}

/// A copy the library made; NULL only when the original was an empty owner.
template <typename T> T *copied(T *handle) {
    if (handle == nullptr) raise(Status::NullArg, 0, "cloning an empty glance-client owner", std::nullopt);
    return handle;
}

inline void free_image(glance_image *p) { glance_image_free(p); }
inline void free_page(glance_image_page *p) { glance_image_page_free(p); }
inline void free_image_iter(glance_image_iter *p) { glance_image_iter_free(p); }
inline void free_task(glance_task *p) { glance_task_free(p); }
inline void free_task_page(glance_task_page *p) { glance_task_page_free(p); }
inline void free_task_iter(glance_task_iter *p) { glance_task_iter_free(p); }
inline void free_member(glance_member *p) { glance_member_free(p); }
inline void free_members(glance_members *p) { glance_members_free(p); }
inline void free_client(glance_client *p) { glance_client_free(p); }
inline void free_config(glance_config *p) { glance_config_free(p); }
inline void free_create_opts(glance_image_create_opts *p) { glance_image_create_opts_free(p); }
inline void free_list_opts(glance_list_opts *p) { glance_list_opts_free(p); }
inline void free_patch(glance_image_patch *p) { glance_image_patch_free(p); }
inline void free_transfer_opts(glance_transfer_opts *p) { glance_transfer_opts_free(p); }
inline void free_import_opts(glance_import_opts *p) { glance_import_opts_free(p); }
inline void free_task_list_opts(glance_task_list_opts *p) { glance_task_list_opts_free(p); }
inline void free_object_store(glance_object_store *p) { glance_object_store_free(p); }
inline void free_objects(glance_objects *p) { glance_objects_free(p); }
inline void free_object_info(glance_object_info *p) { glance_object_info_free(p); }
inline void free_response(glance_response *p) { glance_response_free(p); }

} // namespace detail

class Image;

/// The getters of an image record, for owned images (Image) and images
/// borrowed from a page (ImageRef). Absent fields are std::nullopt.
template <typename Self> class ImageFields {
public:
    /// The id (a UUID); "" only for an empty owner.
    std::string id() const { return detail::text(glance_image_id(raw())); }
    std::optional<std::string> name() const { return detail::maybe(glance_image_name(raw())); }
    /// queued, saving, importing, active, deactivated, killed, ...
    std::string status() const { return detail::text(glance_image_status(raw())); }
    std::string visibility() const { return detail::text(glance_image_visibility(raw())); }
    std::optional<std::string> owner() const { return detail::maybe(glance_image_owner(raw())); }
    std::optional<std::string> checksum() const { return detail::maybe(glance_image_checksum(raw())); }
    std::optional<std::string> os_hash_algo() const { return detail::maybe(glance_image_os_hash_algo(raw())); }
    std::optional<std::string> os_hash_value() const { return detail::maybe(glance_image_os_hash_value(raw())); }
    std::optional<std::string> disk_format() const { return detail::maybe(glance_image_disk_format(raw())); }
    std::optional<std::string> container_format() const {
        return detail::maybe(glance_image_container_format(raw()));
    }
    std::optional<std::string> created_at() const { return detail::maybe(glance_image_created_at(raw())); }
    std::optional<std::string> updated_at() const { return detail::maybe(glance_image_updated_at(raw())); }
    bool is_protected() const { return glance_image_protected(raw()); }
    bool os_hidden() const { return glance_image_os_hidden(raw()); }
    /// The size of the data in bytes; absent before any data.
    std::optional<std::uint64_t> size() const {
        std::uint64_t value = 0;
        if (!glance_image_size(raw(), &value)) return std::nullopt;
        return value;
    }
    std::optional<std::uint64_t> virtual_size() const {
        std::uint64_t value = 0;
        if (!glance_image_virtual_size(raw(), &value)) return std::nullopt;
        return value;
    }
    std::uint64_t min_disk() const { return glance_image_min_disk(raw()); }
    std::uint64_t min_ram() const { return glance_image_min_ram(raw()); }
    std::vector<std::string> tags() const {
        std::vector<std::string> tags;
        for (std::size_t i = 0, n = glance_image_tag_count(raw()); i < n; i++) {
            tags.push_back(detail::text(glance_image_tag(raw(), i)));
        }
        return tags;
    }
    /// The stores holding the data (multi-store clouds).
    std::vector<std::string> stores() const {
        std::vector<std::string> stores;
        for (std::size_t i = 0, n = glance_image_store_count(raw()); i < n; i++) {
            stores.push_back(detail::text(glance_image_store(raw(), i)));
        }
        return stores;
    }
    /// The names of the custom properties (attributes that are not fields).
    std::vector<std::string> property_keys() const {
        std::vector<std::string> keys;
        for (std::size_t i = 0, n = glance_image_property_count(raw()); i < n; i++) {
            keys.push_back(detail::text(glance_image_property_key(raw(), i)));
        }
        return keys;
    }
    /// Any attribute by name: a string as it is, other values as JSON.
    std::optional<std::string> property(std::string_view key) const {
        return detail::maybe(glance_image_property(raw(), detail::CString(key)));
    }
    /// The whole record as a JSON object.
    std::string to_json() const {
        char *json = nullptr;
        detail::check(glance_image_to_json(raw(), &json));
        return detail::take(json);
    }
    /// An owned copy.
    Image clone() const;

private:
    const glance_image *raw() const { return static_cast<const Self *>(this)->get(); }
};

/// An image borrowed from its page, import poll or owner: valid while they live.
class ImageRef : public ImageFields<ImageRef> {
public:
    explicit ImageRef(const glance_image *image) noexcept : image_(image) {}
    const glance_image *get() const noexcept { return image_; }

private:
    const glance_image *image_;
};

/// An image record, owned.
class Image : public ImageFields<Image> {
public:
    Image() = default;
    explicit Image(glance_image *image) noexcept : image_(image) {}
    const glance_image *get() const noexcept { return image_.get(); }
    explicit operator bool() const noexcept { return image_ != nullptr; }

private:
    detail::Owned<glance_image, detail::free_image> image_;
};

template <typename Self> Image ImageFields<Self>::clone() const {
    return Image(detail::copied(glance_image_clone(raw())));
}

/// One page of a listing: its images (borrowed from the page) and the
/// links to the next and first pages.
class ImagePage {
public:
    explicit ImagePage(glance_image_page *page) noexcept : page_(page) {}
    std::size_t size() const { return glance_image_page_count(page_.get()); }
    bool empty() const { return size() == 0; }
    /// Image `index`; throws std::out_of_range past the end.
    ImageRef operator[](std::size_t index) const {
        const glance_image *image = glance_image_page_get(page_.get(), index);
        if (image == nullptr) throw std::out_of_range("glance::ImagePage index out of range");
        return ImageRef(image);
    }
    /// The link to the next page (for Client::list_at); absent on the last page.
    std::optional<std::string> next() const { return detail::maybe(glance_image_page_next(page_.get())); }
    std::optional<std::string> first() const { return detail::maybe(glance_image_page_first(page_.get())); }
    const glance_image_page *get() const noexcept { return page_.get(); }

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = ImageRef;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = ImageRef;
        iterator() = default;
        iterator(const ImagePage *page, std::size_t index) : page_(page), index_(index) {}
        ImageRef operator*() const { return (*page_)[index_]; }
        iterator &operator++() {
            ++index_;
            return *this;
        }
        iterator operator++(int) {
            iterator before = *this;
            ++index_;
            return before;
        }
        bool operator==(const iterator &other) const { return index_ == other.index_; }
        bool operator!=(const iterator &other) const { return index_ != other.index_; }

    private:
        const ImagePage *page_ = nullptr;
        std::size_t index_ = 0;
    };
    iterator begin() const { return iterator(this, 0); }
    iterator end() const { return iterator(this, size()); }

private:
    detail::Owned<glance_image_page, detail::free_page> page_;
};

/// Every image of a listing, fetched page by page as the loop advances:
/// `for (const glance::Image &image : client.images(options))`. A single
/// pass (an input range); a failure on the way throws from operator++ (or
/// begin()).
class ImageRange {
public:
    /// `keep_alive` holds what the client's callbacks need while the range
    /// can still make requests (the range may outlive its Client).
    explicit ImageRange(glance_image_iter *iter, std::shared_ptr<const void> keep_alive = nullptr) noexcept
        : iter_(iter), keep_alive_(std::move(keep_alive)) {}

    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Image;
        using difference_type = std::ptrdiff_t;
        using pointer = const Image *;
        using reference = const Image &;
        iterator() = default;
        explicit iterator(ImageRange *range) : range_(range) { advance(); }
        const Image &operator*() const { return current_; }
        const Image *operator->() const { return &current_; }
        iterator &operator++() {
            advance();
            return *this;
        }
        bool operator==(const iterator &other) const { return range_ == other.range_; }
        bool operator!=(const iterator &other) const { return range_ != other.range_; }

    private:
        void advance() {
            glance_image *image = nullptr;
            glance_status status = glance_image_iter_next(range_->iter_.get(), &image);
            if (status == GLANCE_DONE) {
                range_ = nullptr;
                current_ = Image();
                return;
            }
            detail::check(status);
            current_ = Image(image);
        }
        ImageRange *range_ = nullptr;
        Image current_;
    };
    /// Fetches the first image (the first page when needed).
    iterator begin() { return iterator(this); }
    iterator end() { return iterator(); }
    /// The next image, std::nullopt once the listing has ended.
    std::optional<Image> next() {
        glance_image *image = nullptr;
        glance_status status = glance_image_iter_next(iter_.get(), &image);
        if (status == GLANCE_DONE) return std::nullopt;
        detail::check(status);
        return Image(image);
    }

private:
    detail::Owned<glance_image_iter, detail::free_image_iter> iter_;
    std::shared_ptr<const void> keep_alive_;
};

/// Filters, sorting and page size of an image listing. Setters chain.
class ListOptions {
public:
    ListOptions() : opts_(detail::made(glance_list_opts_new())) {}
    ListOptions &limit(std::uint32_t limit) { return apply(glance_list_opts_set_limit(opts_.get(), limit)); }
    ListOptions &marker(std::string_view id) {
        return apply(glance_list_opts_set_marker(opts_.get(), detail::CString(id)));
    }
    ListOptions &id(std::string_view id) { return apply(glance_list_opts_set_id(opts_.get(), detail::CString(id))); }
    ListOptions &ids(const std::vector<std::string> &ids) {
        detail::CStringArray array(ids);
        return apply(glance_list_opts_set_id_in(opts_.get(), array.data(), array.size()));
    }
    ListOptions &name(std::string_view name) {
        return apply(glance_list_opts_set_name(opts_.get(), detail::CString(name)));
    }
    ListOptions &names(const std::vector<std::string> &names) {
        detail::CStringArray array(names);
        return apply(glance_list_opts_set_name_in(opts_.get(), array.data(), array.size()));
    }
    ListOptions &visibility(std::string_view visibility) {
        return apply(glance_list_opts_set_visibility(opts_.get(), detail::CString(visibility)));
    }
    ListOptions &member_status(std::string_view status) {
        return apply(glance_list_opts_set_member_status(opts_.get(), detail::CString(status)));
    }
    ListOptions &owner(std::string_view owner) {
        return apply(glance_list_opts_set_owner(opts_.get(), detail::CString(owner)));
    }
    ListOptions &tag(std::string_view tag) { return apply(glance_list_opts_add_tag(opts_.get(), detail::CString(tag))); }
    ListOptions &status(std::string_view status) {
        return apply(glance_list_opts_set_status(opts_.get(), detail::CString(status)));
    }
    ListOptions &statuses(const std::vector<std::string> &statuses) {
        detail::CStringArray array(statuses);
        return apply(glance_list_opts_set_status_in(opts_.get(), array.data(), array.size()));
    }
    ListOptions &size_min(std::uint64_t bytes) { return apply(glance_list_opts_set_size_min(opts_.get(), bytes)); }
    ListOptions &size_max(std::uint64_t bytes) { return apply(glance_list_opts_set_size_max(opts_.get(), bytes)); }
    ListOptions &sort_key(std::string_view key) {
        return apply(glance_list_opts_set_sort_key(opts_.get(), detail::CString(key)));
    }
    ListOptions &sort_dir(std::string_view dir) {
        return apply(glance_list_opts_set_sort_dir(opts_.get(), detail::CString(dir)));
    }
    /// Adds a sort key with its direction (`asc` or `desc`).
    ListOptions &sort(std::string_view key, std::string_view dir) {
        return apply(glance_list_opts_add_sort(opts_.get(), detail::CString(key), detail::CString(dir)));
    }
    /// A time filter: `op` is gt, gte, lt, lte, eq or neq; `time` ISO 8601.
    ListOptions &created_at(std::string_view op, std::string_view time) {
        return apply(glance_list_opts_add_created_at(opts_.get(), detail::CString(op), detail::CString(time)));
    }
    ListOptions &updated_at(std::string_view op, std::string_view time) {
        return apply(glance_list_opts_add_updated_at(opts_.get(), detail::CString(op), detail::CString(time)));
    }
    ListOptions &os_hidden(bool hidden) { return apply(glance_list_opts_set_os_hidden(opts_.get(), hidden)); }
    ListOptions &is_protected(bool value) { return apply(glance_list_opts_set_protected(opts_.get(), value)); }
    /// A custom property filter (`key=value` in the query).
    ListOptions &property(std::string_view key, std::string_view value) {
        return apply(glance_list_opts_add_property(opts_.get(), detail::CString(key), detail::CString(value)));
    }
    ListOptions &disk_format(std::string_view format) {
        return apply(glance_list_opts_set_disk_format(opts_.get(), detail::CString(format)));
    }
    ListOptions &disk_formats(const std::vector<std::string> &formats) {
        detail::CStringArray array(formats);
        return apply(glance_list_opts_set_disk_format_in(opts_.get(), array.data(), array.size()));
    }
    ListOptions &container_format(std::string_view format) {
        return apply(glance_list_opts_set_container_format(opts_.get(), detail::CString(format)));
    }
    ListOptions &container_formats(const std::vector<std::string> &formats) {
        detail::CStringArray array(formats);
        return apply(glance_list_opts_set_container_format_in(opts_.get(), array.data(), array.size()));
    }
    const glance_list_opts *get() const noexcept { return opts_.get(); }

private:
    ListOptions &apply(glance_status status) {
        detail::check(status);
        return *this;
    }
    detail::Owned<glance_list_opts, detail::free_list_opts> opts_;
};

/// The fields of a new image. Setters chain.
class CreateOptions {
public:
    CreateOptions() : opts_(detail::made(glance_image_create_opts_new())) {}
    CreateOptions &id(std::string_view id) {
        return apply(glance_image_create_opts_set_id(opts_.get(), detail::CString(id)));
    }
    CreateOptions &name(std::string_view name) {
        return apply(glance_image_create_opts_set_name(opts_.get(), detail::CString(name)));
    }
    CreateOptions &disk_format(std::string_view format) {
        return apply(glance_image_create_opts_set_disk_format(opts_.get(), detail::CString(format)));
    }
    CreateOptions &container_format(std::string_view format) {
        return apply(glance_image_create_opts_set_container_format(opts_.get(), detail::CString(format)));
    }
    CreateOptions &visibility(std::string_view visibility) {
        return apply(glance_image_create_opts_set_visibility(opts_.get(), detail::CString(visibility)));
    }
    CreateOptions &property(std::string_view key, std::string_view value) {
        return apply(
            glance_image_create_opts_set_property(opts_.get(), detail::CString(key), detail::CString(value)));
    }
    CreateOptions &tag(std::string_view tag) {
        return apply(glance_image_create_opts_add_tag(opts_.get(), detail::CString(tag)));
    }
    CreateOptions &min_disk(std::uint64_t gib) { return apply(glance_image_create_opts_set_min_disk(opts_.get(), gib)); }
    CreateOptions &min_ram(std::uint64_t mib) { return apply(glance_image_create_opts_set_min_ram(opts_.get(), mib)); }
    CreateOptions &is_protected(bool value) {
        return apply(glance_image_create_opts_set_protected(opts_.get(), value));
    }
    CreateOptions &os_hidden(bool hidden) { return apply(glance_image_create_opts_set_os_hidden(opts_.get(), hidden)); }
    const glance_image_create_opts *get() const noexcept { return opts_.get(); }

private:
    CreateOptions &apply(glance_status status) {
        detail::check(status);
        return *this;
    }
    detail::Owned<glance_image_create_opts, detail::free_create_opts> opts_;
};

/// A JSON Patch for Client::update. Operations chain and are sent in order.
class Patch {
public:
    Patch() : patch_(detail::made(glance_image_patch_new())) {}
    /// `add` with a string value (custom properties are strings).
    Patch &add(std::string_view key, std::string_view value) {
        return apply(glance_image_patch_add(patch_.get(), detail::CString(key), detail::CString(value)));
    }
    /// `add` with any JSON value, e.g. `true` or `["a"]`.
    Patch &add_json(std::string_view key, std::string_view json) {
        return apply(glance_image_patch_add_json(patch_.get(), detail::CString(key), detail::CString(json)));
    }
    Patch &replace(std::string_view key, std::string_view value) {
        return apply(glance_image_patch_replace(patch_.get(), detail::CString(key), detail::CString(value)));
    }
    Patch &replace_json(std::string_view key, std::string_view json) {
        return apply(glance_image_patch_replace_json(patch_.get(), detail::CString(key), detail::CString(json)));
    }
    Patch &remove(std::string_view key) {
        return apply(glance_image_patch_remove(patch_.get(), detail::CString(key)));
    }
    const glance_image_patch *get() const noexcept { return patch_.get(); }

private:
    Patch &apply(glance_status status) {
        detail::check(status);
        return *this;
    }
    detail::Owned<glance_image_patch, detail::free_patch> patch_;
};

/// Progress of a transfer: bytes done, of total (0 when unknown). Return
/// false to stop the transfer (it then throws AbortedError).
using ProgressFn = std::function<bool(std::uint64_t done, std::uint64_t total)>;
/// What a progress report is about.
enum class Phase : std::uint32_t {
    /// One upload or download on its own: done and total are its bytes.
    Transfer = GLANCE_PHASE_TRANSFER,
    /// A copy's, export's or import's data moving (download and upload at
    /// once): bytes that reached the target, of the image's size.
    Moving = GLANCE_PHASE_MOVING,
    /// Glance processing an import: done and total are 0.
    Importing = GLANCE_PHASE_IMPORTING,
};
/// Progress with its phase. Return false to stop (AbortedError).
using PhaseProgressFn = std::function<bool(std::uint64_t done, std::uint64_t total, Phase phase)>;
/// Upload data supplier: fills at most `capacity` bytes of `buffer` and
/// returns how many; 0 ends the data. Throw to stop the upload.
using ReadFn = std::function<std::size_t(std::uint8_t *buffer, std::size_t capacity)>;
/// Download data receiver: return false to stop (AbortedError).
using WriteFn = std::function<bool(const std::uint8_t *data, std::size_t len)>;

namespace detail {
inline int on_read(void *userdata, std::uint8_t *buffer, std::size_t capacity, std::size_t *out_len) noexcept {
    auto *read = static_cast<ReadFn *>(userdata);
    return guarded([&] {
        std::size_t len = (*read)(buffer, capacity);
        if (len > capacity) throw std::length_error("a glance::ReadFn returned more than its buffer's capacity");
        *out_len = len;
        return true;
    });
}
inline int on_write(void *userdata, const std::uint8_t *data, std::size_t len) noexcept {
    auto *write = static_cast<WriteFn *>(userdata);
    return guarded([&] { return (*write)(data, len); });
}
/// A size as the C ABI takes it: -1 for unknown.
inline std::int64_t signed_size(std::optional<std::uint64_t> size) {
    std::int64_t length = size ? static_cast<std::int64_t>(*size) : -1;
    if (size && length < 0) raise(Status::InvalidArg, 0, "an upload size must fit in 63 bits", std::nullopt);
    return length;
}
} // namespace detail

/// Options of a data transfer: store, framing, verification, restart and a
/// progress callback. Setters chain.
class TransferOptions {
public:
    TransferOptions() : opts_(detail::made(glance_transfer_opts_new())) {}
    /// The store to upload to (multi-store clouds).
    TransferOptions &store(std::string_view store) {
        return apply(glance_transfer_opts_set_store(opts_.get(), detail::CString(store)));
    }
    TransferOptions &framing(Framing framing) {
        return apply(glance_transfer_opts_set_framing(opts_.get(), static_cast<std::uint32_t>(framing)));
    }
    /// Whether to skip checking the digests (downloads).
    TransferOptions &skip_verification(bool skip) {
        return apply(glance_transfer_opts_set_skip_verification(opts_.get(), skip));
    }
    /// Uploads: the multihash algorithm the cloud uses ("sha512", its
    /// default, "sha256"...); absent: SHA-512. With another algorithm on the
    /// image only the MD5 is compared.
    TransferOptions &multihash(std::optional<std::string_view> algorithm) {
        return apply(glance_transfer_opts_set_multihash(opts_.get(), detail::OptionalCString(algorithm)));
    }
    /// Uploads, stages and create_with_data: the digest the data must have
    /// (its publisher's), e.g. expected_digest("sha256", "ba78..."). On a
    /// mismatch the body is cut before its end, so Glance never gets the
    /// whole data, and the call throws ChecksumMismatch. Bad digests throw
    /// ArgumentError here; an absent algorithm clears it.
    TransferOptions &expected_digest(std::optional<std::string_view> algorithm, std::string_view hex = {}) {
        return apply(glance_transfer_opts_set_expected_digest(opts_.get(), detail::OptionalCString(algorithm),
                                                              detail::CString(hex)));
    }
    /// Downloads to a file: start again instead of resuming a partial file.
    TransferOptions &restart(bool restart) { return apply(glance_transfer_opts_set_restart(opts_.get(), restart)); }
    /// Downloads: read from these stores rather than the image's others (an
    /// empty list: no preference). A store the cloud does not have throws
    /// OperationError with Status::NotSupported.
    TransferOptions &prefer_stores(const std::vector<std::string> &stores) {
        std::string list;
        for (const auto &store : stores) list += (list.empty() ? "" : ",") + store;
        return apply(glance_transfer_opts_set_prefer_stores(opts_.get(), detail::CString(list)));
    }
    /// The progress callback (an empty function: none).
    TransferOptions &progress(ProgressFn callback) {
        if (!callback) {
            detail::check(glance_transfer_opts_set_progress(opts_.get(), nullptr, nullptr));
            progress_.reset();
            return *this;
        }
        // Heap-held so its address stays valid when the options move.
        auto held = std::make_unique<ProgressFn>(std::move(callback));
        detail::check(glance_transfer_opts_set_progress(opts_.get(), &TransferOptions::on_progress, held.get()));
        progress_ = std::move(held);
        phase_progress_.reset();
        return *this;
    }
    /// The progress callback that is also told the phase (an empty
    /// function: none); replaces one set with progress(), and the reverse.
    TransferOptions &phase_progress(PhaseProgressFn callback) {
        if (!callback) {
            detail::check(glance_transfer_opts_set_phase_progress(opts_.get(), nullptr, nullptr));
            phase_progress_.reset();
            return *this;
        }
        auto held = std::make_unique<PhaseProgressFn>(std::move(callback));
        detail::check(glance_transfer_opts_set_phase_progress(opts_.get(), &TransferOptions::on_phase_progress,
                                                              held.get()));
        phase_progress_ = std::move(held);
        progress_.reset();
        return *this;
    }
    const glance_transfer_opts *get() const noexcept { return opts_.get(); }

private:
    static int on_progress(void *userdata, std::uint64_t done, std::uint64_t total) noexcept {
        auto *callback = static_cast<ProgressFn *>(userdata);
        return detail::guarded([&] { return (*callback)(done, total); });
    }
    static int on_phase_progress(void *userdata, std::uint64_t done, std::uint64_t total, glance_phase phase) noexcept {
        auto *callback = static_cast<PhaseProgressFn *>(userdata);
        return detail::guarded([&] { return (*callback)(done, total, static_cast<Phase>(phase)); });
    }
    TransferOptions &apply(glance_status status) {
        detail::check(status);
        return *this;
    }
    detail::Owned<glance_transfer_opts, detail::free_transfer_opts> opts_;
    std::unique_ptr<ProgressFn> progress_;
    std::unique_ptr<PhaseProgressFn> phase_progress_;
};

/// Options of an interoperable import: method, stores. Setters chain.
class ImportOptions {
public:
    ImportOptions() : opts_(detail::made(glance_import_opts_new())) {}
    /// glance-direct, web-download (with the URL Glance fetches) or copy-image
    /// (glance-download has its own setter).
    ImportOptions &method(std::string_view method, std::optional<std::string_view> uri = std::nullopt) {
        return apply(glance_import_opts_set_method(opts_.get(), detail::CString(method), detail::OptionalCString(uri)));
    }
    /// glance-download: the data of image `image_id` of region `region`'s
    /// Glance, reached through `service_interface` of the catalog (public
    /// when absent).
    ImportOptions &glance_download(std::string_view image_id, std::string_view region,
                                   std::optional<std::string_view> service_interface = std::nullopt) {
        return apply(glance_import_opts_set_glance_download(opts_.get(), detail::CString(image_id),
                                                            detail::CString(region),
                                                            detail::OptionalCString(service_interface)));
    }
    ImportOptions &store(std::string_view store) {
        return apply(glance_import_opts_add_store(opts_.get(), detail::CString(store)));
    }
    ImportOptions &all_stores(bool all) { return apply(glance_import_opts_set_all_stores(opts_.get(), all)); }
    ImportOptions &all_stores_must_succeed(bool must) {
        return apply(glance_import_opts_set_all_stores_must_succeed(opts_.get(), must));
    }
    const glance_import_opts *get() const noexcept { return opts_.get(); }

private:
    ImportOptions &apply(glance_status status) {
        detail::check(status);
        return *this;
    }
    detail::Owned<glance_import_opts, detail::free_import_opts> opts_;
};

class Task;

/// The getters of a task, for owned tasks (Task) and borrowed ones (TaskRef).
template <typename Self> class TaskFields {
public:
    std::string id() const { return detail::text(glance_task_id(raw())); }
    std::string type() const { return detail::text(glance_task_type(raw())); }
    /// pending, processing, success or failure.
    std::string status() const { return detail::text(glance_task_status(raw())); }
    bool is_finished() const { return glance_task_is_finished(raw()); }
    std::optional<std::string> message() const { return detail::maybe(glance_task_message(raw())); }
    std::optional<std::string> owner() const { return detail::maybe(glance_task_owner(raw())); }
    std::optional<std::string> image_id() const { return detail::maybe(glance_task_image_id(raw())); }
    std::optional<std::string> expires_at() const { return detail::maybe(glance_task_expires_at(raw())); }
    std::optional<std::string> created_at() const { return detail::maybe(glance_task_created_at(raw())); }
    std::optional<std::string> updated_at() const { return detail::maybe(glance_task_updated_at(raw())); }
    /// The input as JSON.
    std::optional<std::string> input() const { return detail::maybe(glance_task_input(raw())); }
    /// The result as JSON.
    std::optional<std::string> result() const { return detail::maybe(glance_task_result(raw())); }
    Task clone() const;

private:
    const glance_task *raw() const { return static_cast<const Self *>(this)->get(); }
};

/// A task borrowed from a page or a wait callback.
class TaskRef : public TaskFields<TaskRef> {
public:
    explicit TaskRef(const glance_task *task) noexcept : task_(task) {}
    const glance_task *get() const noexcept { return task_; }

private:
    const glance_task *task_;
};

/// A task, owned.
class Task : public TaskFields<Task> {
public:
    Task() = default;
    explicit Task(glance_task *task) noexcept : task_(task) {}
    const glance_task *get() const noexcept { return task_.get(); }
    explicit operator bool() const noexcept { return task_ != nullptr; }

private:
    detail::Owned<glance_task, detail::free_task> task_;
};

template <typename Self> Task TaskFields<Self>::clone() const {
    return Task(detail::copied(glance_task_clone(raw())));
}

/// Filters, sorting and page size of a task listing. Setters chain.
class TaskListOptions {
public:
    TaskListOptions() : opts_(detail::made(glance_task_list_opts_new())) {}
    TaskListOptions &limit(std::uint32_t limit) { return apply(glance_task_list_opts_set_limit(opts_.get(), limit)); }
    TaskListOptions &marker(std::string_view id) {
        return apply(glance_task_list_opts_set_marker(opts_.get(), detail::CString(id)));
    }
    TaskListOptions &type(std::string_view type) {
        return apply(glance_task_list_opts_set_type(opts_.get(), detail::CString(type)));
    }
    TaskListOptions &status(std::string_view status) {
        return apply(glance_task_list_opts_set_status(opts_.get(), detail::CString(status)));
    }
    TaskListOptions &sort(std::string_view key, std::string_view dir) {
        return apply(glance_task_list_opts_set_sort(opts_.get(), detail::CString(key), detail::CString(dir)));
    }
    const glance_task_list_opts *get() const noexcept { return opts_.get(); }

private:
    TaskListOptions &apply(glance_status status) {
        detail::check(status);
        return *this;
    }
    detail::Owned<glance_task_list_opts, detail::free_task_list_opts> opts_;
};

/// One page of a task listing.
class TaskPage {
public:
    explicit TaskPage(glance_task_page *page) noexcept : page_(page) {}
    std::size_t size() const { return glance_task_page_count(page_.get()); }
    bool empty() const { return size() == 0; }
    TaskRef operator[](std::size_t index) const {
        const glance_task *task = glance_task_page_get(page_.get(), index);
        if (task == nullptr) throw std::out_of_range("glance::TaskPage index out of range");
        return TaskRef(task);
    }
    std::optional<std::string> next() const { return detail::maybe(glance_task_page_next(page_.get())); }
    std::optional<std::string> first() const { return detail::maybe(glance_task_page_first(page_.get())); }
    /// The tasks of the page as owned copies.
    std::vector<Task> tasks() const {
        std::vector<Task> tasks;
        for (std::size_t i = 0; i < size(); i++) tasks.push_back((*this)[i].clone());
        return tasks;
    }

private:
    detail::Owned<glance_task_page, detail::free_task_page> page_;
};

/// Every task of a listing, fetched lazily page by page (single pass).
class TaskRange {
public:
    /// `keep_alive` as for ImageRange.
    explicit TaskRange(glance_task_iter *iter, std::shared_ptr<const void> keep_alive = nullptr) noexcept
        : iter_(iter), keep_alive_(std::move(keep_alive)) {}
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Task;
        using difference_type = std::ptrdiff_t;
        using pointer = const Task *;
        using reference = const Task &;
        iterator() = default;
        explicit iterator(TaskRange *range) : range_(range) { advance(); }
        const Task &operator*() const { return current_; }
        const Task *operator->() const { return &current_; }
        iterator &operator++() {
            advance();
            return *this;
        }
        bool operator==(const iterator &other) const { return range_ == other.range_; }
        bool operator!=(const iterator &other) const { return range_ != other.range_; }

    private:
        void advance() {
            if (auto task = range_->next()) {
                current_ = std::move(*task);
            } else {
                range_ = nullptr;
                current_ = Task();
            }
        }
        TaskRange *range_ = nullptr;
        Task current_;
    };
    iterator begin() { return iterator(this); }
    iterator end() { return iterator(); }
    /// The next task, std::nullopt once the listing has ended.
    std::optional<Task> next() {
        glance_task *task = nullptr;
        glance_status status = glance_task_iter_next(iter_.get(), &task);
        if (status == GLANCE_DONE) return std::nullopt;
        detail::check(status);
        return Task(task);
    }

private:
    detail::Owned<glance_task_iter, detail::free_task_iter> iter_;
    std::shared_ptr<const void> keep_alive_;
};

class Member;

/// The getters of an image membership.
template <typename Self> class MemberFields {
public:
    /// The project the image is shared with.
    std::string member_id() const { return detail::text(glance_member_member_id(raw())); }
    std::string image_id() const { return detail::text(glance_member_image_id(raw())); }
    /// pending, accepted or rejected.
    std::string status() const { return detail::text(glance_member_status(raw())); }
    std::optional<std::string> created_at() const { return detail::maybe(glance_member_created_at(raw())); }
    std::optional<std::string> updated_at() const { return detail::maybe(glance_member_updated_at(raw())); }
    Member clone() const;

private:
    const glance_member *raw() const { return static_cast<const Self *>(this)->get(); }
};

/// A membership borrowed from a Members list.
class MemberRef : public MemberFields<MemberRef> {
public:
    explicit MemberRef(const glance_member *member) noexcept : member_(member) {}
    const glance_member *get() const noexcept { return member_; }

private:
    const glance_member *member_;
};

/// A membership, owned.
class Member : public MemberFields<Member> {
public:
    Member() = default;
    explicit Member(glance_member *member) noexcept : member_(member) {}
    const glance_member *get() const noexcept { return member_.get(); }

private:
    detail::Owned<glance_member, detail::free_member> member_;
};

template <typename Self> Member MemberFields<Self>::clone() const {
    return Member(detail::copied(glance_member_clone(raw())));
}

/// The members of an image.
class Members {
public:
    explicit Members(glance_members *members) noexcept : members_(members) {}
    std::size_t size() const { return glance_members_count(members_.get()); }
    bool empty() const { return size() == 0; }
    MemberRef operator[](std::size_t index) const {
        const glance_member *member = glance_members_get(members_.get(), index);
        if (member == nullptr) throw std::out_of_range("glance::Members index out of range");
        return MemberRef(member);
    }
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = MemberRef;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = MemberRef;
        iterator() = default;
        iterator(const Members *members, std::size_t index) : members_(members), index_(index) {}
        MemberRef operator*() const { return (*members_)[index_]; }
        iterator &operator++() {
            ++index_;
            return *this;
        }
        bool operator==(const iterator &other) const { return index_ == other.index_; }
        bool operator!=(const iterator &other) const { return index_ != other.index_; }

    private:
        const Members *members_ = nullptr;
        std::size_t index_ = 0;
    };
    iterator begin() const { return iterator(this, 0); }
    iterator end() const { return iterator(this, size()); }

private:
    detail::Owned<glance_members, detail::free_members> members_;
};

/// One object of a container listing.
struct ObjectEntry {
    std::string name;
    /// The MD5 Swift reports (for a large object, of its manifest).
    std::string hash;
    std::uint64_t size = 0;
};

/// What HEAD says about an object.
class ObjectInfo {
public:
    explicit ObjectInfo(glance_object_info *info) noexcept : info_(info) {}
    std::uint64_t size() const { return glance_object_info_size(info_.get()); }
    std::optional<std::string> etag() const { return detail::maybe(glance_object_info_etag(info_.get())); }
    std::optional<std::string> content_type() const {
        return detail::maybe(glance_object_info_content_type(info_.get()));
    }
    /// Whether the object is a Static Large Object (a manifest of segments).
    bool is_large() const { return glance_object_info_is_large(info_.get()); }
    /// The value of `X-Object-Meta-<name>` (name without regard to case).
    std::optional<std::string> metadata(std::string_view name) const {
        return detail::maybe(glance_object_info_metadata(info_.get(), detail::CString(name)));
    }

private:
    detail::Owned<glance_object_info, detail::free_object_info> info_;
};

/// The answer to Client::request: a success status (2xx), its headers and body.
class Response {
public:
    explicit Response(glance_response *response) noexcept : response_(response) {}
    std::uint16_t status() const { return glance_response_status(response_.get()); }
    /// The first value of header `name` (without regard to case).
    std::optional<std::string> header(std::string_view name) const {
        return detail::maybe(glance_response_header(response_.get(), detail::CString(name)));
    }
    /// Every header in the order received, names in lower case.
    std::vector<std::pair<std::string, std::string>> headers() const {
        std::vector<std::pair<std::string, std::string>> all;
        for (std::size_t i = 0, n = glance_response_header_count(response_.get()); i < n; i++) {
            all.emplace_back(detail::text(glance_response_header_name(response_.get(), i)),
                             detail::text(glance_response_header_value(response_.get(), i)));
        }
        return all;
    }
    /// The body's bytes (JSON for most of the Images API).
    std::string body() const {
        const std::uint8_t *bytes = glance_response_body(response_.get());
        if (bytes == nullptr) return std::string();
        return std::string(reinterpret_cast<const char *>(bytes), glance_response_body_len(response_.get()));
    }

private:
    detail::Owned<glance_response, detail::free_response> response_;
};

/// The object storage (Swift) of a cloud, reached with a client's token.
class ObjectStore {
public:
    /// `keep_alive` as for ImageRange: the store may outlive its Client.
    explicit ObjectStore(glance_object_store *store, std::shared_ptr<const void> keep_alive = nullptr) noexcept
        : store_(store), keep_alive_(std::move(keep_alive)) {}
    /// The account's storage URL.
    std::string url() const {
        char *url = nullptr;
        detail::check(glance_object_store_url(store_.get(), &url));
        return detail::take(url);
    }
    bool container_exists(std::string_view container) const {
        bool exists = false;
        detail::check(glance_container_exists(store_.get(), detail::CString(container), &exists));
        return exists;
    }
    /// Throws OperationError (Status::NoSuchContainer) when the container is absent.
    void require_container(std::string_view container) const {
        detail::check(glance_container_require(store_.get(), detail::CString(container)));
    }
    void create_container(std::string_view container) const {
        detail::check(glance_container_create(store_.get(), detail::CString(container)));
    }
    void delete_container(std::string_view container) const {
        detail::check(glance_container_delete(store_.get(), detail::CString(container)));
    }
    /// The objects whose names start with `prefix` (all when absent), every page.
    std::vector<ObjectEntry> list_objects(std::string_view container,
                                          std::optional<std::string_view> prefix = std::nullopt) const {
        glance_objects *raw = nullptr;
        detail::check(glance_object_list(store_.get(), detail::CString(container), detail::OptionalCString(prefix), &raw));
        detail::Owned<glance_objects, detail::free_objects> list(raw);
        std::vector<ObjectEntry> entries;
        for (std::size_t i = 0, n = glance_objects_count(list.get()); i < n; i++) {
            entries.push_back({detail::text(glance_objects_name(list.get(), i)),
                               detail::text(glance_objects_hash(list.get(), i)),
                               glance_objects_size(list.get(), i)});
        }
        return entries;
    }
    ObjectInfo object_info(std::string_view container, std::string_view object) const {
        glance_object_info *info = nullptr;
        detail::check(glance_object_info_get(store_.get(), detail::CString(container), detail::CString(object), &info));
        return ObjectInfo(info);
    }
    /// Uploads a file (in segments of `segment_size` bytes when larger; 0: 1 GiB).
    void upload_file(std::string_view container, std::string_view object, std::string_view path,
                     std::uint64_t segment_size = 0) const {
        detail::check(glance_object_upload_file(store_.get(), detail::CString(container), detail::CString(object),
                                                detail::CString(path), segment_size));
    }
    /// upload_file with a progress callback in `options` (the rest unused).
    void upload_file(std::string_view container, std::string_view object, std::string_view path,
                     std::uint64_t segment_size, const TransferOptions &options) const {
        detail::CallbackScope scope;
        glance_status status = glance_object_upload_file_opts(store_.get(), detail::CString(container),
                                                              detail::CString(object), detail::CString(path),
                                                              segment_size, options.get());
        scope.rethrow();
        detail::check(status);
    }
    /// Uploads what `read` supplies (0 ends it): exactly `size` bytes, or a
    /// large object in segments of `segment_size` (0: 1 GiB) when the size is
    /// absent or larger. The bytes stored.
    std::uint64_t upload(std::string_view container, std::string_view object, ReadFn read,
                         std::optional<std::uint64_t> size = std::nullopt, std::uint64_t segment_size = 0) const {
        std::uint64_t stored = 0;
        std::int64_t length = detail::signed_size(size);
        detail::CallbackScope scope;
        glance_status status = glance_object_upload_callback(store_.get(), detail::CString(container),
                                                             detail::CString(object), &detail::on_read, &read, length,
                                                             segment_size, &stored);
        scope.rethrow();
        detail::check(status);
        return stored;
    }
    /// upload with a progress callback in `options` (the rest unused).
    std::uint64_t upload(std::string_view container, std::string_view object, ReadFn read,
                         std::optional<std::uint64_t> size, std::uint64_t segment_size,
                         const TransferOptions &options) const {
        std::uint64_t stored = 0;
        std::int64_t length = detail::signed_size(size);
        detail::CallbackScope scope;
        glance_status status = glance_object_upload_callback_opts(
            store_.get(), detail::CString(container), detail::CString(object), &detail::on_read, &read, length,
            segment_size, options.get(), &stored);
        scope.rethrow();
        detail::check(status);
        return stored;
    }
    /// Streams the object through `write`, checked against Swift's ETag
    /// (ChecksumMismatch after the last byte says not to trust them). The
    /// bytes written.
    std::uint64_t download(std::string_view container, std::string_view object, WriteFn write) const {
        std::uint64_t bytes = 0;
        detail::CallbackScope scope;
        glance_status status = glance_object_download_callback(store_.get(), detail::CString(container),
                                                               detail::CString(object), &detail::on_write, &write, &bytes);
        scope.rethrow();
        detail::check(status);
        return bytes;
    }
    /// download with a progress callback in `options` (the rest unused).
    std::uint64_t download(std::string_view container, std::string_view object, WriteFn write,
                           const TransferOptions &options) const {
        std::uint64_t bytes = 0;
        detail::CallbackScope scope;
        glance_status status = glance_object_download_callback_opts(store_.get(), detail::CString(container),
                                                                    detail::CString(object), &detail::on_write,
                                                                    &write, options.get(), &bytes);
        scope.rethrow();
        detail::check(status);
        return bytes;
    }
    void download_file(std::string_view container, std::string_view object, std::string_view path) const {
        detail::check(glance_object_download_file(store_.get(), detail::CString(container), detail::CString(object),
                                                  detail::CString(path)));
    }
    /// download_file with a progress callback in `options` (the rest unused).
    void download_file(std::string_view container, std::string_view object, std::string_view path,
                       const TransferOptions &options) const {
        detail::CallbackScope scope;
        glance_status status = glance_object_download_file_opts(store_.get(), detail::CString(container),
                                                                detail::CString(object), detail::CString(path),
                                                                options.get());
        scope.rethrow();
        detail::check(status);
    }
    /// Deletes the object and the segments it owns (a Dynamic Large Object's
    /// only where its manifest legitimately points, else ArgumentError
    /// before anything is deleted; see glance_object_delete).
    void delete_object(std::string_view container, std::string_view object) const {
        detail::check(glance_object_delete(store_.get(), detail::CString(container), detail::CString(object)));
    }
    /// Deletes only the object itself: a large object's manifest, never its segments.
    void delete_object_keep_segments(std::string_view container, std::string_view object) const {
        detail::check(
            glance_object_delete_keep_segments(store_.get(), detail::CString(container), detail::CString(object)));
    }
    /// The key temporary URLs of the container are signed with, if any.
    std::optional<std::string> temp_url_key(std::string_view container) const {
        char *key = nullptr;
        detail::check(glance_container_temp_url_key(store_.get(), detail::CString(container), &key));
        return detail::take_maybe(key);
    }
    /// The key a temporary URL for the whole object must be signed with
    /// (segments kept elsewhere need the account's key), if any.
    std::optional<std::string> temp_url_key(std::string_view container, std::string_view object) const {
        char *key = nullptr;
        detail::check(
            glance_object_temp_url_key(store_.get(), detail::CString(container), detail::CString(object), &key));
        return detail::take_maybe(key);
    }
    void set_temp_url_key(std::string_view container, std::string_view key) const {
        detail::check(glance_container_set_temp_url_key(store_.get(), detail::CString(container), detail::CString(key)));
    }
    /// A URL anyone can GET the object from for `lifetime`.
    std::string temp_url(std::string_view container, std::string_view object, std::string_view key,
                         std::chrono::seconds lifetime) const {
        char *url = nullptr;
        auto seconds = lifetime.count() < 0 ? 0 : static_cast<std::uint64_t>(lifetime.count());
        detail::check(glance_object_temp_url(store_.get(), detail::CString(container), detail::CString(object),
                                             detail::CString(key), seconds, &url));
        return detail::take(url);
    }
    const glance_object_store *get() const noexcept { return store_.get(); }

private:
    detail::Owned<glance_object_store, detail::free_object_store> store_;
    std::shared_ptr<const void> keep_alive_;
};

/// One HTTP attempt as the wire log reports it (valid during the callback only).
class WireEvent {
public:
    explicit WireEvent(const glance_wire_event *event) noexcept : event_(event) {}
    std::string method() const { return detail::text(glance_wire_event_method(event_)); }
    /// The URL, secrets masked.
    std::string url() const { return detail::text(glance_wire_event_url(event_)); }
    /// The HTTP status, 0 when no answer came.
    std::uint16_t status() const { return glance_wire_event_status(event_); }
    std::optional<std::string> request_id() const { return detail::maybe(glance_wire_event_request_id(event_)); }
    std::chrono::milliseconds elapsed() const {
        return std::chrono::milliseconds(glance_wire_event_elapsed_ms(event_));
    }
    /// 1 for the first attempt, more for retries.
    std::uint32_t attempt() const { return glance_wire_event_attempt(event_); }
    /// Why no answer came, when none did.
    std::optional<std::string> error() const { return detail::maybe(glance_wire_event_error(event_)); }

private:
    const glance_wire_event *event_;
};

/// The wire logger: called for every HTTP attempt, from the thread making
/// it (so possibly from several threads at once: make it thread-safe). It
/// cannot stop a request: what it throws is caught and dropped. The client,
/// and the ranges and object stores made from it, keep it alive.
using WireLogFn = std::function<void(const WireEvent &event)>;

class Client;

/// How to build a client: authentication, endpoints, timeouts, TLS, proxy,
/// retries, wire log. Setters chain; build() makes the Client.
class Config {
public:
    /// An empty configuration (set an authentication and, for a bare token, an endpoint).
    Config() : config_(detail::made(glance_config_new())) {}
    /// From the OS_* environment variables, as openstacksdk reads them.
    static Config from_env() {
        glance_config *config = nullptr;
        detail::check(glance_config_from_env(&config));
        return Config(config);
    }
    /// From cloud `name` of clouds.yaml (with secure.yaml).
    static Config from_cloud(std::string_view name) {
        glance_config *config = nullptr;
        detail::check(glance_config_from_cloud(detail::CString(name), &config));
        return Config(config);
    }
    /// From the cloud OS_CLOUD names (or the only one) in clouds.yaml.
    static Config from_default_cloud() {
        glance_config *config = nullptr;
        detail::check(glance_config_from_default_cloud(&config));
        return Config(config);
    }

    Config &endpoint(std::string_view url) { return apply(glance_config_set_endpoint(raw(), detail::CString(url))); }
    Config &token(std::string_view token) { return apply(glance_config_set_token(raw(), detail::CString(token))); }
    Config &region(std::string_view region) { return apply(glance_config_set_region(raw(), detail::CString(region))); }
    /// public, internal or admin.
    Config &interface(std::string_view interface) {
        return apply(glance_config_set_interface(raw(), detail::CString(interface)));
    }
    Config &object_store_endpoint(std::string_view url) {
        return apply(glance_config_set_object_store_endpoint(raw(), detail::CString(url)));
    }
    Config &connect_timeout(std::chrono::milliseconds timeout) {
        return apply(glance_config_set_connect_timeout_ms(raw(), detail::millis(timeout)));
    }
    Config &stall_timeout(std::chrono::milliseconds timeout) {
        return apply(glance_config_set_stall_timeout_ms(raw(), detail::millis(timeout)));
    }
    Config &request_timeout(std::chrono::milliseconds timeout) {
        return apply(glance_config_set_request_timeout_ms(raw(), detail::millis(timeout)));
    }
    // In place of the system's trust store (SSL_CERT_FILE, SSL_CERT_DIR), as curl --cacert.
    Config &ca_file(std::string_view path) { return apply(glance_config_set_ca_file(raw(), detail::CString(path))); }
    /// Presents a client certificate (mutual TLS): PEM certificate and chain,
    /// and its key (absent: in the certificate file too). Read by build().
    Config &client_cert(std::string_view cert_path, std::optional<std::string_view> key_path = std::nullopt) {
        return apply(glance_config_set_client_cert(raw(), detail::CString(cert_path), detail::OptionalCString(key_path)));
    }
    Config &insecure(bool insecure) { return apply(glance_config_set_insecure(raw(), insecure)); }
    Config &proxy(std::string_view url) { return apply(glance_config_set_proxy(raw(), detail::CString(url))); }
    /// No proxy, whatever the environment says.
    Config &disable_proxy() { return apply(glance_config_disable_proxy(raw())); }
    Config &user_agent_suffix(std::string_view suffix) {
        return apply(glance_config_set_user_agent_suffix(raw(), detail::CString(suffix)));
    }
    Config &retry(std::uint32_t max_attempts, std::chrono::milliseconds initial_backoff,
                  std::chrono::milliseconds max_backoff) {
        return apply(glance_config_set_retry(raw(), max_attempts, detail::millis(initial_backoff),
                                             detail::millis(max_backoff)));
    }
    /// Keystone v3 password, project scope by name.
    Config &password(std::string_view auth_url, std::string_view username, std::string_view password,
                     std::string_view project_name) {
        return apply(glance_config_set_password(raw(), detail::CString(auth_url), detail::CString(username),
                                                detail::CString(password), detail::CString(project_name)));
    }
    Config &application_credential(std::string_view auth_url, std::string_view id, std::string_view secret) {
        return apply(glance_config_set_application_credential(raw(), detail::CString(auth_url), detail::CString(id),
                                                              detail::CString(secret)));
    }
    Config &application_credential_name(std::string_view auth_url, std::string_view name, std::string_view username,
                                        std::string_view secret) {
        return apply(glance_config_set_application_credential_name(raw(), detail::CString(auth_url),
                                                                   detail::CString(name), detail::CString(username),
                                                                   detail::CString(secret)));
    }
    /// A Keystone token exchanged for a scoped one (catalog included).
    Config &keystone_token(std::string_view auth_url, std::string_view token) {
        return apply(glance_config_set_keystone_token(raw(), detail::CString(auth_url), detail::CString(token)));
    }
    Config &v2_password(std::string_view auth_url, std::string_view username, std::string_view password) {
        return apply(glance_config_set_v2_password(raw(), detail::CString(auth_url), detail::CString(username),
                                                   detail::CString(password)));
    }
    Config &rackspace_api_key(std::string_view auth_url, std::string_view username, std::string_view api_key) {
        return apply(glance_config_set_rackspace_api_key(raw(), detail::CString(auth_url), detail::CString(username),
                                                         detail::CString(api_key)));
    }
    Config &user_id(std::string_view id) { return apply(glance_config_set_user_id(raw(), detail::CString(id))); }
    Config &user_domain_id(std::string_view id) {
        return apply(glance_config_set_user_domain_id(raw(), detail::CString(id)));
    }
    Config &user_domain_name(std::string_view name) {
        return apply(glance_config_set_user_domain_name(raw(), detail::CString(name)));
    }
    Config &project_id(std::string_view id) { return apply(glance_config_set_project_id(raw(), detail::CString(id))); }
    Config &project_name(std::string_view name) {
        return apply(glance_config_set_project_name(raw(), detail::CString(name)));
    }
    Config &project_domain_id(std::string_view id) {
        return apply(glance_config_set_project_domain_id(raw(), detail::CString(id)));
    }
    Config &project_domain_name(std::string_view name) {
        return apply(glance_config_set_project_domain_name(raw(), detail::CString(name)));
    }
    Config &domain_scope_id(std::string_view id) {
        return apply(glance_config_set_domain_scope_id(raw(), detail::CString(id)));
    }
    Config &domain_scope_name(std::string_view name) {
        return apply(glance_config_set_domain_scope_name(raw(), detail::CString(name)));
    }
    /// The wire logger of the client (kept alive by it). It may call the
    /// client: an authentication's attempts are reported once it has finished
    /// (the session lock released), so such a call cannot deadlock.
    Config &wire_log(WireLogFn logger) {
        auto held = std::make_shared<WireLogFn>(std::move(logger));
        detail::check(glance_config_set_wire_log(raw(), &Config::on_wire_event, held.get()));
        wire_log_ = std::move(held);
        return *this;
    }

    /// Makes the client (consuming this configuration, which is empty afterwards).
    Client build();

private:
    explicit Config(glance_config *config) noexcept : config_(config) {}
    glance_config *raw() const noexcept { return config_.get(); }
    static void on_wire_event(void *userdata, const glance_wire_event *event) noexcept {
        try {
            auto *logger = static_cast<WireLogFn *>(userdata);
            if (*logger) (*logger)(WireEvent(event));
        } catch (...) {
            // A logger cannot fail a request; its exception goes no further.
        }
    }
    Config &apply(glance_status status) {
        detail::check(status);
        return *this;
    }
    detail::Owned<glance_config, detail::free_config> config_;
    std::shared_ptr<WireLogFn> wire_log_;
};

/// Called after each poll of an import wait; return false to stop (AbortedError).
using ImportPollFn = std::function<bool(const ImageRef &image)>;
/// Called after each poll of a task wait; return false to stop (AbortedError).
using TaskWaitFn = std::function<bool(const TaskRef &task)>;

/// A client of one cloud's Image service (and its object storage). Thread-safe:
/// share one between threads (every method is const).
class Client {
public:
    /// A client with a bare token against an Image service endpoint.
    Client(std::string_view endpoint, std::string_view token) : Client(Config().endpoint(endpoint).token(token).build()) {}
    /// From the OS_* environment variables.
    static Client from_env() { return Config::from_env().build(); }
    /// From cloud `name` of clouds.yaml.
    static Client from_cloud(std::string_view name) { return Config::from_cloud(name).build(); }
    /// From OS_CLOUD's cloud of clouds.yaml.
    static Client from_default_cloud() { return Config::from_default_cloud().build(); }

    // Identity.
    /// The current token (authenticating first when needed).
    std::string auth_token() const {
        char *token = nullptr;
        detail::check(glance_client_auth_token(raw(), &token));
        return detail::take(token);
    }
    std::string project_id() const {
        char *id = nullptr;
        detail::check(glance_client_project_id(raw(), &id));
        return detail::take(id);
    }
    std::string user_id() const {
        char *id = nullptr;
        detail::check(glance_client_user_id(raw(), &id));
        return detail::take(id);
    }
    /// The base URL used for `service` (`image` or `object-store`).
    std::string endpoint_url(std::string_view service) const {
        char *url = nullptr;
        detail::check(glance_client_endpoint_url(raw(), detail::CString(service), &url));
        return detail::take(url);
    }

    // Images.
    Image get(std::string_view id) const {
        glance_image *image = nullptr;
        detail::check(glance_image_get(raw(), detail::CString(id), &image));
        return Image(image);
    }
    /// The one image named `name` (LookupError when none or several).
    Image find(std::string_view name) const {
        glance_image *image = nullptr;
        detail::check(glance_image_find(raw(), detail::CString(name), &image));
        return Image(image);
    }
    Image create(const CreateOptions &options) const {
        glance_image *image = nullptr;
        detail::check(glance_image_create(raw(), options.get(), &image));
        return Image(image);
    }
    Image update(std::string_view id, const Patch &patch) const {
        glance_image *image = nullptr;
        detail::check(glance_image_update(raw(), detail::CString(id), patch.get(), &image));
        return Image(image);
    }
    /// Sets the attributes a JSON object names (`null` removes), sending only what differs.
    Image set_properties(std::string_view id, std::string_view properties_json) const {
        glance_image *image = nullptr;
        detail::check(glance_image_set_properties(raw(), detail::CString(id), detail::CString(properties_json), &image));
        return Image(image);
    }
    Image rename(std::string_view id, std::string_view name) const {
        glance_image *image = nullptr;
        detail::check(glance_image_rename(raw(), detail::CString(id), detail::CString(name), &image));
        return Image(image);
    }
    void delete_image(std::string_view id) const { detail::check(glance_image_delete(raw(), detail::CString(id))); }
    void deactivate(std::string_view id) const { detail::check(glance_image_deactivate(raw(), detail::CString(id))); }
    void reactivate(std::string_view id) const { detail::check(glance_image_reactivate(raw(), detail::CString(id))); }

    // Listing.
    /// The first page of images matching `options`.
    ImagePage list(const ListOptions &options = ListOptions()) const {
        glance_image_page *page = nullptr;
        detail::check(glance_image_list(raw(), options.get(), &page));
        return ImagePage(page);
    }
    /// The page a link of an earlier page names.
    ImagePage list_at(std::string_view link) const {
        glance_image_page *page = nullptr;
        detail::check(glance_image_list_at(raw(), detail::CString(link), &page));
        return ImagePage(page);
    }
    /// Every image matching `options`, pages fetched as the loop advances.
    ImageRange images(const ListOptions &options = ListOptions()) const {
        glance_image_iter *iter = nullptr;
        detail::check(glance_image_iter_new(raw(), options.get(), &iter));
        return ImageRange(iter, wire_log_);
    }

    // Image data.
    /// Uploads a file as the data of the queued image `id`; the image afterwards.
    Image upload_file(std::string_view id, std::string_view path,
                      const TransferOptions &options = TransferOptions()) const {
        glance_image *image = nullptr;
        detail::CallbackScope scope;
        glance_status status =
            glance_image_upload_file(raw(), detail::CString(id), detail::CString(path), options.get(), &image);
        return finish_image(scope, status, image);
    }
    /// Uploads bytes held in memory.
    Image upload_buffer(std::string_view id, const void *data, std::size_t len,
                        const TransferOptions &options = TransferOptions()) const {
        glance_image *image = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_image_upload_buffer(raw(), detail::CString(id),
                                                          static_cast<const std::uint8_t *>(data), len, options.get(), &image);
        return finish_image(scope, status, image);
    }
    Image upload_buffer(std::string_view id, std::string_view bytes,
                        const TransferOptions &options = TransferOptions()) const {
        return upload_buffer(id, bytes.data(), bytes.size(), options);
    }
    /// Uploads what `read` supplies: exactly `size` bytes, or chunked until
    /// it returns 0 when `size` is absent.
    Image upload(std::string_view id, ReadFn read, std::optional<std::uint64_t> size = std::nullopt,
                 const TransferOptions &options = TransferOptions()) const {
        glance_image *image = nullptr;
        std::int64_t length = detail::signed_size(size);
        detail::CallbackScope scope;
        glance_status status = glance_image_upload_callback(raw(), detail::CString(id), &detail::on_read, &read,
                                                            length, options.get(), &image);
        return finish_image(scope, status, image);
    }
    /// Stages a file for a glance-direct import.
    void stage_file(std::string_view id, std::string_view path,
                    const TransferOptions &options = TransferOptions()) const {
        detail::CallbackScope scope;
        glance_status status = glance_image_stage_file(raw(), detail::CString(id), detail::CString(path), options.get());
        scope.rethrow();
        detail::check(status);
    }
    void stage_buffer(std::string_view id, const void *data, std::size_t len,
                      const TransferOptions &options = TransferOptions()) const {
        detail::CallbackScope scope;
        glance_status status = glance_image_stage_buffer(raw(), detail::CString(id),
                                                         static_cast<const std::uint8_t *>(data), len, options.get());
        scope.rethrow();
        detail::check(status);
    }
    void stage_buffer(std::string_view id, std::string_view bytes,
                      const TransferOptions &options = TransferOptions()) const {
        stage_buffer(id, bytes.data(), bytes.size(), options);
    }
    /// Stages what `read` supplies (in constant memory): exactly `size`
    /// bytes, or chunked until it returns 0 when `size` is absent.
    void stage(std::string_view id, ReadFn read, std::optional<std::uint64_t> size = std::nullopt,
               const TransferOptions &options = TransferOptions()) const {
        std::int64_t length = detail::signed_size(size);
        detail::CallbackScope scope;
        glance_status status =
            glance_image_stage_callback(raw(), detail::CString(id), &detail::on_read, &read, length, options.get());
        scope.rethrow();
        detail::check(status);
    }
    /// Downloads the verified data into a file; the number of bytes.
    std::uint64_t download_file(std::string_view id, std::string_view path,
                                const TransferOptions &options = TransferOptions()) const {
        std::uint64_t bytes = 0;
        detail::CallbackScope scope;
        glance_status status =
            glance_image_download_file(raw(), detail::CString(id), detail::CString(path), options.get(), &bytes);
        scope.rethrow();
        detail::check(status);
        return bytes;
    }
    /// Downloads the data through `write` (ChecksumMismatch after the last
    /// byte says not to trust them); the number of bytes.
    std::uint64_t download(std::string_view id, WriteFn write,
                           const TransferOptions &options = TransferOptions()) const {
        std::uint64_t bytes = 0;
        detail::CallbackScope scope;
        glance_status status =
            glance_image_download_callback(raw(), detail::CString(id), &detail::on_write, &write, options.get(), &bytes);
        scope.rethrow();
        detail::check(status);
        return bytes;
    }
    /// The data as a string of bytes (small images).
    std::string download_to_string(std::string_view id, const TransferOptions &options = TransferOptions()) const {
        std::string data;
        download(
            id,
            [&data](const std::uint8_t *bytes, std::size_t len) {
                data.append(reinterpret_cast<const char *>(bytes), len);
                return true;
            },
            options);
        return data;
    }

    // Interoperable import and stores.
    /// The import methods the cloud offers (JSON of GET /v2/info/import).
    std::string import_methods() const {
        char *json = nullptr;
        detail::check(glance_import_methods(raw(), &json));
        return detail::take(json);
    }
    /// The stores of a multi-store cloud (JSON array).
    std::string stores_json() const {
        char *json = nullptr;
        detail::check(glance_stores_json(raw(), &json));
        return detail::take(json);
    }
    /// What the cloud offers (JSON: "api_version", "import_methods",
    /// "stores"), learned once per client.
    std::string capabilities_json() const {
        char *json = nullptr;
        detail::check(glance_capabilities_json(raw(), &json));
        return detail::take(json);
    }
    /// The project's quota usage (JSON object of {"limit", "usage"}; "{}"
    /// without unified limits).
    std::string usage_json() const {
        char *json = nullptr;
        detail::check(glance_usage_json(raw(), &json));
        return detail::take(json);
    }
    /// The stores with driver and settings (JSON array; admin).
    std::string stores_detail_json() const {
        char *json = nullptr;
        detail::check(glance_stores_detail_json(raw(), &json));
        return detail::take(json);
    }
    /// The tasks of an image (JSON).
    std::string image_tasks_json(std::string_view id) const {
        char *json = nullptr;
        detail::check(glance_image_tasks_json(raw(), detail::CString(id), &json));
        return detail::take(json);
    }
    void import_image(std::string_view id, const ImportOptions &options) const {
        detail::check(glance_image_import(raw(), detail::CString(id), options.get()));
    }
    /// Waits for an import to end (interval 0: 1 s; timeout 0: no limit).
    Image wait_import(std::string_view id, std::chrono::milliseconds interval = std::chrono::milliseconds(0),
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(0),
                      ImportPollFn poll = ImportPollFn()) const {
        glance_image *image = nullptr;
        auto interval_ms = detail::millis(interval);
        if (interval_ms > UINT32_MAX) {
            detail::raise(Status::InvalidArg, 0, "an import poll interval must fit in 32 bits of milliseconds",
                          std::nullopt);
        }
        detail::CallbackScope scope;
        glance_status status = glance_image_wait_import(raw(), detail::CString(id), static_cast<std::uint32_t>(interval_ms),
                                                        detail::millis(timeout), poll ? &Client::on_import_poll : nullptr,
                                                        poll ? &poll : nullptr, &image);
        return finish_image(scope, status, image);
    }
    /// wait_import, then a check that the active image's data has the digest
    /// `hex` of `algorithm` ("sha256", "sha512", "md5", ...), e.g. the one a
    /// web-download's publisher announced: Glance's record when it is of that
    /// algorithm, else the data downloaded and hashed. On a mismatch the image
    /// is deleted and ChecksumMismatch thrown; bad digests throw ArgumentError
    /// before any request.
    Image wait_import_expecting(std::string_view id, std::string_view algorithm, std::string_view hex,
                                std::chrono::milliseconds interval = std::chrono::milliseconds(0),
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(0),
                                ImportPollFn poll = ImportPollFn()) const {
        glance_image *image = nullptr;
        auto interval_ms = detail::millis(interval);
        if (interval_ms > UINT32_MAX) {
            detail::raise(Status::InvalidArg, 0, "an import poll interval must fit in 32 bits of milliseconds",
                          std::nullopt);
        }
        detail::CallbackScope scope;
        glance_status status = glance_image_wait_import_expecting(
            raw(), detail::CString(id), static_cast<std::uint32_t>(interval_ms), detail::millis(timeout),
            detail::CString(algorithm), detail::CString(hex), poll ? &Client::on_import_poll : nullptr,
            poll ? &poll : nullptr, &image);
        return finish_image(scope, status, image);
    }
    void delete_from_store(std::string_view id, std::string_view store) const {
        detail::check(glance_image_delete_from_store(raw(), detail::CString(id), detail::CString(store)));
    }
    /// Creates an image and gives it a file's data (upload, or stage + import), in one call.
    Image create_with_data(const CreateOptions &create, std::string_view path,
                           const ImportOptions &import = ImportOptions(),
                           const TransferOptions &transfer = TransferOptions()) const {
        glance_image *image = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_image_create_with_data(raw(), create.get(), detail::CString(path), import.get(),
                                                             transfer.get(), &image);
        return finish_image(scope, status, image);
    }
    /// create_with_data from bytes held in memory.
    Image create_with_data_buffer(const CreateOptions &create, const void *data, std::size_t len,
                                  const ImportOptions &import = ImportOptions(),
                                  const TransferOptions &transfer = TransferOptions()) const {
        glance_image *image = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_image_create_with_data_buffer(
            raw(), create.get(), static_cast<const std::uint8_t *>(data), len, import.get(), transfer.get(), &image);
        return finish_image(scope, status, image);
    }
    Image create_with_data_buffer(const CreateOptions &create, std::string_view bytes,
                                  const ImportOptions &import = ImportOptions(),
                                  const TransferOptions &transfer = TransferOptions()) const {
        return create_with_data_buffer(create, bytes.data(), bytes.size(), import, transfer);
    }
    /// create_with_data from what `read` supplies: exactly `size` bytes, or
    /// until it returns 0 when `size` is absent. A reader that throws, or an
    /// abort, leaves no image behind either.
    Image create_with_data(const CreateOptions &create, ReadFn read, std::optional<std::uint64_t> size = std::nullopt,
                           const ImportOptions &import = ImportOptions(),
                           const TransferOptions &transfer = TransferOptions()) const {
        glance_image *image = nullptr;
        std::int64_t length = detail::signed_size(size);
        detail::CallbackScope scope;
        glance_status status = glance_image_create_with_data_callback(
            raw(), create.get(), &detail::on_read, &read, length, import.get(), transfer.get(), &image);
        return finish_image(scope, status, image);
    }
    /// Creates an image from a file as openstacksdk's create_image does: the
    /// owner_specified.openstack.md5/.sha256/.object properties stamped and,
    /// unless `allow_duplicates`, an image of that name with the file's
    /// digests given back instead of uploading again.
    Image create_like_openstacksdk(const CreateOptions &create, std::string_view path, bool allow_duplicates = false,
                                   const ImportOptions &import = ImportOptions(),
                                   const TransferOptions &transfer = TransferOptions()) const {
        glance_image *image = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_image_create_like_openstacksdk(
            raw(), create.get(), detail::CString(path), import.get(), transfer.get(), allow_duplicates, &image);
        return finish_image(scope, status, image);
    }

    // Members.
    Members members(std::string_view image_id) const {
        glance_members *members = nullptr;
        detail::check(glance_member_list(raw(), detail::CString(image_id), &members));
        return Members(members);
    }
    Member member(std::string_view image_id, std::string_view member_id) const {
        glance_member *member = nullptr;
        detail::check(glance_member_get(raw(), detail::CString(image_id), detail::CString(member_id), &member));
        return Member(member);
    }
    Member add_member(std::string_view image_id, std::string_view member_id) const {
        glance_member *member = nullptr;
        detail::check(glance_member_add(raw(), detail::CString(image_id), detail::CString(member_id), &member));
        return Member(member);
    }
    void remove_member(std::string_view image_id, std::string_view member_id) const {
        detail::check(glance_member_remove(raw(), detail::CString(image_id), detail::CString(member_id)));
    }
    Member update_member_status(std::string_view image_id, std::string_view member_id, std::string_view status) const {
        glance_member *member = nullptr;
        detail::check(glance_member_update_status(raw(), detail::CString(image_id), detail::CString(member_id),
                                                  detail::CString(status), &member));
        return Member(member);
    }
    /// Accepts or rejects an image shared with the caller's project.
    Member update_own_member_status(std::string_view image_id, std::string_view status) const {
        glance_member *member = nullptr;
        detail::check(
            glance_member_update_own_status(raw(), detail::CString(image_id), detail::CString(status), &member));
        return Member(member);
    }

    // Tags.
    void add_tag(std::string_view image_id, std::string_view tag) const {
        detail::check(glance_tag_add(raw(), detail::CString(image_id), detail::CString(tag)));
    }
    void remove_tag(std::string_view image_id, std::string_view tag) const {
        detail::check(glance_tag_remove(raw(), detail::CString(image_id), detail::CString(tag)));
    }
    /// Makes the image's tags exactly `tags`; the image afterwards.
    Image replace_tags(std::string_view image_id, const std::vector<std::string> &tags) const {
        detail::CStringArray array(tags);
        glance_image *image = nullptr;
        detail::check(glance_tag_replace_all(raw(), detail::CString(image_id), array.data(), array.size(), &image));
        return Image(image);
    }

    // Schemas.
    /// images, image, members, member, tasks or task, as JSON.
    std::string schema(std::string_view name) const {
        char *json = nullptr;
        detail::check(glance_schema_get(raw(), detail::CString(name), &json));
        return detail::take(json);
    }

    // Any path of the Images API.
    /// Sends `method` to `path` (relative to the image endpoint, or an
    /// absolute URL on its scheme, host and port) with extra `headers` and an
    /// optional `body` (`Content-Type` from `headers`, JSON by default),
    /// through the client's authentication and retries (idempotent methods
    /// only). A status outside 2xx throws as every other call does.
    Response request(std::string_view method, std::string_view path,
                     const std::vector<std::pair<std::string, std::string>> &headers = {},
                     std::optional<std::string_view> body = std::nullopt) const {
        std::vector<std::string> lines;
        lines.reserve(headers.size());
        for (const auto &header : headers) {
            if (header.first.find(':') != std::string::npos) {
                detail::raise(Status::InvalidArg, 0, "header name '" + header.first + "' holds a ':'", std::nullopt);
            }
            lines.push_back(header.first + ": " + header.second);
        }
        detail::CStringArray array(lines);
        glance_response *response = nullptr;
        detail::check(glance_request(raw(), detail::CString(method), detail::CString(path), array.data(),
                                     array.size(),
                                     body ? reinterpret_cast<const std::uint8_t *>(body->data() ? body->data() : "")
                                          : nullptr,
                                     body ? body->size() : 0, &response));
        return Response(response);
    }

    // Tasks.
    Task task(std::string_view id) const {
        glance_task *task = nullptr;
        detail::check(glance_task_get(raw(), detail::CString(id), &task));
        return Task(task);
    }
    Task create_task(std::string_view type, std::string_view input_json) const {
        glance_task *task = nullptr;
        detail::check(glance_task_create(raw(), detail::CString(type), detail::CString(input_json), &task));
        return Task(task);
    }
    /// An upstream import task: Glance fetches `import_from`.
    Task create_import_task(std::string_view import_from, std::string_view import_from_format,
                            std::string_view image_properties_json) const {
        glance_task *task = nullptr;
        detail::check(glance_task_create_import(raw(), detail::CString(import_from), detail::CString(import_from_format),
                                                detail::CString(image_properties_json), &task));
        return Task(task);
    }
    /// A Rackspace export task into `container`.
    Task create_export_task(const ObjectStore &store, std::string_view image_id, std::string_view container) const {
        glance_task *task = nullptr;
        detail::check(glance_task_create_export(raw(), store.get(), detail::CString(image_id), detail::CString(container),
                                                &task));
        return Task(task);
    }
    /// A Rackspace import task from `container/object`.
    Task create_container_import_task(const ObjectStore &store, std::string_view container, std::string_view object,
                                      std::optional<std::string_view> image_name = std::nullopt,
                                      std::optional<std::string_view> format = std::nullopt) const {
        glance_task *task = nullptr;
        detail::check(glance_task_create_container_import(raw(), store.get(), detail::CString(container),
                                                          detail::CString(object), detail::OptionalCString(image_name),
                                                          detail::OptionalCString(format), &task));
        return Task(task);
    }
    /// Polls a task until it ends (TaskFailed when it failed); timeout 0: no limit.
    Task wait_task(std::string_view id, std::chrono::milliseconds interval,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(0),
                   TaskWaitFn callback = TaskWaitFn()) const {
        glance_task *task = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_task_wait(raw(), detail::CString(id), detail::millis(interval),
                                                detail::millis(timeout), callback ? &Client::on_task_wait : nullptr,
                                                callback ? &callback : nullptr, &task);
        scope.rethrow();
        detail::check(status);
        return Task(task);
    }
    TaskPage list_tasks(const TaskListOptions &options = TaskListOptions()) const {
        glance_task_page *page = nullptr;
        detail::check(glance_task_list(raw(), options.get(), &page));
        return TaskPage(page);
    }
    TaskPage list_tasks_at(std::string_view link) const {
        glance_task_page *page = nullptr;
        detail::check(glance_task_list_at(raw(), detail::CString(link), &page));
        return TaskPage(page);
    }
    /// Every task matching `options`, pages fetched lazily.
    TaskRange tasks(const TaskListOptions &options = TaskListOptions()) const {
        glance_task_iter *iter = nullptr;
        detail::check(glance_task_iter_new(raw(), options.get(), &iter));
        return TaskRange(iter, wire_log_);
    }

    // Object storage and journeys.
    /// The catalog's object storage.
    ObjectStore object_store() const {
        glance_object_store *store = nullptr;
        detail::check(glance_object_store_new(raw(), &store));
        return ObjectStore(store, wire_log_);
    }
    /// The object storage at an account URL.
    ObjectStore object_store_at(std::string_view storage_url) const {
        glance_object_store *store = nullptr;
        detail::check(glance_object_store_at(raw(), detail::CString(storage_url), &store));
        return ObjectStore(store, wire_log_);
    }
    /// Streams an image into `container`; the object's name.
    std::string export_to_container(std::string_view image_id, const ObjectStore &store, std::string_view container,
                                    std::optional<std::string_view> object = std::nullopt,
                                    std::uint64_t segment_size = 0) const {
        char *name = nullptr;
        detail::check(glance_image_export_to_container(raw(), detail::CString(image_id), store.get(),
                                                       detail::CString(container), detail::OptionalCString(object),
                                                       segment_size, &name));
        return detail::take(name);
    }
    /// export_to_container with a progress callback in `options` (the rest
    /// unused): Phase::Moving as the bytes reach the container; false stops
    /// it (AbortedError) and nothing is left in the container.
    std::string export_to_container(std::string_view image_id, const ObjectStore &store, std::string_view container,
                                    std::optional<std::string_view> object, std::uint64_t segment_size,
                                    const TransferOptions &options) const {
        char *name = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_image_export_to_container_opts(
            raw(), detail::CString(image_id), store.get(), detail::CString(container), detail::OptionalCString(object),
            segment_size, options.get(), &name);
        scope.rethrow();
        detail::check(status);
        return detail::take(name);
    }
    /// Makes an image of an exported object.
    Image import_from_container(const ObjectStore &store, std::string_view container, std::string_view object,
                                std::optional<std::string_view> name = std::nullopt,
                                ImportVia via = ImportVia::Auto) const {
        glance_image *image = nullptr;
        detail::check(glance_image_import_from_container(raw(), store.get(), detail::CString(container),
                                                         detail::CString(object), detail::OptionalCString(name),
                                                         static_cast<std::uint32_t>(via), &image));
        return Image(image);
    }
    /// import_from_container with a progress callback in `options` (the
    /// rest unused): Phase::Moving, or Phase::Importing while Glance fetches
    /// the object; false stops it (AbortedError) and no image is left.
    Image import_from_container(const ObjectStore &store, std::string_view container, std::string_view object,
                                std::optional<std::string_view> name, ImportVia via,
                                const TransferOptions &options) const {
        glance_image *image = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_image_import_from_container_opts(
            raw(), store.get(), detail::CString(container), detail::CString(object), detail::OptionalCString(name),
            static_cast<std::uint32_t>(via), options.get(), &image);
        return finish_image(scope, status, image);
    }
    /// Copies an image of this client's cloud into `target`'s; the copy.
    Image copy_to(std::string_view image_id, const Client &target,
                  std::optional<std::string_view> name = std::nullopt) const {
        glance_image *image = nullptr;
        detail::check(
            glance_image_copy_to(raw(), detail::CString(image_id), target.raw(), detail::OptionalCString(name), &image));
        return Image(image);
    }
    /// copy_to with a progress callback in `options` (the rest unused):
    /// Phase::Moving as the bytes reach the target; false stops it
    /// (AbortedError) and no image is left in the target.
    Image copy_to(std::string_view image_id, const Client &target, std::optional<std::string_view> name,
                  const TransferOptions &options) const {
        glance_image *image = nullptr;
        detail::CallbackScope scope;
        glance_status status = glance_image_copy_to_opts(raw(), detail::CString(image_id), target.raw(),
                                                         detail::OptionalCString(name), options.get(), &image);
        return finish_image(scope, status, image);
    }

    const glance_client *get() const noexcept { return client_.get(); }
    explicit operator bool() const noexcept { return client_ != nullptr; }

private:
    friend class Config;
    Client(glance_client *client, std::shared_ptr<WireLogFn> wire_log) noexcept
        : client_(client), wire_log_(std::move(wire_log)) {}
    const glance_client *raw() const noexcept { return client_.get(); }

    static Image finish_image(detail::CallbackScope &scope, glance_status status, glance_image *raw_image) {
        Image image(status == GLANCE_OK ? raw_image : nullptr);
        scope.rethrow();
        detail::check(status);
        return image;
    }
    static int on_import_poll(void *userdata, const glance_image *image) noexcept {
        auto *poll = static_cast<ImportPollFn *>(userdata);
        return detail::guarded([&] { return (*poll)(ImageRef(image)); });
    }
    static int on_task_wait(void *userdata, const glance_task *task) noexcept {
        auto *callback = static_cast<TaskWaitFn *>(userdata);
        return detail::guarded([&] { return (*callback)(TaskRef(task)); });
    }

    detail::Owned<glance_client, detail::free_client> client_;
    std::shared_ptr<WireLogFn> wire_log_;
};

inline Client Config::build() {
    // glance_config_build consumes the configuration whatever happens.
    glance_config *config = config_.release();
    glance_client *client = nullptr;
    detail::check(glance_config_build(config, &client));
    return Client(client, std::move(wire_log_));
}

} // namespace glance

#endif // GLANCE_HPP
