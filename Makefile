# The C library as C programs use it: build, pkg-config file, install.
#
#   make                  release build: libglance_client.a and .so in
#                         target/release, plus target/release/glance-client.pc
#   make install PREFIX=/usr/local LIBDIR=... INCLUDEDIR=... [DESTDIR=...]
#   make uninstall PREFIX=...
#   make glancectl        release build of the command-line tool (installed by
#                         `make install` into BINDIR, its man page into MANDIR
#                         and its bash completion beside it)
#
# Then: cc prog.c $(pkg-config --cflags --libs glance-client)   (shared), or see
# glance-client.pc.in for a static link; C++ programs include <glance.hpp>,
# installed beside glance.h. Before 1.0 the shared library's
# SONAME carries the full version (libglance_client.so.X.Y.Z): every release
# may change the ABI, so programs must be rebuilt against a new one.
#
# LIB_DIR=<dir> NO_BUILD=1 installs libraries cargo already built elsewhere
# (the link tests install what `cargo test` built, without running cargo).

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
CARGO ?= cargo
RUSTC ?= rustc
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
LIB_DIR ?= $(TARGET_DIR)/release
NO_BUILD ?=

VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
SONAME := libglance_client.so.$(VERSION)
PC ?= $(LIB_DIR)/glance-client.pc

.PHONY: all lib pc glancectl install uninstall
all: lib pc glancectl

lib:
ifeq ($(NO_BUILD),)
	$(CARGO) build --release --locked
endif

glancectl:
ifeq ($(NO_BUILD),)
	$(CARGO) build --release --locked -p glancectl
endif

# What any Rust static library needs from the system on this platform.
pc: $(if $(NO_BUILD),,lib)
	@mkdir -p $(LIB_DIR)/pc-probe $(dir $(PC))
	@echo > $(LIB_DIR)/pc-probe/probe.rs
	native=$$($(RUSTC) --crate-type staticlib --crate-name probe --print native-static-libs \
	    -o $(LIB_DIR)/pc-probe/libprobe.a $(LIB_DIR)/pc-probe/probe.rs 2>&1 \
	    | sed -n 's/^note: native-static-libs: //p'); \
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e "s|@NATIVE_LIBS@|$$native|" glance-client.pc.in > $(PC)
	@rm -rf $(LIB_DIR)/pc-probe

install: pc glancectl
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 $(LIB_DIR)/libglance_client.a $(DESTDIR)$(LIBDIR)/libglance_client.a
	install -m 755 $(LIB_DIR)/libglance_client.so $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libglance_client.so
	install -m 644 include/glance.h $(DESTDIR)$(INCLUDEDIR)/glance.h
	install -m 644 bindings/cpp/glance.hpp $(DESTDIR)$(INCLUDEDIR)/glance.hpp
	install -m 644 $(PC) $(DESTDIR)$(PKGCONFIGDIR)/glance-client.pc
	@# NO_BUILD installs (the link tests) may have built no glancectl.
	if [ -x $(LIB_DIR)/glancectl ]; then \
	    install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) && \
	    install -m 755 $(LIB_DIR)/glancectl $(DESTDIR)$(BINDIR)/glancectl && \
	    $(LIB_DIR)/glancectl man > $(DESTDIR)$(MANDIR)/man1/glancectl.1 && \
	    $(LIB_DIR)/glancectl completion bash > $(DESTDIR)$(BASHCOMPDIR)/glancectl; \
	fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libglance_client.a $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libglance_client.so $(DESTDIR)$(INCLUDEDIR)/glance.h \
	    $(DESTDIR)$(INCLUDEDIR)/glance.hpp \
	    $(DESTDIR)$(PKGCONFIGDIR)/glance-client.pc $(DESTDIR)$(BINDIR)/glancectl \
	    $(DESTDIR)$(MANDIR)/man1/glancectl.1 $(DESTDIR)$(BASHCOMPDIR)/glancectl
