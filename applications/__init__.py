"""Applicant groups and their members, applications with budget lines and attachments, and the
application's state machine with its log."""
