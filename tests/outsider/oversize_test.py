"""Calls made before a login are small: anything over 4 KiB is refused
first thing by each method, and anything over the hub's server-wide
maximum is refused by gRPC before it is parsed. The hub serves on.
"""

import os
import unittest

import grpc

from hubfixture import Hub, hub_pb2, status_of, unary

KIB = 1024
MIB = 1024 * KIB


class OversizeTest(unittest.TestCase):
    def setUp(self):
        self.hub = Hub()
        self.addCleanup(self.hub.close)
        self.hub.start()
        self.channel = self.hub.channel()

    def call(self, method, request, reply_type):
        return status_of(lambda: unary(self.channel, method, request, reply_type, timeout=30))

    def test_a_one_mib_challenge_is_refused_naming_the_method(self):
        code, details = self.call("Challenge", hub_pb2.ChallengeRequest(vault_id=b"v" * MIB),
                                  hub_pb2.ChallengeReply)
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertIn("Challenge", details)
        self.assertIn("4096-byte limit", details)
        self.assertTrue(self.hub.healthy(), self.hub.output())

    def test_every_method_before_login_is_capped(self):
        big = b"x" * (8 * KIB)
        cases = [
            ("RegisterVault", hub_pb2.RegisterVaultRequest(vault_id=os.urandom(16), token="t",
                                                           wrapped_key=big),
             hub_pb2.RegisterVaultReply),
            ("FetchWrappedKey", hub_pb2.FetchWrappedKeyRequest(vault_id=os.urandom(16),
                                                               token="t" * (8 * KIB)),
             hub_pb2.FetchWrappedKeyReply),
            ("Authenticate", hub_pb2.AuthenticateRequest(vault_id=os.urandom(16), nonce=big),
             hub_pb2.AuthenticateReply),
            ("Challenge", hub_pb2.ChallengeRequest(vault_id=big), hub_pb2.ChallengeReply),
        ]
        for method, request, reply_type in cases:
            with self.subTest(method=method):
                code, details = self.call(method, request, reply_type)
                self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
                self.assertIn(method, details)
        self.assertTrue(self.hub.healthy(), self.hub.output())

    def test_a_message_above_the_server_maximum_is_refused(self):
        # Well above the largest push batch a hub takes (4 MiB of records).
        code, details = self.call("Challenge", hub_pb2.ChallengeRequest(vault_id=b"v" * 8 * MIB),
                                  hub_pb2.ChallengeReply)
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertTrue(self.hub.healthy(), self.hub.output())


if __name__ == "__main__":
    unittest.main()
