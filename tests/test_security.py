"""Standing security rules checked across every route the app has."""

import pytest

PUBLIC = {"auth.login", "main.healthz", "static", "bootstrap.static",
          # The invitation and reset links: the token in the URL is the credential.
          "account_links.welcome", "account_links.reset"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        values = {}
        for argument in rule.arguments:
            converter = rule._converters[argument].__class__.__name__
            values[argument] = 1 if converter == "IntegerConverter" else "x"
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield rule.endpoint, rule.build(values, append_unknown=False)[1], method


def test_every_page_but_login_and_health_requires_sign_in(app, client):
    routes = list(_routes(app))
    assert len(routes) > 3
    for endpoint, url, method in routes:
        response = client.open(url, method=method)
        assert response.status_code in (302, 400), (endpoint, url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], endpoint


@pytest.mark.parametrize("path", ["/login", "/campaigns/", "/no-such-page"])
def test_pages_send_basic_security_headers(as_lead, path):
    headers = as_lead.get(path).headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in headers["Content-Security-Policy"].split("; "))
    assert policy == {
        "default-src": "'self'", "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'", "img-src": "'self' data:",
        "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
