"""The web console served at /console: static pages that read and change data only
through the API, with the signed-in user's credentials (so the API's isolation is the
console's), and, in keystone mode, a sign-in endpoint that asks Keystone for a token."""
