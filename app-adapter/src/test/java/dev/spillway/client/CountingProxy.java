package dev.spillway.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port in front of one server node's thin-client port, counting the bytes clients send
 * through it: with one proxy per node, the counts show which node each request went to.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicLong sent = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    CountingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "proxy-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The proxy's address, for the client configuration. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes clients sent through the proxy so far. */
    long sent() {
        return sent.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(target);
                pump(client, target, sent);
                pump(target, client, new AtomicLong());
            }
            catch (IOException e) {
                // Closed.
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 << 10];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    counter.addAndGet(n);
                    out.write(buf, 0, n);
                }
            }
            catch (IOException e) {
                // One side closed.
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump-" + targetPort);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(CountingProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        }
        catch (Exception e) {
            // Nothing to do.
        }
    }
}
