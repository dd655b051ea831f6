"""Hubs authenticate devices, not vaults: seen from outside, with membership
records built from docs/design.md and proto/haven/v1/membership.proto alone.
A revoked device cannot log in again, nor use a session it opened before;
a device cannot push a record in another device's name; whoever holds the
hub token cannot enrol a device of its own without the vault's key; the
old vault-wide login ends once a vault has device keys.
"""

import unittest

import grpc

from data_path_test import heads, push
from hubfixture import Hub
from outsider_client import (Device, Key, authenticate, challenge, device_login, enrol,
                             login_message, register, revoke, submit_membership, wrap)


class DeviceLoginTest(unittest.TestCase):
    def setUp(self):
        self.hub = Hub()
        self.addCleanup(self.hub.close)
        self.hub.start()
        self.channel = self.hub.channel()
        self.key = Key()
        code, details = register(self.channel, self.hub.token, self.key)
        self.assertEqual(code, grpc.StatusCode.OK, details)
        self.a, self.b = Device(), Device()
        self.enrol_a = enrol(self.key, self.a)
        self.enrol_b = enrol(self.key, self.b)

    def submit(self, records, token=None):
        return submit_membership(self.channel, self.hub.token if token is None else token,
                                 self.key.vault_id, records)

    def login(self, device):
        return device_login(self.channel, self.key.vault_id, device)

    def test_an_unknown_device_is_told_to_send_its_enrolment(self):
        code, details, _ = self.login(self.a)
        self.assertEqual(code, grpc.StatusCode.NOT_FOUND, details)
        self.assertIn("send its enrolment", details)
        code, details = self.submit([self.enrol_a])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details, _ = self.login(self.a)
        self.assertEqual(code, grpc.StatusCode.OK, details)

    def test_a_revoked_devices_login_and_earlier_session_are_refused(self):
        self.assertEqual(self.submit([self.enrol_a, self.enrol_b])[0], grpc.StatusCode.OK)
        code, details, session_b = self.login(self.b)
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details, session_a = self.login(self.a)
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details, _ = push(self.channel, session_a,
                                [[self.enrol_a, revoke(self.key.vault_id, self.a, self.b.id, 1,
                                                       authority=self.key)]])
        self.assertEqual(code, grpc.StatusCode.OK, details)

        code, details, _ = self.login(self.b)
        self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED, details)
        self.assertIn("this device was revoked on 2026-", details)
        self.assertIn("by device " + self.a.id.hex()[:8], details)
        with self.assertRaises(grpc.RpcError) as refused:
            heads(self.channel, session_b)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        code, details, _ = push(self.channel, session_b, [[self.enrol_b]])
        self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED, details)

    def test_a_revoke_signed_only_by_a_device_key_revokes_nobody(self):
        # A locked laptop's disk yields the device key, not the vault's
        # authority: its revoke is kept without effect.
        self.assertEqual(self.submit([self.enrol_a, self.enrol_b])[0], grpc.StatusCode.OK)
        code, details = self.submit([revoke(self.key.vault_id, self.a, self.b.id, 1)])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details, _ = self.login(self.b)
        self.assertEqual(code, grpc.StatusCode.OK, details)
        # Signed by a key that is no epoch's authority: no effect either.
        code, details = self.submit(
            [revoke(self.key.vault_id, self.a, self.b.id, 1, authority=Key())])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details, _ = self.login(self.b)
        self.assertEqual(code, grpc.StatusCode.OK, details)
        # The same revoke signed by the vault's authority applies.
        code, details = self.submit(
            [revoke(self.key.vault_id, self.a, self.b.id, 1, authority=self.key)])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details, _ = self.login(self.b)
        self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED, details)

    def test_a_push_in_another_devices_name_is_refused(self):
        self.assertEqual(self.submit([self.enrol_a, self.enrol_b])[0], grpc.StatusCode.OK)
        _, _, session_a = self.login(self.a)
        code, details, _ = push(self.channel, session_a, [[self.enrol_b]])
        self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED, details)
        self.assertIn("a record in another device's name (" + self.b.id.hex()[:8] + "/1)",
                      details)
        self.assertNotIn(self.b.id, heads(self.channel, session_a))

    def test_the_token_alone_enrols_nobody(self):
        # An outsider with the hub token signs an enrolment with a key of its own.
        intruder, stranger = Device(), Key()
        forged = enrol(self.key, intruder, authority=stranger)
        code, details = self.submit([forged])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details, _ = self.login(intruder)
        self.assertEqual(code, grpc.StatusCode.NOT_FOUND, details)
        # Nor does it without the token.
        code, details = self.submit([self.enrol_a], token="not-the-token")
        self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED, details)

    def test_submit_membership_is_bounded(self):
        code, details = self.submit([self.enrol_a, b"x" * (65 * 1024)])
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        code, details = self.submit([b"not a record"])
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT, details)
        self.assertIn("records[0]", details)

    def test_a_vault_keeps_at_most_4096_membership_records(self):
        records = [self.enrol_a]
        while len(records) < 4096:
            records.append(wrap(self.key.vault_id, self.a, b"wrapped %d" % len(records)))
        for start in range(0, len(records), 256):
            code, details = self.submit(records[start:start + 256])
            self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details = self.submit([wrap(self.key.vault_id, self.a, b"one too many")])
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertIn("4096 membership records", details)

    def test_the_vault_wide_login_ends_once_devices_have_keys(self):
        def vault_wide():
            reply = challenge(self.channel, self.key.vault_id)
            signature = self.key.sign(login_message(reply.hub_id, self.key.vault_id,
                                                    reply.nonce))
            return authenticate(self.channel, self.key.vault_id, reply.nonce, signature)

        code, details = vault_wide()
        self.assertEqual(code, grpc.StatusCode.OK, details)
        self.assertEqual(self.submit([self.enrol_a])[0], grpc.StatusCode.OK)
        code, details = vault_wide()
        self.assertEqual(code, grpc.StatusCode.FAILED_PRECONDITION, details)
        self.assertIn("upgrade haven on this device", details)


if __name__ == "__main__":
    unittest.main()
