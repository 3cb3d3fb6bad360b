"""Endpoint handlers, one module per B2 concept (moto's "responses"): each parses the request, checks it
against ``_rules``, reads and changes state through ``app.state`` and shapes the JSON answer.

Handler modules (those ``_routes`` names) never import one another; what several need is in ``_auth`` (who
is calling), ``_shapes`` (the shared JSON objects), ``_receiving`` (upload URLs, tokens and bodies) and
``b2kit.server._versions`` (committing versions and parts).
"""
