"""Admin (Status, Shutdown) is not served on a hub's TCP port.

An outsider who reaches the hub's --listen port must not learn its pid or
home, nor stop it: Admin belongs to the owner's Unix socket only. Each test
asks over TCP and then checks the hub still serves.
"""

import unittest

import grpc

from hubfixture import Hub, daemon_pb2, status_of, unary

# What "not served here" may look like: the method does not exist on this
# port, or the caller is not allowed.
REFUSED = (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.PERMISSION_DENIED)


class AdminOverTcpTest(unittest.TestCase):
    def setUp(self):
        self.hub = Hub()
        self.addCleanup(self.hub.close)
        self.hub.start()

    def test_status_over_tcp_is_refused(self):
        code, details = status_of(lambda: unary(
            self.hub.channel(), "/haven.v1.Admin/Status", daemon_pb2.StatusRequest(),
            daemon_pb2.StatusReply))
        self.assertIn(code, REFUSED, details)
        self.assertTrue(self.hub.healthy())

    def test_shutdown_over_tcp_is_refused_and_the_hub_keeps_serving(self):
        for _ in range(3):
            code, details = status_of(lambda: unary(
                self.hub.channel(), "/haven.v1.Admin/Shutdown", daemon_pb2.ShutdownRequest(),
                daemon_pb2.ShutdownReply))
            self.assertIn(code, REFUSED, details)
        # The hub answers a new call after the refused shutdowns: had one been
        # obeyed, the hub would have stopped serving before this call.
        self.assertTrue(self.hub.healthy(), self.hub.output())
        self.assertTrue(self.hub.running(), self.hub.output())

    def test_device_services_are_not_served_over_tcp(self):
        for method, request, reply_type in (
                ("/haven.v1.Vault/Info", daemon_pb2.InfoRequest(), daemon_pb2.InfoReply),
                ("/haven.v1.Journal/List", daemon_pb2.ListRequest(), daemon_pb2.ListReply)):
            with self.subTest(method=method):
                code, details = status_of(lambda: unary(self.hub.channel(), method, request,
                                                        reply_type))
                self.assertIn(code, REFUSED, details)
        self.assertTrue(self.hub.healthy(), self.hub.output())

    def test_reflection_is_not_served_over_tcp(self):
        # Reflection would list and describe every service of the port; it
        # answers only on the owner's Unix socket.
        for method in ("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                       "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"):
            with self.subTest(method=method):
                call = self.hub.channel().stream_stream(
                    method, request_serializer=lambda b: b, response_deserializer=lambda b: b)
                # list_services: field 7 (string) of ServerReflectionRequest.
                code, details = status_of(lambda: list(call(iter([b"\x3a\x00"]), timeout=30)))
                self.assertEqual(code, grpc.StatusCode.UNIMPLEMENTED, details)
        self.assertTrue(self.hub.healthy(), self.hub.output())


if __name__ == "__main__":
    unittest.main()
