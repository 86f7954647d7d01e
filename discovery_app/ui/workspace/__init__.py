"""The engagement workspace: a navigator of sections and one page per section."""
