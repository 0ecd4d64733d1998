"""alarmapi's Python client library and the ``alarmapi`` command line tool."""

__version__ = "0.1.0"
