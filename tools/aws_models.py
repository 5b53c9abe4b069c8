#!/usr/bin/env python3
"""Turn botocore's service models into simulator/data/aws-models.bin (run by hand).

    pip install --no-deps --target target/botocore/$VERSION botocore==$VERSION
    python3 tools/aws_models.py [--botocore target/botocore/$VERSION] [--out DIR]

The pinned version is BOTOCORE_VERSION below; the checksum of what this script makes from it is
recorded in simulator/data/aws-models.lock, which a test compares with the committed file.

What the file holds, per service Step Functions can call (every botocore service, named as
Step Functions' `aws-sdk:SERVICE` spells it): each operation (named as the `aws-sdk` action
spells it, lower camel case) with its one-line description and the shapes reachable from its
input and output. Member names are Step Functions' spelling (the Java SDK v2's, in PascalCase);
the model's own spelling is kept beside it when it differs. Each member carries the first
sentence of its documentation.

Layout (all integers little-endian u32):
    b"ASLMODELS1\\n"
    count, then per service: Step Functions' name and botocore's (each a u32 length and UTF-8),
    the block's offset and compressed length
    then the blocks: each a zlib stream of one service's JSON (compact, keys short):
    {"o": [[action, doc, input shape or -1, output shape or -1], ...],
     "s": [shape, ...]}
    shape: ["S", [[name, shape, required 0/1, doc, model name or ""], ...]]  structure
           (an idempotency token is not required: the SDK makes one)
           ["L", member, min, max] list   ["M", key, value] map
           ["s", [enum...], min, max] string   ["i"|"f", min, max] integer/long, float/double
           ["b"] boolean   ["t"] timestamp   ["B", min, max] blob   ["d"] document
           (min / max null when the model has none)
The checksum covers the uncompressed JSON of every block, so it does not depend on zlib.
"""

import argparse
import gzip
import hashlib
import html
import json
import os
import re
import struct
import sys
import zlib

BOTOCORE_VERSION = "1.44.8"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

JAVA_KEYWORDS = set(
    "abstract assert boolean break byte case catch char class const continue default do double "
    "else enum extends final finally float for goto if implements import instanceof int "
    "interface long native new package private protected public return short static strictfp "
    "super switch synchronized this throw throws transient try void volatile while true false "
    "null".split()
)
OBJECT_METHODS = {"equals", "hashCode", "toString", "getClass", "clone", "finalize", "notify",
                  "notifyAll", "wait"}


def uncapitalize(name):
    """The Java SDK v2's Utils.unCapitalize: lower the leading run of capitals, but keep the
    last one of a run that starts a word (`DBInstanceIdentifier` -> `dbInstanceIdentifier`)."""
    out = []
    i = 0
    while True:
        out.append(name[i].lower())
        i += 1
        if not (i < len(name) and name[i].isupper()
                and not (i < len(name) - 1 and name[i + 1].islower())):
            break
    return "".join(out) + name[i:]


def member_name(name):
    """Step Functions' spelling of a model member: the Java SDK v2 getter, capitalized."""
    java = uncapitalize(name)
    if java in JAVA_KEYWORDS or java in OBJECT_METHODS:
        java = uncapitalize(name + "Value")
    return java[0].upper() + java[1:]


def action_name(operation):
    """`aws-sdk` actions are the operation's name with its first letter lowered."""
    return operation[0].lower() + operation[1:]


def service_name(service_id):
    """The Java SDK v2's client name, lower case: the serviceId's words joined, without a
    leading Amazon / AWS or a trailing Service (`CloudWatch Logs` -> `cloudwatchlogs`)."""
    words = re.split(r"[^A-Za-z0-9]+", service_id)
    words = [w for w in words if w]
    if words and words[0].lower() in ("amazon", "aws") and len(words) > 1:
        words = words[1:]
    if len(words) > 1 and words[-1].lower() == "service":
        words = words[:-1]
    return "".join(words).lower()


TAG = re.compile(r"<[^>]+>")
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]'\"`])[.!?](?=\s|$)")


def first_sentence(doc):
    if not doc:
        return ""
    text = html.unescape(TAG.sub(" ", doc))
    text = " ".join(text.split())
    match = SENTENCE_END.search(text)
    if match:
        text = text[: match.end()]
    if len(text) > 300:
        text = text[:297].rstrip() + "..."
    return text


def latest_model(data, service):
    folder = os.path.join(data, service)
    for version in sorted(os.listdir(folder), reverse=True):
        path = os.path.join(folder, version, "service-2.json.gz")
        if os.path.exists(path):
            with gzip.open(path) as f:
                return json.load(f)
    return None


