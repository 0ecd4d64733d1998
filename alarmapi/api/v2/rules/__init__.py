"""The schema of each alarm rule type, registered as ``alarmapi.alarm.rule`` entry points."""
