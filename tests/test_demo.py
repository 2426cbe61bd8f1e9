"""`flask demo`: a realistic campaign on first start, idempotent, resettable, repeatable."""

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.security import generate_password_hash

from app.demo import data
from app.demo.operations import CLAIMS_SLUG, demo_campaign, demo_logins, load_demo, unload_demo
from app.extensions import db
from app.formatting import user_clock
from app.models import (
    Campaign,
    CampaignTarget,
    Conversation,
    Engagement,
    FollowUp,
    KeyMessage,
    Level,
    Membership,
    Objection,
    RiskItem,
    Role,
    Stakeholder,
    Stance,
    StanceChange,
    User,
)
from tests import factories


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Five scrypt hashes per load would dominate these tests; sign-ins still check them."""
    monkeypatch.setattr(
        "app.models.user.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def demo_people(campaign) -> list[tuple[Stakeholder, Engagement]]:
    return list(db.session.execute(
        db.select(Stakeholder, Engagement).join(Engagement)
        .where(Engagement.campaign_id == campaign.id)
    ))


def test_demo_command_loads_a_realistic_campaign(app, runner):
    result = run_demo(runner)
    assert "Loaded the demo campaign Northmoor Connect" in result.output
    for login in demo_logins():
        assert login.email in result.output and login.password in result.output
    campaign = demo_campaign()
    people = demo_people(campaign)

    assert 55 <= len(people) <= 65
    departments = {person.department for person, _ in people}
    assert departments == {"IT", "HR", "Internal Communications", "Information Security", "Risk",
                           "L&D", "Sales", "Operations"}
    by_level = {level: [p for p, _ in people if p.level is level] for level in Level}
    assert all(by_level.values())
    # Reporting lines: executives at the top, managers under executives, workers under managers.
    levels = {person.id: person.level for person, _ in people}
    for person, _ in people:
        if person.level is Level.worker:
            assert levels[person.reports_to_id] is Level.manager, person.name
        elif person.level is Level.manager:
            assert levels[person.reports_to_id] is Level.executive, person.name
    assert {p.influence for p, _ in people} >= {1, 3, 5}

    stances = [engagement.stance for _, engagement in people]
    for stance in (Stance.blocker, Stance.sceptic, Stance.neutral, Stance.supporter,
                   Stance.champion):
        assert stances.count(stance) >= 2, stance
    blockers = {p.department for p, e in people if e.stance is Stance.blocker}
    assert blockers <= {"HR", "Information Security", "IT"} and len(blockers) >= 2

    # Targets and key messages for every level.
    targets = db.session.scalars(db.select(CampaignTarget).filter_by(campaign_id=campaign.id)).all()
    assert {target.level for target in targets} == set(Level)
    messages = db.session.scalars(db.select(KeyMessage).filter_by(campaign_id=campaign.id)).all()
    for level in Level:
        assert 2 <= sum(message.level is level for message in messages) <= 3
    assert not any("social" in m.title.lower() or "social" in m.body.lower() for m in messages)
    # The executive briefing's risk checklist reflects the story.
    risks = db.session.scalars(db.select(RiskItem).filter_by(campaign_id=campaign.id)).all()
    assert len({risk.status for risk in risks}) >= 3
    assert all(risk.owner for risk in risks)


def test_demo_history_covers_three_months_and_moves_stances(app, runner):
    run_demo(runner)
    campaign = demo_campaign()
    now = datetime.now(UTC)
    moments = db.session.scalars(
        db.select(Conversation.occurred_at).filter_by(campaign_id=campaign.id)).all()
    assert len(moments) >= 60
    assert max(moments) <= now and max(moments) >= now - timedelta(days=3)
    assert timedelta(days=80) <= now - min(moments) <= timedelta(days=100)
    # Conversations moved people: stance changes tied to conversations, spread over time.
    moves = db.session.scalars(
        db.select(StanceChange).join(Engagement)
        .where(Engagement.campaign_id == campaign.id, StanceChange.conversation_id.is_not(None))
    ).all()
    assert len(moves) >= 30
    assert max(m.changed_at for m in moves) - min(m.changed_at for m in moves) > timedelta(days=60)
    assert any(m.from_stance is Stance.blocker for m in moves)

    statuses = set(db.session.scalars(
        db.select(Objection.status).filter_by(campaign_id=campaign.id)).all())
    assert len(statuses) >= 3
    today = now.date()
    follow_ups = db.session.scalars(db.select(FollowUp).filter_by(campaign_id=campaign.id)).all()
    overdue = [f for f in follow_ups if f.done_at is None and f.due_on < today]
    open_not_due = [f for f in follow_ups if f.done_at is None and f.due_on >= today]
    done = [f for f in follow_ups if f.done_at is not None]
    assert overdue and open_not_due and done
    assert all(f.done_at <= now for f in done)


def test_demo_is_idempotent(app, runner):
    run_demo(runner)
    before = table_counts()
    result = run_demo(runner)
    assert "already loaded" in result.output
    assert table_counts() == before


def test_reset_reloads_the_same_demo(app, runner):
    run_demo(runner)
    first_id = demo_campaign().id
    before = table_counts()
    story = db.session.execute(
        db.select(Conversation.subject, Conversation.occurred_at)
        .filter_by(campaign_id=first_id).order_by(Conversation.occurred_at)).all()
    result = run_demo(runner, "--reset")
    assert "Removed the previous demo" in result.output and "Loaded the demo" in result.output
    campaign = demo_campaign()
    counts = table_counts()
    assert counts == before
    again = db.session.execute(
        db.select(Conversation.subject, Conversation.occurred_at)
        .filter_by(campaign_id=campaign.id).order_by(Conversation.occurred_at)).all()
    assert again == story  # the fixed seed makes the same demo every time


def test_unload_removes_only_the_demo(app, runner, campaign, users):
    person = factories.person(campaign, users["lead"], "Kept Person", stance=Stance.neutral)
    db.session.commit()
    before = table_counts()
    run_demo(runner)
    # A demo account used for real work elsewhere: its membership goes, the work stays.
    demo_lead = db.session.scalar(db.select(User).filter_by(email=f"lead@{data.USER_DOMAIN}"))
    db.session.add(Membership(campaign_id=campaign.id, user_id=demo_lead.id, role=Role.champion))
    db.session.commit()
    assert unload_demo() is True
    db.session.commit()
    assert table_counts() == before
    assert db.session.get(Stakeholder, person.stakeholder_id).name == "Kept Person"
    assert db.session.get(Campaign, campaign.id) is not None
    assert unload_demo() is False


def test_reset_without_a_demo_just_loads_it(app, runner):
    result = run_demo(runner, "--reset")
    assert "Removed" not in result.output and "Loaded the demo" in result.output


def test_every_demo_login_works_with_its_role(app, runner, client):
    run_demo(runner)
    campaigns = [demo_campaign(), demo_campaign(CLAIMS_SLUG)]
    roles = {(email, campaign_id): role for email, campaign_id, role in db.session.execute(
        db.select(User.email, Membership.campaign_id, Membership.role).join(Membership))}
    for login in demo_logins():
        assert len(login.password) >= 12
        response = client.post("/login", data={"email": login.email, "password": login.password})
        assert response.status_code == 302, login.email
        user = db.session.scalar(db.select(User).filter_by(email=login.email))
        for campaign in campaigns:
            # Each login opens exactly the campaigns it says it sees; the others are 404.
            sees = login.sees == "every campaign" or campaign.name in login.sees
            answer = client.get(f"/campaigns/{campaign.slug}/stakeholders/")
            assert answer.status_code == (200 if sees else 404), (login.email, campaign.name)
            assert sees is (user.role is Role.admin or (user.email, campaign.id) in roles)
        client.post("/logout")
        if login.role == "admin":
            assert user.role is Role.admin
        else:
            assert Role[login.role] in {role for (email, _), role in roles.items()
                                        if email == login.email}
    assert sorted(login.role for login in demo_logins()) == [
        "admin", "champion", "champion", "champion", "lead", "viewer"]
    # One login in each campaign only, so the boundary shows.
    assert {login.sees for login in demo_logins()} >= {"Northmoor Connect", "Claims Answers"}


def test_second_campaign_has_its_own_records_of_shared_people(app, runner):
    result = run_demo(runner)
    assert "Loaded the second demo campaign Claims Answers: 12 people, 5 of them" in result.output
    connect, claims = demo_campaign(), demo_campaign(CLAIMS_SLUG)
    theirs = {p.email: (p, e) for p, e in demo_people(claims)}
    ours = {p.email: (p, e) for p, e in demo_people(connect)}
    assert len(theirs) == 12
    shared = set(theirs) & set(ours)
    assert len(shared) == 5
    for email in shared:
        (here, here_standing), (there, there_standing) = ours[email], theirs[email]
        assert here.id != there.id and here.campaign_id == connect.id
        assert there.campaign_id == claims.id
        assert (here.title, here_standing.stance) != (there.title, there_standing.stance)
    # Reporting lines stay inside each campaign.
    for people in (theirs, ours):
        ids = {p.id for p, _ in people.values()}
        assert all(p.reports_to_id in ids for p, _ in people.values() if p.reports_to_id)

    # Sam (Connect only) cannot find Claims Answers' people, not even the shared ones as
    # Claims Answers knows them; Aled (Claims Answers only) cannot open Connect.
    sam, aled = app.test_client(), app.test_client()
    for client, local in ((sam, "champion"), (aled, "claims-champion")):
        answer = client.post("/login", data={"email": f"{local}@{data.USER_DOMAIN}",
                                             "password": "demo-champion-password"})
        assert answer.status_code == 302
    found = sam.get(f"/campaigns/{connect.slug}/stakeholders/search.json?q=tariq").get_json()
    assert found == []
    szabo = sam.get(f"/campaigns/{connect.slug}/stakeholders/search.json?q=szabo").get_json()
    assert [row["title"] for row in szabo] == ["Claims Team Manager"]
    assert sam.get(f"/campaigns/{claims.slug}/stakeholders/").status_code == 404
    assert aled.get(f"/campaigns/{connect.slug}/stakeholders/").status_code == 404
    szabo = aled.get(f"/campaigns/{claims.slug}/stakeholders/search.json?q=szabo").get_json()
    assert [row["title"] for row in szabo] == ["Claims Operations Lead"]


def test_demo_adds_a_missing_second_campaign_and_leaves_the_first(app, runner):
    run_demo(runner)
    connect = demo_campaign()
    before = db.session.scalar(db.select(db.func.count(Conversation.id)).filter_by(
        campaign_id=connect.id))
    from app.demo.operations import _delete_campaign

    _delete_campaign(demo_campaign(CLAIMS_SLUG).id)
    db.session.commit()
    summary = load_demo(user_clock())
    db.session.commit()
    assert summary.campaign is None and summary.second.slug == CLAIMS_SLUG
    assert db.session.scalar(db.select(db.func.count(Conversation.id)).filter_by(
        campaign_id=connect.id)) == before
    assert load_demo(user_clock()) is None
