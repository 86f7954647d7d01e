"""Inventory: the device and application table, its editing and undo, and importing exports."""
