"""Renderers: derivations in, text out. They never do algebra."""
