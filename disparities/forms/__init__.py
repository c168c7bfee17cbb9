"""Forms of the police data pages (Django's own rendering)."""
