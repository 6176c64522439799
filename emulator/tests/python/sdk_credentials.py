"""The official Python SDK's credential providers against the emulator, then an IAI call
from the SDK's own IAI client with what they obtained.

Usage: sdk_credentials.py assume-role|oidc|cvm|oidc-refused. Reads HOST (the emulator's
host:port) and the variables of the mode from the environment; prints one JSON line with the
credentials obtained (for the Rust side to call IAI with) and the IAI answer's GroupNum, or
(oidc-refused, with a token the emulator does not accept) the SDK's error code and RequestId.
"""

import json
import os
import sys

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.iai.v20200303 import iai_client, models

host = os.environ["HOST"]
mode = sys.argv[1]

if mode == "assume-role":
    provider = credential.STSAssumeRoleCredential(
        os.environ["TENCENTCLOUD_SECRET_ID"],
        os.environ["TENCENTCLOUD_SECRET_KEY"],
        os.environ["ROLE_ARN"],
        "python-sdk-session",
        endpoint=host,
    )
elif mode in ("oidc", "oidc-refused"):
    provider = credential.OIDCRoleArnCredential(
        "ap-guangzhou",
        os.environ["PROVIDER_ID"],
        os.environ["WEB_IDENTITY_TOKEN"],
        os.environ["ROLE_ARN"],
        "python-sdk-session",
        endpoint=host,
    )
elif mode == "cvm":
    # The metadata URL is a class attribute; the real one is http://metadata.tencentyun.com.
    credential.CVMRoleCredential._role_endpoint = (
        os.environ["METADATA_URL"] + "/latest/meta-data/cam/security-credentials/"
    )
    provider = credential.CVMRoleCredential()
else:
    sys.exit("unknown mode " + mode)

try:
    secret_id, secret_key, token = provider.get_credential_info()
except TencentCloudSDKException as e:
    if mode != "oidc-refused":
        raise
    print(json.dumps({"Code": e.get_code(), "RequestId": e.get_request_id()}))
    sys.exit(0)
if mode == "oidc-refused":
    sys.exit("the emulator accepted a web identity token it should refuse")
if not (secret_id and secret_key and token):
    sys.exit("the provider got no credentials")
# The provider itself signs, as in production; it refreshes only near expiry, so the
# credentials printed are the ones it signs with (the Rust side checks one issue each).
profile = ClientProfile(httpProfile=HttpProfile(endpoint=host))
client = iai_client.IaiClient(provider, "ap-guangzhou", profile)
groups = client.GetGroupList(models.GetGroupListRequest())
print(
    json.dumps(
        {
            "TmpSecretId": secret_id,
            "TmpSecretKey": secret_key,
            "Token": token,
            "GroupNum": groups.GroupNum,
        }
    )
)
