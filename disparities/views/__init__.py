"""The police data pages: thin function-based views that parse the request, call a service or a
selector, and render."""
