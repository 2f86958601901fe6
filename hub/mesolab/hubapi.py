"""A small synchronous client of JupyterHub's REST API, used by provisioning and the demo.

It authenticates with a hub API token (the ``mesolab`` service's own) and turns every
non-2xx answer into :class:`~mesolab.errors.ProvisioningError` naming the call and the
hub's message.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from .errors import ProvisioningError


class HubAPI:
    """Client of ``<hub>/hub/api``: ``get``, ``post``, ``patch``, ``delete`` return parsed JSON."""

    def __init__(self, api_url: str, token: str, timeout: float = 30.0):
        self.api_url = api_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.api_url,
            headers={"Authorization": f"token {token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def request(self, method: str, path: str, ok=(200, 201, 202, 204), **kwargs):
        try:
            r = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ProvisioningError(f"hub API {method} {path}: {exc}") from None
        if r.status_code not in ok:
            try:
                detail = r.json().get("message", r.text)
            except ValueError:
                detail = r.text
            raise ProvisioningError(f"hub API {method} {path}: {r.status_code} {detail}")
        if r.status_code == 204 or not r.content:
            return None
        return r.json()

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw):
        return self.request("DELETE", path, **kw)

    def paged(self, path: str, **params):
        """Every item of a paginated hub list (``/users``, ``/groups``)."""
        offset = 0
        while True:
            page = self._client.get(
                path,
                params={**params, "offset": offset, "limit": 200},
                headers={"Accept": "application/jupyterhub-pagination+json"},
            )
            if page.status_code != 200:
                raise ProvisioningError(f"hub API GET {path}: {page.status_code} {page.text}")
            body = page.json()
            items = body["items"]
            yield from items
            nxt = body.get("_pagination", {}).get("next")
            if not nxt or not items:
                return
            offset = nxt["offset"]

    def user(self, name: str) -> dict | None:
        r = self.get(f"/users/{quote(name, safe='')}", ok=(200, 404))
        return r if r and r.get("kind") == "user" else None

    def group(self, name: str) -> dict | None:
        r = self.get(f"/groups/{quote(name, safe='')}", ok=(200, 404))
        return r if r and "name" in r else None
