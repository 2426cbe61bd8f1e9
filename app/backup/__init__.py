"""Backup and restore: the whole database as one portable file, loadable into an empty
database of either kind (`flask backup`, `flask restore`)."""
