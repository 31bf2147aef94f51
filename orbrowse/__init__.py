"""orbrowse: a keyboard-driven terminal browser for OpenRouter's Files API."""

__version__ = "0.1.0"
