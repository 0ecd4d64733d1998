"""The built-in metric store: metric identities, measurements and statistics."""
