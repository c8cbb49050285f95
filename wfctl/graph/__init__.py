"""`wfctl graph`: the shape of a workflow (model in `build`, drawing in `draw`, choosing what to draw in `select`)."""
