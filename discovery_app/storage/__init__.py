"""The engagement store: the only package that speaks SQL."""
