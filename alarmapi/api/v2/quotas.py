"""/v2/quotas: read, set and delete a project's alarm quota."""

from __future__ import annotations

from typing import Any

import pecan
import wsme
from pecan import rest
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.api.v2.expose import wsexpose
from alarmapi.api.v2.wsbase import Base
from alarmapi.storage.base import QUOTA_RESOURCE
from alarmapi.storage.base import Quota as StoredQuota

RESOURCES = (QUOTA_RESOURCE,)


class Quota(Base):
    """A limit on one resource; -1 means no limit."""

    resource = wsme.wsattr(wtypes.Enum(str, *RESOURCES), mandatory=True)
    limit = wsme.wsattr(wtypes.IntegerType(minimum=-1), mandatory=True)


class Quotas(Base):
    """A project's quotas."""

    project_id = wsme.wsattr(wtypes.text, mandatory=True)
    quotas = [Quota]


#: Quotas are stored in 32-bit integer columns, project ids in 128 characters.
MAX_LIMIT = 2**31 - 1
MAX_PROJECT_ID = 128


def check_project_id(project_id: Any) -> None:
    """A project id that fits its column."""
    if not isinstance(project_id, str) or not project_id or len(project_id) > MAX_PROJECT_ID:
        shown = project_id[:40] + "..." if isinstance(project_id, str) else project_id
        raise errors.InvalidInput("project_id", shown, f"a project id of 1 to "
                                  f"{MAX_PROJECT_ID} characters is required")


def check_limit(index: int, quota: Any) -> None:
    """A quota that names a resource and a limit between -1 and MAX_LIMIT."""
    if quota is None or quota.resource in (None, wsme.Unset):
        raise errors.InvalidInput(f"quotas[{index}].resource", None,
                                  f"one of {', '.join(RESOURCES)} is required")
    limit = quota.limit
    if isinstance(limit, bool) or not isinstance(limit, int) or not -1 <= limit <= MAX_LIMIT:
        raise errors.InvalidInput(f"quotas[{index}].limit", limit,
                                  f"an integer from -1 (no limit) to {MAX_LIMIT} is required")


def _effective(project_id: str) -> Quotas:
    ctx = pecan.request.ctx
    limit = ctx.storage.alarm_limit(project_id, ctx.services.quota_defaults.project)
    return Quotas(project_id=project_id, quotas=[Quota(resource=QUOTA_RESOURCE, limit=limit)])


class QuotasController(rest.RestController):
    """Quotas of a project."""

    @wsexpose(Quotas, str, ignore_extra_args=True)
    def get_all(self, project_id: str | None = None) -> Any:
        """The project's quotas (the caller's own project by default).

        Reading writes nothing (Aodh stores the default on the first read).
        """
        ctx = pecan.request.ctx
        project_id = project_id or ctx.caller.scope or ctx.caller.project_id
        if not project_id:
            raise errors.InvalidInput("project_id", project_id,
                                      "name the project whose quotas to show")
        ctx.enforce("get_quotas", {"project_id": project_id})
        return _effective(project_id)

    @wsexpose(Quotas, body=Quotas, status_code=201)
    def post(self, body: Quotas) -> Any:
        """Create or change quotas (admins only)."""
        ctx = pecan.request.ctx
        ctx.enforce("update_quotas", {"project_id": body.project_id})
        check_project_id(body.project_id)
        quotas = body.quotas if body.quotas not in (None, wsme.Unset) else []
        for index, quota in enumerate(quotas):
            check_limit(index, quota)
        ctx.storage.set_quotas(
            [StoredQuota(body.project_id, q.resource, q.limit) for q in quotas]
        )
        return _effective(body.project_id)

    @wsexpose(None, str, status_code=204)
    def delete(self, project_id: str) -> None:
        """Delete a project's quotas (admins only)."""
        ctx = pecan.request.ctx
        ctx.enforce("delete_quotas", {"project_id": project_id})
        ctx.storage.delete_quotas(project_id)
