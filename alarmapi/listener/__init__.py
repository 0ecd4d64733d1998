"""The event listener: OpenStack notifications in, event alarm transitions out."""
