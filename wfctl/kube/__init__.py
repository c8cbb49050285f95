"""Talking to a cluster (the only code that imports `kubernetes`): connect, apply, watch, fetch live."""
