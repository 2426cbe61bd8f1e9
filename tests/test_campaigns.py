"""Campaign pages: the list, creating one, settings, members, and who may do what."""

from datetime import date

import pytest

from app.extensions import db
from app.models import (
    GOALS,
    AuditEvent,
    Campaign,
    CampaignTarget,
    Level,
    Membership,
    ObjectionTheme,
    Phase,
    Role,
    Stance,
)
from tests import factories
from tests.conftest import extract_csrf


def campaign_form(**changes) -> dict:
    """A valid new-campaign submission, with some fields changed."""
    data = {
        "name": "Knowledge sharing in Operations",
        "change": "An internal collaboration platform",
        "description": "Operations teams **share** fixes instead of emailing them.",
        "goals": [GOALS[1], GOALS[5]],
        "own_goals": "Halve the time to find an expert\n\n",
        "phase": "embrace",
        "starts_on": "2026-03-01",
        "ends_on": "2026-09-30",
        "target_executive-share": "80",
        "target_executive-min_stance": "supporter",
        "target_executive-due_on": "2026-06-30",
        "target_manager-share": "60",
        "target_manager-min_stance": "neutral",
        "target_manager-due_on": "2026-08-31",
        "target_worker-share": "",
        "target_worker-min_stance": "supporter",
        "target_worker-due_on": "",
    }
    data.update(changes)
    return data


def campaign_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Campaign))


# --- New campaign ---------------------------------------------------------------------


def test_lead_creates_a_campaign_with_targets_and_playbook(as_lead, users):
    response = as_lead.post("/campaigns/new", data=campaign_form())
    assert response.status_code == 302
    campaign = db.session.scalar(
        db.select(Campaign).filter_by(name="Knowledge sharing in Operations"))
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.slug}/stakeholders/")
    assert campaign.slug == "knowledge-sharing-in-operations"
    assert campaign.phase is Phase.embrace
    assert campaign.goals == [GOALS[1], GOALS[5], "Halve the time to find an expert"]
    assert campaign.starts_on == date(2026, 3, 1) and campaign.ends_on == date(2026, 9, 30)
    assert campaign.owner_id == users["lead"].id
    targets = {target.level: target for target in campaign.targets}
    assert set(targets) == {Level.executive, Level.manager}
    assert (targets[Level.manager].share, targets[Level.manager].min_stance) == (60, Stance.neutral)
    assert targets[Level.executive].due_on == date(2026, 6, 30)
    membership = db.session.get(Membership, (campaign.id, users["lead"].id))
    assert membership.role is Role.lead
    themes = db.session.scalar(
        db.select(db.func.count()).select_from(ObjectionTheme).filter_by(campaign_id=campaign.id))
    assert themes >= 5
    # The new campaign opens and the creator can reach its settings.
    assert as_lead.get(f"/campaigns/{campaign.slug}/settings").status_code == 200


def test_admin_may_create_a_campaign(as_admin):
    assert as_admin.get("/campaigns/new").status_code == 200
    assert as_admin.post("/campaigns/new", data=campaign_form()).status_code == 302
    assert campaign_count() == 1


@pytest.mark.parametrize("who", ["champion", "viewer"])
def test_champion_and_viewer_may_not_create_campaigns(login_as, who):
    client = login_as(who)
    assert client.get("/campaigns/new").status_code == 403
    assert client.post("/campaigns/new", data=campaign_form()).status_code == 403
    assert "/campaigns/new" not in client.get("/campaigns/").get_data(as_text=True)
    assert campaign_count() == 0


