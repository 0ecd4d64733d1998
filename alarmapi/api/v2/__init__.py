"""The Aodh-compatible V2 API."""
