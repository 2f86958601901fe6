"""Who is calling: hub OAuth for browsers, hub API tokens for programs.

* Programs send a hub API token: ``Authorization: token <t>`` or ``Authorization: Bearer <t>``.
* Browsers log in through the hub: ``<prefix>login`` starts OAuth (with PKCE) and
  ``<prefix>oauth_callback`` finishes it, storing the OAuth token in a signed, HTTP-only
  cookie named after the OAuth client.

Either way the token is resolved to the hub's user model (with ``groups``) by
:meth:`jupyterhub.services.auth.HubAuth.user_for_token`, whose answers are cached for
``MesoLabService.auth_cache_max_age`` seconds. The FastAPI dependency :func:`current_user`
returns that model; tests replace it with ``app.dependency_overrides``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from jupyterhub.services.auth import HubOAuth, check_scopes

from ..record.errors import Forbidden, NotAuthenticated, RecordError
from .config import MesoLabService

log = logging.getLogger("mesolab.service")


class HubUnavailable(RecordError):
    status = 502
    code = "hub-unavailable"


class Authenticator:
    """Resolves tokens and cookies to hub user models; owns the :class:`HubOAuth` client."""

    def __init__(self, config: MesoLabService, hub_auth: HubOAuth | None = None):
        self.config = config
        self._hub_auth = hub_auth

    @property
    def hub_auth(self) -> HubOAuth:
        if self._hub_auth is None:
            if not os.environ.get("JUPYTERHUB_API_TOKEN"):
                raise NotAuthenticated(
                    "this MësoLab service is not connected to a hub (JUPYTERHUB_API_TOKEN is not set): "
                    "start it from JupyterHub or set the hub's environment variables"
                )
            self._hub_auth = HubOAuth(
                base_url=self.config.base_url,
                cache_max_age=self.config.auth_cache_max_age,
                cookie_options=dict(self.config.cookie_options),
            )
        return self._hub_auth

    @property
    def connected(self) -> bool:
        """Whether a hub is configured (given, or in the environment the hub sets)."""
        return self._hub_auth is not None or bool(os.environ.get("JUPYTERHUB_API_TOKEN"))

    @property
    def cookie_name(self) -> str:
        return self.hub_auth.cookie_name

    def _key(self) -> bytes:
        return hashlib.sha256(b"mesolab-cookie:" + self.hub_auth.api_token.encode()).digest()

    def sign(self, value: str) -> str:
        mac = hmac.new(self._key(), value.encode(), hashlib.sha256).hexdigest()
        return f"{value}|{mac}"

    def unsign(self, signed: str | None) -> str | None:
        if not signed or "|" not in signed:
            return None
        value, mac = signed.rsplit("|", 1)
        good = hmac.new(self._key(), value.encode(), hashlib.sha256).hexdigest()
        return value if hmac.compare_digest(mac, good) else None

    def token_from_request(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        match = self.hub_auth.auth_header_pat.match(header)
        if match:
            return match.group(1).strip()
        return self.unsign(request.cookies.get(self.cookie_name))

    async def user_for_token(self, token: str) -> dict | None:
        try:
            return await self.hub_auth.user_for_token(token, sync=False)
        except Exception as exc:  # tornado HTTPError or a connection error from the hub client
            log.warning("hub did not identify a token: %s", exc)
            raise HubUnavailable("the hub could not check your login right now; try again in a minute") from None

    async def user(self, request: Request) -> dict:
        token = self.token_from_request(request)
        if not token:
            raise NotAuthenticated(
                f"log in through the hub ({self.config.base_url}login) or send a hub API token "
                "in the Authorization header ('Authorization: token <your token>')"
            )
        model = await self.user_for_token(token)
        if model is None:
            raise NotAuthenticated(
                "the hub does not know this token (expired or revoked?): log in again or create a new token"
            )
        if model.get("kind", "user") == "user" and self.hub_auth.access_scopes:
            if not check_scopes(self.hub_auth.access_scopes, set(model.get("scopes") or [])):
                raise Forbidden(f"your hub account {model.get('name')!r} may not use the MësoLab service")
        return model

    # --- browser login -----------------------------------------------------------------

    def login_redirect(self, next_url: str) -> RedirectResponse:
        hub_auth = self.hub_auth
        verifier, challenge, method = hub_auth.generate_pkce_code_challenge()
        state = hub_auth.generate_state(next_url, code_verifier=verifier)
        sep = "&" if "?" in hub_auth.login_url else "?"
        query = urlencode({"state": state, "code_challenge": challenge, "code_challenge_method": method})
        response = RedirectResponse(hub_auth.login_url + sep + query, status_code=302)
        response.set_cookie(
            hub_auth.state_cookie_name,
            self.sign(state),
            max_age=600,
            path=self.config.base_url,
            httponly=True,
            secure=self._secure(),
            samesite="lax",
        )
        return response

    def _secure(self) -> bool:
        return bool(self.config.cookie_options.get("secure")) or os.environ.get("JUPYTERHUB_PUBLIC_URL", "").startswith(
            "https"
        )

    def safe_next(self, next_url: str | None) -> str:
        """Only local paths under the service's prefix are followed after login."""
        if next_url and next_url.startswith(self.config.base_url) and not next_url.startswith("//"):
            return next_url
        return self.config.base_url + "api/v1/me"

    async def finish_login(self, request: Request, code: str | None, state: str | None, error: str | None):
        hub_auth = self.hub_auth
        if error:
            raise NotAuthenticated(f"the hub refused the login ({error}): try again from the hub's home page")
        if not code or not state:
            raise NotAuthenticated(
                f"the login was not finished (no code or state): start again at {self.config.base_url}login"
            )
        cookie_state = self.unsign(request.cookies.get(hub_auth.state_cookie_name))
        if cookie_state != state:
            raise Forbidden(
                f"the login state does not match (an old or foreign link?): start again at {self.config.base_url}login"
            )
        next_url = self.safe_next(hub_auth.get_next_url(state))
        verifier = hub_auth.get_code_verifier(state)
        hub_auth.clear_oauth_state(state)
        try:
            token = await hub_auth.token_for_code(code, code_verifier=verifier, sync=False)
        except Exception as exc:
            log.warning("OAuth code exchange failed: %s", exc)
            raise NotAuthenticated("the hub did not accept the login code: start again") from None
        if await self.user_for_token(token) is None:
            raise NotAuthenticated("the hub did not identify you after login: start again")
        response = RedirectResponse(next_url, status_code=302)
        response.delete_cookie(hub_auth.state_cookie_name, path=self.config.base_url)
        response.set_cookie(
            self.cookie_name,
            self.sign(token),
            path=self.config.base_url,
            httponly=True,
            secure=self._secure(),
            samesite="lax",
        )
        return response


async def current_user(request: Request) -> dict:
    """FastAPI dependency: the hub user model of the caller (replace it in tests)."""
    return await request.app.state.authenticator.user(request)


def oauth_router() -> APIRouter:
    """``login``, ``oauth_callback`` and ``logout``, mounted at the service's prefix."""
    router = APIRouter(include_in_schema=False)

    @router.get("/login")
    async def login(request: Request, next: str | None = None):
        auth: Authenticator = request.app.state.authenticator
        return auth.login_redirect(auth.safe_next(next))

    @router.get("/oauth_callback")
    async def oauth_callback(
        request: Request, code: str | None = None, state: str | None = None, error: str | None = None
    ):
        return await request.app.state.authenticator.finish_login(request, code, state, error)

    @router.get("/logout")
    async def logout(request: Request):
        auth: Authenticator = request.app.state.authenticator
        response = RedirectResponse(auth.hub_auth.hub_prefix + "logout", status_code=302)
        response.delete_cookie(auth.cookie_name, path=auth.config.base_url)
        return response

    return router
