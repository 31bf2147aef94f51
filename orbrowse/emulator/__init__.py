"""A local emulator of OpenRouter's Files API (Starlette on uvicorn).

It imports :mod:`orbrowse.api.models` at most: never Textual, never the client.
"""
