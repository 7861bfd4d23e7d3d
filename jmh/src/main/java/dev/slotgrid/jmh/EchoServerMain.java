package dev.slotgrid.jmh;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The floor of a network round trip on this machine: a process that echoes fixed-size messages on
 * blocking loopback TCP sockets, one thread per connection ({@code EchoServerMain SIZE}); prints
 * {@code READY port=N}. Ends at the end of its standard input.
 */
public final class EchoServerMain {

    private EchoServerMain() {
    }

    public static void main(String[] args) throws IOException {
        int size = Integer.parseInt(args[0]);
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = server.accept();
                    socket.setTcpNoDelay(true);
                    Thread echo = new Thread(() -> echo(socket, size));
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("READY port=" + server.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the benchmark closes our input
        }
        server.close();
        System.exit(0);
    }

    private static void echo(Socket socket, int size) {
        byte[] message = new byte[size];
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                in.readFully(message);
                out.write(message);
            }
        } catch (IOException ended) {
            // the benchmark closed the connection
        }
    }
}
