# SwiftMiner: build, install and uninstall as a systemd service (with its man page, shell
# completions, and the Prometheus alert rules and Grafana dashboard in $(PREFIX)/share/swiftminer).
#   make                      release build, as yourself (static Swift stdlib when the toolchain supports it)
#   sudo make install         installs what `make` built; builds nothing (never a build as root in your checkout)
#   make deb                  a Debian package of what `make` built (build/deb/)
#   sudo make uninstall       what install installed (the config, /var/lib/swiftminer and the user stay)
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
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share/swiftminer
# The documents the README links to (Docs/ARCHITECTURE.md and TESTING.md are for developers).
USER_DOCS   ?= Docs/SERVICE.md Docs/MONITORING.md Docs/SOLO.md Docs/PERFORMANCE.md
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SWIFT       ?= swift
# Set STATIC_STDLIB=no to link the Swift runtime dynamically.
STATIC_STDLIB ?= yes

# Full RELRO: the dynamic relocations are resolved at start and made read-only.
HARDENING_FLAGS ?= -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now

ifeq ($(STATIC_STDLIB),yes)
SWIFT_BUILD_FLAGS ?= -c release -Xswiftc -static-stdlib $(HARDENING_FLAGS)
else
SWIFT_BUILD_FLAGS ?= -c release $(HARDENING_FLAGS)
endif

# Where `swift build -c release` puts its products (a link SwiftPM keeps); install needs no toolchain.
BIN_PATH ?= .build/release
CONFIG    = $(DESTDIR)$(SYSCONFDIR)/swiftminer/swiftminer.toml

.PHONY: all build localpool deb install uninstall check-unit clean

all: build

build:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product swiftminer

# The validating pool as a process of its own (scripts/check-*.sh); not installed.
localpool:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product localpool

# build/deb/swiftminer_VERSION_ARCH.deb from what `make` built (scripts/build-deb.sh; dpkg-deb).
deb:
	scripts/build-deb.sh

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
	install -d $(DESTDIR)$(DOCDIR)/Docs
	install -m 0644 $(USER_DOCS) $(DESTDIR)$(DOCDIR)/Docs/
	install -D -m 0644 Docs/man/swiftminer.1 $(DESTDIR)$(MANDIR)/man1/swiftminer.1
	install -D -m 0644 Docs/completions/swiftminer.bash $(DESTDIR)$(BASHCOMPDIR)/swiftminer
	install -D -m 0644 Docs/completions/_swiftminer $(DESTDIR)$(ZSHCOMPDIR)/_swiftminer
	install -D -m 0644 Docs/completions/swiftminer.fish $(DESTDIR)$(FISHCOMPDIR)/swiftminer.fish
	install -D -m 0644 Config/prometheus/swiftminer-alerts.yml $(DESTDIR)$(DATADIR)/prometheus/swiftminer-alerts.yml
	install -D -m 0644 Config/grafana/swiftminer-dashboard.json $(DESTDIR)$(DATADIR)/grafana/swiftminer-dashboard.json
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
	rm -f $(DESTDIR)$(BINDIR)/swiftminer $(DESTDIR)$(UNITDIR)/swiftminer.service $(DESTDIR)$(SYSUSERSDIR)/swiftminer.conf \
	    $(DESTDIR)$(MANDIR)/man1/swiftminer.1 $(DESTDIR)$(BASHCOMPDIR)/swiftminer $(DESTDIR)$(ZSHCOMPDIR)/_swiftminer \
	    $(DESTDIR)$(FISHCOMPDIR)/swiftminer.fish
	rm -rf $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR)
	@echo "left in place: $(DESTDIR)$(SYSCONFDIR)/swiftminer/, /var/lib/swiftminer/ and the user swiftminer (remove them by hand)"

# The unit's checks (.ci/run runs them after the tests and fails above an exposure of 1.5).
check-unit:
	systemd-analyze security --offline=yes --no-pager systemd/swiftminer.service

clean:
	$(SWIFT) package clean
