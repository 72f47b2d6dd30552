"""Links from untrusted URLs, shared by the HTML and Markdown reports."""

from __future__ import annotations

from urllib.parse import quote

MAX_URL = 2000
# Kept as they are in a URL; everything else (quotes, spaces, angle brackets, parentheses,
# pipes, backslashes) is percent-encoded, so a URL can end neither an HTML attribute nor a
# Markdown link or table cell.
_URL_SAFE = "/:#?&=%.-_+,;!$~@"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL safe inside an HTML attribute or a Markdown link; None for any other
    scheme (a `javascript:` URL never becomes a link) or an overlong URL."""
    if not url or len(url) > MAX_URL or not url.startswith(("https://", "http://")):
        return None
    return quote(url, safe=_URL_SAFE)
