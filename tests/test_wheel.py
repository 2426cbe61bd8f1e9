"""A built wheel is a working install: templates, migrations and case studies travel in it.

Builds the wheel, installs it into a fresh virtual environment, and from a folder outside
the checkout runs `flask --app app db upgrade`, `flask --app app demo` and gunicorn, then
signs in as the demo admin and reads pages. The fresh environment gets the wheel's
dependencies from the test environment's site-packages (a path in a .pth file) rather
than the network, so the test takes seconds; the `app` package itself comes from the
wheel only, which the test checks.
"""

import http.cookiejar
import os
import re
import signal
import site
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def run(command, **kwargs):
    """Run `command`; fail the test with its output if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def installed_wheel(tmp_path):
    """A fresh venv with the freshly built wheel installed: its python executable."""
    wheels = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(wheels), str(ROOT)])
    (wheel,) = wheels.glob("groundswell-*.whl")
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    target = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                  .stdout.strip())
    # Dependencies only: the test environment's `app` is an editable finder that a bare
    # path in a .pth file does not activate.
    (target / "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(wheel)])
    return python


def test_built_wheel_migrates_loads_the_demo_and_serves_pages(installed_wheel, tmp_path):
    elsewhere = tmp_path / "elsewhere"  # not the checkout: `app` must come from the wheel
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GROUNDSWELL_", "FLASK_", "CASE_STUDIES", "TEST_DATABASE"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'wheel.sqlite3'}",
               SECRET_KEY="wheel-test-secret-key", PYTHONPATH="")

    def flask(*args):
        return run([str(installed_wheel), "-m", "flask", "--app", "app", *args],
                   cwd=elsewhere, env=env)

    where = run([str(installed_wheel), "-c", "import app; print(app.__file__)"],
                cwd=elsewhere, env=env).stdout
    assert str(tmp_path / "fresh") in where and str(ROOT) not in where
    assert "0007" in flask("db", "upgrade").stderr + flask("db", "current").stdout
    flask("demo")
    assert "OK     cisco-channel-training.md" in flask("case-studies", "check").stdout

    server = subprocess.Popen(
        [str(installed_wheel), "-m", "gunicorn", "--workers", "1", "--bind", "127.0.0.1:0",
         "--error-logfile", str(tmp_path / "error.log"), "--log-level", "info", "app:create_app()"],
        cwd=elsewhere, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        url = _wait_for(server, tmp_path / "error.log")
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = browser.open(f"{url}/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
        form = urllib.parse.urlencode({
            "csrf_token": token,
            "email": "admin@demo.groundswell.example",
            "password": "demo-admin-password",
        }).encode()
        home = browser.open(f"{url}/login", data=form).read().decode()
        assert "Northmoor Connect" in home and "Sign out" in home
        studies = browser.open(f"{url}/campaigns/northmoor-connect/case-studies").read().decode()
        assert "Cisco" in studies
        assert browser.open(f"{url}/static/app.css").status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _wait_for(server: subprocess.Popen, error_log: Path) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        log = error_log.read_text() if error_log.exists() else ""
        listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log)
        if listening and "Booting worker" in log:
            try:
                with urllib.request.urlopen(f"{listening.group(1)}/healthz", timeout=5):
                    return listening.group(1)
            except OSError:
                pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn from the wheel did not start:\n{error_log.read_text()}")
