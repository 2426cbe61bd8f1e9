"""The sign-in throttle on Redis: the count is shared by every server and survives a restart.

Runs against the Redis at REDIS_URL (default redis://127.0.0.1:6379/15). Without one it is
skipped on a developer's machine and fails in CI, like the browser tests.
"""

import os
import uuid

import pytest

from app import create_app

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("GROUNDSWELL_REQUIRE_REDIS") or os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS_URL}")
        pytest.skip(f"Redis is not answering at {REDIS_URL}")
    yield client
    client.close()


@pytest.fixture
def server(app, users, redis_client):
    """Start "a server": a fresh app on the test database, throttling through Redis under a
    prefix of this test's own, removed afterwards."""
    prefix = f"groundswell-test-{uuid.uuid4().hex}"
    settings = {key: app.config[key] for key in
                ("TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SECRET_KEY")}
    settings.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL,
                    RATELIMIT_KEY_PREFIX=prefix, LOGIN_RATE_LIMIT="3 per minute")

    def start():
        return create_app(settings).test_client()

    start.prefix = prefix
    yield start
    for key in redis_client.scan_iter(f"*{prefix}*"):
        redis_client.delete(key)


def fail_sign_in(client) -> int:
    return client.post("/login", data={"email": "lead@example.org",
                                       "password": "wrong password!"}).status_code


def test_failed_sign_ins_are_counted_in_redis_across_servers(server, redis_client):
    first = server()
    assert [fail_sign_in(first), fail_sign_in(first)] == [401, 401]
    assert list(redis_client.scan_iter(f"*{server.prefix}*")), "nothing was counted in Redis"

    # Another server (or this one restarted) sees the same count: one more try, then 429.
    second = server()
    assert [fail_sign_in(second), fail_sign_in(second)] == [401, 429]
    answer = second.post("/login", data={"email": "lead@example.org", "password": "x" * 12})
    assert answer.status_code == 429
    assert "Too many failed sign-in attempts" in answer.get_data(as_text=True)
