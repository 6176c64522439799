#!/usr/bin/env python3
"""Time Tencent Cloud's official Python SDK building and signing a GetGroupInfo request, offline.

The counterpart of the Rust benches in tests/bench/client.rs:

  build  AbstractClient._build_req_with_tc3_signature("GetGroupInfo", {"GroupId": "aaa"}, req):
         JSON body, headers and TC3-HMAC-SHA256 Authorization, like `Client::prepare`
         (bench `prepare/get_group_info`).
  sign   AbstractClient._get_tc3_signature on an already built request: canonical request and
         HMAC chain only, like `signing::sign_request` (bench `sign/get_group_info`).
  call   AbstractClient.call_json("GetGroupInfo", ...): the whole call, with the HTTP send
         replaced by one that returns the documented example response at once, like a `send()`
         through an in-memory transport (bench `call/get_group_info_in_memory`).

Nothing is sent: sockets refuse to connect while timing. Prints one human line and one
`RESULT us_per_op=<float>` line (the best of --repeat runs, as timeit recommends).

    "$(cargo xtask venv)"/bin/python3 tests/bench/python_sdk_bench.py [build|sign] [--repeat 5]
"""

import argparse
import contextlib
import importlib.metadata
import socket
import sys
import timeit
from unittest import mock

from tencentcloud.common import abstract_client, credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

# Tencent's own published example credentials (not real keys), as in the Rust bench.
SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
HOST = "iai.tencentcloudapi.com"
PARAMS = {"GroupId": "aaa"}
# The documented example response of GetGroupInfo, as in the Rust bench.
EXAMPLE = (b'{"Response":{"GroupName":"aaa","GroupId":"aaa","GroupExDescriptions":["24"],'
           b'"Tag":"fdsaf","FaceModelVersion":"3.0","CreationTimestamp":1559530931613,'
           b'"RequestId":"6faa05d0-287b-464e-8755-cf3e8d0c703d"}}')


class CannedResponse:
    """What the SDK reads of a `requests` response on the success path."""
    status_code = 200
    reason = "OK"
    content = EXAMPLE
    headers = {"Content-Type": "application/json"}


@contextlib.contextmanager
def no_network():
    def refuse(*_args, **_kwargs):
        raise RuntimeError("python_sdk_bench.py must stay offline")
    with mock.patch.object(socket.socket, "connect", refuse), \
            mock.patch.object(socket, "create_connection", refuse):
        yield


class _Client(abstract_client.AbstractClient):
    _service = "iai"
    _apiVersion = "2020-03-03"


def make_client():
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=HOST))
    # The Rust client sends no X-TC-Language unless configured; the SDK skips it when falsy.
    profile.language = None
    return _Client(credential.Credential(SECRET_ID, SECRET_KEY), "ap-guangzhou", profile)


def answer_with_example(client):
    """Replaces the HTTP send (the only network step) with the canned response."""
    sent = []

    def send_request(req):
        sent.append(req)
        return CannedResponse()
    client.request.send_request = send_request
    return sent


def build_once(client):
    req = RequestInternal(HOST, "POST", "/")
    client._build_req_with_tc3_signature("GetGroupInfo", PARAMS, req)
    return req


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=["build", "sign", "call"], default="build")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    client = make_client()
    with no_network():
        built = build_once(client)
        assert built.header["Authorization"].startswith("TC3-HMAC-SHA256 Credential=" + SECRET_ID)
        assert built.data in ('{"GroupId": "aaa"}', b'{"GroupId": "aaa"}'), built.data
        if args.what == "build":
            stmt = lambda: build_once(client)  # noqa: E731
        elif args.what == "call":
            sent = answer_with_example(client)
            reply = client.call_json("GetGroupInfo", PARAMS)
            assert reply["Response"]["GroupId"] == "aaa", reply
            assert sent[-1].header["Authorization"].startswith("TC3-HMAC-SHA256"), sent[-1].header
            stmt = lambda: client.call_json("GetGroupInfo", PARAMS)  # noqa: E731
        else:
            date = "2023-11-14"
            stmt = lambda: client._get_tc3_signature(  # noqa: E731
                PARAMS, built, date, "iai", SECRET_KEY)
        timer = timeit.Timer(stmt)
        loops, _ = timer.autorange()
        best = min(timer.repeat(repeat=args.repeat, number=loops)) / loops

    us = best * 1e6
    print("tencentcloud-sdk-python-common %s on Python %s: %s GetGroupInfo: %.3f us/op "
          "(best of %d x %d loops)" % (importlib.metadata.version("tencentcloud-sdk-python-common"), sys.version.split()[0],
                                       args.what, us, args.repeat, loops))
    print("RESULT us_per_op=%.6f" % us)


if __name__ == "__main__":
    main()
