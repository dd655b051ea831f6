"""A hub client written from docs/design.md alone, for the outsider suite:
vault ids derived from keys, signed registrations and logins, raw calls.
Every function returns what the hub answered; nothing here asserts.
"""

import hashlib
import os

import sodium
from hubfixture import hub_pb2, status_of, unary

LOGIN_CONTEXT = b"haven-hub-auth-v2"
REGISTER_CONTEXT = b"haven-hub-register-v1"
VAULT_ID_CONTEXT = b"haven-vault-id-v1"


def blake2b_256(data):
    return hashlib.blake2b(data, digest_size=32).digest()


class Key:
    """An Ed25519 vault auth key of our own, and the vault id derived from it."""

    def __init__(self):
        self.public, self._secret = sodium.keypair(os.urandom(32))
        self.vault_id = blake2b_256(VAULT_ID_CONTEXT + self.public)[:16]

    def sign(self, message):
        return sodium.sign(self._secret, message)


def challenge(channel, vault_id):
    """ChallengeReply for `vault_id` (raises grpc.RpcError)."""
    return unary(channel, "Challenge", hub_pb2.ChallengeRequest(vault_id=vault_id),
                 hub_pb2.ChallengeReply)


def registration_message(hub_id, vault_id, nonce, public_key, wrapped_key):
    return (REGISTER_CONTEXT + hub_id + vault_id + nonce + public_key +
            blake2b_256(wrapped_key))


def login_message(hub_id, vault_id, nonce):
    return LOGIN_CONTEXT + hub_id + vault_id + nonce


def register(channel, token, key, vault_id=None, public_key=None, signer=None, hub_id=None,
             wrapped_key=b"w" * 92, proof=True):
    """RegisterVault: `vault_id` (default the key's) with `public_key` (default
    the key's), proof signed by `signer` (default the key) for `hub_id` (default
    the id the hub's challenge names). proof=False sends no nonce or signature.
    Returns (grpc.StatusCode, details)."""
    vault_id = vault_id if vault_id is not None else key.vault_id
    public_key = public_key if public_key is not None else key.public
    request = hub_pb2.RegisterVaultRequest(vault_id=vault_id, token=token,
                                           auth_public_key=public_key, wrapped_key=wrapped_key)
    if proof:
        reply = challenge(channel, vault_id)
        bound_to = hub_id if hub_id is not None else reply.hub_id
        request.nonce = reply.nonce
        request.signature = (signer or key).sign(
            registration_message(bound_to, vault_id, reply.nonce, public_key, wrapped_key))
    return status_of(lambda: unary(channel, "RegisterVault", request,
                                   hub_pb2.RegisterVaultReply))


def fetch_wrapped_key(channel, token, vault_id):
    """(grpc.StatusCode, details) of FetchWrappedKey."""
    return status_of(lambda: unary(
        channel, "FetchWrappedKey", hub_pb2.FetchWrappedKeyRequest(vault_id=vault_id, token=token),
        hub_pb2.FetchWrappedKeyReply))


def authenticate(channel, vault_id, nonce, signature):
    """(grpc.StatusCode, details) of Authenticate."""
    request = hub_pb2.AuthenticateRequest(vault_id=vault_id, nonce=nonce, signature=signature)
    return status_of(lambda: unary(channel, "Authenticate", request, hub_pb2.AuthenticateReply))
