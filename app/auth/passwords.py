"""The one password policy: what any password must be, wherever it is set (the Account page,
`flask users ...`), and the one way passwords are normalised before hashing and checking.

People type the same password in different Unicode forms: "é" as one character or as "e" plus
an accent, full-width digits from an East Asian keyboard, a no-break space. NFKC normalisation
turns all of these into one form, so the form a password was set in never matters.
"""

import gzip
import unicodedata
from functools import cache
from importlib.resources import files

from app.errors import RequestError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
#: The longest text the sign-in form takes. NFKC composes at most 4 code points into one
#: character (U+1F82 is 4 in NFD), so every password the policy accepts, typed in any form,
#: fits; so do the up-to-200-character passwords the sign-in form took before the policy.
MAX_SIGN_IN_LENGTH = 4 * MAX_PASSWORD_LENGTH
#: How many of the most common passwords are refused (the length of the shipped list).
COMMON_PASSWORDS = 10_000


class PasswordRefused(RequestError):
    """A password the policy refuses; the message says why, in words for the person typing."""


def normalise(password: str) -> str:
    """The form a password is hashed and checked in."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords, lower-case (see NOTICE-common-passwords.txt)."""
    data = files("app.auth").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode().splitlines())


def password_problem(password: str) -> str | None:
    """Why the policy refuses `password`, or None when it is acceptable."""
    password = normalise(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        return (f"The password must be at least {MIN_PASSWORD_LENGTH} characters "
                f"(this one has {len(password)}).")
    if len(password) > MAX_PASSWORD_LENGTH:
        return (f"The password must be at most {MAX_PASSWORD_LENGTH} characters "
                f"(this one has {len(password)}).")
    if not password.strip():
        return "The password cannot be only spaces, tabs or line breaks."
    if password.strip().lower() in common_passwords():
        return (f"That password is one of the {COMMON_PASSWORDS:,} most common passwords, "
                "which are tried first; choose another.")
    return None


def check_policy(password: str) -> str:
    """`password` normalised, ready to hash; PasswordRefused if the policy refuses it."""
    problem = password_problem(password)
    if problem is not None:
        raise PasswordRefused(problem)
    return normalise(password)
