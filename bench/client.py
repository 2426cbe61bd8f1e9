"""A signed-in HTTP client, as a user's browser meets the pages, and the timings taken with it.

Every request goes over a real socket to the server (gunicorn's sync workers close the
connection after each answer, so each request also pays for its TCP connection, as
/healthz does). Forms are sent with the CSRF token the page gave, as a browser would.
"""

import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

_CSRF = re.compile(r'name="csrf_token"[^>]*\bvalue="([^"]+)"')


class Browser:
    """One user's HTTP session against the server at `base_url`."""

    def __init__(self, base_url: str, cookies: httpx.Cookies | None = None):
        self.http = httpx.Client(base_url=base_url, cookies=cookies, timeout=300,
                                 follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def twin(self) -> "Browser":
        """Another client in the same signed-in session (its own cookie jar from now on)."""
        return Browser(str(self.http.base_url), httpx.Cookies(self.http.cookies))

    def get(self, path: str) -> httpx.Response:
        """GET a page that must answer 200."""
        response = self.http.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def submit(self, path: str, data: dict, token: str) -> httpx.Response:
        """POST a form with the CSRF token of the page that showed it; it must redirect."""
        response = self.http.post(path, data={**data, "csrf_token": token})
        if not response.is_redirect:
            raise RuntimeError(f"POST {path} answered {response.status_code}: "
                               f"{response.text[:500]}")
        return response

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the login form."""
        page = self.get("/login")
        self.submit("/login", {"email": email, "password": password}, csrf_token(page))


def csrf_token(page: httpx.Response) -> str:
    """The CSRF token of the form on `page`."""
    found = _CSRF.search(page.text)
    if found is None:
        raise RuntimeError(f"no CSRF token on {page.request.url}")
    return found.group(1)


def timed_ms(fn: Callable[[], object]) -> float:
    """Wall time of `fn()` in milliseconds."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def latencies_ms(fn: Callable[[], object], repeat: int, warmup: int = 1, *,
                 budget_s: float | None = None, at_least: int = 3) -> list[float]:
    """Up to `repeat` timings of `fn()` in ms, after `warmup` untimed runs; with a budget,
    stop once the timed runs took `budget_s` seconds and there are `at_least` of them."""
    for _ in range(warmup):
        fn()
    times: list[float] = []
    while len(times) < repeat:
        times.append(timed_ms(fn))
        if budget_s is not None and len(times) >= at_least and sum(times) > budget_s * 1000:
            break
    return times


def paired_latencies_ms(fn: Callable[[], object], yardstick: Callable[[], object], repeat: int,
                        *, budget_s: float | None = None,
                        at_least: int = 3) -> tuple[list[float], list[float]]:
    """Timings (ms) of `fn()` and of `yardstick()` taken turn about, after one untimed run
    of each, so a machine that gets busier or quieter meanwhile weighs on both alike.
    `repeat`, `budget_s` (for `fn`'s runs) and `at_least` as in latencies_ms."""
    yardstick()
    fn()
    times: list[float] = []
    yardstick_times: list[float] = []
    while len(times) < repeat:
        yardstick_times.append(timed_ms(yardstick))
        times.append(timed_ms(fn))
        if budget_s is not None and len(times) >= at_least and sum(times) > budget_s * 1000:
            break
    return times, yardstick_times


def percentile(values: list[float], share: float) -> float:
    """The `share` (0..1) percentile of `values`, interpolated (p50 is the median)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


@dataclass
class Load:
    """What a throughput run did: requests answered in `seconds` of wall time."""

    requests: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def load(browser: Browser, one_round: Callable[[Browser], int], threads: int,
         seconds: float) -> Load:
    """Run `one_round(client)` in `threads` threads, each with its own client in
    `browser`'s session, for about `seconds`; `one_round` returns the requests it sent.
    The first error any thread meets is raised here."""
    clients = [browser.twin() for _ in range(threads)]
    counts = [0] * threads
    errors: list[BaseException] = []
    start = time.perf_counter()
    deadline = start + seconds

    def work(index: int) -> None:
        try:
            while time.perf_counter() < deadline and not errors:
                counts[index] += one_round(clients[index])
        except Exception as error:  # re-raised below, in the caller's thread
            errors.append(error)

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    for client in clients:
        client.close()
    if errors:
        raise errors[0]
    return Load(sum(counts), elapsed)
