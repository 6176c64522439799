#!/usr/bin/env python3
"""Generate TC3-HMAC-SHA256 test vectors from Tencent Cloud's official Python SDK.

The SDK (tencentcloud-sdk-python-common, pinned in requirements.txt) is the source
of truth: every expected header and Authorization in tests/fixtures/tc3_vectors.json
is produced by its own `AbstractClient._build_req_with_tc3_signature`, run offline
with a frozen clock. Nothing is ever sent: sockets are disabled while signing.

    venv=$(cargo xtask venv)     # a virtual environment with the pinned SDK (or: pip install -r tests/signing/requirements.txt)
    $venv/bin/python3 tests/signing/gen_vectors.py           # rewrite the fixture
    $venv/bin/python3 tests/signing/gen_vectors.py --check   # exit 1 if the committed fixture is stale
"""

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import pathlib
import socket
import sys
import types
from unittest import mock

from tencentcloud.common import abstract_client, credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

SDK_PIN = "tencentcloud-sdk-python-common==3.1.195"
FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "tc3_vectors.json"

# Tencent's own published example credentials (not real keys).
SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TS = 1700000000  # 2023-11-14T22:13:20Z: arbitrary, not at a UTC date boundary

# The "Signature v3" worked example (CVM DescribeInstances). The expected value is
# copied from the documentation, not computed, so it independently checks the SDK.
DOC_SIGNATURE = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
DOC_AUTHORIZATION = (
    "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
    "SignedHeaders=content-type;host, Signature=" + DOC_SIGNATURE
)
DOC_PAYLOAD_SHA256 = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
DOC_SOURCE = (
    "Tencent Cloud API 3.0 'Signature Algorithm v3' documentation, CVM DescribeInstances worked "
    "example (English page https://intl.cloud.tencent.com/document/api/1021/34193; value read from "
    "an indexed Markdown copy of that page's text, steps 3-4 and the curl example). The same "
    "Signature appears in the curl example of github.com/tencentyun/qcloud-documents "
    "product/云资源管理/云API/操作指南/Python_API.md @0ce3c58575c5a68ae89df99b4cfd3c17de259239 "
    "(SecretId partly masked there). Doc also gives HashedRequestPayload " + DOC_PAYLOAD_SHA256 +
    " and HashedCanonicalRequest 5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031. "
    "gen_vectors.py checks that the SDK reproduces this Authorization."
)

IAI = dict(service="iai", host="iai.tencentcloudapi.com", version="2020-03-03")

