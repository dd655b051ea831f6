"""Registration proves possession of the vault's key, and every signature
is bound to the hub it was made for: an outsider holding the hub token, and
a hub relaying another hub's challenges, get nothing.
"""

import unittest

import grpc

from hubfixture import Hub
from outsider_client import (Key, authenticate, challenge, fetch_wrapped_key, login_message,
                             register)


class RegistrationTest(unittest.TestCase):
    def setUp(self):
        self.hub = Hub()
        self.addCleanup(self.hub.close)
        self.hub.start()
        self.channel = self.hub.channel()

    def assert_not_registered(self, vault_id):
        code, details = fetch_wrapped_key(self.channel, self.hub.token, vault_id)
        self.assertEqual(code, grpc.StatusCode.NOT_FOUND, details)

    def test_registration_with_proof_is_accepted(self):
        key = Key()
        code, details = register(self.channel, self.hub.token, key)
        self.assertEqual(code, grpc.StatusCode.OK, details)
        code, details = fetch_wrapped_key(self.channel, self.hub.token, key.vault_id)
        self.assertEqual(code, grpc.StatusCode.OK, details)

    def test_registration_without_proof_is_refused(self):
        key = Key()
        code, details = register(self.channel, self.hub.token, key, proof=False)
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT, details)
        self.assert_not_registered(key.vault_id)

    def test_registration_with_a_proof_by_another_key_is_refused(self):
        key, other = Key(), Key()
        code, details = register(self.channel, self.hub.token, key, signer=other)
        self.assertEqual(code, grpc.StatusCode.UNAUTHENTICATED, details)
        self.assert_not_registered(key.vault_id)

    def test_a_vault_id_not_derived_from_the_key_is_refused(self):
        # A squatter signs correctly with its own key for someone else's vault id.
        victim, squatter = Key(), Key()
        code, details = register(self.channel, self.hub.token, squatter,
                                 vault_id=victim.vault_id)
        self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED, details)
        self.assert_not_registered(victim.vault_id)
        # The victim's own registration still goes through.
        code, details = register(self.channel, self.hub.token, victim)
        self.assertEqual(code, grpc.StatusCode.OK, details)

    def test_a_nonce_answers_once(self):
        key = Key()
        reply = challenge(self.channel, key.vault_id)
        self.assertEqual(len(reply.nonce), 32)
        self.assertEqual(len(reply.hub_id), 16)
        self.assertEqual(register(self.channel, self.hub.token, key)[0], grpc.StatusCode.OK)
        signature = key.sign(login_message(reply.hub_id, key.vault_id, reply.nonce))
        self.assertEqual(authenticate(self.channel, key.vault_id, reply.nonce, signature)[0],
                         grpc.StatusCode.OK)
        code, details = authenticate(self.channel, key.vault_id, reply.nonce, signature)
        self.assertEqual(code, grpc.StatusCode.UNAUTHENTICATED, details)

    def test_nonces_of_the_wrong_length_are_refused(self):
        key = Key()
        self.assertEqual(register(self.channel, self.hub.token, key)[0], grpc.StatusCode.OK)
        reply = challenge(self.channel, key.vault_id)
        for bad in (b"", reply.nonce[:31], reply.nonce + b"x"):
            signature = key.sign(login_message(reply.hub_id, key.vault_id, bad))
            code, details = authenticate(self.channel, key.vault_id, bad, signature)
            self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT, details)


class TwoHubsTest(unittest.TestCase):
    """A signature made for one hub is refused by another."""

    def setUp(self):
        self.a, self.b = Hub(), Hub()
        for hub in (self.a, self.b):
            self.addCleanup(hub.close)
            hub.start()
        self.key = Key()
        for hub in (self.a, self.b):
            code, details = register(hub.channel(), hub.token, self.key)
            self.assertEqual(code, grpc.StatusCode.OK, details)

    def test_hubs_have_distinct_ids(self):
        id_a = challenge(self.a.channel(), self.key.vault_id).hub_id
        id_b = challenge(self.b.channel(), self.key.vault_id).hub_id
        self.assertEqual(len(id_a), 16)
        self.assertNotEqual(id_a, id_b)

    def test_a_login_signed_for_hub_a_is_refused_by_hub_b(self):
        id_a = challenge(self.a.channel(), self.key.vault_id).hub_id
        reply = challenge(self.b.channel(), self.key.vault_id)
        for_a = self.key.sign(login_message(id_a, self.key.vault_id, reply.nonce))
        code, details = authenticate(self.b.channel(), self.key.vault_id, reply.nonce, for_a)
        self.assertEqual(code, grpc.StatusCode.UNAUTHENTICATED, details)
        # Signed for hub B, a fresh nonce logs in: only the hub id differed.
        reply = challenge(self.b.channel(), self.key.vault_id)
        for_b = self.key.sign(login_message(reply.hub_id, self.key.vault_id, reply.nonce))
        code, details = authenticate(self.b.channel(), self.key.vault_id, reply.nonce, for_b)
        self.assertEqual(code, grpc.StatusCode.OK, details)

    def test_a_registration_signed_for_hub_a_is_refused_by_hub_b(self):
        key = Key()
        id_a = challenge(self.a.channel(), key.vault_id).hub_id
        code, details = register(self.b.channel(), self.b.token, key, hub_id=id_a)
        self.assertEqual(code, grpc.StatusCode.UNAUTHENTICATED, details)


if __name__ == "__main__":
    unittest.main()
