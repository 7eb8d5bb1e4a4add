package dev.cairn.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A port where a TCP connect neither succeeds nor is refused: a listening socket that never
 * accepts, its accept queue filled with connections held open here. Linux then drops further SYNs,
 * so a client's connect waits until its own connect timeout, as with an upstream host that does
 * not answer. (A closed port refuses at once, which is "unreachable", not a timeout.)
 */
public final class UnansweredPort {

    private final ServerSocket listener;
    private final List<Socket> filling = new ArrayList<>();

    private UnansweredPort() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // Connect until one attempt times out: the queue is then full, whatever the kernel's slack.
        for (int i = 0; i < 64; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 200);
                filling.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue of port " + listener.getLocalPort() + " never filled");
    }

    public static UnansweredPort open() {
        try {
            return new UnansweredPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/v1";
    }
}
