"""The hub's data path as an outsider holding a vault of its own sees it:
a different record in a slot that is taken is refused (the same bytes again
are a harmless duplicate), a vault past its quota gets RESOURCE_EXHAUSTED
and keeps what fit, a Push stream past its record cap and a Watch beyond
the per-vault and per-session bounds are refused, and a Pull naming too
many heads is refused. Nothing here depends on timing.
"""

import os
import unittest

import grpc

from hubfixture import Hub, hub_pb2, status_of, unary
from outsider_client import Key, challenge, login_message, register

RECORD_VERSION = 1
MIN_CIPHERTEXT = 16 + 128  # tag + one pad block (server/crypto/sealed_record.h)


def record(vault_id, device, seq, body=b"", fill=0):
    """A record as the hub sees one: header, nonce and opaque ciphertext."""
    ciphertext = (body + bytes([fill]) * MIN_CIPHERTEXT)[:max(MIN_CIPHERTEXT, len(body))]
    return (bytes([RECORD_VERSION]) + vault_id + device + seq.to_bytes(8, "big") +
            os.urandom(24) + ciphertext)


def login(channel, key):
    """A session for `key`'s vault: metadata for authenticated calls."""
    reply = challenge(channel, key.vault_id)
    signature = key.sign(login_message(reply.hub_id, key.vault_id, reply.nonce))
    session = unary(channel, "Authenticate",
                    hub_pb2.AuthenticateRequest(vault_id=key.vault_id, nonce=reply.nonce,
                                                signature=signature),
                    hub_pb2.AuthenticateReply).session
    return [("authorization", "Bearer " + session)]


def push(channel, metadata, batches):
    """One Push stream of `batches` (lists of records): (code, details, reply)."""
    call = channel.stream_unary("/haven.v1.Hub/Push",
                                request_serializer=lambda m: m.SerializeToString(),
                                response_deserializer=hub_pb2.PushReply.FromString)
    replies = []
    code, details = status_of(lambda: replies.append(call(
        (hub_pb2.RecordBatch(records=b) for b in batches), metadata=metadata, timeout=120)))
    return code, details, replies[0] if replies else None


def heads(channel, metadata):
    reply = unary(channel, "Heads", hub_pb2.HeadsRequest(), hub_pb2.VersionVectorMsg,
                  metadata=metadata)
    return {h.device_id: h.seq for h in reply.heads}


class Vault:
    """A vault registered on `hub` by a key of our own, logged in."""

    def __init__(self, hub, channel):
        self.key = Key()
        code, details = register(channel, hub.token, self.key)
        if code != grpc.StatusCode.OK:
            raise AssertionError(f"registration failed: {code} {details}")
        self.metadata = login(channel, self.key)
        self.device = os.urandom(16)

    def record(self, seq, **kw):
        return record(self.key.vault_id, self.device, seq, **kw)


