"""The REST API process: WSGI app, middleware, hooks, policies and controllers."""
