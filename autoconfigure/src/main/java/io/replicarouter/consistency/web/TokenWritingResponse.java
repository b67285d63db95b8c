package io.replicarouter.consistency.web;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * Hands the latest token to the client before the response can commit: writes made by
 * other threads (an {@code @Async} method the controller waited for) reach the client
 * even though their thread may not touch the response.
 */
final class TokenWritingResponse extends HttpServletResponseWrapper {

	private final RequestConsistency consistency;

	TokenWritingResponse(HttpServletResponse response, RequestConsistency consistency) {
		super(response);
		this.consistency = consistency;
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		this.consistency.beforeCommit();
		return super.getOutputStream();
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		this.consistency.beforeCommit();
		return super.getWriter();
	}

	@Override
	public void flushBuffer() throws IOException {
		this.consistency.beforeCommit();
		super.flushBuffer();
	}

	@Override
	public void sendError(int sc, String msg) throws IOException {
		this.consistency.beforeCommit();
		super.sendError(sc, msg);
	}

	@Override
	public void sendError(int sc) throws IOException {
		this.consistency.beforeCommit();
		super.sendError(sc);
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		this.consistency.beforeCommit();
		super.sendRedirect(location);
	}

	@Override
	public void sendRedirect(String location, int sc) throws IOException {
		this.consistency.beforeCommit();
		super.sendRedirect(location, sc);
	}

	@Override
	public void sendRedirect(String location, boolean clearBuffer) throws IOException {
		this.consistency.beforeCommit();
		super.sendRedirect(location, clearBuffer);
	}

	@Override
	public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
		this.consistency.beforeCommit();
		super.sendRedirect(location, sc, clearBuffer);
	}

}
