// Prints the library's version, then the id of every image of the cloud
// "demo" named argv[1], listed through the C++ wrapper (glance.hpp).
#include <glance.hpp>

#include <iostream>

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    try {
        if (glance::version() != GLANCE_VERSION) {
            std::cerr << "library " << glance::version() << ", header " << GLANCE_VERSION << "\n";
            return 1;
        }
        std::cout << "glance-client " << glance::version() << " from C++\n";
        glance::Client client = glance::Client::from_cloud("demo");
        glance::ListOptions options;
        options.name(argv[1]);
        for (const glance::Image &image : client.images(options)) {
            std::cout << "found " << image.id() << "\n";
        }
        return 0;
    } catch (const glance::Error &error) {
        std::cerr << error.what() << "\n";
        return 1;
    }
}
