# Long-lived TCP connections driven by stdin commands, one answer line each:
#   open ID NSPATH IP PORT   -> "ID 1" if connected from inside NSPATH, else "ID 0"
#   send ID                  -> "ID 1" if a byte sent on the connection comes back, else "ID 0"
import ctypes, os, socket, sys, threading

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL("libc.so.6", use_errno=True)
conns = {}

def connect(ns, ip, port, out):
    fd = os.open(ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
    finally:
        os.close(fd)
    try:
        out.append(socket.create_connection((ip, port), timeout=1.0))
    except OSError:
        pass

for line in sys.stdin:
    f = line.split()
    if f[0] == "open":
        out = []
        t = threading.Thread(target=connect, args=(f[2], f[3], int(f[4]), out))
        t.start()
        t.join()
        if out:
            out[0].settimeout(1.0)
            conns[f[1]] = out[0]
        print(f[1], 1 if out else 0, flush=True)
    elif f[0] == "send":
        ok = 0
        try:
            c = conns[f[1]]
            c.sendall(b"x")
            ok = 1 if c.recv(1) == b"x" else 0
        except (OSError, KeyError):
            ok = 0
        print(f[1], ok, flush=True)
