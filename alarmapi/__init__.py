"""alarmapi: an alarming service wire-compatible with OpenStack Aodh's V2 API."""
