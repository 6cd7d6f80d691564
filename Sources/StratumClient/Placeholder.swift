// StratumClient: see DESIGN.md
