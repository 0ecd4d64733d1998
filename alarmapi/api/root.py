"""/: the versions document."""

from __future__ import annotations

from typing import Any

import pecan


def versions(host_url: str) -> dict[str, Any]:
    """The versions document Aodh serves at /."""
    return {"versions": {"values": [{
        "id": "v2",
        "status": "stable",
        "updated": "2013-02-13T00:00:00Z",
        "links": [
            {"rel": "self", "href": f"{host_url}/v2"},
            {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
        ],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.telemetry-v2+json"},
            {"base": "application/xml", "type": "application/vnd.openstack.telemetry-v2+xml"},
        ],
    }]}}


class VersionsController:
    """Serves / (mounted alone, outside the /v2 pipeline)."""

    @pecan.expose("json")
    def index(self) -> Any:
        """The versions document."""
        return versions(pecan.request.application_url)
