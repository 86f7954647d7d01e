"""The offer: who does what (responsibility matrix) and pricing, with their dialogs and undo."""
