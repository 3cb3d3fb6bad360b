"""The one exception endpoint code raises: a B2 error answered as ``{status, code, message}``."""

from __future__ import annotations

from b2kit import _protocol as p


class B2Error(Exception):
    """A request failed the B2 way; the HTTP layer turns it into the JSON error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        retry_after: int | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.headers = headers

    def body(self) -> dict[str, object]:
        return {"status": self.status, "code": self.code, "message": self.message}


def bad_request(message: str, code: str = p.BAD_REQUEST) -> B2Error:
    return B2Error(400, code, message)


def bad_bucket_id(bucket_id: str) -> B2Error:
    return B2Error(400, p.BAD_BUCKET_ID, f"Bucket {bucket_id} does not exist")


def unauthorized(message: str = "not authorized for this call with these parameters") -> B2Error:
    return B2Error(401, p.UNAUTHORIZED, message)


def not_found(message: str) -> B2Error:
    return B2Error(404, p.NOT_FOUND, message)


def access_denied(message: str) -> B2Error:
    return B2Error(403, p.ACCESS_DENIED, message)
