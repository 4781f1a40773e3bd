#!/usr/bin/env python3
"""An independent verifier of liaison audit exports, written from
docs/audit-format.md alone (Python standard library plus `cryptography` for
Ed25519). It is the executable form of the specification's checks: the
C++ verifier and this one must agree on every export.

Usage: reference_verifier.py EXPORT.jsonl [PUBLIC_KEY_HEX]
Exit 0 when intact, 1 naming the first problem, 77 when `cryptography` is
missing (ctest reports the test as skipped).
"""
import hashlib
import json
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:
    print("skipped: python3 cryptography is not installed")
    sys.exit(77)


class Bad(Exception):
    pass


def canonical(value):
    # Sorted keys (code point order equals UTF-8 byte order), no whitespace,
    # minimal escaping (ensure_ascii=False), integers only.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def no_floats(value):
    if isinstance(value, float):
        raise Bad("floating-point number")
    if isinstance(value, dict):
        for v in value.values():
            no_floats(v)
    if isinstance(value, list):
        for v in value:
            no_floats(v)


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_signature(key, signature_hex, message, what):
    try:
        key.verify(bytes.fromhex(signature_hex), message.encode("utf-8"))
    except (InvalidSignature, ValueError):
        raise Bad(f"{what}: signature does not verify")


def verify(path, expected_key_hex=None):
    data = open(path, "rb").read()
    if not data.endswith(b"\n"):
        raise Bad("truncated: the file does not end with a newline")
    lines = data[:-1].split(b"\n")
    try:
        lines = [line.decode("utf-8") for line in lines]
    except UnicodeDecodeError as e:
        raise Bad(f"invalid UTF-8: {e}")

    def parse(n):
        try:
            value = json.loads(lines[n - 1])
        except ValueError as e:
            raise Bad(f"line {n}: not JSON: {e}")
        no_floats(value)
        if not isinstance(value, dict) or canonical(value) != lines[n - 1]:
            raise Bad(f"line {n}: not in canonical form")
        return value

    header = parse(1)
    if header.get("format") != "liaison-audit-export" or header.get("format_version") != 1:
        raise Bad("line 1: not a version 1 liaison audit export")
    if expected_key_hex and expected_key_hex.lower() != header["public_key"]:
        raise Bad("line 1: wrong key")
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(header["public_key"]))
    node = header["node_id"]

    prev = None  # (seq, hash)
    first_seq = 0
    count = 0
    for n in range(2, len(lines)):
        e = parse(n)
        if e.get("format") == "liaison-audit-export-end":
            raise Bad(f"line {n}: trailer before the last line")
        body = dict(e)
        stored = body.pop("hash")
        if sha256_hex(canonical(body)) != stored:
            raise Bad(f"line {n}: seq {e['seq']}: contents do not match the hash")
        if prev is None:
            first_seq = e["seq"]
            if e["seq"] == 1:
                if e["prev_hash"] != sha256_hex("liaison-audit-genesis-v1\n" + node):
                    raise Bad(f"line {n}: entry 1 does not start from the genesis hash")
            elif header["from_time"] is None:
                raise Bad(f"line {n}: a whole-log export must start at seq 1")
        else:
            if e["seq"] != prev[0] + 1:
                raise Bad(f"line {n}: seq {e['seq']} follows seq {prev[0]}")
            if e["prev_hash"] != prev[1]:
                raise Bad(f"line {n}: seq {e['seq']} does not link to seq {prev[0]}")
        if e["action"] == "checkpoint":
            d = e["details"]
            if sorted(d) != ["head_hash", "head_seq", "node_id", "signature"]:
                raise Bad(f"line {n}: malformed checkpoint")
            if d["head_seq"] != e["seq"] - 1 or d["head_hash"] != e["prev_hash"] or d["node_id"] != node:
                raise Bad(f"line {n}: checkpoint does not sign the entry before it")
            message = (f"liaison-audit-checkpoint-v1\n{node}\n{d['head_seq']}\n"
                       f"{d['head_hash']}\n{e['time']}")
            check_signature(key, d["signature"], message, f"line {n}: checkpoint")
        prev = (e["seq"], stored)
        count += 1

    if len(lines) < 2:
        raise Bad("truncated: no trailer")
    t = parse(len(lines))
    if t.get("format") != "liaison-audit-export-end":
        raise Bad(f"truncated: line {len(lines)} is not the trailer")
    message = (f"liaison-audit-export-v1\n{t['header_sha256']}\n{t['entries']}\n"
               f"{t['first_seq']}\n{t['last_seq']}\n{t['last_hash']}")
    check_signature(key, t["signature"], message, "trailer")
    if t["header_sha256"] != sha256_hex(lines[0]):
        raise Bad("line 1: header differs from the one the trailer signed")
    last_seq, last_hash = prev if prev else (0, "")
    if (t["entries"], t["first_seq"], t["last_seq"], t["last_hash"]) != (
            count, first_seq, last_seq, last_hash):
        raise Bad("trailer does not account for the entries in the file")
    return count


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    try:
        count = verify(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
    except (Bad, KeyError, TypeError) as e:
        print(f"{sys.argv[1]}: FIRST PROBLEM: {e}")
        return 1
    print(f"{sys.argv[1]}: intact, {count} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
