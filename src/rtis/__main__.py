import sys

from rtis.cli import main

sys.exit(main())
