"""A challenge flood from one address is cut off with RESOURCE_EXHAUSTED
while the hub keeps serving everyone else: a real device on another address
logs in, syncs and is joined by a second device during the flood.

The flood comes from [::1] and the devices from 127.0.0.1, so the hub sees
two callers; on a machine without IPv6 loopback the device half is skipped.
Nothing here measures time: the assertions are on status codes and on what
the hub still serves.
"""

import os
import socket
import threading
import time
import unittest

import grpc

from hubfixture import (Device, Hub, hub_pb2, ipv6_loopback_available, status_of, unary,
                        wait_for_port)

# Pending challenges allowed per caller (256, server/hub/challenge_table.h):
# a flood must be cut off well within this many calls.
CUT_OFF_WITHIN = 300


def dual_stack_listen():
    """(--listen host, extra havend flags) for a hub on 127.0.0.1 and ::1."""
    if not ipv6_loopback_available():
        return "127.0.0.1", []
    families = {info[0] for info in socket.getaddrinfo("localhost", None,
                                                       proto=socket.IPPROTO_TCP)}
    if {socket.AF_INET, socket.AF_INET6} <= families:
        # Loopback (plaintext allowed), and gRPC listens on both addresses.
        return "localhost", []
    # "localhost" names one stack only here: listen on every address. The
    # hub lives for one test, on a free port, with a token of its own.
    return "::", ["--insecure"]


class Flood:
    """Challenge calls from one channel on a thread, until stopped."""

    def __init__(self, channel):
        self.channel = channel
        self.codes = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def one(self):
        request = hub_pb2.ChallengeRequest(vault_id=os.urandom(16))
        code, _ = status_of(lambda: unary(self.channel, "Challenge", request,
                                          hub_pb2.ChallengeReply, timeout=30))
        self.codes[code] = self.codes.get(code, 0) + 1
        return code

    def run(self):
        while not self.stopping.is_set():
            self.one()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()


class ChallengeFloodTest(unittest.TestCase):
    def setUp(self):
        listen_host, extra_args = dual_stack_listen()
        self.hub = Hub(listen_host=listen_host, extra_args=extra_args)
        self.addCleanup(self.hub.close)
        self.hub.start()
        self.v6 = listen_host != "127.0.0.1" and wait_for_port("::1", self.hub.port)

    def flood_channel(self):
        return self.hub.channel("::1" if self.v6 else "127.0.0.1")

    def test_a_flood_is_cut_off_quickly(self):
        flood = Flood(self.flood_channel())
        codes = [flood.one() for _ in range(CUT_OFF_WITHIN)]
        self.assertIn(grpc.StatusCode.RESOURCE_EXHAUSTED, codes)
        first = codes.index(grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertTrue(all(c == grpc.StatusCode.OK for c in codes[:first]), codes)
        self.assertTrue(
            all(c == grpc.StatusCode.RESOURCE_EXHAUSTED for c in codes[first:]), codes)
        self.assertTrue(self.hub.running(), self.hub.output())
        if self.v6:  # another caller is served
            self.assertTrue(self.hub.healthy(), self.hub.output())

    def test_devices_on_another_address_log_in_and_sync_during_a_flood(self):
        if not self.v6:
            self.skipTest("no IPv6 loopback: the flood and the devices would share 127.0.0.1")
        with Device() as d1, Device() as d2:
            init = d1.init()
            entry = d1.log_entry("checkin", "-f", "mood=4")
            d1.add_remote(self.hub)
            with Flood(self.flood_channel()) as flood:
                # The flood is cut off before the device starts (the deadline
                # only keeps a broken hub from hanging the suite).
                deadline = time.monotonic() + 60
                while flood.codes.get(grpc.StatusCode.RESOURCE_EXHAUSTED, 0) == 0:
                    if not flood.thread.is_alive() or time.monotonic() > deadline:
                        self.fail(f"the flood was never cut off: {flood.codes}")
                    flood.stopping.wait(0.01)
                synced = d1.sync()
                self.assertEqual(synced.returncode, 0, synced.stderr)
                joined = d2.join(self.hub, init["vault_id"], init["secret_key"])
                self.assertEqual(joined.returncode, 0, joined.stderr)
            listed = d2.run_ok("--format", "json", "list").stdout
            self.assertIn(entry, listed)
            # The flooding caller was refused all along and only ever heard
            # OK or RESOURCE_EXHAUSTED.
            self.assertGreater(flood.codes.get(grpc.StatusCode.RESOURCE_EXHAUSTED, 0), 0)
            self.assertEqual(
                set(flood.codes) - {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED},
                set(), flood.codes)
            self.assertTrue(self.hub.healthy(), self.hub.output())


if __name__ == "__main__":
    unittest.main()
