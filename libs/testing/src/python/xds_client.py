"""A proxyless gRPC (C-core) xDS client for tests, driven over stdin.

Usage: GRPC_XDS_BOOTSTRAP=<file> /usr/bin/python3 xds_client.py <target> <method>
Prints "ready", then for each "call" line on stdin prints "ok <reply>" or
"error <CODE> <details>". Requests and replies are raw bytes, so no generated code is needed.
"""
import sys

import grpc


def main() -> None:
    target, method = sys.argv[1], sys.argv[2]
    channel = grpc.insecure_channel(target)
    call = channel.unary_unary(method)
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command != "call":
            continue
        try:
            reply = call(b"", timeout=5, wait_for_ready=True)
            print("ok " + reply.decode(), flush=True)
        except grpc.RpcError as error:
            details = (error.details() or "").replace("\n", " ")
            print("error %s %s" % (error.code().name, details), flush=True)
    channel.close()


if __name__ == "__main__":
    main()
