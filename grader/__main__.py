import sys

from grader import safepath

safepath.harden(sys.argv[1:])  # before anything else is imported: never the submission's modules

from grader.cli import main  # noqa: E402

raise SystemExit(main())
