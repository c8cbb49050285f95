"""`python -m wfctl.rules`: regenerate the rule catalog (wfctl/rules/_catalog.py) after adding a rule."""

from wfctl.rules import write_catalog

if __name__ == "__main__":
    print(write_catalog())
