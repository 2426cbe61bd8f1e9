"""Several signed-in clients in one test act as their own users."""


def test_clients_in_one_test_keep_their_own_users(as_lead, as_viewer, campaign):
    lead_page = as_lead.get(f"/campaigns/{campaign.slug}/stakeholders/").get_data(as_text=True)
    viewer_page = as_viewer.get(f"/campaigns/{campaign.slug}/stakeholders/").get_data(as_text=True)
    assert "lead · lead" in lead_page.lower()
    assert "viewer · viewer" in viewer_page.lower()
