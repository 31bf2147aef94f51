"""The full screens: the browser, the workspace picker and the no-key help."""
