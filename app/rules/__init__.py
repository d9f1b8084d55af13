"""The assessment engine: pure functions and the versioned ruleset. Imports nothing from
app.api, app.services or app.db."""
