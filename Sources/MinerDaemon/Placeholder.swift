// MinerDaemon: see DESIGN.md
