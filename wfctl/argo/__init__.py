"""Argo's model, read-only: templates, steps, tasks, references, variables, and the template index."""
