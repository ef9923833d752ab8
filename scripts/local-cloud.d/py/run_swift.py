"""run_swift.py SWIFT_DIR MODULE CONF [options]

Run MODULE.main() (a swift server or daemon) with swift.conf read from
SWIFT_DIR instead of /etc/swift.

swift reads /etc/swift/swift.conf (hash prefix/suffix, storage policies,
[swift-constraints]) at import time; the servers later honour swift_dir for
the hash only and the daemons not at all. So point swift at our swift.conf
and reload policies and constraints before the server module is imported.
"""
import importlib
import os
import sys

from swift.common import utils

swift_dir, module = sys.argv[1:3]
del sys.argv[1:3]
utils.set_swift_dir(swift_dir)
from swift.common import constraints, storage_policy  # noqa: E402

constraints.reload_constraints()
storage_policy.reload_storage_policies()
parent = os.getpid()
try:
    sys.exit(importlib.import_module(module).main())
except SystemExit as e:
    if os.getpid() != parent:
        # A forked sweep child (the container-updater forks one per pass and
        # ends it with sys.exit()): skip the interpreter teardown, which costs
        # about 0.4 s of CPU per pass.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(e.code if isinstance(e.code, int) else 0)
    raise
