"""Sequential image-action converts with pydo against the loopback server.

Usage: pydo_driver.py BASE_URL SECONDS
Prints `calls_per_second: <number>` after a warm-up, one keep-alive connection throughout.
"""

import sys
import time

from pydo import Client

IMAGE = 7938269


def main() -> None:
    base_url, seconds = sys.argv[1], float(sys.argv[2])
    if not base_url.startswith(("http://127.0.0.1:", "http://[::1]:", "http://localhost:")):
        sys.exit(f"refusing {base_url!r}: this driver only talks to a loopback server")
    client = Client(token="dop_v1_bench_token_0123456789abcdef", endpoint=base_url)
    body = {"type": "convert"}
    # azure-core refuses a bearer token over plain http unless told per call; the server is
    # on loopback, so nothing crosses a network.
    post = lambda: client.image_actions.post(image_id=IMAGE, body=body, enforce_https=False)  # noqa: E731
    for _ in range(200):
        check(post())
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        check(post())
        calls += 1
        if calls % 50 == 0 and time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - start
    print(f"calls_per_second: {calls / elapsed:.1f}")


def check(answer: dict) -> None:
    if answer.get("action", {}).get("id") != 36805527:
        sys.exit(f"unexpected answer: {answer!r}")


if __name__ == "__main__":
    main()
