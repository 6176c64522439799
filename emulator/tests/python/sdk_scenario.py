"""Drives the emulator with Tencent Cloud's official Python SDK (tencentcloud-sdk-python-common).

Run by tests/python_sdk.rs, which starts the emulator and passes:
IAI_EMULATOR_HOST (127.0.0.1:PORT), TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, and
IMAGE_ALICE, IMAGE_ALICE_AGAIN, IMAGE_BOB (base64 marked images).
Prints one line per check; exits non-zero on the first failure.
"""
import os
import sys

from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile


def client(method, sign_method="TC3-HMAC-SHA256"):
    cred = credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"])
    http = HttpProfile(protocol="http", endpoint=os.environ["IAI_EMULATOR_HOST"], reqMethod=method)
    profile = ClientProfile(httpProfile=http, signMethod=sign_method)
    return CommonClient("iai", "2020-03-03", cred, "", profile=profile)


def check(condition, what):
    if not condition:
        print("FAILED: " + what)
        sys.exit(1)
    print("ok: " + what)


def expect_error(code, call):
    try:
        call()
    except TencentCloudSDKException as e:
        check(e.code == code and e.requestId, "typed error %s (got %s, RequestId %s)" % (code, e.code, e.requestId))
        return
    check(False, "expected error " + code)


post = client("POST")
get = client("GET")
# The older HmacSHA256 signature, which tccli uses.
legacy_post = client("POST", "HmacSHA256")
legacy_get = client("GET", "HmacSHA256")
alice, alice_again, bob = (os.environ[k] for k in ("IMAGE_ALICE", "IMAGE_ALICE_AGAIN", "IMAGE_BOB"))

post.call_json("CreateGroup", {"GroupName": "Python", "GroupId": "py", "GroupExDescriptions": ["Team"]})
created = post.call_json("CreatePerson", {"GroupId": "py", "PersonName": "Alice", "PersonId": "alice", "Image": alice})
check(created["Response"]["FaceId"] != "", "person created with a marked image")

found = post.call_json("SearchFaces", {"GroupIds": ["py"], "Image": alice_again, "FaceMatchThreshold": 80})
candidates = found["Response"]["Results"][0]["Candidates"]
check(len(candidates) == 1 and candidates[0]["PersonId"] == "alice" and candidates[0]["Score"] >= 80,
      "another image of the same marked person is found with score >= 80")

other = post.call_json("SearchFaces", {"GroupIds": ["py"], "Image": bob, "FaceMatchThreshold": 80})
check(other["Response"]["Results"][0]["Candidates"] == [], "another person is not found")

listed = get.call_json("GetGroupList", {"Offset": 0, "Limit": 10})
check(listed["Response"]["GroupNum"] == 1, "GET with a query string, signed by the SDK")
by_get = get.call_json("GetPersonGroupInfo", {"PersonId": "alice"})
check(by_get["Response"]["PersonGroupInfos"][0]["GroupId"] == "py", "GET with a string parameter")

legacy = legacy_post.call_json("SearchPersons", {"GroupIds": ["py"], "Image": alice_again, "MaxPersonNum": 1})
check(legacy["Response"]["Results"][0]["Candidates"][0]["PersonId"] == "alice", "HmacSHA256-signed POST (form body)")
legacy = legacy_get.call_json("GetPersonListNum", {"GroupId": "py"})
check(legacy["Response"]["PersonNum"] == 1, "HmacSHA256-signed GET")

post.call_json("DeletePerson", {"PersonId": "alice"})
post.call_json("DeleteGroup", {"GroupId": "py"})
expect_error("InvalidParameterValue.PersonIdNotExist", lambda: post.call_json("GetPersonBaseInfo", {"PersonId": "alice"}))
expect_error("InvalidParameterValue.GroupIdNotExist", lambda: post.call_json("GetGroupInfo", {"GroupId": "py"}))
expect_error("InvalidParameterValue.PersonIdNotExist", lambda: post.call_json("DeletePerson", {"PersonId": "alice"}))
expect_error("InvalidParameterValue.GroupIdNotExist", lambda: get.call_json("GetPersonList", {"GroupId": "py"}))
expect_error("InvalidParameterValue.GroupIdNotExist", lambda: legacy_post.call_json("GetGroupInfo", {"GroupId": "py"}))
bad = CommonClient("iai", "2020-03-03", credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], "wrong"), "",
                   profile=ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=os.environ["IAI_EMULATOR_HOST"]),
                                         signMethod="HmacSHA256"))
expect_error("AuthFailure.SignatureFailure", lambda: bad.call_json("GetGroupList", {}))
print("all checks passed")