def test_new_campaign_form_shows_the_six_goals_and_levels(as_lead):
    from app.formatting import today_local

    html = as_lead.get("/campaigns/new").get_data(as_text=True)
    starts_on = html.split('name="starts_on"')[1].split(">")[0]
    assert f'value="{today_local().isoformat()}"' in starts_on
    for goal in GOALS:
        assert goal in html
    for name in ("target_executive-share", "target_manager-due_on", "target_worker-min_stance"):
        assert f'name="{name}"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required"),
        ({"change": "   "}, "change", "This field is required"),
        ({"ends_on": "2026-02-01"}, "ends_on", "end date must be after the start"),
        ({"ends_on": "2026-03-01"}, "ends_on", "end date must be after the start"),
        ({"starts_on": ""}, "starts_on", "Give the start date"),
        ({"starts_on": "31/02/2026"}, "starts_on", "Not a valid date"),
        ({"goals": [], "own_goals": ""}, "own_goals", "at least one goal"),
        ({"goals": ["Take over the world"]}, "goals", "not a valid choice"),
        ({"phase": "conquer"}, "phase", "Not a valid choice"),
        ({"target_manager-share": "120"}, "target_manager-share", "Between 0 and 100"),
        ({"target_manager-share": "lots"}, "target_manager-share", "Not a valid integer"),
        ({"target_manager-min_stance": "unknown"}, "target_manager-min_stance",
         "Not a valid choice"),
        ({"target_manager-due_on": ""}, "target_manager-due_on", "date this target is due"),
        ({"target_worker-due_on": "2026-05-01"}, "target_worker-share", "Give the share"),
        ({"target_manager-due_on": "2026-01-15"}, "target_manager-due_on",
         "not be before the start"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_what_was_typed(as_lead, changes, field, message):
    data = campaign_form(**changes)
    response = as_lead.post("/campaigns/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message.lower() in html.lower()
    assert f'name="{field}"' in html
    if data["name"]:
        assert f'value="{data["name"]}"' in html
    if data["own_goals"]:
        assert "Halve the time to find an expert" in html
    assert campaign_count() == 0


def test_too_many_or_too_long_own_goals_are_refused(as_lead):
    eleven_goals = "\n".join(f"Goal {n}" for n in range(11))
    response = as_lead.post("/campaigns/new", data=campaign_form(own_goals=eleven_goals))
    assert response.status_code == 400 and "At most 10 goals" in response.get_data(as_text=True)
    response = as_lead.post("/campaigns/new", data=campaign_form(own_goals="x" * 201))
    assert response.status_code == 400 and "under 200 characters" in response.get_data(as_text=True)
    assert campaign_count() == 0


def test_duplicate_names_get_distinct_slugs(as_lead):
    as_lead.post("/campaigns/new", data=campaign_form())
    as_lead.post("/campaigns/new", data=campaign_form())
    slugs = sorted(db.session.scalars(db.select(Campaign.slug)))
    assert slugs == ["knowledge-sharing-in-operations", "knowledge-sharing-in-operations-2"]


def test_new_campaign_needs_csrf(app, as_lead):
    app.config["WTF_CSRF_ENABLED"] = True
    assert as_lead.post("/campaigns/new", data=campaign_form()).status_code == 400
    assert campaign_count() == 0
    token = extract_csrf(as_lead.get("/campaigns/new").get_data(as_text=True))
    assert as_lead.post("/campaigns/new", data=campaign_form(csrf_token=token)).status_code == 302
    assert campaign_count() == 1


# --- The list and the switcher --------------------------------------------------------


def test_index_lists_only_my_campaigns_with_stance_summary(
    as_lead, campaign, other_campaign, users
):
    factories.person(campaign, users["lead"], "Ada Blocker", stance=Stance.blocker)
    factories.person(campaign, users["lead"], "Ben Backer", stance=Stance.supporter)
    factories.person(campaign, users["lead"], "Cy Backer", stance=Stance.supporter)
    db.session.commit()
    html = as_lead.get("/campaigns/").get_data(as_text=True)
    assert campaign.name in html
    assert other_campaign.name not in html
    assert "2 supporter" in html and "1 blocker" in html
    assert "Engage" in html  # phase
    assert "New campaign" in html


def test_index_runs_a_constant_number_of_queries(as_admin, users, count_queries):
    from app.campaigns.operations import create_campaign

    def load():
        with count_queries() as counter:
            assert as_admin.get("/campaigns/").status_code == 200
        return counter.count

    create_campaign(users["lead"], {"name": "One", "change": "x", "starts_on": date(2026, 1, 1)})
    db.session.commit()
    few = load()
    for n in range(6):
        campaign = create_campaign(users["lead"], {"name": f"More {n}", "change": "x",
                                                   "starts_on": date(2026, 1, 1)})
        factories.person(campaign, users["lead"], stance=Stance.neutral)
    db.session.commit()
    assert load() == few


def test_admin_sees_every_campaign(as_admin, as_lead, campaign, other_campaign):
    def listed(client) -> str:
        """The campaigns list itself (the table), not the header's campaign menu."""
        html = client.get("/campaigns/").get_data(as_text=True)
        return html.split('gs-campaign-table">')[1].split("</table>")[0]

    every = listed(as_admin)
    for each in (campaign, other_campaign):
        assert f'href="/campaigns/{each.slug}/stakeholders/">{each.name}</a>' in every
        assert each.change in every
    # The lead, a member of one of them, has only that one in the list.
    theirs = listed(as_lead)
    assert campaign.name in theirs and other_campaign.name not in theirs


def switcher(html: str) -> str:
    return html.split('id="campaign-switcher"')[1].split("</ul>")[0]


def test_switcher_lists_only_the_users_campaigns(as_champion, campaign, other_campaign):
    menu = switcher(
        as_champion.get(f"/campaigns/{campaign.slug}/stakeholders/").get_data(as_text=True))
    assert campaign.name in menu and other_campaign.name not in menu
    assert "All campaigns" in menu
    assert "New campaign" not in menu  # champions do not start campaigns


def test_switcher_lists_every_campaign_for_admins(as_admin, campaign, other_campaign):
    menu = switcher(as_admin.get("/campaigns/").get_data(as_text=True))
    assert campaign.name in menu and other_campaign.name in menu
    assert "New campaign" in menu


@pytest.mark.parametrize(("who", "shown"), [("lead", True), ("admin", True), ("champion", False),
                                            ("viewer", False)])
def test_settings_link_only_for_leads_and_admins(login_as, campaign, who, shown):
    html = login_as(who).get(f"/campaigns/{campaign.slug}/stakeholders/").get_data(as_text=True)
    assert (f"/campaigns/{campaign.slug}/settings" in html) is shown


def test_viewer_sees_no_new_campaign_button_on_home(as_viewer, campaign, other_campaign, users):
    from app.campaigns.operations import set_member

    set_member(other_campaign, users["viewer"], Role.viewer)
    db.session.commit()
    html = as_viewer.get("/").get_data(as_text=True)
    assert "/campaigns/new" not in html


# --- Settings --------------------------------------------------------------------------


def settings_form(campaign, **changes) -> dict:
    """The settings form as the page fills it for the fixture campaign, then `changes`."""
    data = campaign_form(name=campaign.name, change=campaign.change, goals=campaign.goals,
                         description=campaign.description,
                         own_goals="", phase=campaign.phase.name,
                         starts_on=campaign.starts_on.isoformat(),
                         ends_on=campaign.ends_on.isoformat())
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["champion", "viewer"])
def test_champion_and_viewer_may_not_change_settings_or_members(login_as, campaign, who):
    client = login_as(who)
    base = f"/campaigns/{campaign.slug}"
    assert client.get(f"{base}/settings").status_code == 403
    hijack = settings_form(campaign, name="Hijacked")
    assert client.post(f"{base}/settings", data=hijack).status_code == 403
    assert client.get(f"{base}/members").status_code == 403
    add = {"email": "outsider@example.org", "role": "lead"}
    assert client.post(f"{base}/members", data=add).status_code == 403
    assert client.post(f"{base}/members/{campaign.owner_id}/remove").status_code == 403
    assert client.post(f"{base}/members/{campaign.owner_id}/role",
                       data={"role": "viewer"}).status_code == 403
    db.session.expire_all()
    assert campaign.name != "Hijacked"
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 3


def test_outsider_gets_404(as_outsider, campaign):
    base = f"/campaigns/{campaign.slug}"
    for path in ("/settings", "/members"):
        assert as_outsider.get(base + path).status_code == 404
    add = {"email": "outsider@example.org", "role": "lead"}
    assert as_outsider.post(f"{base}/members", data=add).status_code == 404


def test_settings_prefilled_and_saved_with_audit(as_lead, campaign, users):
    page = as_lead.get(f"/campaigns/{campaign.slug}/settings").get_data(as_text=True)
    assert f'value="{campaign.name}"' in page
    assert 'value="2026-09-01"' in page
    assert "checked" in page  # the campaign's goal is ticked
    response = as_lead.post(
        f"/campaigns/{campaign.slug}/settings",
        data=settings_form(campaign, name="Platform rollout, wave 2", phase="embed",
                           **{"target_manager-share": "70", "target_executive-share": "",
                              "target_executive-due_on": "",
                              "target_manager-due_on": "2027-01-31"}),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert campaign.name == "Platform rollout, wave 2" and campaign.phase is Phase.embed
    assert campaign.slug == "collaboration-platform-rollout"  # links keep working
    assert [(t.level, t.share, t.due_on) for t in campaign.targets] == [
        (Level.manager, 70, date(2027, 1, 31))]
    events = db.session.scalars(
        db.select(AuditEvent).filter_by(entity_type="campaign", entity_id=campaign.id,
                                        action="update")
    ).all()
    changes = {key: value for event in events for key, value in event.changes.items()}
    assert changes["name"] == ["Collaboration platform rollout", "Platform rollout, wave 2"]
    assert changes["phase"] == ["engage", "embed"]
    assert changes["target_manager"] == [None, "70% neutral or better by 2027-01-31"]
    assert all(event.user_id == users["lead"].id for event in events)


def test_settings_target_edit_and_removal(as_lead, campaign):
    campaign.targets.append(CampaignTarget(level=Level.worker, share=40,
                                           min_stance=Stance.supporter, due_on=date(2027, 1, 1)))
    db.session.commit()
    page = as_lead.get(f"/campaigns/{campaign.slug}/settings").get_data(as_text=True)
    share = page.split('name="target_worker-share"')[1].split(">")[0]
    assert 'value="40"' in share
    as_lead.post(f"/campaigns/{campaign.slug}/settings",
                 data=settings_form(campaign, **{
                     "target_worker-share": "", "target_worker-due_on": "",
                     "target_executive-share": "", "target_executive-due_on": "",
                     "target_manager-share": "", "target_manager-due_on": "",
                 }))
    db.session.expire_all()
    assert campaign.targets == []


def test_settings_bad_input_writes_nothing(as_lead, campaign):
    response = as_lead.post(f"/campaigns/{campaign.slug}/settings",
                            data=settings_form(campaign, name="New name", ends_on="2020-01-01"))
    assert response.status_code == 400
    assert "end date must be after the start" in response.get_data(as_text=True)
    assert 'value="New name"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert campaign.name == "Collaboration platform rollout"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .filter_by(entity_type="campaign", action="update")) == 0


def test_saving_unchanged_settings_writes_no_audit(as_lead, campaign):
    response = as_lead.post(f"/campaigns/{campaign.slug}/settings",
                            data=settings_form(campaign, **{"target_executive-share": "",
                                                            "target_executive-due_on": "",
                                                            "target_manager-share": "",
                                                            "target_manager-due_on": ""}))
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .filter_by(entity_type="campaign", action="update")) == 0


def test_admin_who_is_not_a_member_may_edit_settings(as_admin, campaign):
    assert as_admin.get(f"/campaigns/{campaign.slug}/settings").status_code == 200
    assert as_admin.get(f"/campaigns/{campaign.slug}/members").status_code == 200


# --- Members --------------------------------------------------------------------------


def roles_of(campaign) -> dict[str, Role]:
    rows = db.session.execute(
        db.select(Membership.user_id, Membership.role).filter_by(campaign_id=campaign.id))
    return {user_id: role for user_id, role in rows}


def test_members_page_lists_members_with_roles(as_lead, campaign, users):
    html = as_lead.get(f"/campaigns/{campaign.slug}/members").get_data(as_text=True)
    for who in ("lead", "champion", "viewer"):
        assert users[who].email in html
    assert users["outsider"].email not in html
    assert "3 members" in html


def test_lead_adds_an_existing_user(as_lead, campaign, users):
    response = as_lead.post(f"/campaigns/{campaign.slug}/members",
                            data={"email": "  Outsider@Example.org ", "role": "champion"})
    assert response.status_code == 302
    assert roles_of(campaign)[users["outsider"].id] is Role.champion
    event = db.session.scalars(
        db.select(AuditEvent).filter_by(entity_type="campaign", action="update")).one()
    assert event.changes == {"member_added": [None, "outsider@example.org as champion"]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nobody@example.org", "role": "champion"},
         "No one signs in as nobody@example.org"),
        ({"email": "champion@example.org", "role": "viewer"}, "already a member"),
        ({"email": "not an email", "role": "viewer"}, "Invalid email"),
        ({"email": "outsider@example.org", "role": "admin"}, "Not a valid choice"),
        ({"email": "outsider@example.org", "role": "emperor"}, "Not a valid choice"),
    ],
)
def test_adding_a_member_refuses_bad_input(as_lead, campaign, data, message):
    before = roles_of(campaign)
    response = as_lead.post(f"/campaigns/{campaign.slug}/members", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert f'value="{data["email"]}"' in html
    assert roles_of(campaign) == before


def test_change_role_and_remove(as_lead, campaign, users):
    base = f"/campaigns/{campaign.slug}/members"
    assert as_lead.post(f"{base}/{users['viewer'].id}/role",
                        data={"role": "champion"}).status_code == 302
    assert roles_of(campaign)[users["viewer"].id] is Role.champion
    assert as_lead.post(f"{base}/{users['champion'].id}/remove").status_code == 302
    assert users["champion"].id not in roles_of(campaign)
    # The removed champion no longer sees the campaign.
    assert as_lead.post(f"{base}/{users['outsider'].id}/remove").status_code == 404


def test_the_last_lead_cannot_be_demoted_or_removed(as_lead, campaign, users):
    base = f"/campaigns/{campaign.slug}/members"
    lead_id = users["lead"].id
    response = as_lead.post(f"{base}/{lead_id}/role", data={"role": "viewer"})
    assert response.status_code == 400 and "at least one lead" in response.get_data(as_text=True)
    response = as_lead.post(f"{base}/{lead_id}/remove")
    assert response.status_code == 400 and "at least one lead" in response.get_data(as_text=True)
    assert roles_of(campaign)[lead_id] is Role.lead
    # With a second lead, the first may step down.
    as_lead.post(f"{base}/{users['champion'].id}/role", data={"role": "lead"})
    response = as_lead.post(f"{base}/{lead_id}/role", data={"role": "champion"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.slug}/stakeholders/")
    assert roles_of(campaign)[lead_id] is Role.champion


def test_change_role_refuses_unknown_role(as_lead, campaign, users):
    response = as_lead.post(f"/campaigns/{campaign.slug}/members/{users['viewer'].id}/role",
                            data={"role": "admin"})
    assert response.status_code == 400
    assert roles_of(campaign)[users["viewer"].id] is Role.viewer


def test_member_changes_need_post_and_csrf(app, as_lead, campaign, users):
    base = f"/campaigns/{campaign.slug}/members/{users['viewer'].id}"
    assert as_lead.get(f"{base}/remove").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    assert as_lead.post(f"{base}/remove").status_code == 400
    assert as_lead.post(f"{base}/role", data={"role": "lead"}).status_code == 400
    assert roles_of(campaign)[users["viewer"].id] is Role.viewer
    token = extract_csrf(as_lead.get(f"/campaigns/{campaign.slug}/members").get_data(as_text=True))
    assert as_lead.post(f"{base}/remove", data={"csrf_token": token}).status_code == 302
    assert users["viewer"].id not in roles_of(campaign)


def test_lead_removing_themselves_goes_back_to_the_list(as_lead, campaign, users):
    base = f"/campaigns/{campaign.slug}/members"
    as_lead.post(f"{base}/{users['champion'].id}/role", data={"role": "lead"})
    response = as_lead.post(f"{base}/{users['lead'].id}/remove")
    assert response.status_code == 302 and response.headers["Location"].endswith("/campaigns/")
    assert as_lead.get(f"/campaigns/{campaign.slug}/settings").status_code == 404
