package io.replicarouter.patroni;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of one Patroni's REST API, which can be turned into a
 * black hole: while {@linkplain #pause() paused} it still accepts connections (as the
 * kernel would for a frozen server) but forwards nothing in either direction, so that
 * every request times out; {@link #resume()} forwards what was held. Patroni advertises
 * the proxy as its {@code api_url}, so clients and the other members reach the REST API
 * through it only. While the Patroni behind it is down the proxy does not
 * {@linkplain #refuse() listen}, so that connections are refused as they would be by the
 * member itself.
 */
final class RestProxy implements AutoCloseable {

	private final String name;

	private final int port;

	private final int targetPort;

	private ServerSocket server;

	private final Object gate = new Object();

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean paused;

	private volatile boolean closed;

	private RestProxy(String name, int port, int targetPort) {
		this.name = name;
		this.port = port;
		this.targetPort = targetPort;
	}

	/**
	 * Listen on a free port of 127.0.0.1 and forward to a port of 127.0.0.1.
	 * @param name a name for its threads
	 * @param targetPort the REST API's own port
	 * @return the running proxy
	 */
	static RestProxy start(String name, int targetPort) {
		try {
			ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			RestProxy proxy = new RestProxy(name, server.getLocalPort(), targetPort);
			proxy.accept(server);
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the REST proxy of " + name, ex);
		}
	}

	int port() {
		return this.port;
	}

	/**
	 * Listen again on the same port, after {@link #refuse()}.
	 */
	synchronized void listen() {
		if (this.closed || (this.server != null && !this.server.isClosed())) {
			return;
		}
		try {
			ServerSocket server = new ServerSocket();
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 50);
			accept(server);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The REST proxy of " + this.name + " cannot listen on " + this.port
					+ " again", ex);
		}
	}

	/**
	 * Stop listening, so that connections are refused, and drop those open.
	 */
	synchronized void refuse() {
		closeServer();
		this.sockets.forEach((socket) -> close(socket));
	}

	private synchronized void accept(ServerSocket server) {
		this.server = server;
		Thread acceptor = new Thread(() -> acceptOn(server), "patroni-rest-proxy-" + this.name);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private synchronized void closeServer() {
		if (this.server != null) {
			try {
				this.server.close();
			}
			catch (IOException ex) {
				// Closing.
			}
		}
	}

	boolean isPaused() {
		return this.paused;
	}

	/** Hold every byte and connection from now on. */
	void pause() {
		this.paused = true;
	}

	/** Forward again, what was held first. */
	void resume() {
		synchronized (this.gate) {
			this.paused = false;
			this.gate.notifyAll();
		}
	}

	private void acceptOn(ServerSocket server) {
		while (!server.isClosed()) {
			try {
				Socket client = server.accept();
				this.sockets.add(client);
				start("connection", () -> connect(client));
			}
			catch (IOException ex) {
				if (!server.isClosed()) {
					System.err.println("REST proxy of " + this.name + " stopped accepting: " + ex);
				}
				return;
			}
		}
	}

	private void connect(Socket client) {
		Socket target = new Socket();
		this.sockets.add(target);
		try {
			awaitForwarding();
			target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 2000);
			start("upstream", () -> pump(client, target));
			pump(target, client);
		}
		catch (IOException | InterruptedException ex) {
			close(client, target);
		}
	}

	/**
	 * Copy until either side closes, then close both (HTTP clients do not half-close).
	 */
	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[8192];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) >= 0) {
				awaitForwarding();
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// Closed by the other pump, or by close().
		}
		finally {
			close(from, to);
		}
	}

	private void awaitForwarding() throws InterruptedException, IOException {
		synchronized (this.gate) {
			while (this.paused && !this.closed) {
				this.gate.wait();
			}
		}
		if (this.closed) {
			throw new IOException("closed");
		}
	}

	private void start(String role, Runnable task) {
		Thread thread = new Thread(task, "patroni-rest-proxy-" + this.name + "-" + role);
		thread.setDaemon(true);
		thread.start();
	}

	private void close(Socket... pair) {
		for (Socket socket : pair) {
			this.sockets.remove(socket);
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Closing.
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		refuse();
		resume();
	}

}
