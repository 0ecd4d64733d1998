"""The Monasca v2.0 side of the API (/v2.0): the metric store."""
