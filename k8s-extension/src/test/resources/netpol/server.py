# Serves TCP and UDP on the given ports in the current network namespace: TCP accepts and closes, UDP echoes whole;
# TCP 8080 echoes on long-lived connections.
import socket, sys, threading

def tcp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(128)
    while True:
        c, _ = s.accept()
        try:
            c.sendall(b"ok")
        finally:
            c.close()

def echo_conn(c):
    try:
        while True:
            data = c.recv(64)
            if not data:
                return
            c.sendall(data)
    finally:
        c.close()

def echo(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(128)
    while True:
        c, _ = s.accept()
        threading.Thread(target=echo_conn, args=(c,), daemon=True).start()

def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(65535)  # whole datagrams, fragmented ones too
        s.sendto(data, peer)

for p in sys.argv[1:]:
    threading.Thread(target=tcp, args=(int(p),), daemon=True).start()
    threading.Thread(target=udp, args=(int(p),), daemon=True).start()
threading.Thread(target=echo, args=(8080,), daemon=True).start()
print("ready", flush=True)
sys.stdin.read()  # exit when the test closes our stdin
