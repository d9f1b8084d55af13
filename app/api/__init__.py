"""HTTP routes: one router per resource. Routes translate HTTP to service calls, nothing more."""
