// A tour of glance-client from C++, against the local cloud: the C++ version
// of examples/tour.c (bindings/cpp/run-tour builds and runs it;
// `scripts/local-cloud env` has the settings it reads).
//
// Each step prints what it did; any failure prints the library's error
// (status, message, HTTP status, request id), removes what the tour made
// (the owners and the Cleanup guard do that on the way out), and exits 1.
#include <glance.hpp>

#include <cstdint>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

std::string or_dash(const std::optional<std::string> &text) { return text.value_or("-"); }

void step(int number, const char *title) { std::cout << "\n== " << number << ". " << title << "\n"; }

/// What the tour made, removed whatever happens (even when an exception is on its way).
struct Cleanup {
    const glance::Client &demo;
    std::vector<std::string> images;
    const glance::ObjectStore *swift = nullptr;
    std::string container, object;

    ~Cleanup() {
        for (const auto &id : images) {
            try {
                demo.delete_image(id);
                std::cout << "   deleted image " << id << "\n";
            } catch (const glance::Error &) {
            }
        }
        try {
            if (swift != nullptr && !object.empty()) {
                swift->delete_object(container, object);
                std::cout << "   deleted object " << container << "/" << object << "\n";
            }
            if (swift != nullptr && !container.empty()) {
                swift->delete_container(container);
                std::cout << "   deleted container " << container << "\n";
            }
        } catch (const glance::Error &) {
        }
    }
};

/// A client for a cloud of clouds.yaml.
glance::Client sign_in(const char *cloud) {
    return glance::Config::from_cloud(cloud).user_agent_suffix("glance-tour-cpp").build();
}

void list_active_images(const glance::Client &demo) {
    glance::ListOptions options;
    options.status("active").limit(3).sort("created_at", "desc");
    glance::ImagePage page = demo.list(options);
    if (page.empty()) std::cout << "   (no active image yet)\n";
    for (int number = 1; number <= 3; number++) {
        if (!page.empty()) std::cout << "   page " << number << ":\n";
        for (glance::ImageRef image : page) {
            std::cout << "     " << image.id() << "  " << std::left << std::setw(40) << or_dash(image.name()).substr(0, 40)
                      << std::right << std::setw(11) << image.size().value_or(0) << " bytes\n";
        }
        std::optional<std::string> next = page.next();
        if (!next) break;
        if (number == 3) {
            std::cout << "   (more pages follow; `for (auto &image : client.images(options))` walks them all)\n";
            break;
        }
        page = demo.list_at(*next);
    }
}

std::string create_image(const glance::Client &demo, const std::string &name) {
    glance::CreateOptions options;
    options.name(name).disk_format("raw").container_format("bare").visibility("private").property("os_distro",
                                                                                                    "tour-linux");
    glance::Image image = demo.create(options);
    std::cout << "   created " << image.id() << " \"" << or_dash(image.name()) << "\": " << image.status() << ", "
              << image.visibility() << ", os_distro=" << or_dash(image.property("os_distro")) << "\n";
    return image.id();
}

void upload_data(const glance::Client &demo, const std::string &id) {
    const std::size_t size = 16u * 1024u * 1024u;
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; i++) data[i] = static_cast<char>(i * 2654435761u >> 24);
    glance::TransferOptions options;
    // Returning false would stop the upload (it then throws glance::AbortedError).
    options.progress([](std::uint64_t done, std::uint64_t total) {
        std::cout << "   uploaded " << std::fixed << std::setprecision(1) << std::setw(5)
                  << static_cast<double>(done) / 1048576.0 << " of " << static_cast<double>(total) / 1048576.0
                  << " MiB\n";
        return true;
    });
    glance::Image image = demo.upload_buffer(id, data, options);
    std::cout << "   " << id << " is " << image.status() << ": " << or_dash(image.os_hash_algo()) << " "
              << or_dash(image.os_hash_value()) << ", md5 " << or_dash(image.checksum())
              << " (verified while uploading)\n";
}

