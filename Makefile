# SwiftMiner: build, install and uninstall as a systemd service.
#   make                      release build (static Swift stdlib when the toolchain supports it)
#   sudo make install         binary, unit, example config (kept if one exists)
#   sudo make uninstall       binary and unit (the config and /var/lib/swiftminer stay)
# PREFIX (default /usr/local) and DESTDIR (staging root for packagers) are honoured.

PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
SYSCONFDIR  ?= /etc
UNITDIR     ?= /etc/systemd/system
DOCDIR      ?= $(PREFIX)/share/doc/swiftminer
SWIFT       ?= swift
# Set STATIC_STDLIB=no to link the Swift runtime dynamically.
STATIC_STDLIB ?= yes

ifeq ($(STATIC_STDLIB),yes)
SWIFT_BUILD_FLAGS ?= -c release -Xswiftc -static-stdlib
else
SWIFT_BUILD_FLAGS ?= -c release
endif

BIN_PATH = $(shell $(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)

.PHONY: all build install uninstall check-unit clean

all: build

build:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product swiftminer

install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/swiftminer $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BIN_PATH)/swiftminer $(DESTDIR)$(BINDIR)/swiftminer
	sed -e 's|/usr/local/bin/swiftminer|$(BINDIR)/swiftminer|g' \
	    -e 's|/usr/local/share/doc/swiftminer|$(DOCDIR)|g' \
	    -e 's|/etc/swiftminer/|$(SYSCONFDIR)/swiftminer/|g' \
	    systemd/swiftminer.service > $(DESTDIR)$(UNITDIR)/swiftminer.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/swiftminer.service
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/swiftminer/swiftminer.toml ]; then \
	    echo "keeping the existing $(DESTDIR)$(SYSCONFDIR)/swiftminer/swiftminer.toml"; \
	else \
	    install -m 0640 Config/swiftminer.toml $(DESTDIR)$(SYSCONFDIR)/swiftminer/swiftminer.toml; \
	fi
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

uninstall:
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then \
	    systemctl disable --now swiftminer.service 2>/dev/null; systemctl daemon-reload; fi; true
	rm -f $(DESTDIR)$(BINDIR)/swiftminer $(DESTDIR)$(UNITDIR)/swiftminer.service
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "left in place: $(DESTDIR)$(SYSCONFDIR)/swiftminer/ and /var/lib/swiftminer/ (remove them by hand)"

# The unit's checks (.ci/run runs them after the tests and fails above an exposure of 1.5).
check-unit:
	systemd-analyze security --offline=yes --no-pager systemd/swiftminer.service

clean:
	$(SWIFT) package clean
