#!/usr/bin/env python3
"""scripts/check-layers finds each kind of upward include in a small tree,
and passes a tree that has none (so the `layers` test can fail).

usage: check_layers_test.py PATH/TO/check-layers
"""
import os
import subprocess
import sys
import tempfile

BAD = {
    "common/bad.h": '#include "server/journal/journal.h"\n',
    "server/journal/bad.cc": '#include "server/service/status.h"\n#include <rocksdb/db.h>\n',
    "cli/bad.cc": '#include "cli/status.h"\n#include "server/util/log.h"\n',
}
GOOD = {
    "common/good.h": '#include "common/time.h"\n#include "haven/v1/record.pb.h"\n',
    "server/store/good.cc": '#include <rocksdb/db.h>\n#include "server/util/log.h"\n',
    "server/sync/good.cc": '#include "server/hub/hub_auth.h"\n#include "common/status.h"\n',
    "cli/good.cc": '#include "cli/output.h"\n#include "common/field_error.h"\n',
}
EXPECTED = [
    "cli/bad.cc:2: cli includes server/util (not common/ or proto)",
    "common/bad.h:1: common includes server/journal (layer above)",
    "server/journal/bad.cc:1: server/journal includes server/service (layer above)",
    "server/journal/bad.cc:2: server/journal includes rocksdb (only server/store may)",
]


def run(script, files):
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        done = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
        return done.returncode, sorted(done.stdout.splitlines())


def main():
    script = sys.argv[1]
    failures = []
    code, lines = run(script, GOOD)
    if code != 0 or lines:
        failures.append(f"a clean tree failed ({code}): {lines}")
    code, lines = run(script, {**GOOD, **BAD})
    if code != 1 or lines != EXPECTED:
        failures.append(f"the bad tree gave ({code}):\n  " + "\n  ".join(lines))
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
