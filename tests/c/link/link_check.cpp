// Linked the way C++ users link after `make install`: <glance.hpp> found
// through pkg-config's include directory, the shared library through its
// libs. The library answers, agrees with its header, and builds a client.
#include <glance.hpp>

#include <iostream>

int main() {
    if (glance::version() != GLANCE_VERSION) {
        std::cerr << "library " << glance::version() << ", header " << GLANCE_VERSION << "\n";
        return 1;
    }
    glance::Client client("http://127.0.0.1:9292", "token");
    std::cout << "glance-client " << glance::version() << " from C++\n";
    return 0;
}
