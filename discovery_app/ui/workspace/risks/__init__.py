"""Risks: the register, its detail form, the heat map, the checklist and the risk library."""
