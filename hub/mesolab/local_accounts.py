"""Local accounts (login mode ``local``): provisioning through NativeAuthenticator.

MësoLab stores no password itself. Accounts live in NativeAuthenticator's ``users_info``
table in the hub database, hashed with bcrypt by NativeAuthenticator's own ``create_user``.
:func:`ensure_local_accounts` creates the missing ones and marks them authorized; it never
changes the password of an existing account (a person may have changed it since).
"""

from __future__ import annotations

from jupyterhub import orm
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.orm import UserInfo

from .provision import Person


def ensure_local_accounts(db_url: str, people: list[Person], minimum_password_length: int = 8) -> list[str]:
    """Create an authorized NativeAuthenticator account for each person that has a password."""
    session = orm.new_session_factory(db_url)()
    try:
        # A provisioning instance: signup is open for it only, never for the hub's login page.
        creator = NativeAuthenticator(
            db=session,
            enable_signup=True,
            open_signup=True,
            minimum_password_length=minimum_password_length,
        )
        changes = []
        for person in people:
            if not person.password or creator.user_exists(person.username):
                continue
            info = creator.create_user(person.username, person.password)
            if info is None:
                raise ValueError(
                    f"{person.username}: NativeAuthenticator refused the account "
                    f"(username with spaces/commas/slashes, or a password shorter than "
                    f"{minimum_password_length} characters?)"
                )
            changes.append(f"created local account {person.username}")
        for info in session.query(UserInfo).filter(UserInfo.is_authorized.is_(False)):
            if any(p.username == info.username for p in people):
                info.is_authorized = True
                changes.append(f"authorized local account {info.username}")
        session.commit()
        return changes
    finally:
        session.close()
