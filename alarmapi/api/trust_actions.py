"""The trusts of an alarm's trust+ actions across its create, replace and delete (the
Keystone side is alarmapi.trusts)."""

from __future__ import annotations

import pecan

from alarmapi import errors, model, trusts
from alarmapi.api.context import RequestContext


def _token() -> str:
    return str(pecan.request.headers.get("X-Auth-Token", ""))


class TrustBinding:
    """Gives trust+ actions naming no trust the trust they need, making at most one per
    request (kept across retries of a replace), and cleans up after the write."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        self.made: str | None = None

    def attach(self, alarm: model.Alarm, old: model.Alarm | None = None) -> None:
        """Bind the old alarm's own trust, else a new one, into ``alarm``'s actions."""
        if not trusts.wanting(alarm):
            return
        service = self.ctx.services.trusts
        if service is None:
            field, url = next((f, u) for f in trusts.ACTION_FIELDS
                              for u in getattr(alarm, f) if trusts.unbound(u))
            raise errors.InvalidInput(field, url, "A trust+ action names its trust "
                                      "(trust+http://<trust id>@host/...) unless auth_mode "
                                      "is keystone, where the API creates the trust")
        reuse = sorted(trusts.owned(old)) if old is not None else []
        if reuse:
            trust_id = reuse[0]
        else:
            if self.made is None:
                caller = self.ctx.caller
                self.made = service.create(_token(), caller.user_id or "",
                                           caller.project_id or "", caller.roles)
            trust_id = self.made
        trusts.bind(alarm, trust_id)

    def failed(self) -> None:
        """The write did not happen: the trust made for it goes."""
        if self.made is not None and self.ctx.services.trusts is not None:
            self.ctx.services.trusts.delete(_token(), [self.made])

    def replaced(self, old: model.Alarm, new: model.Alarm | None) -> None:
        """The old alarm's own trusts the new one no longer uses go (all: deleted)."""
        service = self.ctx.services.trusts
        gone = trusts.owned(old) - (trusts.owned(new) if new is not None else set())
        if gone and service is not None:
            service.delete(_token(), sorted(gone))
