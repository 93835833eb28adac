"""The machine's own limits for Benchmarks/s3.sh, measured in the same run as Wharf and moto.

  durable-floor DIR COUNT CONCURRENCY  4 KiB files made durable the way any crash-safe store must:
                                       write a temp file, fsync it, rename it into place, fsync the
                                       folder; prints objects/s (no HTTP, no hashing, no metadata)
  md5 FILE                             one MD5 stream over FILE (a single-PUT ETag); prints MB/s
  serve FILE PORT                      the smallest HTTP server: every GET gets FILE by sendfile(2);
                                       curl against it is loopback TCP's ceiling for a download
"""
import hashlib
import os
import socket
import sys
import threading
import time


def durable_floor(folder, count, concurrency):
    os.makedirs(os.path.join(folder, "tmp"), exist_ok=True)
    os.makedirs(os.path.join(folder, "objects"), exist_ok=True)
    dir_fd = os.open(os.path.join(folder, "objects"), os.O_RDONLY)
    payload = os.urandom(4096)

    def worker(index):
        for i in range(index, count, concurrency):
            temp = os.path.join(folder, "tmp", f"t{i}")
            fd = os.open(temp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644)
            os.write(fd, payload)
            os.fsync(fd)
            os.close(fd)
            os.rename(temp, os.path.join(folder, "objects", f"o{i}"))
            os.fsync(dir_fd)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    os.close(dir_fd)
    print(f"{count / seconds:.1f}")


def md5_rate(path):
    digest = hashlib.md5()
    size = 0
    start = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        buffer = bytearray(1 << 20)
        view = memoryview(buffer)
        while n := f.readinto(buffer):
            digest.update(view[:n])
            size += n
    print(f"{size / 1e6 / (time.perf_counter() - start):.1f}")


def serve(path, port):
    size = os.path.getsize(path)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(8)
    while True:
        conn, _ = listener.accept()
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                request += chunk
            if not request:
                continue
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % size)
            with open(path, "rb") as f:
                conn.sendfile(f)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "durable-floor" and len(sys.argv) == 5:
        durable_floor(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif command == "md5" and len(sys.argv) == 3:
        md5_rate(sys.argv[2])
    elif command == "serve" and len(sys.argv) == 4:
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
