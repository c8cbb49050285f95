"""`python -m wfctl`: the same entry point as the console script."""

from wfctl.cli import main

if __name__ == "__main__":
    main()