# Each spec feeds the SDK. `params` is what a caller passes; `body` (optional) picks how
# the body is serialized: "sdk" = the SDK's own json.dumps (ASCII-escaped), "raw_utf8" =
# json.dumps(ensure_ascii=False), "empty" = a zero-length body. `language` None means
# the X-TC-Language header is not sent; "sdk-default" means an untouched ClientProfile().
SPECS = [
    dict(name="ascii_body", **IAI, action="GetGroupInfo", params={"GroupId": "aaa"},
         region="ap-guangzhou", language=None, timestamp=TS),
    dict(name="non_ascii_raw_utf8_body", **IAI, action="CreateGroup",
         params={"GroupId": "g1", "GroupName": "人脸组 ✓"}, body="raw_utf8",
         region="ap-guangzhou", language=None, timestamp=TS,
         note="body is raw UTF-8: abstract_client.json.dumps patched to ensure_ascii=False; "
              "signing is still the SDK's _build_req_with_tc3_signature/_get_tc3_signature"),
    dict(name="non_ascii_escaped_sdk_default", **IAI, action="CreateGroup",
         params={"GroupId": "g1", "GroupName": "人脸组 ✓"},
         region="ap-guangzhou", language=None, timestamp=TS,
         note="the SDK's default json.dumps escapes non-ASCII as \\uXXXX"),
    dict(name="empty_object_body", **IAI, action="GetGroupList", params={},
         region="ap-guangzhou", language=None, timestamp=TS),
    dict(name="empty_body", **IAI, action="GetGroupList", params={}, body="empty",
         region="ap-guangzhou", language=None, timestamp=TS,
         note="zero-length body: abstract_client.json.dumps patched to return ''; "
              "payload hash is SHA-256 of the empty string"),
    dict(name="session_token", **IAI, action="GetGroupInfo", params={"GroupId": "aaa"},
         token="ExampleSessionToken+/=_-0123456789abcdefghijklmnopqrstuvwxyz",
         region="ap-guangzhou", language=None, timestamp=TS),
    dict(name="date_boundary_2023_12_31_23_59_59", **IAI, action="GetGroupInfo",
         params={"GroupId": "aaa"}, region="ap-guangzhou", language=None, timestamp=1704067199,
         note="credential scope date 2023-12-31"),
    dict(name="date_boundary_2024_01_01_00_00_00", **IAI, action="GetGroupInfo",
         params={"GroupId": "aaa"}, region="ap-guangzhou", language=None, timestamp=1704067200,
         note="one second later: credential scope date 2024-01-01"),
    dict(name="intl_host", service="iai", host="iai.intl.tencentcloudapi.com", version="2020-03-03",
         action="GetGroupInfo", params={"GroupId": "aaa"}, region="ap-singapore",
         language=None, timestamp=TS),
    dict(name="no_region", **IAI, action="GetGroupInfo", params={"GroupId": "aaa"},
         region=None, language=None, timestamp=TS, note="X-TC-Region is not sent"),
    dict(name="language_en_us", **IAI, action="GetGroupInfo", params={"GroupId": "aaa"},
         region="ap-guangzhou", language="en-US", timestamp=TS),
    dict(name="language_sdk_default_zh_cn", **IAI, action="GetGroupInfo", params={"GroupId": "aaa"},
         region="ap-guangzhou", language="sdk-default", timestamp=TS,
         note="an untouched ClientProfile() sends X-TC-Language: zh-CN"),
    dict(name="host_with_port", service="iai", host="127.0.0.1:8080", version="2020-03-03",
         action="GetGroupInfo", params={"GroupId": "aaa"}, region="ap-guangzhou",
         language=None, timestamp=TS, note="Host header and canonical host keep the port"),
    dict(name="nested_payload", **IAI, action="SearchFaces",
         params={"GroupIds": ["g1", "g2"], "Url": "https://example.com/a b.jpg?x=1&y=2",
                 "MaxFaceNum": 2, "FaceMatchThreshold": 60.5, "NeedPersonInfo": 1,
                 "NeedRotateDetection": 0, "QualityControl": 0},
         region="ap-guangzhou", language=None, timestamp=TS),
    dict(name="doc_example_cvm_describe_instances", service="cvm", host="cvm.tencentcloudapi.com",
         version="2017-03-12", action="DescribeInstances",
         params={"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]},
         region="ap-guangzhou", language=None, timestamp=1551113065,
         content_type="application/json; charset=utf-8",
         note="documented example; the doc signs Content-Type 'application/json; charset=utf-8', "
              "so the SDK's module constant _json_content is patched to that value"),
]


@contextlib.contextmanager
def no_network():
    """Fail loudly if anything tries to open a connection while signing."""
    def refuse(*_args, **_kwargs):
        raise RuntimeError("gen_vectors.py must stay offline")
    with mock.patch.object(socket.socket, "connect", refuse), \
            mock.patch.object(socket, "create_connection", refuse):
        yield


class _Client(abstract_client.AbstractClient):
    """AbstractClient rather than CommonClient: the latter rejects region=None."""

    def __init__(self, service, version, cred, region, profile):
        self._service = service
        self._apiVersion = version
        super().__init__(cred, region, profile)


def _profile(host, language):
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=host))
    if language == "sdk-default":
        return profile
    # ClientProfile() refuses None, but the SDK only sends X-TC-Language when it is truthy.
    profile.language = language
    return profile


def _dumps_for(body):
    if body == "raw_utf8":
        return lambda obj: json.dumps(obj, ensure_ascii=False)
    if body == "empty":
        return lambda obj: ""
    return json.dumps


def sign_with_sdk(spec):
    """Run the SDK's own TC3 path for one spec; returns the built RequestInternal."""
    cred = credential.Credential(SECRET_ID, SECRET_KEY, spec.get("token"))
    client = _Client(spec["service"], spec["version"], cred, spec["region"],
                     _profile(spec["host"], spec["language"]))
    req = RequestInternal(spec["host"], "POST", "/")
    # Only the body serializer is swapped; everything else stays the SDK's code.
    fake_json = types.SimpleNamespace(dumps=_dumps_for(spec.get("body", "sdk")), loads=json.loads)
    content_type = spec.get("content_type", abstract_client._json_content)
    with no_network(), \
            mock.patch.object(abstract_client.time, "time", return_value=float(spec["timestamp"])), \
            mock.patch.object(abstract_client, "json", fake_json), \
            mock.patch.object(abstract_client, "_json_content", content_type):
        client._build_req_with_tc3_signature(spec["action"], spec["params"], req)
    return req


