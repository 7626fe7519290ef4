# Usage: udp.py dst-ip port size. Sends one UDP datagram of size bytes on a connected socket and waits 1 s for the
# answer. Prints "echo N" (N bytes came back, equal to what was sent), "refused" (ECONNREFUSED: an ICMP port
# unreachable reached the socket), "timeout" or "other <what>".
import errno, os, socket, sys

ip, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = bytes(i % 251 for i in range(size))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
s.connect((ip, port))
try:
    s.send(data)
    got = s.recv(65535)
    print("echo %d" % len(got) if got == data else "other %d bytes differ" % len(got))
except socket.timeout:
    print("timeout")
except OSError as e:
    print("refused" if e.errno == errno.ECONNREFUSED else "other " + os.strerror(e.errno))
