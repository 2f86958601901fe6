"""Login configuration: local accounts (NativeAuthenticator) or OIDC (GenericOAuthenticator)."""

from __future__ import annotations

from ..settings import Settings


def apply_auth(c, settings: Settings) -> None:
    """Configure the authenticator for ``auth.mode``."""
    auth = settings.section("auth")
    if settings.auth_mode == "local":
        local = auth.get("local", {})
        c.JupyterHub.authenticator_class = "mesolab.authenticators.MesoLabLocalAuthenticator"
        c.MesoLabLocalAuthenticator.enable_signup = bool(local.get("open_signup", False))
        c.MesoLabLocalAuthenticator.open_signup = bool(local.get("open_signup", False))
        c.MesoLabLocalAuthenticator.minimum_password_length = local.get("minimum_password_length", 8)
        c.MesoLabLocalAuthenticator.check_common_password = True
        # Only accounts that MësoLab provisioned (and authorized) can log in.
        c.MesoLabLocalAuthenticator.allow_all = True
        c.MesoLabLocalAuthenticator.admin_users = set()
        return

    oidc = auth["oidc"]
    cls = c.MesoLabOIDCAuthenticator
    c.JupyterHub.authenticator_class = "mesolab.authenticators.MesoLabOIDCAuthenticator"
    cls.client_id = oidc["client_id"]
    cls.client_secret = settings.oidc_client_secret()
    cls.authorize_url = oidc["authorize_url"]
    cls.token_url = oidc["token_url"]
    cls.userdata_url = oidc["userdata_url"]
    cls.oauth_callback_url = oidc.get("callback_url") or settings.bind_url.rstrip("/") + "/hub/oauth_callback"
    cls.scope = list(oidc["scopes"])
    cls.username_claim = oidc["username_claim"]
    cls.school_claim = oidc["school_claim"]
    cls.role_claim = oidc["role_claim"]
    cls.schools = [s.id for s in settings.schools]
    cls.national_admins = sorted(set(auth.get("national_admins", [])))
    cls.login_service = "MësoLab ID"
    # The identity provider owns school and role: groups are set from claims at every login.
    cls.manage_groups = True
    # Every person with a known school and role may log in; the others are refused
    # by MesoLabOIDCAuthenticator.update_auth_model with a page that says why.
    cls.allow_all = True
    cls.admin_users = set()
