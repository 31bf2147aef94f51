"""httpx's ``AsyncClient`` with no cookie jar.

The Files API sets no cookies and takes none. A request sent straight to orbrowse's transport
never reads a ``Set-Cookie`` (``FilesClient``'s direct path); one sent through
``AsyncClient.send`` (a transport given, or httpx's for a proxy) would keep it and send it back
on every later request. Neither keeps one: a cookie a server or a proxy in front of it sets is
not sent back, as with ``curl`` without ``-b``.
"""

from __future__ import annotations

import httpx


class _NoCookies(httpx.Cookies):
    """A jar that stays empty: nothing is read into it from answers."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class CookielessClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose ``cookies`` is always empty (see the module's docstring)."""

    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        return None


_NO_COOKIES = _NoCookies()
