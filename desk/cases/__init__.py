"""The case: its model, lifecycle, deadlines and staff views."""
