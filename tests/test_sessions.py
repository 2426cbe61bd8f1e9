"""How long a sign-in lasts."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from tests.conftest import PASSWORD


def test_keep_me_signed_in_lasts_a_fortnight_not_a_year(client, users):
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD,
                                           "remember": "y"})
    assert response.status_code == 302
    cookie = next(value for value in response.headers.getlist("Set-Cookie")
                  if value.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=", 1)[1].split(";", 1)[0])
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)


def test_without_it_the_sign_in_ends_with_the_browser(client, users):
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(value.startswith("remember_token=") for value in cookies)
    session = next(value for value in cookies if value.startswith("session="))
    assert "Expires=" not in session
