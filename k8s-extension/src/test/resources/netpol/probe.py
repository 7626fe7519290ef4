# Reads "netns-path dst-ip port proto" lines on stdin; probes each from inside that network namespace (one thread
# per probe, setns on the thread) and prints "index 1|0" lines.
import ctypes, os, socket, sys, threading

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL("libc.so.6", use_errno=True)
TIMEOUT = float(os.environ.get("PROBE_TIMEOUT", "1.0"))
results = {}

def probe(i, ns, ip, port, proto):
    fd = os.open(ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
    finally:
        os.close(fd)
    ok = 0
    try:
        if proto == "TCP":
            s = socket.create_connection((ip, port), timeout=TIMEOUT)
            s.settimeout(TIMEOUT)
            ok = 1 if s.recv(2) == b"ok" else 0
            s.close()
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(TIMEOUT)
            s.sendto(b"ping", (ip, port))
            ok = 1 if s.recvfrom(64)[0] == b"ping" else 0
            s.close()
    except OSError:
        ok = 0
    results[i] = ok

threads = []
for i, line in enumerate(sys.stdin.read().splitlines()):
    ns, ip, port, proto = line.split()
    t = threading.Thread(target=probe, args=(i, ns, ip, int(port), proto))
    t.start()
    threads.append(t)
for t in threads:
    t.join()
for i in sorted(results):
    print(i, results[i])
