"""Semantic diff of Argo manifests: normalise, compare with deepdiff, render for people and CI."""
