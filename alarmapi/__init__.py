"""alarmapi: an alarming service wire-compatible with OpenStack Aodh's V2 API."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("alarmapi")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"
