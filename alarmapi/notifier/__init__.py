"""The notifier: delivers the actions of alarm transitions from the outbox."""
