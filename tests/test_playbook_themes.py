"""Leads keep the playbook tidy: retire a theme nobody raises, restore it, reorder themes."""

import re

from app.extensions import db
from app.models import AuditEvent, Level, ObjectionTheme
from tests.factories import person, theme
from tests.test_objections import objection
from tests.test_objections_playbook import SLUGS

BASE = "/campaigns/collaboration-platform-rollout/objections"


def order(campaign) -> list[str]:
    return list(db.session.scalars(
        db.select(ObjectionTheme.slug)
        .where(ObjectionTheme.campaign_id == campaign.id, ObjectionTheme.archived_at.is_(None))
        .order_by(ObjectionTheme.position)))


def edit_form(retired: ObjectionTheme, **values) -> dict:
    data = {"name": retired.name, "description": retired.description}
    data.update({f"answer_{level.name}": retired.response_for(level).response for level in Level})
    data.update(values)
    return data


def test_a_retired_theme_is_not_offered_but_its_objections_keep_it(
        as_lead, as_champion, campaign, users):
    ann = person(campaign, users["lead"], "Ann Exec", level=Level.executive)
    fad = theme(campaign, "fad")
    raised = objection(campaign, users["lead"], ann, "fad", "A shiny new toy")
    db.session.commit()

    response = as_lead.post(f"{BASE}/playbook/{fad.id}/retire")
    assert response.status_code == 302
    db.session.refresh(fad)
    assert fad.archived_at is not None
    assert db.session.scalar(db.select(AuditEvent).filter_by(
        entity_type="objection_theme", entity_id=fad.id, action="archive")) is not None

    # Not offered when raising an objection, by hand or in a conversation...
    html = as_champion.get(f"{BASE}/new").get_data(as_text=True)
    assert f'value="{fad.id}"' not in html
    html = as_champion.get("/campaigns/collaboration-platform-rollout/conversations/new")
    assert fad.name not in html.get_data(as_text=True)
    refused = as_champion.post(f"{BASE}/new", data={
        "person": ann.stakeholder.email, "theme_id": str(fad.id),
        "statement": "Another toy", "raised_on": "2026-11-01"})
    assert refused.status_code == 400
    # ...but the objection raised under it keeps it, and its page still offers it.
    db.session.refresh(raised)
    assert raised.theme_id == fad.id
    page = as_champion.get(f"{BASE}/{raised.id}").get_data(as_text=True)
    own = re.search(rf'<option[^>]*value="{fad.id}"[^>]*>', page).group(0)
    assert "selected" in own
    # The playbook lists it apart, with a way back.
    playbook = as_lead.get(f"{BASE}/playbook").get_data(as_text=True)
    assert "Retired themes" in playbook and f"{BASE}/playbook/{fad.id}/restore" in playbook

    as_lead.post(f"{BASE}/playbook/{fad.id}/restore")
    db.session.refresh(fad)
    assert fad.archived_at is None
    assert order(campaign)[-1] == "fad"  # back, last


def test_only_leads_retire_and_restore(as_champion, as_viewer, campaign):
    fad = theme(campaign, "fad")
    for client in (as_champion, as_viewer):
        assert client.post(f"{BASE}/playbook/{fad.id}/retire").status_code == 403
        assert client.post(f"{BASE}/playbook/{fad.id}/restore").status_code == 403
    assert as_champion.get(f"{BASE}/playbook/{fad.id}/retire").status_code == 405
    db.session.refresh(fad)
    assert fad.archived_at is None


def test_another_campaigns_theme_answers_404(as_lead, campaign, other_campaign):
    stranger = theme(other_campaign, "fad")
    assert as_lead.post(f"{BASE}/playbook/{stranger.id}/retire").status_code == 404


def test_a_lead_moves_a_theme_to_a_place_and_the_others_close_up(as_lead, campaign):
    culture = theme(campaign, "knowing-culture")
    assert order(campaign) == SLUGS
    form = as_lead.get(f"{BASE}/playbook/{culture.id}/edit").get_data(as_text=True)
    place = re.search(r'<input[^>]*name="place"[^>]*>', form).group(0)
    assert f'value="{len(SLUGS)}"' in place  # where it stands now, last

    response = as_lead.post(f"{BASE}/playbook/{culture.id}/edit",
                            data=edit_form(culture, place="2"))
    assert response.status_code == 302
    assert order(campaign) == [SLUGS[0], "knowing-culture", *SLUGS[1:-1]]
    event = db.session.scalars(db.select(AuditEvent).filter_by(
        entity_type="objection_theme", entity_id=culture.id).order_by(AuditEvent.id.desc())).first()
    assert event.changes["position"] == [len(SLUGS) - 1, 1]

    # A place past the end means last; an impossible one is refused with the form kept.
    as_lead.post(f"{BASE}/playbook/{culture.id}/edit", data=edit_form(culture, place="99"))
    assert order(campaign)[-1] == "knowing-culture"
    refused = as_lead.post(f"{BASE}/playbook/{culture.id}/edit",
                           data=edit_form(culture, place="0", name="Renamed meanwhile"))
    assert refused.status_code == 400
    assert "Give a place from 1 up." in refused.get_data(as_text=True)
    assert 'value="Renamed meanwhile"' in refused.get_data(as_text=True)
    db.session.refresh(culture)
    assert culture.name != "Renamed meanwhile"


def test_a_new_theme_can_go_straight_to_its_place(as_lead, campaign):
    data = {"name": "Nobody asked for it", "description": "We never chose this.", "place": "1"}
    data.update({f"answer_{level.name}": "Because you told us what slows you down."
                 for level in Level})
    assert as_lead.post(f"{BASE}/playbook/new", data=data).status_code == 302
    assert order(campaign)[:2] == ["nobody-asked-for-it", SLUGS[0]]
