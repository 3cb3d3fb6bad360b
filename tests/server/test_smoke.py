import hashlib


def test_upload_then_get_file_info(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "dir/a b.txt", b"abcd", info={"color": "Blue sky"})
    assert created["contentSha1"] == hashlib.sha1(b"abcd").hexdigest()
    assert created["contentType"] == "text/plain"
    assert created["fileInfo"] == {"color": "Blue sky"}
    info = wire.ok("b2_get_file_info", {"fileId": created["fileId"]})
    assert info == created
