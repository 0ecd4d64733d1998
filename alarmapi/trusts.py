"""Keystone trusts behind ``trust+`` actions, made by the API as Aodh makes them.

In keystone mode an action ``trust+http(s)://host/...`` or ``trust+heat://`` given
without a trust id makes the API create a trust from the caller (trustor) to the
``[service_credentials]`` user (trustee), with impersonation and the caller's roles on
the caller's project. The id is stored in the URL's user part,
``trust+http://<trust id>:delete@host/...`` (``:delete``: this trust is the alarm's own,
deleted with it; an id the caller put in the URL is used and never deleted). Every
output shows the URL without the id, and a read-modify-write keeps the stored trust.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections.abc import Iterable
from typing import Any

from alarmapi import errors, model

LOG = logging.getLogger(__name__)
PREFIX = "trust+"
#: The URL password marking a trust the API made (and deletes).
OWNED = "delete"
ACTION_FIELDS = ("ok_actions", "alarm_actions", "insufficient_data_actions")
_IDENTITY = {"service_type": "identity"}


def is_trust(url: str) -> bool:
    """Whether an action URL is a trust+ action."""
    return url.startswith(PREFIX)


def scrub(url: str) -> str:
    """The action as shown to anyone: a trust+ URL without its user part."""
    if not is_trust(url):
        return url
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def scrub_all(urls: Iterable[str]) -> list[str]:
    """Each action scrubbed."""
    return [scrub(url) for url in urls]


def owned(alarm: model.Alarm) -> set[str]:
    """The ids of the trusts the API made for this alarm."""
    ids = set()
    for field in ACTION_FIELDS:
        for url in getattr(alarm, field):
            if is_trust(url):
                parts = urllib.parse.urlsplit(url)
                if parts.username and parts.password == OWNED:
                    ids.add(urllib.parse.unquote(parts.username))
    return ids


def unbound(url: str) -> bool:
    """Whether ``url`` is a trust+ action naming no trust."""
    return is_trust(url) and "@" not in urllib.parse.urlsplit(url).netloc


def wanting(alarm: model.Alarm) -> bool:
    """Whether one of the alarm's actions is a trust+ action naming no trust."""
    return any(unbound(url) for field in ACTION_FIELDS for url in getattr(alarm, field))


def bind(alarm: model.Alarm, trust_id: str) -> None:
    """Put ``trust_id`` into each trust+ action naming none; the first is marked as the
    alarm's own (``:delete``), as Aodh marks it."""
    marked = False
    for field in ACTION_FIELDS:
        bound = []
        for url in getattr(alarm, field):
            if unbound(url):
                parts = urllib.parse.urlsplit(url)
                user = trust_id if marked else f"{trust_id}:{OWNED}"
                marked = True
                url = parts._replace(netloc=f"{user}@{parts.netloc}").geturl()
            bound.append(url)
        setattr(alarm, field, bound)


class Trusts:
    """Creates and deletes trusts in Keystone with the caller's token."""

    def __init__(self, conf: Any) -> None:
        self.conf = conf
        self._lock = threading.Lock()
        self._adapter: Any = None

    def _service(self) -> Any:
        """The [service_credentials] user's identity adapter (the trustee)."""
        from alarmapi import service_auth

        with self._lock:
            if self._adapter is None:
                self._adapter = service_auth.adapter(self.conf, "identity")
            return self._adapter

    def create(self, token: str, user_id: str, project_id: str, roles: Iterable[str]
               ) -> str:
        """A new trust from the caller to the service user; its id."""
        from keystoneauth1 import exceptions as ka_exceptions

        service = self._service()
        try:
            trustee = service.get_user_id()
            answer = service.post("/OS-TRUST/trusts", authenticated=False,
                                  headers={"X-Auth-Token": token}, json={"trust": {
                                      "trustor_user_id": user_id, "trustee_user_id": trustee,
                                      "project_id": project_id, "impersonation": True,
                                      "roles": [{"name": role} for role in roles]}})
        except ka_exceptions.ClientException as exc:
            raise errors.BackendUnavailable(
                f"the identity service did not create the trust of a trust+ action: {exc}"
            ) from exc
        return str(answer.json()["trust"]["id"])

    def delete(self, token: str, trust_ids: Iterable[str]) -> None:
        """Delete trusts the API made (one already gone is fine; one that cannot be
        deleted is logged, by id only, and left)."""
        from keystoneauth1 import exceptions as ka_exceptions

        for trust_id in trust_ids:
            try:
                self._service().delete(f"/OS-TRUST/trusts/{trust_id}", authenticated=False,
                                       headers={"X-Auth-Token": token})
            except ka_exceptions.NotFound:
                pass
            except ka_exceptions.ClientException as exc:
                LOG.warning("trust %s of a deleted or replaced trust+ action was not "
                            "deleted: %s", trust_id, exc)
