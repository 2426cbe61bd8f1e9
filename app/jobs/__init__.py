"""Long work off the request path: PDFs and imports run as jobs on a task queue (Huey).

A view records what was asked as a `Job` row and sends its id to the queue once the
request's transaction has committed; a worker (`flask --app app jobs work`) picks it up,
runs the handler the job's feature registered for its kind, and stores the outcome on the
row. The person who asked watches `/campaigns/<slug>/jobs/<id>`, which refreshes itself
until the job is over, and downloads the result from there.
"""
