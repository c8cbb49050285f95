"""`wfctl dedupe`: merge repeated templates, rewrite references, prove the result is equivalent."""
