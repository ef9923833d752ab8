"""make_rings.py SWIFT_DIR HOST ACCOUNT_PORT CONTAINER_PORT OBJECT_PORT

Build the three rings of a one-node, one-replica, one-device (sdb1) cluster
in one process. Same result as `swift-ring-builder X.builder create 10 1 1;
add r1z1-HOST:PORT/sdb1 100; rebalance` for each ring, without nine
interpreter start-ups.
"""
import os
import sys

from swift.common.ring import RingBuilder

swift_dir, host = sys.argv[1:3]
ports = dict(zip(("account", "container", "object"), map(int, sys.argv[3:6])))
for name, port in ports.items():
    builder = RingBuilder(10, 1, 1)  # part power 10, 1 replica, min_part_hours 1
    builder.add_dev({"region": 1, "zone": 1, "ip": host, "port": port,
                     "device": "sdb1", "weight": 100})
    builder.rebalance()
    for suffix, save in ((".builder", builder.save),
                         (".ring.gz", lambda p: builder.get_ring().save(p))):
        path = os.path.join(swift_dir, name + suffix)
        save(path + ".tmp")
        os.replace(path + ".tmp", path)
