"""Account-info tests."""
