package dev.cairn.gateway;

import java.io.IOException;

/**
 * Where the pipeline's answer goes. The edge adapts it to the servlet response; a call Cairn makes
 * itself keeps the answer in memory. Errors do not pass here: the pipeline throws them, and the
 * edge's error handling writes them.
 */
public interface Reply {

    /** Sets a header; only before the answer starts. */
    void header(String name, String value);

    /** Sends a whole JSON answer with status 200. Throws {@link IOException} when the client has gone. */
    void json(byte[] body) throws IOException;

    /** The answer as server-sent events, started by its first event. */
    EventStream events();

    /** A stream of server-sent events to the client. */
    interface EventStream extends ChunkSink {

        /** Whether the first event went out, so the status and headers can no longer change. */
        boolean started();

        /** Ends the stream with {@code data: [DONE]}. */
        void done();
    }
}
