package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The client pod: plain TCP sockets, one HTTP/1.0 request per connection, made on a thread inside the client's
 * namespace while the JVM is in the cgroup the socket LB is attached to.
 */
final class Client {
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\nHost: web.default.svc\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private final NetNamespace pod;
    private final TestCgroup cgroup;
    private final InetSocketAddress service;

    Client(NetNamespace pod, TestCgroup cgroup, String vip, int port) {
        this.pod = pod;
        this.cgroup = cgroup;
        this.service = new InetSocketAddress(vip, port);
    }

    Distribution send(int requests) throws Exception {
        return cgroup.runInside(() -> pod.call(() -> {
            Distribution d = new Distribution(requests);
            for (int i = 0; i < requests; i++) {
                try {
                    d.answeredBy(request());
                } catch (IOException e) {
                    d.failed(e);
                }
            }
            return d;
        }));
    }

    /** How long a connect to the Service takes to be refused, or -1 if it was not refused. */
    long refusalNanos() throws Exception {
        return cgroup.runInside(() -> pod.call(() -> {
            long start = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(service, 2_000);
                return -1L;
            } catch (ConnectException refused) {
                return System.nanoTime() - start;
            } catch (IOException other) {
                return -1L;
            }
        }));
    }

    private String request() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(service, 2_000);
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            out.write(REQUEST);
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
                throw new IOException("unexpected response: " + response.lines().findFirst().orElse(""));
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4).strip();
        }
    }
}
