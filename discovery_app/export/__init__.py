"""What leaves the app: the JSON interchange format now; PDF and Excel documents later."""