def build_vector(spec):
    req = sign_with_sdk(spec)
    data = req.data.decode("utf-8") if isinstance(req.data, bytes) else req.data
    headers = {k: str(v) for k, v in req.header.items() if k != "X-TC-RequestClient"}
    # The SDK would upper-case a lower-case first letter; keep inputs canonical so the
    # fixture's "action" is both the signer input and the header value.
    assert headers["X-TC-Action"] == spec["action"], spec["name"]
    language = spec["language"]
    if language == "sdk-default":
        language = ClientProfile().language
    vector = {
        "name": spec["name"],
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "token": spec.get("token"),
        "service": spec["service"],
        "host": spec["host"],
        "action": spec["action"],
        "version": spec["version"],
        "region": spec["region"],
        "language": language,
        "timestamp": spec["timestamp"],
        "content_type": headers["Content-Type"],
        "payload": data,
        "expected_headers": headers,
        "expected_authorization": headers["Authorization"],
    }
    if "note" in spec:
        vector["note"] = spec["note"]
    return vector


def check_documented_example(vector):
    """The SDK must reproduce the documented signature, both via the full build path
    and via a direct _get_tc3_signature call on a hand-built request."""
    if hashlib.sha256(vector["payload"].encode("utf-8")).hexdigest() != DOC_PAYLOAD_SHA256:
        sys.exit("doc example payload bytes differ from the documented body")
    if vector["expected_authorization"] != DOC_AUTHORIZATION:
        sys.exit("SDK does not reproduce the documented Authorization:\n  sdk: %s\n  doc: %s"
                 % (vector["expected_authorization"], DOC_AUTHORIZATION))
    req = RequestInternal("cvm.tencentcloudapi.com", "POST", "/", data=vector["payload"], header={
        "Content-Type": "application/json; charset=utf-8",
        "Host": "cvm.tencentcloudapi.com",
        "X-TC-Timestamp": "1551113065",
    })
    client = _Client("cvm", "2017-03-12", credential.Credential(SECRET_ID, SECRET_KEY),
                     "ap-guangzhou", _profile("cvm.tencentcloudapi.com", None))
    sig = client._get_tc3_signature(None, req, "2019-02-25", "cvm", SECRET_KEY)
    if sig != DOC_SIGNATURE:
        sys.exit("_get_tc3_signature gives %s, documentation says %s" % (sig, DOC_SIGNATURE))


def generate():
    vectors = [build_vector(spec) for spec in SPECS]
    doc = next(v for v in vectors if v["name"] == "doc_example_cvm_describe_instances")
    check_documented_example(doc)
    doc["source"] = DOC_SOURCE
    doc["documented_authorization"] = DOC_AUTHORIZATION
    fixture = {
        "generator": "tests/signing/gen_vectors.py",
        "sdk": "tencentcloud-sdk-python-common==" + installed_sdk_version(),
        "vectors": vectors,
    }
    return json.dumps(fixture, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def diff_summary(old_text, new_text):
    try:
        old = {v["name"]: v for v in json.loads(old_text)["vectors"]}
    except (ValueError, KeyError, TypeError):
        return ["committed fixture is not a valid vector file"]
    new = {v["name"]: v for v in json.loads(new_text)["vectors"]}
    lines = ["missing vector: " + n for n in sorted(new.keys() - old.keys())]
    lines += ["unexpected vector: " + n for n in sorted(old.keys() - new.keys())]
    for name in sorted(new.keys() & old.keys()):
        for field in sorted(new[name].keys() | old[name].keys()):
            if new[name].get(field) != old[name].get(field):
                lines.append("%s: field %r differs" % (name, field))
    return lines or ["formatting differs (content is equal); regenerate"]


def installed_sdk_version():
    """The installed common package's version. Not `tencentcloud.__version__`: every
    tencentcloud-sdk-python-* package ships that file, so the last one installed (tccli's
    iai or cvm package, say) decides what it says."""
    return importlib.metadata.version("tencentcloud-sdk-python-common")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed fixture instead of writing it")
    args = parser.parse_args()

    if installed_sdk_version() != SDK_PIN.split("==")[1]:
        sys.exit("expected %s, found %s; run with the python3 of `cargo xtask venv`"
                 % (SDK_PIN, installed_sdk_version()))

    text = generate()
    if args.check:
        committed = FIXTURE.read_text(encoding="utf-8") if FIXTURE.exists() else ""
        if committed != text:
            print("%s is stale:" % FIXTURE, file=sys.stderr)
            for line in diff_summary(committed, text):
                print("  " + line, file=sys.stderr)
            print("run: python3 tests/signing/gen_vectors.py", file=sys.stderr)
            return 1
        print("%s is up to date (%d vectors)" % (FIXTURE, len(json.loads(text)["vectors"])))
        return 0
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(text, encoding="utf-8")
    print("wrote %s (%d vectors)" % (FIXTURE, len(json.loads(text)["vectors"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
