# SwiftMiner: build, install and uninstall as a systemd service.
#   make                      release build, as yourself (static Swift stdlib when the toolchain supports it)
#   sudo make install         installs what `make` built; builds nothing (never a build as root in your checkout)
#   sudo make uninstall       binary, unit and sysusers file (the config, /var/lib/swiftminer and the user stay)
# PREFIX (default /usr/local) and DESTDIR (staging root for packagers) are honoured. With DESTDIR the
# user is not created and no ownership is changed: the package's postinst runs systemd-sysusers and
# `chgrp swiftminer` on /etc/swiftminer and its swiftminer.toml.

PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
SYSCONFDIR  ?= /etc
UNITDIR     ?= /etc/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DOCDIR      ?= $(PREFIX)/share/doc/swiftminer
SWIFT       ?= swift
# Set STATIC_STDLIB=no to link the Swift runtime dynamically.
STATIC_STDLIB ?= yes

ifeq ($(STATIC_STDLIB),yes)
SWIFT_BUILD_FLAGS ?= -c release -Xswiftc -static-stdlib
else
SWIFT_BUILD_FLAGS ?= -c release
endif

# Where `swift build -c release` puts its products (a link SwiftPM keeps); install needs no toolchain.
BIN_PATH ?= .build/release
CONFIG    = $(DESTDIR)$(SYSCONFDIR)/swiftminer/swiftminer.toml

.PHONY: all build localpool install uninstall check-unit clean

all: build

build:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product swiftminer

# The validating pool as a process of its own (scripts/check-*.sh); not installed.
localpool:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product localpool

install:
	@test -x $(BIN_PATH)/swiftminer || { echo "no $(BIN_PATH)/swiftminer: run 'make' (as yourself) first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR)
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/swiftminer
	install -m 0755 $(BIN_PATH)/swiftminer $(DESTDIR)$(BINDIR)/swiftminer
	sed -e 's|/usr/local/bin/swiftminer|$(BINDIR)/swiftminer|g' \
	    -e 's|/usr/local/share/doc/swiftminer|$(DOCDIR)|g' \
	    -e 's|/etc/swiftminer/|$(SYSCONFDIR)/swiftminer/|g' \
	    systemd/swiftminer.service > $(DESTDIR)$(UNITDIR)/swiftminer.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/swiftminer.service
	install -m 0644 systemd/swiftminer.sysusers $(DESTDIR)$(SYSUSERSDIR)/swiftminer.conf
	@if [ -e $(CONFIG) ]; then \
	    echo "keeping the existing $(CONFIG)"; \
	else \
	    install -m 0640 Config/swiftminer.toml $(CONFIG); \
	fi
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	@if [ -z "$(DESTDIR)" ]; then \
	    systemd-sysusers $(SYSUSERSDIR)/swiftminer.conf && \
	    chown root:swiftminer $(SYSCONFDIR)/swiftminer $(CONFIG) && \
	    chmod 0750 $(SYSCONFDIR)/swiftminer && chmod 0640 $(CONFIG) && \
	    echo "$(CONFIG): root:swiftminer 0640 (readable by the service, not by other users)"; \
	fi
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

uninstall:
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then \
	    systemctl disable --now swiftminer.service 2>/dev/null; systemctl daemon-reload; fi; true
	rm -f $(DESTDIR)$(BINDIR)/swiftminer $(DESTDIR)$(UNITDIR)/swiftminer.service $(DESTDIR)$(SYSUSERSDIR)/swiftminer.conf
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "left in place: $(DESTDIR)$(SYSCONFDIR)/swiftminer/, /var/lib/swiftminer/ and the user swiftminer (remove them by hand)"

# The unit's checks (.ci/run runs them after the tests and fails above an exposure of 1.5).
check-unit:
	systemd-analyze security --offline=yes --no-pager systemd/swiftminer.service

clean:
	$(SWIFT) package clean
