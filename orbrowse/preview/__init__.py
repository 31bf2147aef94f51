"""File previews without Textual: sniff the first bytes, decode them, build Rich renderables.

Everything a file holds is data: text is made visible-safe (:func:`orbrowse.listing.formatting.
visible_text`) before it reaches a renderable, and no renderable here parses Rich markup.
"""
