"""Ed25519 for the outsider suite, from libsodium itself (through ctypes):
the same primitive the hub verifies with, and no signature code of our own.
"""

import ctypes
import ctypes.util

_lib = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
if _lib.sodium_init() < 0:
    raise RuntimeError("libsodium failed to initialise")

PUBLIC_KEY_BYTES = 32
SECRET_KEY_BYTES = 64
SIGNATURE_BYTES = 64


def keypair(seed):
    """(public key, secret key) for a 32-byte seed."""
    public = ctypes.create_string_buffer(PUBLIC_KEY_BYTES)
    secret = ctypes.create_string_buffer(SECRET_KEY_BYTES)
    if _lib.crypto_sign_seed_keypair(public, secret, seed) != 0:
        raise ValueError("crypto_sign_seed_keypair failed")
    return public.raw, secret.raw


def sign(secret_key, message):
    """The detached Ed25519 signature of `message` by `secret_key`."""
    signature = ctypes.create_string_buffer(SIGNATURE_BYTES)
    if _lib.crypto_sign_detached(signature, None, message, ctypes.c_ulonglong(len(message)),
                                 secret_key) != 0:
        raise ValueError("crypto_sign_detached failed")
    return signature.raw
