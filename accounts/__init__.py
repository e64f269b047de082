"""Accounts: the user model, roles (Django groups) and the allauth adapter.

A separate app because "who is this person and which hats do they wear" is used by every other
app and belongs to none of them.
"""