class DataPathTest(unittest.TestCase):
    def start_hub(self, *extra_args):
        hub = Hub(extra_args=extra_args)
        self.addCleanup(hub.close)
        hub.start()
        return hub, hub.channel()

    def test_a_different_record_in_a_taken_slot_is_refused_and_nothing_of_its_batch_kept(self):
        hub, channel = self.start_hub()
        vault = Vault(hub, channel)
        first, second = vault.record(1), vault.record(2)
        code, details, reply = push(channel, vault.metadata, [[first, second]])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        self.assertEqual(reply.accepted, 2)
        # The same bytes again: a duplicate, and all is well.
        code, details, reply = push(channel, vault.metadata, [[first]])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        self.assertEqual((reply.accepted, reply.duplicates), (0, 1))
        # Other bytes in slot 1, beside a new record 3: refused, naming the
        # slot, and record 3 is not kept either.
        forged = vault.record(1, fill=7)
        code, details, _ = push(channel, vault.metadata, [[vault.record(3), forged]])
        self.assertEqual(code, grpc.StatusCode.ALREADY_EXISTS, details)
        self.assertIn("sequence 1", details)
        self.assertIn(vault.device.hex(), details)
        self.assertEqual(heads(channel, vault.metadata), {vault.device: 2})
        self.assertIn("push refused: a different record in a taken slot", hub.output())
        self.assertNotIn(forged.hex(), hub.output())
        # The slot still holds the first record: sending it is a duplicate.
        code, details, reply = push(channel, vault.metadata, [[first]])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        self.assertEqual(reply.duplicates, 1)
        self.assertTrue(hub.healthy())

    def test_quota_exceeded_is_resource_exhausted_and_what_fit_is_kept(self):
        hub, channel = self.start_hub("--max-vault-bytes", "64K")
        vault = Vault(hub, channel)
        body = b"x" * 1000
        # Batches of 16 records of about 1 KiB: the fourth crosses 64 KiB.
        batches = [[vault.record(b * 16 + i + 1, body=body) for i in range(16)]
                   for b in range(6)]
        code, details, _ = push(channel, vault.metadata, batches)
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertIn("quota of 64.0 KiB", details)
        self.assertIn("--max-vault-bytes", details)
        self.assertEqual(heads(channel, vault.metadata), {vault.device: 48})
        # Still over: one more record is refused, and the head stays.
        code, details, _ = push(channel, vault.metadata, [[vault.record(49, body=body * 20)]])
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertEqual(heads(channel, vault.metadata), {vault.device: 48})
        # Another vault on the same hub is unaffected.
        other = Vault(hub, channel)
        code, details, reply = push(channel, other.metadata, [[other.record(1, body=body)]])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        self.assertEqual(reply.accepted, 1)

    def test_a_push_stream_past_its_record_cap_is_refused(self):
        hub, channel = self.start_hub()
        vault = Vault(hub, channel)
        # 65 batches of 1024 copies of one record far beyond the head: the
        # hub stores none of them but counts every one against the stream.
        beyond = vault.record(1 << 40)
        code, details, _ = push(channel, vault.metadata, [[beyond] * 1024 for _ in range(65)])
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertIn("65536 records", details)
        # 64 such batches are within the cap.
        code, details, reply = push(channel, vault.metadata, [[beyond] * 1024 for _ in range(64)])
        self.assertEqual(code, grpc.StatusCode.OK, details)
        self.assertEqual(reply.accepted, 0)
        self.assertTrue(hub.healthy())

    def test_watch_streams_beyond_the_session_and_vault_bounds_are_refused(self):
        hub, channel = self.start_hub()
        vault = Vault(hub, channel)
        watch = channel.unary_stream("/haven.v1.Hub/Watch",
                                     request_serializer=lambda m: m.SerializeToString(),
                                     response_deserializer=hub_pb2.WatchEvent.FromString)
        streams = []

        def open_watch(metadata):
            stream = watch(hub_pb2.WatchRequest(), metadata=metadata, timeout=120)
            streams.append(stream)
            return stream

        self.addCleanup(lambda: [s.cancel() for s in streams])
        sessions = [vault.metadata] + [login(channel, vault.key) for _ in range(16)]
        # Each of 16 sessions opens one watch; each gets its first event.
        for metadata in sessions[:16]:
            next(open_watch(metadata))
        # A second watch on a session that has one: refused.
        code, details = status_of(lambda: next(open_watch(sessions[0])))
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertIn("session", details)
        # A 17th session of the same vault: refused, naming the vault bound.
        code, details = status_of(lambda: next(open_watch(sessions[16])))
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, details)
        self.assertIn("16 watch streams", details)
        # Another vault still watches.
        other = Vault(hub, channel)
        next(open_watch(other.metadata))
        self.assertTrue(hub.healthy())

    def test_a_pull_naming_too_many_heads_is_refused(self):
        hub, channel = self.start_hub()
        vault = Vault(hub, channel)
        have = hub_pb2.VersionVectorMsg(
            heads=[hub_pb2.VersionVectorMsg.Head(device_id=os.urandom(16), seq=1)
                   for _ in range(1025)])
        pull = channel.unary_stream("/haven.v1.Hub/Pull",
                                    request_serializer=lambda m: m.SerializeToString(),
                                    response_deserializer=hub_pb2.RecordBatch.FromString)
        code, details = status_of(lambda: list(pull(hub_pb2.PullRequest(have=have),
                                                     metadata=vault.metadata, timeout=60)))
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT, details)
        self.assertIn("1024 device heads", details)


if __name__ == "__main__":
    unittest.main()
