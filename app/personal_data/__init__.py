"""Personal-data requests: everything held about one person in a campaign, and erasing it."""
