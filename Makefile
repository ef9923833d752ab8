# The C library as C and C++ programs use it: build as yourself, then install
# (copies only: `make install` never runs cargo, so `sudo make install` does
# not build as root).
#
#   make                  release build (one cargo run, as you): libglance_client.a and
#                         .so in target/release, with the SONAME's name
#                         (libglance_client.so.X.Y.Z) linked beside the .so so
#                         uninstalled programs run; the native libraries a
#                         static link needs (glance-client.native-libs); and
#                         glancectl
#   make install PREFIX=/usr/local LIBDIR=... INCLUDEDIR=... [DESTDIR=...]
#                         installs what `make` built (fails, naming `make`,
#                         when it was not built): the libraries, glance.h and
#                         glance.hpp, glance-client.pc (shared),
#                         glance-client-static.pc (static), the CMake package
#                         (find_package(glance-client): glance-client::glance-client
#                         and glance-client::static) into CMAKEDIR, and
#                         glancectl with its man page and bash completion.
#                         With an empty DESTDIR, as root, it runs ldconfig so
#                         the loader finds the library in its own directories
#                         (/usr/local/lib on Debian); for another PREFIX link
#                         with -Wl,-rpath,$(LIBDIR) (README, "C").
#   make uninstall PREFIX=...
#
# Then: cc prog.c $(pkg-config --cflags --libs glance-client)          (shared)
#       cc prog.c $(pkg-config --cflags --libs glance-client-static)   (static:
#       its Libs name the archive itself, so no .so beside it is picked)
# C++ programs include <glance.hpp>, installed beside glance.h. Before 1.0 the
# shared library's SONAME carries the full version (libglance_client.so.X.Y.Z):
# every release may change the ABI, so programs must be rebuilt against a new one.
#
# LIB_DIR=<dir> NO_BUILD=1 installs libraries cargo already built elsewhere
# (the link tests install what `cargo test` built, without running cargo; the
# native-library list is then probed with rustc at install time into NATIVE).

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR ?= $(LIBDIR)/cmake/glance-client
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
CARGO ?= cargo
RUSTC ?= rustc
LDCONFIG ?= ldconfig
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
LIB_DIR ?= $(TARGET_DIR)/release
NO_BUILD ?=
NATIVE ?= $(LIB_DIR)/glance-client.native-libs

VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
SONAME := libglance_client.so.$(VERSION)
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@SONAME@|$(SONAME)|g' -e "s|@NATIVE_LIBS@|$$native|g" \
	-e "s|@NATIVE_LIBS_CMAKE@|$$native_cmake|g"

.PHONY: all build lib native glancectl install check-built uninstall
all: build native

# One cargo run for both: built apart, the library's dependencies get other
# features each time and every `make` would rebuild them.
build:
ifeq ($(NO_BUILD),)
	$(CARGO) build --release --locked -p glance-client -p glancectl
	ln -sf libglance_client.so $(LIB_DIR)/$(SONAME)
endif

lib:
ifeq ($(NO_BUILD),)
	$(CARGO) build --release --locked
	ln -sf libglance_client.so $(LIB_DIR)/$(SONAME)
endif

glancectl:
ifeq ($(NO_BUILD),)
	$(CARGO) build --release --locked -p glancectl
endif

# What any Rust static library needs from the system on this platform.
native:
	@mkdir -p $(dir $(NATIVE))
	probe=$$(mktemp -d) && echo > $$probe/probe.rs && \
	$(RUSTC) --crate-type staticlib --crate-name probe --print native-static-libs \
	    -o $$probe/libprobe.a $$probe/probe.rs 2>&1 \
	    | sed -n 's/^note: native-static-libs: //p' > $$probe/native && \
	mv $$probe/native $(NATIVE) && rm -rf $$probe

check-built:
	@for f in $(LIB_DIR)/libglance_client.a $(LIB_DIR)/libglance_client.so $(NATIVE); do \
	    if [ ! -f $$f ]; then \
	        echo "make install: $$f is missing; build first, as yourself: make" >&2; exit 1; \
	    fi; \
	done

install: $(if $(NO_BUILD),native,check-built)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(CMAKEDIR)
	install -m 644 $(LIB_DIR)/libglance_client.a $(DESTDIR)$(LIBDIR)/libglance_client.a
	install -m 755 $(LIB_DIR)/libglance_client.so $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libglance_client.so
	install -m 644 include/glance.h $(DESTDIR)$(INCLUDEDIR)/glance.h
	install -m 644 bindings/cpp/glance.hpp $(DESTDIR)$(INCLUDEDIR)/glance.hpp
	native=$$(cat $(NATIVE)); \
	native_cmake=$$(echo $$native | sed -e 's/-l//g' -e 's/ /;/g'); \
	$(SUBST) glance-client.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/glance-client.pc && \
	$(SUBST) glance-client-static.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/glance-client-static.pc && \
	$(SUBST) cmake/glance-client-config.cmake.in > $(DESTDIR)$(CMAKEDIR)/glance-client-config.cmake && \
	$(SUBST) cmake/glance-client-config-version.cmake.in \
	    > $(DESTDIR)$(CMAKEDIR)/glance-client-config-version.cmake
	@# NO_BUILD installs (the link tests) may have built no glancectl.
	if [ -x $(LIB_DIR)/glancectl ]; then \
	    install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) && \
	    install -m 755 $(LIB_DIR)/glancectl $(DESTDIR)$(BINDIR)/glancectl && \
	    $(LIB_DIR)/glancectl man > $(DESTDIR)$(MANDIR)/man1/glancectl.1 && \
	    $(LIB_DIR)/glancectl completion bash > $(DESTDIR)$(BASHCOMPDIR)/glancectl; \
	fi
	@# The loader's cache, for a system prefix (ldconfig ignores directories
	@# not in its configuration; elsewhere programs carry an rpath).
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ] && command -v $(LDCONFIG) >/dev/null 2>&1; then \
	    $(LDCONFIG); \
	elif [ -z "$(DESTDIR)" ]; then \
	    echo "note: ldconfig not run (not root, or none here): link programs with -Wl,-rpath,$(LIBDIR)"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libglance_client.a $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libglance_client.so $(DESTDIR)$(INCLUDEDIR)/glance.h \
	    $(DESTDIR)$(INCLUDEDIR)/glance.hpp \
	    $(DESTDIR)$(PKGCONFIGDIR)/glance-client.pc \
	    $(DESTDIR)$(PKGCONFIGDIR)/glance-client-static.pc \
	    $(DESTDIR)$(CMAKEDIR)/glance-client-config.cmake \
	    $(DESTDIR)$(CMAKEDIR)/glance-client-config-version.cmake \
	    $(DESTDIR)$(BINDIR)/glancectl \
	    $(DESTDIR)$(MANDIR)/man1/glancectl.1 $(DESTDIR)$(BASHCOMPDIR)/glancectl
	-rmdir $(DESTDIR)$(CMAKEDIR) 2>/dev/null
