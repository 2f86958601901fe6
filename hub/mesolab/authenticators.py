"""The two ways into MësoLab: a national OpenID Connect provider, or local accounts.

* :class:`MesoLabOIDCAuthenticator` is oauthenticator's ``GenericOAuthenticator`` with
  ``manage_groups`` on: the username, school and role come from claims at every login and
  are turned into hub groups (:func:`mesolab.tenancy.groups_for`), so a changed school or
  role takes effect at the next login. A person whose school the deployment does not know,
  or whose role is not a MësoLab role, is refused with a page that says why.
* :class:`MesoLabLocalAuthenticator` is NativeAuthenticator (bcrypt-hashed passwords in the
  hub database); MësoLab only provisions accounts through its own API
  (:mod:`mesolab.local_accounts`), it never stores a password itself.
"""

from __future__ import annotations

from nativeauthenticator import NativeAuthenticator
from oauthenticator.generic import GenericOAuthenticator
from tornado import web
from traitlets import Dict, List, Unicode

from .tenancy import ALL_ROLES, NATIONAL_ADMIN, groups_for


class RefusedLogin(web.HTTPError):
    """A 403 whose message JupyterHub's error page shows to the person (in both languages)."""

    def __init__(self, sq: str, en: str):
        super().__init__(403, en)
        self.jupyterhub_message = f"{sq} / {en}"
        self.mesolab_message = {"sq": sq, "en": en}


class MesoLabOIDCAuthenticator(GenericOAuthenticator):
    """GenericOAuthenticator that maps school and role claims to MësoLab groups."""

    school_claim = Unicode("school", help="Name of the claim that holds the person's school id.").tag(config=True)
    role_claim = Unicode(
        "role",
        help="Name of the claim that holds the person's MësoLab role "
        "(national-admin, school-admin, teacher, trainer or student).",
    ).tag(config=True)
    schools = List(Unicode(), help="Ids of the schools of this deployment; others are refused.").tag(config=True)
    national_admins = List(Unicode(), help="Usernames that are national admins whatever their role claim says.").tag(
        config=True
    )
    role_aliases = Dict(
        Unicode(),
        help="Extra claim values accepted for roles, mapped to a MësoLab role, e.g. {'mesues': 'teacher'}.",
    ).tag(config=True)

    def _claims(self, auth_state: dict) -> dict:
        return auth_state.get(self.user_auth_state_key) or {}

    def membership(self, claims: dict) -> tuple[str | None, str]:
        """Validated ``(school, role)`` of a person from their claims; raises RefusedLogin."""
        raw_role = str(claims.get(self.role_claim) or "").strip()
        role = self.role_aliases.get(raw_role, raw_role)
        if role not in ALL_ROLES:
            raise RefusedLogin(
                f"Roli «{raw_role or '(bosh)'}» nuk njihet nga MësoLab. Kontaktoni administratorin e shkollës.",
                f"The role '{raw_role or '(empty)'}' is not a MësoLab role. Contact your school administrator.",
            )
        school = str(claims.get(self.school_claim) or "").strip() or None
        if role == NATIONAL_ADMIN:
            return school, role
        if school not in self.schools:
            raise RefusedLogin(
                f"Shkolla «{school or '(asnjë)'}» nuk është e regjistruar në MësoLab, prandaj hyrja u refuzua. "
                "Kontaktoni administratorin e shkollës.",
                f"The school '{school or '(none)'}' is not registered in MësoLab, so the login was refused. "
                "Contact your school administrator.",
            )
        return school, role

    async def update_auth_model(self, auth_model):
        auth_model = await super().update_auth_model(auth_model)
        auth_state = auth_model.setdefault("auth_state", {})
        if auth_model["name"] in self.national_admins:
            school, role = None, NATIONAL_ADMIN
        else:
            school, role = self.membership(self._claims(auth_state))
        auth_state["mesolab"] = {"school": school, "role": role}
        return auth_model

    async def get_user_groups(self, auth_state: dict):
        # update_auth_model has validated the claims and resolved school and role
        resolved = auth_state.get("mesolab") or {}
        if "role" not in resolved:
            resolved["school"], resolved["role"] = self.membership(self._claims(auth_state))
        return set(groups_for(resolved["school"], resolved["role"]))


class MesoLabLocalAuthenticator(NativeAuthenticator):
    """NativeAuthenticator with MësoLab's pages; accounts are provisioned, not self-signed.

    NativeAuthenticator 1.3's own ``/login`` handler uses ``BaseHandler.statsd``, which
    JupyterHub 6 removed (every login answers 500), so ``/login`` is served by JupyterHub's
    stock handler, which calls the same ``authenticate``; the other NativeAuthenticator
    pages (change password, authorization area) are kept.
    """

    def get_handlers(self, app):
        return [(path, handler) for path, handler in super().get_handlers(app) if path != r"/login"]
