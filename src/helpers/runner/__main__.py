import sys

from helpers.runner.run import main

sys.exit(main())
