import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_sign_in_in_a_real_browser(page, users, campaign):
    browser_login(page, users["lead"])
    assert "Sign in" not in page.title()
    assert page.locator("text=Sign out").is_visible()
