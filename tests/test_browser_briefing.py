"""A champion builds a manager briefing for two attendees in a real browser and downloads it."""

from pathlib import Path

import pytest

from app.extensions import db
from app.models import Briefing, BriefingAttendee, Level
from tests import factories
from tests.conftest import browser_login

pytestmark = pytest.mark.browser

URL = "/campaigns/collaboration-platform-rollout/briefings"


def pick(page, term: str, name: str) -> None:
    page.fill("#attendee-search", term)
    page.locator("#attendee-results [role=option]", has_text=name).click()
    page.locator("#attendee-chips .gs-chip", has_text=name).wait_for()


def test_build_preview_generate_and_download_a_manager_briefing(page, setting, users, tmp_path):
    tom = factories.person(setting.campaign, users["lead"], "Tom Brown", level=Level.manager,
                           title="Operations Manager")
    db.session.commit()

    browser_login(page, users["champion"])
    page.goto(f"{URL}/new")
    page.locator("label[for=audience-manager]").click()
    pick(page, "Mia", "Mia Jones")
    pick(page, "tom b", "Tom Brown")
    page.fill("#minutes", "45")
    page.fill("#introduction", "Thirty minutes, then your questions.")
    page.locator(".gs-builder-settings button", has_text="Update preview").click()
    page.wait_for_load_state()

    preview = page.locator(".gs-paper")
    assert "Manager briefing" in preview.inner_text() or "MANAGER BRIEFING" in preview.inner_text()
    assert "Mia Jones, Tom Brown" in preview.inner_text()
    assert "My team will chat instead of working." in preview.inner_text()
    assert page.locator("#budget-status").inner_text()

    page.click("#generate")
    page.wait_for_url("**/briefings/*")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith(
        "collaboration-platform-rollout-manager-briefing-")
    saved = tmp_path / "briefing.pdf"
    download.save_as(saved)
    data = Path(saved).read_bytes()
    assert data.startswith(b"%PDF")

    briefing = db.session.scalars(db.select(Briefing)).one()
    assert briefing.pdf == data
    attendees = db.session.scalars(
        db.select(BriefingAttendee.engagement_id).filter_by(briefing_id=briefing.id)
    ).all()
    assert sorted(attendees) == sorted([setting.mia.id, tom.id])
