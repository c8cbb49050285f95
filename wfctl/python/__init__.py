"""Workflows written in Python: Hera modules rendered in-process, Metaflow flows compiled by Metaflow."""
