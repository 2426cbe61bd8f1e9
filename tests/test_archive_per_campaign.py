"""Archiving someone is a decision of one campaign: the others they are in keep them."""

from app.extensions import db
from app.models import AuditEvent, Engagement, Level
from app.stakeholders.operations import add_stakeholder
from tests.factories import person


def test_archiving_in_one_campaign_leaves_the_other_alone(
        as_champion, as_outsider, campaign, other_campaign, users):
    ours = person(campaign, users["lead"], "Shared Person")
    # The same email in the other campaign is that campaign's own record.
    theirs = add_stakeholder(other_campaign, users["outsider"], {
        "name": "Shared Person", "email": ours.stakeholder.email, "level": Level.worker})
    db.session.commit()
    sid, their_sid = ours.stakeholder_id, theirs.stakeholder_id

    answer = as_champion.post(f"/campaigns/{campaign.slug}/stakeholders/{sid}/archive")
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Engagement, ours.id).archived_at is not None
    assert db.session.get(Engagement, theirs.id).archived_at is None

    # Gone from this campaign's list and pickers, still in the other's.
    ours_list = as_champion.get(f"/campaigns/{campaign.slug}/stakeholders/")
    assert f'stakeholders/{sid}">Shared Person</a>' not in ours_list.get_data(as_text=True)
    assert as_champion.get(f"/campaigns/{campaign.slug}/stakeholders/search.json?q=shared"
                           ).get_json() == []
    theirs_list = as_outsider.get(f"/campaigns/{other_campaign.slug}/stakeholders/")
    assert f'stakeholders/{their_sid}">Shared Person</a>' in theirs_list.get_data(as_text=True)
    assert len(as_outsider.get(f"/campaigns/{other_campaign.slug}/stakeholders/search.json"
                               "?q=shared").get_json()) == 1
    # The change is recorded against this campaign's engagement, by whom.
    event = db.session.scalar(db.select(AuditEvent).filter_by(
        entity_type="engagement", entity_id=ours.id, action="archive"))
    assert event.user_id == users["champion"].id and event.campaign_id == campaign.id
    assert event.changes["archived_at"][0] is None

    # Archived here, it can be brought back here.
    page = as_champion.get(f"/campaigns/{campaign.slug}/stakeholders/{sid}")
    assert "Archived</strong> in this campaign" in page.get_data(as_text=True)
    as_champion.post(f"/campaigns/{campaign.slug}/stakeholders/{sid}/restore")
    db.session.expire_all()
    assert db.session.get(Engagement, ours.id).archived_at is None


def test_adding_someone_archived_here_points_to_restoring_them(as_champion, campaign, users):
    gone = person(campaign, users["lead"], "Gone Person")
    db.session.commit()
    as_champion.post(f"/campaigns/{campaign.slug}/stakeholders/{gone.stakeholder_id}/archive")
    answer = as_champion.post(f"/campaigns/{campaign.slug}/stakeholders/new", data={
        "name": "Gone Again", "email": gone.stakeholder.email, "level": "worker",
        "influence": "3", "stance": "unknown", "target_stance": "supporter", "interest": "3"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "is already in this campaign with this email, archived" in html
    assert 'value="Gone Again"' in html  # what was typed is kept
