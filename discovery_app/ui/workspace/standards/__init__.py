"""Standards: the provider's standards, the client's fit with each, and exceptions."""
