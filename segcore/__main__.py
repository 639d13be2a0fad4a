"""`python -m segcore …`: the command line of the core."""

from segcore.cli import main

raise SystemExit(main())