void share_with(const glance::Client &demo, const glance::Client &alt, const std::string &alt_project,
                const std::string &id, const std::string &name) {
    glance::Image shared = demo.update(id, glance::Patch().replace("visibility", "shared"));
    std::cout << "   visibility is now " << shared.visibility() << "\n";
    glance::Member member = demo.add_member(id, alt_project);
    std::cout << "   demo shared it with project " << member.member_id() << ": " << member.status() << "\n";
    std::cout << "   alt_demo answered: " << alt.update_own_member_status(id, "accepted").status() << "\n";
    glance::ListOptions options;
    options.name(name);
    for (const glance::Image &seen : alt.images(options)) {
        std::cout << "   alt_demo lists it: " << seen.id() << " \"" << or_dash(seen.name()) << "\" owned by "
                  << or_dash(seen.owner()) << "\n";
        return;
    }
    throw std::runtime_error("alt_demo does not list the shared image");
}

void tag(const glance::Client &demo, const std::string &id) {
    demo.add_tag(id, "tour");
    demo.add_tag(id, "made in C++");
    std::cout << "   tags:";
    for (const auto &tag : demo.get(id).tags()) std::cout << " \"" << tag << "\"";
    std::cout << "\n";
}

void export_and_import(const glance::Client &demo, Cleanup &made, const glance::ObjectStore &swift,
                       const std::string &id, const std::string &name) {
    made.swift = &swift;
    made.container = name + "-export";
    swift.create_container(made.container);
    // A temp URL key lets Glance fetch the object itself (web-download).
    swift.set_temp_url_key(made.container, "tour-secret-key");
    made.object = demo.export_to_container(id, swift, made.container);
    std::cout << "   exported " << id << " to " << made.container << "/" << made.object << "\n";
    glance::Image image = demo.import_from_container(swift, made.container, made.object, name + "-imported",
                                                     glance::ImportVia::WebDownload);
    made.images.push_back(image.id());
    std::cout << "   imported as " << image.id() << " \"" << or_dash(image.name()) << "\": " << image.status()
              << ", os_distro=" << or_dash(image.property("os_distro")) << "\n";
    if (image.os_hash_value() != demo.get(id).os_hash_value()) {
        throw std::runtime_error("the imported image's data differs from the original's");
    }
    std::cout << "   same data as the original: yes (same sha512)\n";
}

void show_import_task(const glance::Client &demo, const std::string &imported_id) {
    std::cout << "   the import tasks of " << imported_id << " (JSON, for any JSON library):\n     "
              << demo.image_tasks_json(imported_id).substr(0, 600) << "\n";
}

int tour() {
    std::cout << "glance-client " << glance::version() << ": a tour from C++\n";

    step(1, "Sign in from clouds.yaml (clouds demo and alt_demo)");
    glance::Client demo = sign_in("demo");
    glance::Client alt = sign_in("alt_demo");
    std::cout << "   demo: project " << demo.project_id() << ", Image service at " << demo.endpoint_url("image")
              << " (from the catalog)\n";
    const std::string alt_project = alt.project_id();
    // Nothing is sent until the store is used; declared before `made`, which uses it last.
    glance::ObjectStore swift = demo.object_store();
    std::cout << "   alt_demo: project " << alt_project << "\n";

    step(2, "List active images, newest first, 3 per page");
    list_active_images(demo);

    step(3, "Create an image and upload 16 MiB of data, with progress");
    const std::string name = "tour-cpp-" + std::to_string(static_cast<long>(std::time(nullptr)));
    Cleanup made{demo, {}, nullptr, {}, {}};
    const std::string id = create_image(demo, name);
    made.images.push_back(id);
    upload_data(demo, id);

    step(4, "Share it with alt_demo, who accepts and then sees it");
    share_with(demo, alt, alt_project, id, name);

    step(5, "Tag it");
    tag(demo, id);

    step(6, "Export it to an object-storage container and import it back");
    export_and_import(demo, made, swift, id, name);

    step(7, "The import task's result");
    show_import_task(demo, made.images.back());

    step(8, "Clean up");
    // `made` removes the images, the object and the container as it goes out of scope.
    return 0;
}

} // namespace

int main() {
    try {
        tour();
    } catch (const glance::Error &error) {
        std::cerr << "\nFAILED: " << glance::status_str(error.status()) << " (status "
                  << static_cast<std::uint32_t>(error.status()) << ")\n  " << error.what() << "\n";
        if (error.http_status() != 0) {
            std::cerr << "  HTTP " << error.http_status() << ", request id " << error.request_id().value_or("(none)")
                      << "\n";
        }
        return 1;
    } catch (const std::exception &error) {
        std::cerr << "\nFAILED: " << error.what() << "\n";
        return 1;
    }
    std::cout << "\nThe tour is over: every step worked.\n";
    return 0;
}
