"""The worklist: the start window, its table and opening checklists from it."""
