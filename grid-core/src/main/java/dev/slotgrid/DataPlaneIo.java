package dev.slotgrid;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which of Netty's transports the data plane runs on: the native epoll transport where its library
 * loads (Linux x86-64: an event loop woken by an eventfd, fewer copies and system calls than the JDK's
 * selector), NIO everywhere else, or when {@code -Dslotgrid.io=nio} asks for it. Chosen once per JVM.
 */
final class DataPlaneIo {

    private static final boolean EPOLL = !"nio".equalsIgnoreCase(System.getProperty("slotgrid.io"))
            && Epoll.isAvailable();

    private DataPlaneIo() {
    }

    /** {@code "epoll"} or {@code "nio"}: for logs and the benchmark report. */
    static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    static IoHandlerFactory handlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
