"""A hub client written from docs/design.md alone, for the outsider suite:
vault ids derived from keys, signed registrations and logins, raw calls.
Every function returns what the hub answered; nothing here asserts.
"""

import hashlib
import os

import sodium
from haven.v1 import membership_pb2
from hubfixture import hub_pb2, status_of, unary

LOGIN_CONTEXT = b"haven-hub-auth-v2"
DEVICE_LOGIN_CONTEXT = b"haven-hub-auth-v3"
ENROL_CONTEXT = b"haven-enrol-v1"
OP_AUTHORITY_CONTEXT = b"haven-member-op-v1"
CHAIN_CONTEXT = b"haven-chain-v2"
MEMBERSHIP_EPOCH = 0xFFFFFFFF
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


class Device:
    """A device of our own: its id, Ed25519 key, sequence and chain hash."""

    def __init__(self, device_id=None):
        self.id = device_id if device_id is not None else os.urandom(16)
        self.public, self._secret = sodium.keypair(os.urandom(32))
        self.seq = 0
        self.head_hash = b"\0" * 32

    def sign(self, message):
        return sodium.sign(self._secret, message)


def member_record(vault_id, device, op, signer=None, authority=None):
    """The device's next record: a format-2 membership record of `op` (a
    MembershipOp), chained and signed by `signer` (default the device); with
    `authority` (epoch 0's auth key), `op` carries its authority signature
    too, which every op but an Enrol needs to take effect."""
    device.seq += 1
    op.hlc = (1796016000000 << 16) + device.seq
    if authority is not None:
        op.authority_epoch = 0
        op.ClearField("authority_signature")
        message = (OP_AUTHORITY_CONTEXT + vault_id + device.id + device.seq.to_bytes(8, "big") +
                   op.SerializeToString(deterministic=True))
        op.authority_signature = authority.sign(message)
    unsigned = (bytes([2]) + vault_id + device.id + device.seq.to_bytes(8, "big") +
                MEMBERSHIP_EPOCH.to_bytes(4, "big") + device.head_hash + op.SerializeToString())
    chain_hash = blake2b_256(CHAIN_CONTEXT + unsigned)
    device.head_hash = chain_hash
    return unsigned + (signer or device).sign(chain_hash)


def enrol(vault_key, device, authority=None):
    """The device's Enrol, its authority signature by `authority` (default
    the vault's epoch-0 auth key `vault_key`)."""
    op = membership_pb2.MembershipOp()
    op.enrol.device_id = device.id
    op.enrol.sign_public_key = device.public
    op.enrol.authority_epoch = 0
    op.enrol.at_us = 1796016000 * 1000000
    op.enrol.name.sealed = b"n" * 64
    message = (ENROL_CONTEXT + vault_key.vault_id + device.id + device.public +
               (0).to_bytes(4, "big") + (0).to_bytes(8, "big"))
    op.enrol.authority_signature = (authority or vault_key).sign(message)
    return member_record(vault_key.vault_id, device, op)


def revoke(vault_id, by, target_id, cut, authority=None):
    """`by`'s record revoking `target_id` after its record `cut`;
    authority-signed by `authority` when given (see member_record)."""
    op = membership_pb2.MembershipOp()
    op.revoke.device_id = target_id
    op.revoke.cut = cut
    op.revoke.cut_hash = bytes(32)  # the target's chain hash at the cut; hubs do not check it
    op.revoke.at_us = 1796016000 * 1000000
    return member_record(vault_id, by, op, authority=authority)


def wrap(vault_id, by, wrapped_key, authority=None):
    """`by`'s record wrapping epoch 0's key anew (a passphrase change);
    authority-signed by `authority` when given (see member_record)."""
    op = membership_pb2.MembershipOp()
    op.wrap.epoch = 0
    op.wrap.wrapped_key = wrapped_key
    op.wrap.at_us = 1796016000 * 1000000
    return member_record(vault_id, by, op, authority=authority)


def submit_membership(channel, token, vault_id, records):
    """(grpc.StatusCode, details) of SubmitMembership."""
    request = hub_pb2.SubmitMembershipRequest(vault_id=vault_id, token=token, records=records)
    return status_of(lambda: unary(channel, "SubmitMembership", request,
                                   hub_pb2.SubmitMembershipReply))


def device_login(channel, vault_id, device):
    """(grpc.StatusCode, details, metadata for later calls) of a login as
    `device`, signed with its key."""
    reply = challenge(channel, vault_id)
    signature = device.sign(DEVICE_LOGIN_CONTEXT + reply.hub_id + vault_id + device.id +
                            reply.nonce)
    request = hub_pb2.AuthenticateRequest(vault_id=vault_id, device_id=device.id,
                                          nonce=reply.nonce, signature=signature)
    replies = []
    code, details = status_of(lambda: replies.append(
        unary(channel, "Authenticate", request, hub_pb2.AuthenticateReply)))
    metadata = [("authorization", "Bearer " + replies[0].session)] if replies else None
    return code, details, metadata
