"""Shared plumbing: the database, sign-in machinery, time, security headers and record history.

Every capability package may import from here; nothing here imports a capability package.
"""
