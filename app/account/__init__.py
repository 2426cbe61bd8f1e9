"""The Account page: a signed-in user's own password, sign-in sessions and time zone."""
