// LocalPool: see DESIGN.md