def bound(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


class Shapes:
    def __init__(self, model):
        self.model = model["shapes"]
        self.index = {}
        self.out = []

    def ref(self, name):
        if name in self.index:
            return self.index[name]
        at = len(self.out)
        self.index[name] = at
        self.out.append(None)
        self.out[at] = self.encode(self.model[name])
        return at

    def encode(self, shape):
        kind = shape["type"]
        if kind == "structure":
            if shape.get("document"):
                return ["d"]
            required = set(shape.get("required", []))
            members = []
            for name, member in shape.get("members", {}).items():
                sf = member_name(name)
                doc = first_sentence(member.get("documentation")
                                     or self.model[member["shape"]].get("documentation"))
                # An idempotency token is required, but the SDK fills it in when left out.
                needed = name in required and not member.get("idempotencyToken")
                members.append([sf, self.ref(member["shape"]), int(needed), doc,
                                "" if sf == name else name])
            return ["S", members]
        if kind == "list":
            return ["L", self.ref(shape["member"]["shape"]), bound(shape.get("min")),
                    bound(shape.get("max"))]
        if kind == "map":
            return ["M", self.ref(shape["key"]["shape"]), self.ref(shape["value"]["shape"])]
        if kind == "string":
            return ["s", shape.get("enum", []), bound(shape.get("min")), bound(shape.get("max"))]
        if kind in ("integer", "long"):
            return ["i", bound(shape.get("min")), bound(shape.get("max"))]
        if kind in ("float", "double"):
            return ["f", bound(shape.get("min")), bound(shape.get("max"))]
        if kind == "boolean":
            return ["b"]
        if kind == "timestamp":
            return ["t"]
        if kind == "blob":
            return ["B", bound(shape.get("min")), bound(shape.get("max"))]
        raise ValueError(f"unknown shape type {kind}")


def service_block(model):
    shapes = Shapes(model)
    ops = []
    for name in sorted(model["operations"]):
        op = model["operations"][name]
        if op.get("deprecated"):
            pass  # still callable; kept
        inp = shapes.ref(op["input"]["shape"]) if "input" in op else -1
        out = shapes.ref(op["output"]["shape"]) if "output" in op else -1
        ops.append([action_name(name), first_sentence(op.get("documentation")), inp, out])
    return {"o": ops, "s": shapes.out}


def generate(botocore):
    data = os.path.join(botocore, "botocore", "data")
    blocks = {}
    for service in sorted(os.listdir(data)):
        if not os.path.isdir(os.path.join(data, service)):
            continue
        model = latest_model(data, service)
        if model is None or "operations" not in model:
            continue
        name = service_name(model["metadata"].get("serviceId", service))
        if name in blocks:
            # `sms-voice` is an older copy of `pinpoint-sms-voice` (the same serviceId).
            continue
        text = json.dumps(service_block(model), separators=(",", ":"), ensure_ascii=False)
        blocks[name] = (service, text.encode())
    return blocks


def write(blocks, out):
    names = sorted(blocks)
    digest = hashlib.sha256()
    compressed = []
    for name in names:
        model_name, text = blocks[name]
        digest.update(f"{name} {model_name}".encode() + b"\0" + text + b"\0")
        compressed.append(zlib.compress(text, 9))
    header = bytearray(b"ASLMODELS1\n")
    header += struct.pack("<I", len(names))
    index_len = sum(16 + len(n.encode()) + len(blocks[n][0].encode()) for n in names)
    offset = len(header) + index_len
    for name, block in zip(names, compressed):
        for text in (name, blocks[name][0]):
            encoded = text.encode()
            header += struct.pack("<I", len(encoded)) + encoded
        header += struct.pack("<II", offset, len(block))
        offset += len(block)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "aws-models.bin"), "wb") as f:
        f.write(bytes(header) + b"".join(compressed))
    with open(os.path.join(out, "aws-models.lock"), "w") as f:
        f.write(f"botocore {BOTOCORE_VERSION}\nservices {len(names)}\n"
                f"sha256 {digest.hexdigest()}\n")
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--botocore", default=os.path.join(ROOT, "target", "botocore",
                                                          BOTOCORE_VERSION))
    parser.add_argument("--out", default=os.path.join(ROOT, "simulator", "data"))
    args = parser.parse_args()
    sys.path.insert(0, args.botocore)
    import botocore  # noqa: E402  (the pinned copy, not whatever is installed)
    if botocore.__version__ != BOTOCORE_VERSION:
        raise SystemExit(f"botocore {botocore.__version__} at {args.botocore}, "
                         f"want {BOTOCORE_VERSION}")
    print(write(generate(args.botocore), args.out))


if __name__ == "__main__":
    main()
