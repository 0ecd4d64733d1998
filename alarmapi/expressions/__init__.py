"""Monasca alarm expressions: the grammar and its mapping onto alarm rules."""
