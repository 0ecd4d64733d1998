"""The evaluator: turns stored alarms and their data into state transitions."""
